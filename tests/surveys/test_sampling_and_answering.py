"""Samples, tokens, answering without an account, privacy, paper entry."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.models import AuditEvent
from cchc.org.models import Role
from cchc.surveys import services
from cchc.surveys.models import Draft, FrameEntry, Invitation, Response, Survey, UsedToken

from .conftest import frame_csv

pytestmark = pytest.mark.django_db


def _open(officer, survey, seed=42):
    services.sample_draw(actor=officer, survey=survey, seed=seed)
    services.survey_set_status(actor=officer, survey=survey, status=Survey.Status.OPEN)
    return [services.invitation_token(i) for i in Invitation.objects.filter(survey=survey).order_by("id")]


def _drawn_ids(survey):
    return sorted(Invitation.objects.filter(survey=survey).values_list("frame_entry__external_id", flat=True))


def test_stratified_sample_is_reproducible_per_seed(officer, ministry, questionnaire, survey):
    services.sample_draw(actor=officer, survey=survey, seed=2018)
    first = _drawn_ids(survey)
    assert len(first) == 12
    per_stratum = Invitation.objects.filter(survey=survey).values_list("group__code", "subject__code")
    assert sorted(set((g, s, list(per_stratum).count((g, s))) for g, s in per_stratum)) == sorted(
        (g, ministry[u].code, 3) for g in ("leaders", "staff") for u in ("a", "b")
    )
    # Same frame, same quotas, same seed → same people; another seed → another sample.
    rows = list(
        FrameEntry.objects.filter(survey=survey).values_list(
            "external_id", "group__code", "subject__code", "full_name", "contact", "service"
        )
    )
    twins = []
    for seed in (2018, 7):
        twin = services.survey_create(
            actor=officer, questionnaire=questionnaire, agency=ministry["ministry"], name=f"t{seed}"
        )
        for g in survey.groups.all():
            services.group_save(actor=officer, survey=twin, code=g.code, name=g.name, weight=g.weight)
            for quota in g.quotas.all():
                services.quota_set(
                    actor=officer, group=twin.groups.get(code=g.code), subject=quota.subject, size=quota.size
                )
        services.frame_import(actor=officer, survey=twin, data=frame_csv(rows), file_name="f.csv")
        services.sample_draw(actor=officer, survey=twin, seed=seed)
        twins.append(_drawn_ids(twin))
    assert twins[0] == first and twins[1] != first
    with pytest.raises(InvalidTransition):
        services.sample_draw(actor=officer, survey=survey, seed=1)


def test_frame_import_is_all_or_nothing_with_row_report(officer, ministry, survey):
    before = FrameEntry.objects.filter(survey=survey).count()
    bad = frame_csv(
        [
            ("X1", "leaders", ministry["a"].code, "", "", ""),
            ("X1", "bosses", "999", "", "", ""),
            ("", "staff", ministry["b"].code, "", "", ""),
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        services.frame_import(actor=officer, survey=survey, data=bad, file_name="f.csv")
    assert {(e.row, e.field) for e in exc.value.errors} == {
        (3, "respondent_id"),
        (3, "group"),
        (3, "subject"),
        (4, "respondent_id"),
    }
    assert FrameEntry.objects.filter(survey=survey).count() == before


def test_only_managers_draw_samples(ministry, make_staff, survey):
    clerk = make_staff("clerk1", ministry["ministry"], [(Role.ONESTOP_CLERK, ministry["ministry"], True)])
    with pytest.raises(PermissionDenied):
        services.sample_draw(actor=clerk, survey=survey, seed=1)


def test_token_answers_once_and_the_response_cannot_be_traced(officer, survey):
    tokens = _open(officer, survey)
    response, errors = services.response_submit(
        token=tokens[0], raw={"q_direction": "4", "q_procedures": "b", "complained": "no", "q_feedback": "5"}
    )
    assert errors == {}
    # Not relevant (no complaint) → the feedback answer is dropped.
    assert response.answers == {"q_direction": "4", "q_procedures": "b", "complained": "no"}
    with pytest.raises(InvalidTransition):
        services.response_submit(token=tokens[0], raw={"q_direction": "1", "q_procedures": "a"})
    assert Response.objects.count() == 1
    # The response row holds no token, no person, no time of day; the used token is a bare hash.
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"invitation", "token", "token_hash", "frame_entry", "ip", "created_at"}
    used = UsedToken.objects.get()
    assert used.token_hash == services.token_hash(tokens[0]) and tokens[0] not in used.token_hash
    assert {f.name for f in UsedToken._meta.get_fields()} == {"token_hash", "survey"}
    event = AuditEvent.objects.get(action="surveys.response.submit")
    assert event.source_ip is None and event.target_type == "surveys.survey" and event.actor_id is None


def test_save_and_resume_then_required_answers(officer, survey):
    tokens = _open(officer, survey)
    answers, errors = services.draft_save(token=tokens[1], raw={"q_direction": "3", "q_procedures": "zzz"})
    assert answers == {"q_direction": "3"} and "q_procedures" in errors
    assert Draft.objects.get().answers == {"q_direction": "3"}
    response, errors = services.response_submit(token=tokens[1], raw={"q_direction": "3"})
    assert response is None and set(errors) == {"q_procedures"}
    response, errors = services.response_submit(
        token=tokens[1], raw={"q_direction": "3", "q_procedures": "a"}
    )
    assert response is not None and not Draft.objects.exists()


def test_closed_survey_refuses_answers(officer, survey):
    tokens = _open(officer, survey)
    services.survey_set_status(actor=officer, survey=survey, status=Survey.Status.CLOSED)
    assert services.invitation_for_token(tokens[0]) is None
    assert services.invitation_for_token("not-a-token") is None


def test_answer_pages_without_account_in_vietnamese(client, officer, survey):
    tokens = _open(officer, survey)
    url = reverse("surveys:answer", args=[tokens[2]])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chỉ đạo điều hành CCHC" in html and "Rất hài lòng" in html
    assert "Gửi câu trả lời" in html  # the submit button, translated
    assert 'name="q_feedback"' not in html  # not relevant until complained = yes is saved
    saved = client.post(url, {"q_direction": "5", "complained": "yes", "save": "1"})
    assert saved.status_code == 302
    assert 'name="q_feedback"' in client.get(url).content.decode()
    done = client.post(
        url, {"q_direction": "5", "q_procedures": "a", "complained": "yes", "q_feedback": "4", "submit": "1"}
    )
    assert done.status_code == 302 and done.url == reverse("surveys:answer-done")
    assert client.get(url).status_code == 404
    assert Response.objects.get().answers["q_feedback"] == "4"


def test_paper_entry_by_clerk_and_denial(client, ministry, make_staff, survey):
    clerk = make_staff("clerk2", ministry["ministry"], [(Role.ONESTOP_CLERK, ministry["ministry"], True)])
    group = survey.groups.get(code="staff")
    response, errors = services.response_enter(
        actor=clerk,
        survey=survey,
        group=group,
        subject=ministry["a"],
        raw={"q_direction": "2", "q_procedures": "c"},
    )
    assert response.channel == Response.Channel.PAPER and errors == {}
    outsider = make_staff("outsider", ministry["b"], [(Role.ONESTOP_CLERK, ministry["b"], False)])
    with pytest.raises(PermissionDenied):
        services.response_enter(actor=outsider, survey=survey, group=group, subject=ministry["a"], raw={})
    client.force_login(outsider)
    assert client.get(reverse("surveys:paper", args=[survey.pk])).status_code == 404  # outside scope
    client.force_login(clerk)
    page = client.post(
        reverse("surveys:paper", args=[survey.pk]),
        {"group": group.pk, "subject": ministry["b"].code, "q_direction": "4", "q_procedures": "a"},
    )
    assert page.status_code == 302 and Response.objects.count() == 2


def test_invitations_print_with_qr_codes(
    client, officer, survey, ministry, make_staff, django_assert_max_num_queries
):
    tokens = _open(officer, survey)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("surveys:invitations", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") >= 12 and tokens[0] in html
    assert AuditEvent.objects.filter(action="surveys.frame.view", actor_id=officer.pk).count() == 1
    viewer = make_staff("viewer1", ministry["ministry"], [(Role.VIEWER, ministry["ministry"], True)])
    client.force_login(viewer)
    assert client.get(reverse("surveys:invitations", args=[survey.pk])).status_code == 403
