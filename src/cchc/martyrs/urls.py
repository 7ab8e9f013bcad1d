from django.urls import path

from . import views

app_name = "martyrs"
urlpatterns = [
    path("", views.home, name="home"),
    path("m/<int:pk>/", views.martyr_detail, name="martyr"),
    path("cemeteries/", views.cemetery_list, name="cemeteries"),
    path("cemeteries/<int:pk>/", views.cemetery_detail, name="cemetery"),
    path("request/", views.request_new, name="request_new"),
    path("request/done/", views.request_done, name="request_done"),
    path("track/", views.track, name="track"),
    path("staff/", views.staff, name="staff"),
    path("staff/requests/", views.requests_list, name="requests"),
    path("staff/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("staff/m/<int:pk>/contacts/", views.martyr_contacts, name="martyr_contacts"),
    path("staff/m/<int:pk>/edit/", views.martyr_edit, name="martyr_edit"),
    path("staff/duplicates/", views.duplicates, name="duplicates"),
    path("staff/import/", views.import_upload, name="import"),
    path("staff/export/", views.export, name="export"),
    path("staff/graves/<int:pk>/identify/", views.grave_identify, name="grave_identify"),
]
