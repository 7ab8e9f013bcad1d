from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.officer_list, name="list"),
    path("<int:pk>/", views.officer_detail, name="detail"),
    path("mine/", views.mine, name="mine"),
    path("mine/new/", views.file, name="file"),
    path("mine/<int:pk>/", views.mine_detail, name="mine_detail"),
]
