from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cchc.core.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_ratio,
    percent,
)


def test_ratio_is_written_the_way_officials_write_it():
    assert format_ratio(66, 107) == "66/107 (61,68%)"
    assert format_ratio(19, 32) == "19/32 (59,38%)"


def test_thousands_use_dots_and_decimals_use_commas():
    assert format_number(1304001) == "1.304.001"
    assert format_number(Decimal("1234.5"), 2) == "1.234,50"
    assert format_number(-1500) == "-1.500"
    assert format_number(999) == "999"


@pytest.mark.parametrize(
    "value,expected",
    [
        (Decimal("2.675"), "2,68"),  # half-up, not banker's rounding
        (Decimal("2.665"), "2,67"),
        (Decimal("99.995"), "100,00"),
        (2.675, "2,68"),  # floats are taken by their shortest repr, not binary expansion
    ],
)
def test_rounding_is_half_up_at_the_last_shown_digit(value, expected):
    assert format_number(value, 2) == expected


def test_percent_and_empty_values():
    assert format_percent(Decimal("61.6822")) == "61,68%"
    assert format_percent(None) == "—"
    assert percent(1, 0) is None
    assert format_ratio(0, 0) == "0/0 (—)"


def test_dates_are_day_month_year_in_vietnam_time():
    assert format_date(date(2026, 11, 25)) == "25/11/2026"
    late_utc = datetime(2026, 11, 24, 20, 30, tzinfo=ZoneInfo("UTC"))  # 03:30 next day in Hà Nội
    assert format_date(late_utc) == "25/11/2026"
    assert format_datetime(late_utc) == "25/11/2026 03:30"
