"""Notifications on every status change, through the configured channels."""

import pytest
from django.core import mail
from django.urls import reverse

from cchc.core.mail import mail_outbox_flush
from cchc.core.models import OutboundEmail
from cchc.onestop import services as onestop
from cchc.onestop.models import Status
from cchc.portal.models import Notification
from cchc.portal.notifications import Message, notify

pytestmark = pytest.mark.django_db

SENT: list = []


class RecordingSmsGateway:
    """Stands for an operator's SMS gateway class configured in CCHC_NOTIFICATION_CHANNELS."""

    code = "sms"

    def send(self, message):
        if not message.phone:
            return False
        SENT.append((message.phone, message.subject))
        return True


class BrokenChannel:
    code = "broken"

    def send(self, message):
        raise ConnectionError("gateway down")


def test_every_status_change_notifies_in_app_and_by_email(
    client, citizen, submitted, staff, ministry, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = onestop.dossier_accept(
            actor=staff["clerk"], dossier=submitted, version=submitted.version, unit=ministry["a1"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        onestop.dossier_request_supplement(
            actor=staff["clerk"],
            dossier=d,
            version=d.version,
            items=[{"component": "CCCD", "reason": "Bản sao không rõ"}],
        )
    notes = list(Notification.objects.filter(user=citizen).order_by("id"))
    assert [n.subject.split(": ", 1)[1] for n in notes] == [str(Status(s).label) for s in (2, 4, 5)]
    assert "Cục A" in notes[0].body and notes[0].url == reverse("portal:dossier_detail", args=[d.pk])
    assert mail.outbox == [] and mail_outbox_flush().sent == 3  # queued; the worker delivers them
    assert [m.to for m in mail.outbox] == [["c1@example.invalid"]] * 3
    client.force_login(citizen)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'aria-live="polite"' in html and "> 3</span>" in html
    client.post(reverse("portal:notifications_read"), {"id": notes[0].pk})
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 2
    client.post(reverse("portal:notifications_read"))
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 0


def test_channels_come_from_settings_and_a_failing_one_does_not_block(settings, citizen):
    SENT.clear()
    settings.CCHC_NOTIFICATION_CHANNELS = [
        "tests.portal.test_notifications.BrokenChannel",
        "tests.portal.test_notifications.RecordingSmsGateway",
        "cchc.portal.notifications.InAppChannel",
    ]
    mail.outbox.clear()
    delivered = notify(
        Message(subject="Hồ sơ X", body="…", user=citizen, email="c1@example.invalid", phone="0912345678")
    )
    assert delivered == ["sms", "in_app"]
    assert SENT == [("0912345678", "Hồ sơ X")] and not OutboundEmail.objects.exists()


def test_others_cannot_read_my_notifications(client, citizen, other_citizen):
    n = Notification.objects.create(user=citizen, subject="Bí mật 123", body="B")
    client.force_login(other_citizen)
    assert client.post(reverse("portal:notifications_read"), {"id": n.pk}).status_code == 404
    assert "Bí mật 123" not in client.get(reverse("portal:notifications")).content.decode()
    assert Notification.objects.get(pk=n.pk).read_at is None
