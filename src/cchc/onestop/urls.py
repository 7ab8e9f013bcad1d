from django.urls import path

from . import views

app_name = "onestop"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("desk/", views.desk, name="desk"),
    path("overdue/", views.overdue, name="overdue"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("book/", views.book_view, name="book"),
    path("book/file/<int:job_id>/", views.book_file, name="book_file"),
    path("rules/", views.rules_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("d/<int:pk>/", views.detail, name="detail"),
    path("d/<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("d/<int:pk>/form/<str:number>.pdf", views.form_pdf, name="form"),
    path("d/<int:pk>/files/<int:file_id>/", views.file_download, name="file"),
]
