from django.urls import path

from . import views

app_name = "parindex"
urlpatterns = [
    path("", views.index, name="index"),
    path("methodologies/", views.methodologies, name="methodologies"),
    path("methodologies/<str:code>/", views.methodology_detail, name="methodology"),
    path("cycles/new/", views.cycle_create, name="cycle-create"),
    path("cycles/<str:code>/", views.cycle_detail, name="cycle"),
    path("cycles/<str:code>/do/<str:action>/", views.cycle_action, name="cycle-action"),
    path("cycles/<str:code>/subjects/", views.cycle_subjects, name="cycle-subjects"),
    path("cycles/<str:code>/subjects/<str:agency>/set/", views.subject_set, name="subject-set"),
    path("cycles/<str:code>/ranking/", views.ranking, name="ranking"),
    path("cycles/<str:code>/heatmap/", views.heatmap, name="heatmap"),
    path("cycles/<str:code>/subjects/<str:agency>/", views.subject_sheet, name="subject"),
    path(
        "cycles/<str:code>/subjects/<str:agency>/do/<str:action>/",
        views.subject_action,
        name="subject-action",
    ),
    path("cycles/<str:code>/subjects/<str:agency>/card/", views.report_card, name="card"),
    path("cycles/<str:code>/subjects/<str:agency>/items/<str:item_code>/", views.item_detail, name="item"),
    path(
        "cycles/<str:code>/subjects/<str:agency>/evidence/<int:pk>/", views.evidence_download, name="evidence"
    ),
]
