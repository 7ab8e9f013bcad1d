"""What every outbox shares (e-mail in core.mail, exchange packages in edocs): claiming due rows with
a lease, the retry backoff, and the registry of flushers that `cchc worker` drains between jobs.

A row is due when `next_attempt_at <= now`. `claim_due` takes a batch in a short transaction (skipping
rows another worker holds, on PostgreSQL) and pushes their `next_attempt_at` past the lease, so no lock
is held while the far side answers; a worker that dies mid-batch leaves its rows to be sent again
when the lease ends (at least once, never lost)."""

from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction

FLUSHERS: dict[str, Callable] = {}


def register_outbox(name: str, flush: Callable) -> None:
    """`flush()` sends a batch and returns an object whose `.sent` says how many went (0: drained)."""
    FLUSHERS[name] = flush


def claim_due(model, *, now, limit: int, lease: timedelta) -> list:
    with transaction.atomic():
        due = model.objects.filter(next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])
        if rows:
            model.objects.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=now + lease)
    return rows


def retry_delay(
    attempts: int, *, unit: timedelta = timedelta(minutes=1), cap_minutes: int = 360
) -> timedelta:
    """1, 2, 4 … units after the 1st, 2nd, 3rd … failed attempt, at most `cap_minutes` apart."""
    return min(unit * 2 ** (attempts - 1), timedelta(minutes=cap_minutes))
