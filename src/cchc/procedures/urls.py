from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("tthc/<str:code>/", views.detail, name="detail"),
    path("tthc/<str:code>/diff/", views.diff, name="diff"),
    path("tthc/<str:code>/new-version/", views.version_new, name="version-new"),
    path("tthc/<str:code>/abolish/", views.abolish, name="abolish"),
    path("forms/<int:pk>/", views.form_template, name="form-template"),
    path("manage/", views.manage, name="manage"),
    path("export.<str:fmt>", views.export, name="export"),
]
