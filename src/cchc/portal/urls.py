from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedures/", views.online_procedures, name="procedures"),
    path("file/<str:procedure_code>/", views.file_online, name="file"),
    path("file/<str:procedure_code>/draft/<int:pk>/", views.file_online, name="file_draft"),
    path("dossiers/", views.my_dossiers, name="my_dossiers"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/files/<int:file_id>/", views.dossier_file, name="dossier_file"),
    path("dossiers/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("dossiers/<int:pk>/rate/", views.rate, name="rate"),
    path("dossiers/<int:pk>/pay/", views.payment_start, name="payment_start"),
    path("payments/notify/", views.payment_notify, name="payment_notify"),
    path("payments/<str:reference>/return/", views.payment_return, name="payment_return"),
    path("sandbox-pay/", views.sandbox_pay, name="sandbox_pay"),
    path("track/", views.track, name="track"),
    path("track/verify/", views.track_verify, name="track_verify"),
    path("track/<str:code>/", views.tracked, name="tracked"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("my-data/", views.data_export, name="data_export"),
    path("statistics/", views.public_statistics, name="statistics"),
    path("criteria/", views.criteria, name="criteria"),
]
