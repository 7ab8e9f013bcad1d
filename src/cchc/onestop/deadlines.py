"""Deadline arithmetic of a dossier, on the working-day engine (cchc.workdays).

Three due dates are kept (docs/onestop.md, "Deadlines"):
* legal_due_at — NĐ 61/2018 Điều 19.4: restarts from zero after a complete supplement;
* evaluation_due_at — QĐ 766: the first due date pushed back by the working days paused;
* due_at — what the applicant was promised (the legal one, or the new date of an apology).
"""

import math
from datetime import datetime, time, timedelta

from cchc.workdays.engine import Calendar, local_tz, to_local
from cchc.workdays.selectors import calendar

from .models import Dossier


def _cutoff(dossier: Dossier) -> time:
    return time(dossier.rule_set.cutoff_hour if dossier.rule_set_id else 15, 0)


def deadline_from(dossier: Dossier, start: datetime, cal: Calendar | None = None) -> datetime:
    """The due moment of the dossier's processing time counted from `start`."""
    cal = cal or calendar()
    amount = dossier.processing_days or 0
    unit = dossier.processing_unit or "working_days"
    if unit == "hours":
        return to_local(start) + timedelta(hours=float(amount))
    if unit == "days":
        # Calendar days (Bộ luật Dân sự Điều 147–148): from the day after receipt; a last day that is
        # not a working day moves to the next working day.
        day = cal.receipt_day(start, apply_cutoff=True) + timedelta(days=math.ceil(amount))
        return datetime.combine(cal.next_working_day(day), time(17, 0), tzinfo=local_tz())
    return add_working_days_with_cutoff(cal, start, math.ceil(amount), _cutoff(dossier))


def add_working_days_with_cutoff(cal: Calendar, start: datetime, days: int, cutoff: time) -> datetime:
    local = to_local(start)
    if cutoff != time(15, 0) and local.time() >= cutoff:
        # a rule set with another cut-off: move the receipt to the next working day ourselves
        start = datetime.combine(
            cal.next_working_day(local.date(), inclusive=False), time(8, 0), tzinfo=local_tz()
        )
    return cal.add_working_days(start, days, apply_cutoff=cutoff == time(15, 0))


def verdict(finished: datetime, due: datetime) -> bool:
    """On time when finished on or before the due date (a period ends at 24:00 of its last day)."""
    return to_local(finished).date() <= to_local(due).date()
