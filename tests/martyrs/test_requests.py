"""Requests from families: filing (signed in or not), tracking by code, moderation by staff with an audit
trail, notifications through the outbox, throttling, and privacy of contact data (403, audited views)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.core.exceptions import InvalidTransition
from cchc.core.mail import mail_outbox_flush
from cchc.core.models import AuditEvent, OutboundEmail
from cchc.martyrs import services, views
from cchc.martyrs.models import Request


def file(**kw):
    data = dict(
        kind=Request.Kind.GRAVE_SEARCH,
        content="Tìm mộ liệt sĩ",
        requester_name="Nguyễn Thị Lan",
        email="lan@example.invalid",
        phone="0912000001",
    )
    data.update(kw)
    return services.request_file(**data)


@pytest.mark.django_db
def test_filing_validates_and_routes_to_the_cemetery_unit(hung, ministry):
    with pytest.raises(ValidationError) as exc:
        services.request_file(kind="grave_search", content="", requester_name="", delivery="postal")
    assert {"content", "requester_name", "email", "postal_address"} <= set(exc.value.message_dict)
    req = file(martyr=hung)
    assert req.agency == ministry["a"] and req.cemetery == hung.grave.cemetery
    assert req.code.startswith("LS-") and req.rule.code == "LS-2018" and req.due_at > req.received_at
    assert OutboundEmail.objects.filter(subject__contains=req.code).exists()


@pytest.mark.django_db
def test_moderation_flow_with_audit_trail_and_notification(hung, officer, leader, client):
    req = file(martyr=hung, delivery=Request.Delivery.POSTAL, postal_address="Thôn 3, Hưng Yên")
    with pytest.raises(PermissionDenied):
        services.request_take_up(actor=leader, request=req)  # may view, not handle
    services.request_take_up(actor=officer, request=req)
    with pytest.raises(ValidationError) as exc:
        services.request_answer(actor=officer, request=req, reply="Đã gửi trích lục")
    assert "postal_item" in exc.value.message_dict  # a postal delivery records its item number
    services.request_answer(actor=officer, request=req, reply="Đã gửi trích lục", postal_item="RR123456789VN")
    req.refresh_from_db()
    assert req.status == Request.Status.ANSWERED and req.on_time is True and req.handled_by == officer
    with pytest.raises(InvalidTransition):
        services.request_answer(actor=officer, request=req, reply="again")
    actions = list(
        AuditEvent.objects.filter(target_id=str(req.pk), target_type="martyrs.request")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["martyrs.request.file", "martyrs.request.review", "martyrs.request.answer"]
    assert [e.status for e in req.events.all()] == ["received", "in_review", "answered"]
    # the requester follows it by code: status and history, no contact data
    r = client.get(reverse("martyrs:track"), {"code": req.code.lower()})
    assert r.status_code == 200 and "RR123456789VN" in r.content.decode()
    assert "0912000001" not in r.content.decode() and "lan@example.invalid" not in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_answer_notifies_through_the_outbox(superuser, ministry, cemetery, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    req = file(cemetery=cemetery)
    services.request_answer(actor=officer, request=req, reply="Mộ ở khu A")
    mail_outbox_flush()
    subjects = [m.subject for m in mail.outbox]
    assert any(req.code in s and "received" not in s.lower() for s in subjects)


@pytest.mark.django_db
def test_an_answer_whose_notice_cannot_be_written_is_not_recorded(ministry, cemetery, officer, settings):
    """The notice is written in the answer's transaction (no on-commit callback that a crash could
    lose): if it fails, the answer rolls back with it."""
    req = file(cemetery=cemetery)
    settings.CCHC_NOTIFICATION_CHANNELS = ["tests.portal.test_notification_outbox.FailingRowChannel"]
    with pytest.raises(RuntimeError, match="could not write"):
        services.request_answer(actor=officer, request=req, reply="Mộ ở khu A")
    req.refresh_from_db()
    assert req.status != Request.Status.ANSWERED and req.reply == ""


@pytest.mark.django_db
def test_public_form_files_and_is_throttled(client, hung, monkeypatch):
    data = {
        "kind": "documents",
        "content": "Xin trích lục",
        "requester_name": "Lan",
        "email": "l@example.invalid",
        "delivery": "email",
    }
    r = client.post(reverse("martyrs:request_new") + f"?martyr={hung.pk}", {**data, "martyr": hung.pk})
    assert r.status_code == 302
    code = client.session["martyrs_filed"]
    assert Request.objects.get(code=code).martyr == hung
    monkeypatch.setattr(views, "REQUESTS_PER_IP_HOUR", 1)
    r = client.post(reverse("martyrs:request_new"), data)
    assert r.status_code == 429 and Request.objects.count() == 1


@pytest.mark.django_db
def test_contact_data_only_for_handling_staff_and_audited(client, hung, officer, leader, outsider):
    req = file(martyr=hung)
    url = reverse("martyrs:request_detail", args=[req.pk])
    client.force_login(leader)  # views the request, sees no contact data
    body = client.get(url).content.decode()
    assert "0912000001" not in body and "lan@example.invalid" not in body
    assert client.get(reverse("martyrs:martyr_contacts", args=[hung.pk])).status_code == 403
    client.force_login(outsider)  # another department: not in scope
    assert client.get(url).status_code == 404
    client.force_login(officer)
    before = AuditEvent.objects.filter(action="martyrs.contact.view").count()
    body = client.get(url).content.decode()
    assert "0912000001" in body
    page = client.get(reverse("martyrs:martyr_contacts", args=[hung.pk])).content.decode()
    assert "Nguyễn Thị Lan" in page
    assert AuditEvent.objects.filter(action="martyrs.contact.view").count() == before + 2
    # the public record page never shows the next of kin, nor the staff link to it
    client.logout()
    public = client.get(reverse("martyrs:martyr", args=[hung.pk])).content.decode()
    assert "0912000001" not in public and reverse("martyrs:martyr_contacts", args=[hung.pk]) not in public


@pytest.mark.django_db
def test_staff_pages_refuse_citizens_and_the_public(client, citizen):
    assert client.get(reverse("martyrs:staff")).status_code == 302  # to sign in
    client.force_login(citizen)
    assert client.get(reverse("martyrs:staff")).status_code == 403
    assert client.get(reverse("martyrs:home")).status_code == 200
