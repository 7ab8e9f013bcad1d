"""The dossier life cycle: online filing, receipt, supplementation, approval, return — and the rules."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.core.models import AuditEvent
from cchc.onestop import selectors, services
from cchc.onestop.models import Dossier, DossierStep, RuleSet, Status
from cchc.onestop.signals import dossier_status_changed

from .conftest import pdf

pytestmark = pytest.mark.django_db(transaction=False)


def _submitted(citizen, procedure, key="k-1"):
    d = services.dossier_draft_save(
        actor=citizen,
        procedure=procedure,
        data={"ly_do": "Xin cấp", "applicant_address": "Hà Nội"},
        files={"TK": pdf(), "CCCD": pdf()},
    )
    return services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key=key)


def test_full_online_life_cycle(
    citizen, procedure, staff, ministry, clock, django_capture_on_commit_callbacks
):
    seen = []

    def listener(sender, dossier, old_status, new_status, actor, **kw):
        seen.append((old_status, new_status))

    dossier_status_changed.connect(listener)
    try:
        clock.set("2026-11-09 09:00")  # Monday
        with django_capture_on_commit_callbacks(execute=True):
            d = _submitted(citizen, procedure)
        assert d.status == Status.SUBMITTED
        assert d.code == "000.00.01.G99-261109-0001"
        assert d.rule_set.code == "ND118-2025" and d.procedure_version.number == 1
        assert d.fee_amount == 200000

        clock.set("2026-11-09 15:30")  # after the cut-off: counts from Tue 10/11; +5 → Tue 17/11
        with django_capture_on_commit_callbacks(execute=True):
            d = services.dossier_accept(
                actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"]
            )
        assert d.status == Status.PROCESSING
        assert timezone.localtime(d.due_at).date() == date(2026, 11, 17)
        d = services.dossier_assign(
            actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"]
        )

        clock.set("2026-11-11 10:00")  # within 3 working days of receipt
        d = services.dossier_request_supplement(
            actor=staff["officer"],
            dossier=d,
            version=d.version,
            items=[{"component": "CCCD", "reason": "Bản sao không rõ"}],
        )
        assert d.status == Status.SUPPLEMENT
        clock.set("2026-11-16 10:00")  # Monday: 3 working days paused (12, 13, 16)
        d = services.dossier_supplement_submit(
            actor=citizen, dossier=d, files={"CCCD": pdf()}, note="Đã bổ sung"
        )
        assert d.status == Status.PROCESSING
        assert timezone.localtime(d.legal_due_at).date() == date(
            2026, 11, 23
        )  # restarted: 5 working days from 16/11
        assert d.paused_working_days == 3
        assert timezone.localtime(d.evaluation_due_at).date() == date(2026, 11, 20)  # 17/11 + 3 working days

        clock.set("2026-11-19 10:00")
        d = services.dossier_propose_result(
            actor=staff["officer"],
            dossier=d,
            version=d.version,
            outcome="granted",
            note="Đủ điều kiện",
            result_file=pdf("giay-phep.pdf"),
        )
        d = services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
        assert d.status == Status.DONE and d.on_time is True and d.on_time_evaluation is True
        assert (
            d.processing_working_days == 7 - 3
        )  # counted from Tue 10/11: 11/11..19/11 = 7 working days, 3 paused
        d = services.dossier_return_result(actor=staff["clerk"], dossier=d, version=d.version)
        assert d.status == Status.RETURNED
    finally:
        dossier_status_changed.disconnect(listener)
    assert seen[:2] == [(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.ACCEPTED)]
    steps = list(d.steps.order_by("id"))
    assert [s.kind for s in steps] == ["processing", "approval", "return"]
    assert steps[0].verdict in ("early", "on_time", "late") and all(s.completed_at for s in steps)
    assert list(d.events.values_list("to_status", flat=True))[-1] == Status.RETURNED
    assert AuditEvent.objects.filter(
        target_type="onestop.dossier", target_id=str(d.pk), action="onestop.dossier.accept"
    ).exists()


def test_double_submit_creates_one_dossier(citizen, procedure):
    d = services.dossier_draft_save(
        actor=citizen, procedure=procedure, data={}, files={"TK": pdf(), "CCCD": pdf()}
    )
    first = services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="same")
    second = services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="same")
    assert first.pk == second.pk and Dossier.objects.exclude(status=Status.DRAFT).count() == 1


def test_submit_refuses_missing_components(citizen, procedure):
    d = services.dossier_draft_save(actor=citizen, procedure=procedure, data={}, files={"TK": pdf()})
    with pytest.raises(ValidationError) as exc:
        services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="x")
    assert "Bản sao CCCD" in str(exc.value)


def test_file_online_saves_and_submits_at_once(citizen, procedure):
    from django.contrib.auth import get_user_model

    from cchc.onestop.models import DossierFile

    with pytest.raises(ValidationError) as exc:  # refused: nothing written, not even the draft
        services.dossier_file_online(
            actor=citizen, procedure=procedure, data={}, files={"TK": pdf()}, idempotency_key="one-go"
        )
    assert "Bản sao CCCD" in str(exc.value)
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()

    draft = services.dossier_draft_save(actor=citizen, procedure=procedure, data={}, files={"TK": pdf()})
    d = services.dossier_file_online(
        actor=citizen,
        procedure=procedure,
        data={"applicant_address": "Hà Nội"},
        files={"CCCD": pdf()},
        idempotency_key="one-go",
        dossier=draft,
    )
    assert d.pk == draft.pk and d.status == Status.SUBMITTED and d.version == 3 and d.code.endswith("-0001")
    assert (
        d.procedure_version.procedure_id == procedure.pk
        and d.rule_set == RuleSet.objects.order_by("-effective_from").first()
    )
    assert sorted(d.files.filter(replaced=False).values_list("component_code", flat=True)) == ["CCCD", "TK"]
    assert list(d.events.values_list("action", flat=True)) == ["submit"]
    assert list(
        AuditEvent.objects.filter(target_type="onestop.dossier", target_id=str(d.pk))
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["onestop.dossier.draft", "onestop.dossier.draft", "onestop.dossier.submit"]
    again = services.dossier_file_online(
        actor=citizen,
        procedure=procedure,
        data={},
        files={"TK": pdf(), "CCCD": pdf()},
        idempotency_key="one-go",
    )
    assert again.pk == d.pk and Dossier.objects.count() == 1
    other = get_user_model().objects.create_user(username="other-citizen", password=None, kind="citizen")
    with pytest.raises(PermissionDenied):
        services.dossier_file_online(
            actor=other,
            procedure=procedure,
            data={},
            files={"TK": pdf(), "CCCD": pdf()},
            idempotency_key="one-go",
        )


def test_upload_checked_by_content(citizen, procedure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.dossier_draft_save(actor=citizen, procedure=procedure, data={}, files={"TK": fake})


def test_stale_version_is_a_conflict(citizen, procedure, staff, ministry):
    d = _submitted(citizen, procedure)
    seen_version = d.version
    services.dossier_accept(actor=staff["clerk"], dossier=d, version=seen_version)
    with pytest.raises(Conflict) as exc:
        services.dossier_refuse(actor=staff["clerk"], dossier=d, version=seen_version, reasons="Trùng")
    assert "changed by someone else" in str(exc.value) or "người khác" in str(exc.value)
    assert Dossier.objects.get(pk=d.pk).status == Status.ACCEPTED


def test_outsider_cannot_accept(citizen, procedure, staff):
    d = _submitted(citizen, procedure)
    with pytest.raises(PermissionDenied):
        services.dossier_accept(actor=staff["outsider"], dossier=d, version=d.version)


def test_refuse_needs_reasons(citizen, procedure, staff):
    d = _submitted(citizen, procedure)
    with pytest.raises(ValidationError):
        services.dossier_refuse(actor=staff["clerk"], dossier=d, version=d.version, reasons=" ")
    d = services.dossier_refuse(
        actor=staff["clerk"], dossier=d, version=d.version, reasons="Không thuộc thẩm quyền"
    )
    assert d.status == Status.REFUSED


def test_supplement_only_within_three_working_days(citizen, procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")
    d = _submitted(citizen, procedure)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    clock.set("2026-11-13 09:00")  # 4 working days after Monday's receipt
    with pytest.raises(ValidationError) as exc:
        services.dossier_request_supplement(
            actor=staff["clerk"],
            dossier=d,
            version=d.version,
            items=[{"component": "TK", "reason": "Thiếu chữ ký"}],
        )
    assert "3" in str(exc.value)


def test_second_supplement_makes_it_late_for_qd766(citizen, procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")
    d = _submitted(citizen, procedure)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    for day in ("2026-11-10", "2026-11-11"):
        clock.set(f"{day} 09:00")
        d = services.dossier_request_supplement(
            actor=staff["clerk"], dossier=d, version=d.version, items=[{"component": "TK", "reason": "Thiếu"}]
        )
        clock.set(f"{day} 10:00")
        d = services.dossier_supplement_submit(actor=citizen, dossier=d, files={"TK": pdf()})
    d = services.dossier_assign(actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"])
    d = services.dossier_propose_result(
        actor=staff["officer"], dossier=d, version=d.version, outcome="granted"
    )
    d = services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
    assert d.on_time is True and d.on_time_evaluation is False and d.supplement_count == 2


def test_late_dossier_and_apology_only_once(citizen, procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")
    d = _submitted(citizen, procedure)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    # due Mon 16/11; an apology on Sun 15/11 is 1 day before: allowed; a second is refused.
    clock.set("2026-11-15 09:00")
    new_due = timezone.localtime(d.due_at).replace(day=19)
    services.dossier_apology(
        actor=staff["leader"], dossier=d, version=d.version, reason="Cần xác minh thêm", new_due_at=new_due
    )
    d.refresh_from_db()
    assert d.due_at == new_due
    with pytest.raises(InvalidTransition):
        services.dossier_apology(
            actor=staff["leader"],
            dossier=d,
            version=d.version,
            reason="Lần nữa",
            new_due_at=new_due.replace(day=20),
        )
    clock.set("2026-11-18 09:00")
    d = services.dossier_assign(actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"])
    d = services.dossier_propose_result(
        actor=staff["officer"], dossier=d, version=d.version, outcome="granted"
    )
    d = services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
    assert d.on_time is False  # late against the legal due date even with the apology
    assert d.steps.get(kind="processing").verdict == DossierStep.Verdict.LATE


def test_apology_too_late_is_refused(citizen, procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")
    d = _submitted(citizen, procedure)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    clock.set("2026-11-16 09:00")  # the due day itself
    with pytest.raises(ValidationError):
        services.dossier_apology(
            actor=staff["leader"],
            dossier=d,
            version=d.version,
            reason="x",
            new_due_at=d.due_at.replace(day=18),
        )


def test_payment_confirmation_is_idempotent_and_resumes(citizen, procedure, staff, ministry):
    d = _submitted(citizen, procedure)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    d = services.dossier_request_payment(actor=staff["clerk"], dossier=d, version=d.version, amount=200000)
    assert d.status == Status.PAYMENT
    d = services.dossier_payment_confirmed(dossier=d, amount=200000, reference="PAY-1")
    again = services.dossier_payment_confirmed(dossier=d, amount=200000, reference="PAY-1")
    assert d.status == Status.PROCESSING and again.version == d.version and d.paid_online
    with pytest.raises(Conflict):
        services.dossier_payment_confirmed(dossier=d, amount=200000, reference="PAY-2")


def test_withdraw_by_applicant_only(citizen, procedure, staff, django_user_model):
    d = _submitted(citizen, procedure)
    other = django_user_model.objects.create_user(
        username="c2", password="x-Strong-Pass-2026", kind="citizen"
    )
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw_request(actor=other, dossier=d, reason="x")
    d = services.dossier_withdraw_request(actor=citizen, dossier=d, reason="Không còn nhu cầu")
    assert d.status == Status.WITHDRAWN


def test_paper_dossier_and_codes_sequence(procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")
    codes = [
        services.dossier_register(
            actor=staff["clerk"],
            agency=ministry["a"],
            procedure=procedure,
            channel=1,
            applicant_name=f"Người nộp {i}",
        ).code
        for i in range(3)
    ]
    assert codes == [f"000.00.01.G99-261109-000{i}" for i in (1, 2, 3)]
    with pytest.raises(ValidationError):
        services.dossier_register(
            actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=2, applicant_name="x"
        )


def test_rule_set_and_version_frozen_at_receipt(procedure, staff, ministry, clock, superuser):
    clock.set("2019-03-05 09:00")
    d = services.dossier_register(
        actor=staff["clerk"],
        agency=ministry["a"],
        procedure=procedure,
        channel=1,
        applicant_name="Nguyễn Văn A",
    )
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version)
    assert d.rule_set.code == "ND61-2018"
    assert RuleSet.objects.get(code="ND118-2025").note.startswith("CHƯA XÁC NHẬN")


def test_applicant_selectors(citizen, procedure, django_user_model):
    d = _submitted(citizen, procedure)
    assert list(selectors.dossiers_of_applicant(citizen)) == [d]
    assert selectors.dossier_for_applicant(citizen, d.code) == d
    other = django_user_model.objects.create_user(
        username="c3", password="x-Strong-Pass-2026", kind="citizen"
    )
    assert selectors.dossier_for_applicant(other, d.code) is None


def test_roles_are_enforced_at_each_step(citizen, procedure, staff, ministry):
    d = _submitted(citizen, procedure, key="roles")
    with pytest.raises(PermissionDenied):  # an officer does not receive dossiers
        services.dossier_accept(actor=staff["officer"], dossier=d, version=d.version)
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    with pytest.raises(PermissionDenied):  # the clerk does not propose results
        services.dossier_propose_result(actor=staff["clerk"], dossier=d, version=d.version, outcome="granted")
    d = services.dossier_assign(actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"])
    d = services.dossier_propose_result(
        actor=staff["officer"], dossier=d, version=d.version, outcome="refused", note="Không đủ điều kiện"
    )
    with pytest.raises(PermissionDenied):  # the officer does not sign
        services.dossier_approve(actor=staff["officer"], dossier=d, version=d.version)
    with pytest.raises(PermissionDenied):  # a leader elsewhere does not sign either
        services.dossier_approve(actor=staff["outsider"], dossier=d, version=d.version)
    d = services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
    assert d.status == Status.DONE and d.outcome == "refused" and d.refusal_reason == "Không đủ điều kiện"
    with pytest.raises(InvalidTransition):
        services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)


def test_assign_only_processing_officers_of_the_unit(citizen, procedure, staff, ministry):
    d = _submitted(citizen, procedure, key="assign")
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    with pytest.raises(ValidationError):
        services.dossier_assign(actor=staff["leader"], dossier=d, version=d.version, officer=staff["clerk"])


def test_consultation_recorded_with_verdict(citizen, procedure, staff, ministry, make_staff):
    from cchc.org.models import Role

    b_leader = make_staff("bleader", ministry["b1"], [(Role.UNIT_LEADER, ministry["b1"], False)])
    d = _submitted(citizen, procedure, key="consult")
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    step = services.dossier_consult(
        actor=staff["leader"],
        dossier=d,
        version=d.version,
        unit=ministry["b1"],
        question="Xác minh thông tin",
        quota_days=2,
    )
    with pytest.raises(PermissionDenied):
        services.dossier_consult_answer(actor=staff["officer"], step=step, answer="x")
    step = services.dossier_consult_answer(actor=b_leader, step=step, answer="Thông tin chính xác")
    assert step.verdict in ("early", "on_time") and step.answer == "Thông tin chính xác"


def test_due_date_warnings_once_per_appointment(citizen, procedure, staff, ministry, clock):
    from django.core.management import call_command

    clock.set("2026-11-09 09:00")
    d = _submitted(citizen, procedure, key="warn")
    services.dossier_accept(
        actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"]
    )  # due 16/11
    clock.set("2026-11-12 09:00")
    assert services.dossier_warnings_record(within_days=2).warned == 0
    clock.set("2026-11-15 09:00")
    assert services.dossier_warnings_record(within_days=2).warned == 1
    call_command("onestop", "warn", "--within", "2")  # a second run warns nobody again
    assert d.events.filter(action="warning").count() == 1
