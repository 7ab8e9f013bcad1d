from django.urls import path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member-add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/classify/", views.round_classify, name="round-classify"),
    path("rounds/<int:pk>/submit/", views.round_submit, name="round-submit"),
    path("rounds/<int:pk>/approve/", views.round_approve, name="round-approve"),
    path("rounds/<int:pk>/return/", views.round_return, name="round-return"),
    path("rounds/<int:pk>/export/", views.round_export, name="round-export"),
    path("<int:pk>/applications/", views.application_receive, name="application-receive"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats-export"),
    path("standards/", views.standards, name="standards"),
    path("import/", views.import_upload, name="import"),
]
