from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<str:code>/", views.agency_detail, name="agency"),
    path("units/<str:code>/restructuring/", views.restructuring, name="restructuring"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/roles/", views.role_assign, name="role-assign"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
]
