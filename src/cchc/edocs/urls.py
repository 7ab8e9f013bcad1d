from django.urls import path

from . import views

app_name = "edocs"
urlpatterns = [
    path("", views.incoming_list, name="incoming"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("in/paper/", views.incoming_paper, name="incoming_paper"),
    path("in/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("out/", views.outgoing_list, name="outgoing"),
    path("out/new/", views.outgoing_new, name="outgoing_new"),
    path("out/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("exchange/package/", views.receive_package, name="receive_package"),
    path("exchange/status/", views.receive_status, name="receive_status"),
]
