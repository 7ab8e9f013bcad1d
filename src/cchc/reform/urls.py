from django.urls import path

from . import views

app_name = "reform"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("registers/<str:key>/", views.register_list, name="register"),
    path("registers/<str:key>/new/", views.register_edit, name="register-new"),
    path("registers/<str:key>/<int:pk>/", views.register_edit, name="register-edit"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("metrics/<str:name>/", views.metric_detail, name="metric"),
    path("report/", views.report, name="report"),
    path("report/download/", views.report_download, name="report-download"),
]
