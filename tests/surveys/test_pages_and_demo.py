"""Staff pages: lists scoped by unit, questionnaire builder and import, SIPAS dashboard, scores, API, demo."""

import io

import pytest
from django.urls import reverse

from cchc.org.models import Role
from cchc.surveys import services
from cchc.surveys.models import Questionnaire, Response, Survey

from .conftest import PAR_FORM_CHOICES, PAR_FORM_SETTINGS, PAR_FORM_SURVEY, xlsform_bytes

pytestmark = pytest.mark.django_db


def test_lists_are_scoped_and_denied_by_default(
    client, ministry, make_staff, officer, survey, citizen, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:index"))
    assert page.status_code == 200 and "Khảo sát 2018" in page.content.decode()
    stranger = make_staff("stranger", ministry["b"], [(Role.REFORM_OFFICER, ministry["b"], False)])
    client.force_login(stranger)
    assert "Khảo sát 2018" not in client.get(reverse("surveys:index")).content.decode()
    assert client.get(reverse("surveys:survey", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:scores", args=[survey.pk])).status_code == 404
    nobody = make_staff("nobody", ministry["a"])
    client.force_login(nobody)
    assert client.get(reverse("surveys:index")).status_code == 403
    client.force_login(citizen)
    assert client.get(reverse("surveys:index")).status_code == 403


def test_import_xlsform_through_the_page_reports_errors(client, officer, ministry):
    client.force_login(officer)
    bad = io.BytesIO(xlsform_bytes([["type", "name", "label"], ["select_one nolist", "q", "Q"]], None))
    bad.name = "bad.xlsx"
    page = client.post(
        reverse("surveys:questionnaire-import"), {"agency": ministry["ministry"].pk, "file": bad}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "nolist" in html and "<td>survey</td>" in html
    assert not Questionnaire.objects.exists()
    good = io.BytesIO(xlsform_bytes(PAR_FORM_SURVEY, PAR_FORM_CHOICES, PAR_FORM_SETTINGS))
    good.name = "par.xlsx"
    page = client.post(
        reverse("surveys:questionnaire-import"), {"agency": ministry["ministry"].pk, "file": good}
    )
    q = Questionnaire.objects.get()
    assert page.url == reverse("surveys:questionnaire", args=[q.pk])
    detail = client.get(page.url).content.decode()
    assert "Chỉ đạo điều hành CCHC" in detail and "Tải về dạng XLSForm" in detail
    export = client.get(reverse("surveys:questionnaire-export", args=[q.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_builder_page_adds_questions_to_a_draft(client, officer, ministry):
    client.force_login(officer)
    page = client.post(
        reverse("surveys:questionnaire-create"),
        {"agency": ministry["ministry"].pk, "code": "b1", "title_vi": "Bảng hỏi", "title_en": "Form"},
    )
    q = Questionnaire.objects.get(code="b1")
    url = reverse("surveys:questionnaire", args=[q.pk])
    assert page.url == url
    client.post(
        url,
        {
            "kind": "likert",
            "name": "sat",
            "label_vi": "Mức hài lòng",
            "required": "on",
            "choices": "1 | Rất không hài lòng\n2 | Không hài lòng\n3 | Bình thường\n4 | Hài lòng\n5 | Rất hài lòng",
            "aspect": "overall",
        },
    )
    bad = client.post(url, {"kind": "select_one", "name": "x", "label_vi": "X", "choices": ""})
    assert "cần có các phương án" in bad.content.decode()
    assert list(q.questions.values_list("name", "kind", "required")) == [("sat", "likert", True)]
    client.post(reverse("surveys:questionnaire-action", args=[q.pk, "publish"]))
    q.refresh_from_db()
    assert q.status == Questionnaire.Status.PUBLISHED


def test_sipas_dashboard_hides_small_groups_and_exports(client, officer, ministry, survey):
    for v in (5, 4, 4, 2, 1, 5):
        services.response_enter(
            actor=officer,
            survey=survey,
            group=survey.groups.get(code="staff"),
            subject=ministry["a"],
            raw={"q_direction": str(v), "q_procedures": "a"},
            service="Cấp phép",
        )
    services.response_enter(
        actor=officer,
        survey=survey,
        group=survey.groups.get(code="staff"),
        subject=ministry["b"],
        raw={"q_direction": "5", "q_procedures": "a"},
    )
    client.force_login(officer)
    html = client.get(reverse("surveys:sipas", args=[survey.pk])).content.decode()
    assert "66,67%" in html and "<svg" in html and "Tiếp cận dịch vụ" in html
    row_b = html[html.index("Cục B") :]
    assert "quá ít người trả lời" in row_b[:400]
    assert (
        "Cấp phép" in client.get(reverse("surveys:sipas", args=[survey.pk]) + "?by=service").content.decode()
    )
    xlsx = client.get(reverse("surveys:sipas", args=[survey.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    scores = client.get(reverse("surveys:scores", args=[survey.pk])).content.decode()
    assert "Cách tính điểm" in scores and "SHA-256" in scores and "ẩn" in scores
    export = client.get(reverse("surveys:responses-export", args=[survey.pk]))
    assert export.status_code == 200


def test_response_import_page_runs_as_a_job_and_reports_rows(
    client, officer, ministry, survey, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_JOBS_EAGER = True
    client.force_login(officer)
    data = f"group,subject,q_direction,q_procedures\nstaff,{ministry['a'].code},4,a\nstaff,{ministry['a'].code},7,a\n"
    upload = io.BytesIO(data.encode())
    upload.name = "r.csv"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("surveys:responses-import", args=[survey.pk]), {"file": upload})
    assert page.status_code == 302 and "/jobs/" in page.url
    job_page = client.get(page.url).content.decode()
    assert "row 3" in job_page and "q_direction" in job_page
    assert not Response.objects.exists()


def test_api_lists_surveys_and_satisfaction(client, officer, ministry, survey):
    client.force_login(officer)
    listing = client.get("/api/v1/surveys/surveys/").json()
    assert listing["results"][0]["name"] == "Khảo sát 2018"
    body = client.get(f"/api/v1/surveys/surveys/{survey.pk}/satisfaction/").json()
    assert body == {"minimum_group": 5, "rows": []}


def test_demo_loader_is_marked_synthetic(superuser, ministry):
    import io as _io

    from cchc.org import demo as org_demo
    from cchc.surveys import demo

    org_demo.load(_io.StringIO())
    out = _io.StringIO()
    demo.load(out)
    survey = Survey.objects.get(is_synthetic=True, name__startswith="SIPAS 2018")
    assert survey.responses.count() > 100 and "synthetic" in out.getvalue()


def test_empty_survey_pages_render(client, officer, survey):
    client.force_login(officer)
    for name in (
        "surveys:survey",
        "surveys:scores",
        "surveys:sipas",
        "surveys:paper",
        "surveys:responses-import",
    ):
        assert client.get(reverse(name, args=[survey.pk])).status_code == 200, name


def test_english_respondents_see_english_labels(client, officer, survey):
    services.sample_draw(actor=officer, survey=survey, seed=1)
    services.survey_set_status(actor=officer, survey=survey, status=Survey.Status.OPEN)
    token = services.invitation_token(survey.invitations.first())
    client.cookies["django_language"] = "en"
    html = client.get(reverse("surveys:answer", args=[token])).content.decode()
    assert "Direction of reform" in html and "Very satisfied" in html and "Submit my answers" in html


def test_api_scores_and_the_sipas_metric(client, officer, ministry, survey):
    from datetime import date

    from cchc.core.metrics import Period, get_metric
    from cchc.surveys.models import ScoreRun
    from cchc.surveys.scoring import compute

    for v in (5, 4, 4, 2, 1, 5):
        services.response_enter(
            actor=officer,
            survey=survey,
            group=survey.groups.get(code="staff"),
            subject=ministry["a"],
            raw={"q_direction": str(v), "q_procedures": "a"},
        )
    data = compute(survey, None)
    ScoreRun.objects.create(
        survey=survey,
        response_count=data["response_count"],
        inputs_digest=data["digest"],
        parameters=data["parameters"],
        results=data["results"],
    )
    client.force_login(officer)
    body = client.get(f"/api/v1/surveys/surveys/{survey.pk}/scores/").json()
    assert (
        body["responses"] == 6
        and body["results"][ministry["a"].code]["items"]["1.2"]["groups"]["staff"]["n"] == 6
    )
    # A SIPAS survey about the unit feeds the platform metric (overall: mean of aspect answers ≥ 4).
    survey.kind = Survey.Kind.SIPAS
    survey.save()
    value = get_metric("surveys.sipas_satisfied").value(ministry["a"], Period.year(date.today().year))
    assert (value.numerator, value.denominator) == (4, 6)


def test_builder_edits_a_draft_question(client, officer, ministry):
    q = services.questionnaire_create(
        actor=officer, agency=ministry["ministry"], code="b2", titles={"vi": "B2"}
    )
    question = services.question_add(
        actor=officer,
        questionnaire=q,
        kind="select_one",
        name="grade",
        labels={"vi": "Xếp loại"},
        choices=[("a", {"vi": "Tốt"}, 100), ("b", {"vi": "Kém"}, 0)],
    )
    client.force_login(officer)
    url = reverse("surveys:question-edit", args=[q.pk, question.pk])
    assert "a | Tốt |  | 100" in client.get(url).content.decode()
    page = client.post(
        url,
        {
            "label_vi": "Xếp loại chung",
            "label_en": "Overall grade",
            "required": "on",
            "choices": "a | Tốt | Good | 100\nb | Khá | Fair | 50\nc | Kém | Poor | 0",
            "par_item": "1.2",
        },
    )
    assert page.status_code == 302
    question.refresh_from_db()
    assert question.labels == {"vi": "Xếp loại chung", "en": "Overall grade"} and question.required
    assert list(q.choices.values_list("name", "score")) == [("a", 100), ("b", 50), ("c", 0)]
    services.questionnaire_publish(actor=officer, questionnaire=q)
    assert client.get(url).status_code == 404  # published versions do not change
