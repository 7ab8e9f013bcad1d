"""Feedback (PAKN): filing, deadlines on the real calendar, answers and verdicts, scoping, the metric."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.core.exceptions import InvalidTransition
from cchc.core.metrics import Period, get_metric
from cchc.core.models import AuditEvent
from cchc.feedback import selectors, services
from cchc.feedback.models import Feedback, Kind, Status, Verdict
from cchc.onestop.models import Dossier, DossierEvent

from .conftest import at

pytestmark = pytest.mark.django_db


def _file(citizen, dossier, kind=Kind.PROCEDURE, **kw):
    return services.feedback_file(
        actor=citizen,
        kind=kind,
        dossier=dossier,
        subject=kw.pop("subject", "Chậm trả lời"),
        content=kw.pop("content", "Nội dung phản ánh"),
        **kw,
    )


def test_due_date_skips_tet_2026_and_answer_on_the_last_day_is_on_time(
    citizen, citizen_dossier, handlers, clock
):
    clock.set("2026-02-12 09:00")  # Thursday before Tết (14–22/2/2026 off)
    fb = _file(citizen, citizen_dossier)
    # 10 working days: 13/2, then 23, 24, 25, 26, 27/2, 2, 3, 4, 5/3
    assert fb.due_at == at("2026-03-05 17:00") and fb.rule.answer_working_days == 10
    assert fb.agency_id == citizen_dossier.agency_id and fb.status == Status.RECEIVED
    clock.set("2026-03-05 16:30")
    fb = services.feedback_answer(actor=handlers["leader_a"], feedback=fb, reply="Đã xử lý")
    assert fb.status == Status.ANSWERED and fb.on_time is True
    with pytest.raises(InvalidTransition):
        services.feedback_answer(actor=handlers["leader_a"], feedback=fb, reply="Lần hai")


def test_due_date_over_national_day_2025_and_late_answer(citizen, citizen_dossier, handlers, clock):
    clock.set("2025-08-29 16:00")  # Friday; 1–2/9/2025 off; no 15:00 cut-off for feedback
    fb = _file(citizen, citizen_dossier)
    assert fb.due_at == at("2025-09-16 17:00")
    clock.set("2025-09-17 08:00")
    assert list(selectors.overdue(Feedback.objects.all())) == [fb]
    fb = services.feedback_answer(actor=handlers["leader_a"], feedback=fb, reply="Xin lỗi vì chậm")
    assert fb.on_time is False


def test_filing_rules_name_the_field(citizen, citizen_dossier, procedure, staff):
    with pytest.raises(ValidationError) as e:
        services.feedback_file(
            actor=citizen, kind=Kind.CONDUCT, procedure=procedure, subject="S", content="C"
        )
    assert "dossier" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.feedback_file(actor=citizen, kind="rumour", dossier=citizen_dossier, subject="", content="")
    assert {"kind", "subject", "content"} <= set(e.value.message_dict)
    other = get_user_model().objects.create_user(
        username="other", password="x-Strong-Pass-2026", kind="citizen"
    )
    with pytest.raises(PermissionDenied):
        _file(other, citizen_dossier)
    with pytest.raises(PermissionDenied):
        _file(staff["clerk"], citizen_dossier)
    fb = services.feedback_file(
        actor=citizen, kind=Kind.PROCEDURE, procedure=procedure, subject="S", content="C"
    )
    assert fb.agency == procedure.agency and fb.dossier is None
    assert AuditEvent.objects.filter(action="feedback.file", target_id=str(fb.pk)).count() == 1


def test_conduct_complaint_upheld_is_recorded_on_the_dossier(citizen, citizen_dossier, handlers):
    fb = _file(citizen, citizen_dossier, kind=Kind.CONDUCT, officer_name="Cán bộ X")
    with pytest.raises(ValidationError) as e:
        services.feedback_answer(actor=handlers["leader_a"], feedback=fb, reply="Đã xác minh")
    assert "verdict" in e.value.message_dict
    services.feedback_answer(
        actor=handlers["leader_a"], feedback=fb, reply="Phản ánh đúng", verdict=Verdict.UPHELD
    )
    assert Dossier.objects.get(pk=citizen_dossier.pk).conduct_complaints_upheld == 1
    fb2 = _file(citizen, citizen_dossier, kind=Kind.CONDUCT)
    services.feedback_answer(
        actor=handlers["leader_a"], feedback=fb2, reply="Không có căn cứ", verdict=Verdict.NOT_UPHELD
    )
    d = Dossier.objects.get(pk=citizen_dossier.pk)
    assert d.conduct_complaints_upheld == 1 and d.version == citizen_dossier.version
    assert list(
        DossierEvent.objects.filter(dossier=d, action="complaint").values_list("data__upheld", flat=True)
    ) == [True, False]
    other = _file(citizen, citizen_dossier, kind=Kind.OTHER)
    with pytest.raises(ValidationError) as e:
        services.feedback_answer(
            actor=handlers["leader_a"], feedback=other, reply="R", verdict=Verdict.UPHELD
        )
    assert "verdict" in e.value.message_dict


def test_another_units_officer_cannot_see_or_answer(client, citizen, citizen_dossier, handlers):
    fb = _file(citizen, citizen_dossier)
    with pytest.raises(PermissionDenied):
        services.feedback_answer(actor=handlers["leader_b"], feedback=fb, reply="R")
    client.force_login(handlers["leader_b"])
    assert client.get(f"/feedback/{fb.pk}/").status_code == 404
    assert fb.reference not in client.get("/feedback/").content.decode()
    client.force_login(handlers["leader_a"])
    r = client.get(f"/feedback/{fb.pk}/")
    assert r.status_code == 200 and citizen.full_name in r.content.decode()
    assert AuditEvent.objects.filter(action="feedback.view", target_id=str(fb.pk)).count() == 1
    assert fb.reference in client.get("/feedback/").content.decode()


def test_officer_list_overdue_filter(client, citizen, citizen_dossier, handlers, clock):
    clock.set("2026-11-02 09:00")
    late = _file(citizen, citizen_dossier, subject="Quá hạn")
    clock.set("2026-11-24 09:00")
    fresh = _file(citizen, citizen_dossier, subject="Mới")
    client.force_login(handlers["leader_a"])
    body = client.get("/feedback/", {"overdue": "on"}).content.decode()
    assert late.reference in body and fresh.reference not in body
    body = client.get("/feedback/").content.decode()
    assert late.reference in body and fresh.reference in body


def test_citizen_files_in_the_portal_and_sees_the_reply(client, citizen, citizen_dossier, handlers):
    from cchc.portal.models import Notification

    client.force_login(citizen)
    page = client.get(reverse("portal:dossier_detail", kwargs={"pk": citizen_dossier.pk})).content.decode()
    assert 'id="feedback-link"' in page and f"/feedback/mine/new/?dossier={citizen_dossier.pk}" in page
    r = client.get("/feedback/mine/new/", {"dossier": citizen_dossier.pk})
    assert r.status_code == 200 and citizen_dossier.code in r.content.decode()
    r = client.post(
        "/feedback/mine/new/",
        {
            "kind": "conduct",
            "dossier": citizen_dossier.pk,
            "subject": "Thái độ",
            "content": "Cán bộ không hướng dẫn",
            "officer_name": "",
        },
    )
    fb = Feedback.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/feedback/mine/{fb.pk}/"
    assert fb.kind == Kind.CONDUCT and fb.dossier_id == citizen_dossier.pk
    services.feedback_answer(
        actor=handlers["leader_a"], feedback=fb, reply="Chúng tôi xin lỗi ông/bà.", verdict=Verdict.UPHELD
    )
    body = client.get(f"/feedback/mine/{fb.pk}/").content.decode()
    assert "Chúng tôi xin lỗi ông/bà." in body and 'id="feedback-reply"' in body
    assert fb.reference in client.get("/feedback/mine/").content.decode()
    note = Notification.objects.get(user=citizen, subject__contains=fb.reference)
    assert note.url == f"/feedback/mine/{fb.pk}/"
    # another citizen does not see it; staff cannot file
    other = get_user_model().objects.create_user(
        username="other", password="x-Strong-Pass-2026", kind="citizen"
    )
    client.force_login(other)
    assert client.get(f"/feedback/mine/{fb.pk}/").status_code == 404
    client.force_login(handlers["leader_a"])
    assert client.get("/feedback/mine/new/").status_code == 403


def test_form_errors_name_the_field(client, citizen, citizen_dossier):
    client.force_login(citizen)
    r = client.post(
        "/feedback/mine/new/",
        {"kind": "procedure", "procedure_code": "9.999999", "subject": "S", "content": "C"},
    )
    assert r.status_code == 200 and "9.999999" in r.content.decode()
    r = client.post(
        "/feedback/mine/new/",
        {"kind": "conduct", "procedure_code": "1.000001", "subject": "S", "content": "C"},
    )
    assert r.status_code == 200 and not Feedback.objects.exists()


def test_on_time_metric(citizen, citizen_dossier, handlers, ministry, clock):
    clock.set("2026-03-02 09:00")
    a, b, c, d = (_file(citizen, citizen_dossier) for _ in range(4))
    clock.set("2026-03-03 09:00")
    services.feedback_answer(actor=handlers["leader_a"], feedback=a, reply="R")
    services.feedback_answer(actor=handlers["leader_a"], feedback=b, reply="R")
    clock.set("2026-04-01 09:00")
    services.feedback_answer(actor=handlers["leader_a"], feedback=c, reply="R")  # late; d open and overdue
    clock.set("2026-11-20 09:00")
    _file(citizen, citizen_dossier)  # open, not yet due: not counted
    metric = get_metric("feedback.on_time_rate")
    mv = metric.value(ministry["ministry"], Period.year(2026))
    assert (mv.numerator, mv.denominator) == (2, 4)
    assert metric.value(ministry["b"], Period.year(2026)).value is None
    assert metric.value(ministry["a"], Period(date(2025, 1, 1), date(2025, 12, 31))).value is None
    assert d.status == Status.RECEIVED


def test_an_answer_whose_notice_cannot_be_written_is_not_recorded(
    citizen, citizen_dossier, handlers, settings
):
    """The notice is written in the answer's transaction: if it fails, the answer rolls back with it."""
    fb = services.feedback_file(
        actor=citizen, kind="procedure", dossier=citizen_dossier, subject="Thủ tục", content="Nội dung"
    )
    settings.CCHC_NOTIFICATION_CHANNELS = ["tests.portal.test_notification_outbox.FailingRowChannel"]
    with pytest.raises(RuntimeError, match="could not write"):
        services.feedback_answer(actor=handlers["leader_a"], feedback=fb, reply="Trả lời")
    fb.refresh_from_db()
    assert fb.reply == "" and fb.handled_at is None
