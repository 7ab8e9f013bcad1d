from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<str:code>/", views.agency_detail, name="agency"),
    path("units/<str:code>/restructuring/", views.restructuring, name="restructuring"),
    path("units/<str:code>/children/", views.agency_create_child, name="agency-create-child"),
    path("units/<str:code>/change/", views.agency_change, name="agency-change"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/roles/", views.role_assign, name="role-assign"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
]
