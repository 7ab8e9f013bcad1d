"""Reads of the working-day calendar: the stable API every module uses for deadlines.

add_working_days(start, days, *, apply_cutoff=True) -> datetime
working_days_between(start, end) -> int
is_working_day(d) -> bool
calendar() -> Calendar (for loops: one object, no query per call)
"""

from datetime import date, datetime

from django.db.models import Count, Max, Q

from .engine import Calendar
from .models import CalendarOverride

_cached: dict = {"key": None, "calendar": None}


def overrides_in_force(as_of: date | None = None):
    as_of = as_of or date.today()
    return CalendarOverride.objects.filter(effective_from__lte=as_of).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of)
    )


def calendar(as_of: date | None = None) -> Calendar:
    """The calendar with the overrides in force on `as_of` (today by default).

    Built once per process and rebuilt when the override table changes (one small query tells).
    """
    as_of = as_of or date.today()
    state = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (as_of, state["n"], state["last"])
    if _cached["key"] != key:
        overrides = {o.day: (o.kind, o.name) for o in overrides_in_force(as_of)}
        _cached["calendar"] = Calendar(overrides)
        _cached["key"] = key
    return _cached["calendar"]


def add_working_days(start: datetime, days: int, *, apply_cutoff: bool = True) -> datetime:
    """The due moment (17:00 local time) `days` working days after receipt at `start`.

    With apply_cutoff, receipt after 15:00 or on a day off counts from the next working day.
    """
    return calendar().add_working_days(start, days, apply_cutoff=apply_cutoff)


def working_days_between(start: date | datetime, end: date | datetime) -> int:
    """Working days after `start` up to and including `end`."""
    return calendar().working_days_between(start, end)


def is_working_day(d: date) -> bool:
    return calendar().is_working_day(d)


def override_list():
    return CalendarOverride.objects.select_related("recorded_by").order_by("-day", "-id")
