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
    path("settings/peers/", views.peer_list, name="peers"),
    path("settings/peers/new/", views.peer_new, name="peer_new"),
    path("settings/peers/<int:pk>/", views.peer_edit, name="peer_edit"),
    path("settings/certificates/", views.certificate_list, name="certificates"),
    path("settings/certificates/new/", views.certificate_new, name="certificate_new"),
    path(
        "settings/certificates/<int:pk>/deactivate/",
        views.certificate_deactivate,
        name="certificate_deactivate",
    ),
    path("settings/trusted-cas/", views.trusted_ca_list, name="trusted_cas"),
    path("settings/trusted-cas/new/", views.trusted_ca_new, name="trusted_ca_new"),
    path(
        "settings/trusted-cas/<int:pk>/deactivate/", views.trusted_ca_deactivate, name="trusted_ca_deactivate"
    ),
    path("settings/registers/", views.register_list, name="registers"),
    path("settings/registers/new/", views.register_new, name="register_new"),
    path("exchange/package/", views.receive_package, name="receive_package"),
    path("exchange/status/", views.receive_status, name="receive_status"),
]
