"""Working-day arithmetic on the Vietnamese civil-service calendar.

Default calendar: Saturday and Sunday off, public holidays and swaps from the `holidays` package (VN),
corrected by CalendarOverride rows. Deadline rules (NĐ 61/2018 Điều 18–19, Bộ luật Dân sự Điều 147–148):

* a dossier received on a working day before 15:00 counts as received that day; after 15:00, or on a
  day off, it counts as received on the next working day ("the 15:00 cut-off");
* a period of N working days starts the day after the day of receipt and ends with the N-th working
  day; N = 0 means "within the day of receipt" (trả trong ngày);
* the due moment shown to the applicant is the close of office (17:00) of that day, and a result is
  on time when it is finished on or before the due *date* (the period ends at 24:00 of its last day).

`Calendar` keeps a sorted array of working days, so adding or counting days is a binary search.
"""

import bisect
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

CUTOFF = time(15, 0)
OFFICE_CLOSE = time(17, 0)
FIRST_YEAR = 2000
# The array covers FIRST_YEAR … today's year + YEARS_AHEAD and grows when a date beyond is asked.
YEARS_AHEAD = 6


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def to_local(moment: datetime) -> datetime:
    """An aware datetime in the platform's time zone (naive input is read as local time)."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=local_tz())
    return moment.astimezone(local_tz())


# Days the package counts as holidays whose legal basis is not confirmed (reference §15.2). They stay
# days off (the package's choice) and are flagged wherever the calendar is shown; an administrator
# corrects them with an override citing the document once the question is settled.
UNCONFIRMED = {
    (11, 24): "chưa xác nhận: việc bổ sung ngày 24/11 vào Điều 112 Bộ luật Lao động chưa được ban hành"
}


@lru_cache(maxsize=64)
def package_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """(holidays with Vietnamese names, weekend days made working) of one year, from the package."""
    # Neighbouring years too: a swap decided for one year may fall at the end of the previous one.
    vn = holidays.country_holidays("VN", years=[year - 1, year, year + 1], language="vi")
    days_off = {d: str(name) for d, name in vn.items() if d.year == year}
    working = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return days_off, working


class Calendar:
    """An immutable working-day calendar: package defaults plus overrides {day: (kind, name)}."""

    def __init__(self, overrides: dict[date, tuple[str, str]] | None = None):
        self.overrides = dict(overrides or {})
        self._last_year = 0
        self._days: list[date] = []
        self._extend(date.today().year + YEARS_AHEAD)

    # --- the calendar itself -------------------------------------------------------------
    def day_info(self, d: date) -> tuple[bool, str]:
        """(is a working day, why not / which holiday) for one day."""
        override = self.overrides.get(d)
        if override is not None:
            kind, name = override
            return kind == "working_day", name
        days_off, swapped = package_year(d.year)
        if d in swapped:
            return True, ""
        if d in days_off:
            note = UNCONFIRMED.get((d.month, d.day))
            return False, f"{days_off[d]} ({note})" if note else days_off[d]
        if d.weekday() >= 5:
            return False, ""
        return True, ""

    def is_working_day(self, d: date) -> bool:
        return self.day_info(d)[0]

    def _extend(self, last_year: int) -> None:
        if last_year <= self._last_year:
            return
        start = date(self._last_year + 1 if self._last_year else FIRST_YEAR, 1, 1)
        d, end = start, date(last_year, 12, 31)
        while d <= end:
            if self.is_working_day(d):
                self._days.append(d)
            d += timedelta(days=1)
        self._last_year = last_year

    def _index_on_or_after(self, d: date) -> int:
        if d.year < FIRST_YEAR:
            raise ValueError(f"dates before {FIRST_YEAR} are outside the working-day calendar")
        self._extend(d.year + 1)
        return bisect.bisect_left(self._days, d)

    def _day_at(self, index: int) -> date:
        while index >= len(self._days):
            self._extend(self._last_year + 5)
        return self._days[index]

    # --- arithmetic ------------------------------------------------------------------------
    def next_working_day(self, d: date, *, inclusive: bool = True) -> date:
        """The first working day on or after d (strictly after when inclusive is False)."""
        return self._day_at(self._index_on_or_after(d if inclusive else d + timedelta(days=1)))

    def receipt_day(self, moment: datetime, *, apply_cutoff: bool = True) -> date:
        """The working day a dossier counts as received on (the 15:00 cut-off applied)."""
        local = to_local(moment)
        d = local.date()
        if self.is_working_day(d) and not (apply_cutoff and local.time() >= CUTOFF):
            return d
        return self.next_working_day(d, inclusive=False)

    def add_working_days(self, start: datetime, days: int, *, apply_cutoff: bool = True) -> datetime:
        """The due moment (17:00 local) N working days after receipt at `start`."""
        if days < 0:
            raise ValueError("days must be zero or positive")
        first = self.receipt_day(start, apply_cutoff=apply_cutoff)
        due = self._day_at(self._index_on_or_after(first) + days)
        return datetime.combine(due, OFFICE_CLOSE, tzinfo=local_tz())

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days after `start` up to and including `end` (negative when end is before start)."""
        a = to_local(start).date() if isinstance(start, datetime) else start
        b = to_local(end).date() if isinstance(end, datetime) else end
        if b < a:
            return -self.working_days_between(b, a)
        # count of working days in (a, b] = index of first day > b minus index of first day > a
        return self._index_on_or_after(b + timedelta(days=1)) - self._index_on_or_after(a + timedelta(days=1))

    def days_off(self, year: int) -> list[tuple[date, str, str]]:
        """Every weekday off and every weekend day worked in a year: (day, 'day_off'|'working_day', name)."""
        rows = []
        d = date(year, 1, 1)
        while d.year == year:
            working, name = self.day_info(d)
            weekend = d.weekday() >= 5
            if working == weekend or d in self.overrides:
                rows.append((d, "working_day" if working else "day_off", name))
            d += timedelta(days=1)
        return rows
