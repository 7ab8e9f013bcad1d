from django.urls import path

from . import views

app_name = "onestop"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("desk/", views.desk, name="desk"),
    path("overdue/", views.overdue, name="overdue"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("d/<int:pk>/", views.detail, name="detail"),
    path("d/<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("d/<int:pk>/form/<str:number>.pdf", views.form_pdf, name="form"),
    path("d/<int:pk>/files/<int:file_id>/", views.file_download, name="file"),
]
