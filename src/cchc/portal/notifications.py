"""Notifying applicants (thông báo cho tổ chức, cá nhân) through configurable channels.

NĐ 224/2026 Điều 15.1.g asks that the applicant be told of every status change in real time. A
`Channel` delivers one `Message`; the setting CCHC_NOTIFICATION_CHANNELS lists the dotted paths of
the channels in use (default: in-app and e-mail). An SMS gateway is one more class with the same
`send` method, added to that list — the platform ships no pretend SMS.

`notify` runs inside the caller's transaction (the status change's: a transactional outbox). A
channel marked `transactional = True` only writes rows in that transaction (the in-app notification,
the e-mail outbox): if it fails, the error propagates and the status change rolls back with it, so a
committed change always has its notification. Any other channel (an SMS gateway) runs in its own
savepoint, and its failure is logged without undoing the change.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from cchc.core.mail import absolute_url, mail_queue

log = logging.getLogger(__name__)

DEFAULT_CHANNELS = ("cchc.portal.notifications.InAppChannel", "cchc.portal.notifications.EmailChannel")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    user: object | None = None  # the applicant's account, if any
    email: str = ""
    phone: str = ""
    url: str = ""  # site-relative link to the dossier (e-mails and SMS make it absolute)
    dossier: object | None = None


class Channel(Protocol):
    code: str

    def send(self, message: Message) -> bool:
        """Deliver the message; return False if this channel cannot reach the recipient."""


class InAppChannel:
    """A Notification row, listed at /portal/notifications/ with an unread count on portal pages."""

    code = "in_app"
    transactional = True

    def send(self, message: Message) -> bool:
        from .models import Notification

        if message.user is None or not getattr(message.user, "pk", None):
            return False
        Notification.objects.create(
            user=message.user,
            dossier=message.dossier,
            subject=message.subject[:250],
            body=message.body,
            url=message.url[:300],
        )
        return True


class EmailChannel:
    """An e-mail, queued in the platform's outbox and delivered by the worker through Django's
    mail backend (SMTP in production, files in the embedded setup)."""

    code = "email"
    transactional = True

    def send(self, message: Message) -> bool:
        if not message.email:
            return False
        body = message.body + (f"\n\n{absolute_url(message.url)}" if message.url else "")
        mail_queue(to=[message.email], subject=message.subject, body=body)
        return True


def channels() -> list[Channel]:
    return [
        import_string(path)() for path in getattr(settings, "CCHC_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    ]


def notify(message: Message) -> list[str]:
    """Send through every configured channel; one failing channel does not stop the others.
    Returns the codes of the channels that delivered."""
    delivered = []
    for channel in channels():
        if getattr(channel, "transactional", False):
            if channel.send(message):  # a failure here rolls back the caller's change too
                delivered.append(channel.code)
            continue
        try:
            with transaction.atomic():  # a savepoint: its failure leaves the caller's transaction usable
                if channel.send(message):
                    delivered.append(channel.code)
        except Exception:  # an SMS gateway outage must not undo the dossier change
            log.exception("notification channel %s failed for %r", channel.code, message.subject)
    return delivered
