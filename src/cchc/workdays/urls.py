from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("overrides/", views.override_create, name="override-create"),
    path("overrides/<int:pk>/revoke/", views.override_revoke, name="override-revoke"),
]
