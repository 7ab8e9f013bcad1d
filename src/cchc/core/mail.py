"""Outgoing e-mail through an outbox (hộp thư đi) that the worker delivers.

`mail_queue` adds a message in the caller's transaction; `cchc worker` calls `mail_outbox_flush`
between jobs, which sends what is due through ONE connection to the mail server and retries a
failed message later (1, 2, 4 … minutes, at most 6 hours apart) until MAX_ATTEMPTS.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from .models import OutboundEmail
from .outbox import claim_due, retry_delay

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)  # a claimed batch not reported back by then is sent again


def absolute_url(path: str) -> str:
    """A link for messages read outside the browser (e-mails, SMS): the site's public address
    (CCHC_SITE_URL, which `cchc check --deploy` requires) followed by `path`."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.CCHC_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def mail_queue(*, to: list[str], subject: str, body: str) -> OutboundEmail:
    """Queue one message (plain text) to `to`; delivered by the worker within seconds."""
    recipients = [address for address in to if address]
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    return OutboundEmail.objects.create(
        to=recipients, subject=subject[:300], body=body, next_attempt_at=timezone.now()
    )


@dataclass
class FlushResult:
    sent: int = 0
    failed: int = 0  # will be tried again
    given_up: int = 0


def _failed(row: OutboundEmail, exc: Exception, now, result: FlushResult) -> None:
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.next_attempt_at = None
        result.given_up += 1
        log.error(
            "e-mail %s to %s given up after %s attempts: %s", row.pk, row.to, row.attempts, row.last_error
        )
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
        result.failed += 1


def mail_outbox_flush(*, limit: int = 200) -> FlushResult:
    """Send up to `limit` due messages through one connection.

    The batch is claimed in a short transaction (its rows leased for LEASE: another worker skips
    them) and sent outside it, so neither SQLite's single writer nor PostgreSQL row locks are held
    while the mail server answers. A worker that dies mid-batch leaves its messages to be sent
    again when the lease ends (at least once, never lost)."""
    result = FlushResult()
    now = timezone.now()
    rows = claim_due(OutboundEmail, now=now, limit=limit, lease=LEASE)
    if not rows:
        return result
    for row in rows:
        row.attempts += 1
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
    except Exception as exc:  # the mail server is down: every message waits for the next try
        for row in rows:
            _failed(row, exc, now, result)
    else:
        try:
            for row in rows:
                try:
                    smtp.send_messages(
                        [EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, row.to)]
                    )
                except Exception as exc:  # this message was refused: try it again later
                    _failed(row, exc, now, result)
                else:
                    row.sent_at, row.next_attempt_at, row.last_error = timezone.now(), None, ""
                    result.sent += 1
        finally:
            smtp.close()
    OutboundEmail.objects.bulk_update(rows, ["attempts", "sent_at", "next_attempt_at", "last_error"])
    return result
