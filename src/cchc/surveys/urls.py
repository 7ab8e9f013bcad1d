from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("questionnaires/import/", views.questionnaire_import, name="questionnaire-import"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:pk>/xlsform/", views.questionnaire_export, name="questionnaire-export"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question-edit"),
    path("questionnaires/<int:pk>/<slug:action>/", views.questionnaire_action, name="questionnaire-action"),
    path("new/", views.survey_create, name="survey-create"),
    path("<int:pk>/", views.survey_detail, name="survey"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/paper/", views.paper_entry, name="paper"),
    path("<int:pk>/import/", views.responses_import, name="responses-import"),
    path("<int:pk>/import/template.csv", views.responses_template, name="responses-template"),
    path("<int:pk>/responses.xlsx", views.responses_export, name="responses-export"),
    path("<int:pk>/scores/", views.scores, name="scores"),
    path("<int:pk>/sipas/", views.sipas, name="sipas"),
    path("<int:pk>/do/<slug:action>/", views.survey_action, name="survey-action"),
    path("r/", views.answer_start, name="answer-start"),
    path("r/thanks/", views.answer_done, name="answer-done"),
    path("r/<str:token>/", views.answer, name="answer"),
]
