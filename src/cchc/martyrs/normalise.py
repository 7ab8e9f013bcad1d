"""How a martyr record's values are read, shared by the import (bulk.py) and the edit page
(services.martyr_update), so a record entered either way is stored the same way: years, partial dates
of sacrifice, and the home town resolved to province and commune codes (places.py)."""

import calendar
import re

from django.utils import timezone

from . import places

FIRST_YEAR = 1850
PARTIAL_DATE = re.compile(r"^(?:(?:(\d{1,2})/)?(\d{1,2})/)?(\d{4})$")


def year_ok(year: int | None) -> bool:
    return year is None or FIRST_YEAR <= year <= timezone.localdate().year


def check_partial_date(year: int | None, month: int | None, day: int | None) -> None:
    """A date of sacrifice may be a year, a month and year, or a full date; nothing else (a day
    without its month, 31/4, 29/2 of a common year, a date still to come). ValueError otherwise."""
    if year is None and (month or day) or month is None and day:
        raise ValueError("a day needs its month and a month its year")
    if year is None:
        return
    if not year_ok(year):
        raise ValueError("year out of range")
    if month is not None and not 1 <= month <= 12:
        raise ValueError("month out of range")
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError("day out of range")
    today = timezone.localdate()
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        raise ValueError("in the future")


def parse_partial_date(text: str):
    """ "1968", "5/1968", "12/5/1968" or "1968-05-12" → (year, month, day) with None for what is missing."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        y, m, d = (int(p) for p in text.split("-"))
    else:
        match = PARTIAL_DATE.match(text)
        if not match:
            raise ValueError
        d, m, y = (int(g) if g else None for g in match.groups())
        if d is not None and m is None:
            d, m = None, d
    check_partial_date(y, m, d)
    return y, m, d


def province_codes(text: str) -> str | None:
    """The stored home-province value for a province written by name (of any period) or as its GSO
    code: "Hà Nam Ninh" → "35 36 37"; "" for nothing written, None for a name nobody knows."""
    text = (text or "").strip()
    if not text:
        return ""
    codes = places.codes_for(text) or ({text} if text in places.COORDS else set())
    return " ".join(sorted(codes)) if codes else None


def home_codes(native_place: str, native_province: str = "") -> tuple[str, str]:
    """(province codes, commune code) of a home town as written; a province given on its own (the
    import's `native_province` column, the edit page's field) wins over the one read from the place."""
    province = province_codes(native_province) or ""
    commune = ""
    if native_place:
        found, commune = places.resolve(native_place)
        province = province or found
    return province, commune
