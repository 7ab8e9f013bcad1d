"""The e-mail outbox: queued with the change that caused it, delivered by the worker in batches,
retried with growing delays when the mail server fails, given up after MAX_ATTEMPTS."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cchc.core.mail import MAX_ATTEMPTS, mail_outbox_flush, mail_queue
from cchc.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

OPENED = []


class CountingBackend(EmailBackend):
    def open(self):
        OPENED.append(1)
        return True


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        if any("bad" in m.to[0] for m in messages):
            raise ConnectionRefusedError("550 mailbox unavailable")
        return super().send_messages(messages)


class DownBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("connection refused")


def test_queued_mail_is_sent_once_through_one_connection(settings):
    settings.EMAIL_BACKEND = "tests.core.test_mail.CountingBackend"
    OPENED.clear()
    for i in range(3):
        mail_queue(to=[f"a{i}@example.invalid"], subject=f"Hồ sơ {i}", body="Nội dung")
    assert mail.outbox == []
    result = mail_outbox_flush()
    assert (result.sent, result.failed, len(OPENED)) == (3, 0, 1)
    assert [m.subject for m in mail.outbox] == ["Hồ sơ 0", "Hồ sơ 1", "Hồ sơ 2"]
    assert mail_outbox_flush().sent == 0 and len(mail.outbox) == 3  # never twice
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()


def test_mail_of_a_rolled_back_change_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_queue(to=["a@example.invalid"], subject="X", body="Y")
        raise RuntimeError("the change failed")
    assert mail_outbox_flush().sent == 0 and mail.outbox == []


def test_refused_message_is_retried_later_and_given_up_at_last(settings):
    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    bad = mail_queue(to=["bad@example.invalid"], subject="X", body="Y")
    mail_queue(to=["good@example.invalid"], subject="Z", body="Y")
    result = mail_outbox_flush()
    assert (result.sent, result.failed) == (1, 1) and [m.to for m in mail.outbox] == [
        ["good@example.invalid"]
    ]
    bad.refresh_from_db()
    assert bad.attempts == 1 and "550" in bad.last_error and bad.next_attempt_at > timezone.now()
    assert mail_outbox_flush().failed == 0  # not due yet
    for _attempt in range(2, MAX_ATTEMPTS + 1):
        OutboundEmail.objects.filter(pk=bad.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        result = mail_outbox_flush()
    bad.refresh_from_db()
    assert result.given_up == 1 and bad.attempts == MAX_ATTEMPTS and bad.next_attempt_at is None
    assert bad.sent_at is None


def test_server_down_keeps_every_message_for_the_next_try(settings):
    settings.EMAIL_BACKEND = "tests.core.test_mail.DownBackend"
    mail_queue(to=["a@example.invalid"], subject="X", body="Y")
    mail_queue(to=["b@example.invalid"], subject="X", body="Y")
    assert mail_outbox_flush().failed == 2
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert mail_outbox_flush().sent == 2


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection each turn
def test_worker_delivers_the_outbox():
    mail_queue(to=["a@example.invalid"], subject="Thông báo", body="…")
    call_command("worker", "--once")
    assert [m.subject for m in mail.outbox] == ["Thông báo"]


def test_a_message_needs_a_recipient():
    with pytest.raises(ValueError):
        mail_queue(to=[""], subject="X", body="Y")


SEEN_DURING_SEND = []


class InspectingBackend(EmailBackend):
    """Looks at the outbox row while its message is being sent."""

    def send_messages(self, messages):
        row = OutboundEmail.objects.get(subject=messages[0].subject)
        SEEN_DURING_SEND.append((row.next_attempt_at, row.sent_at))
        return super().send_messages(messages)


def test_a_batch_is_claimed_before_sending_and_sent_again_if_never_reported(settings):
    settings.EMAIL_BACKEND = "tests.core.test_mail.InspectingBackend"
    SEEN_DURING_SEND.clear()
    mail_queue(to=["a@example.invalid"], subject="Lease", body="…")
    before = timezone.now()
    assert mail_outbox_flush().sent == 1
    ((leased_until, sent_at),) = SEEN_DURING_SEND
    assert sent_at is None and leased_until >= before + timedelta(minutes=9)  # other workers skip it
    # A worker that died mid-batch: its claimed row comes back once the lease is over.
    row = mail_queue(to=["b@example.invalid"], subject="Orphan", body="…")
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=10))
    assert mail_outbox_flush().sent == 0
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert mail_outbox_flush().sent == 1 and [m.subject for m in mail.outbox] == ["Lease", "Orphan"]
