"""Due-date warnings by e-mail: one Vietnamese digest per officer per run, leaders told of overdue
dossiers, nothing twice, queued in the outbox with the warning lines, people without an address counted."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from cchc.core.mail import mail_outbox_flush
from cchc.core.models import AuditEvent, OutboundEmail
from cchc.onestop import services
from cchc.org.models import Role

pytestmark = pytest.mark.django_db


def _email(user, address):
    get_user_model().objects.filter(pk=user.pk).update(email=address)


def _assigned(clock, staff, ministry, procedure, when, name):
    clock.set(when)
    d = services.dossier_register(
        actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name=name
    )
    d = services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    return services.dossier_assign(
        actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"]
    )


@pytest.fixture
def settings_site(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CCHC_SITE_URL = "https://cchc.example.gov.vn"
    return settings


def test_one_digest_per_officer_then_nothing_again(settings_site, clock, staff, ministry, procedure):
    _email(staff["officer"], "officer@example.gov.vn")
    _email(staff["leader"], "leader@example.gov.vn")
    first = _assigned(clock, staff, ministry, procedure, "2026-11-09 09:00", "A")  # due 16/11 17:00
    second = _assigned(clock, staff, ministry, procedure, "2026-11-10 09:00", "B")  # due 17/11 17:00
    clock.set("2026-11-15 09:00")
    run = services.dossier_warnings_record(within_days=3)
    assert mail.outbox == [] and OutboundEmail.objects.count() == 1  # queued; the worker sends it
    mail_outbox_flush()
    assert (run.warned, run.e_mails, run.no_email) == (2, 1, 0)  # due soon and assigned: the officer only
    (message,) = mail.outbox
    assert message.to == ["officer@example.gov.vn"]
    assert message.subject == "Cảnh báo hạn giải quyết: 2 hồ sơ"
    body = message.body
    assert body.startswith("Kính gửi Officer,")
    for d, day in ((first, "16/11/2026"), (second, "17/11/2026")):
        assert f"- {d.code} | {procedure.name} | hạn {day} | sắp đến hạn | Phòng A1" in body
        assert f"https://cchc.example.gov.vn/onestop/d/{d.pk}/" in body
    assert body.index(first.code) < body.index(second.code)  # by due date
    # The next day's run warns nobody new and sends nothing.
    clock.set("2026-11-16 09:00")
    run = services.dossier_warnings_record(within_days=3)
    mail_outbox_flush()
    assert (run.warned, run.e_mails) == (0, 0) and len(mail.outbox) == 1


def test_overdue_goes_to_leaders_too_and_missing_addresses_are_counted(
    settings_site, clock, staff, ministry, procedure, make_staff
):
    _email(staff["officer"], "officer@example.gov.vn")
    dept_leader = make_staff("cuctruong", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    _email(dept_leader, "cuctruong@example.gov.vn")
    make_staff("otherleader", ministry["b1"], [(Role.UNIT_LEADER, ministry["b1"], False)])  # not this unit
    d = _assigned(clock, staff, ministry, procedure, "2026-11-02 09:00", "Quá Hạn")  # due 09/11
    clock.set("2026-11-11 09:00")
    run = services.dossier_warnings_record(within_days=2)
    mail_outbox_flush()
    # the officer, the division's leader (no address: skipped) and the department head (subtree)
    assert (run.warned, run.e_mails, run.no_email) == (1, 2, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["cuctruong@example.gov.vn", "officer@example.gov.vn"]
    assert all(f"{d.code} | {procedure.name} | hạn 09/11/2026 | QUÁ HẠN" in m.body for m in mail.outbox)
    event = AuditEvent.objects.filter(action="onestop.dossier.warn").latest("id")
    assert event.after["no_email"] == ["leader"] and event.after["e_mails"] == 2


def test_unassigned_dossier_goes_to_the_unit_leaders(settings_site, clock, staff, ministry, procedure):
    _email(staff["leader"], "leader@example.gov.vn")
    clock.set("2026-11-09 09:00")
    d = services.dossier_register(
        actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name="Chưa Giao"
    )
    services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    clock.set("2026-11-15 09:00")
    run = services.dossier_warnings_record(within_days=2)
    mail_outbox_flush()
    assert (run.warned, run.e_mails) == (1, 1) and mail.outbox[0].to == ["leader@example.gov.vn"]


def test_command_and_job_report_the_counts(settings_site, clock, staff, ministry, procedure):
    import io

    from django.core.management import call_command

    _assigned(clock, staff, ministry, procedure, "2026-11-09 09:00", "A")
    clock.set("2026-11-15 09:00")
    out = io.StringIO()
    call_command("onestop", "warn", "--within", "2", stdout=out)
    assert (
        out.getvalue().strip()
        == "1 dossiers warned, 0 e-mails sent, 1 people without an e-mail address skipped"
    )
