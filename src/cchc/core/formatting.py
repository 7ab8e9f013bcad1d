"""Numbers, ratios and dates the way Vietnamese officials write them: 61,68%; 1.304.001; 25/11/2026.

Values stay exact (Decimal) everywhere; rounding half-up happens only here, when shown.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value, places: int = 2) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value, places: int = 0) -> str:
    """1304001 → '1.304.001'; 61.675 with places=2 → '61,68'."""
    if value is None or value == "":
        return "—"
    rounded = round_half_up(value, places)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{places}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    return f"{sign}{result},{frac}" if places else f"{sign}{result}"


def percent(numerator, denominator) -> Decimal | None:
    """The exact percentage numerator/denominator × 100, or None when the denominator is 0."""
    if denominator in (None, 0) or numerator is None:
        return None
    return to_decimal(numerator) * 100 / to_decimal(denominator)


def format_percent(value, places: int = 2) -> str:
    """A value already in percent: 61.6822 → '61,68%'."""
    if value is None:
        return "—"
    return f"{format_number(value, places)}%"


def format_ratio(numerator, denominator, places: int = 2) -> str:
    """'66/107 (61,68%)'."""
    return f"{format_number(numerator)}/{format_number(denominator)} ({format_percent(percent(numerator, denominator), places)})"


def format_date(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def format_datetime(value) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")
