"""Deadlines on the real Vietnamese calendar (holidays package VN 0.109 + overrides)."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cchc.workdays import selectors, services
from cchc.workdays.engine import Calendar
from cchc.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


def due(text, days, **kw):
    return selectors.add_working_days(datetime.strptime(text, "%Y-%m-%d %H:%M"), days, **kw)


def test_tet_2025_skips_the_whole_lunar_new_year():
    # Fri 24/01/2025; Tết 27/01–31/01 plus weekend → the first working day is Mon 03/02.
    assert due("2025-01-24 09:00", 1).date() == date(2025, 2, 3)
    assert due("2025-01-24 09:00", 3).date() == date(2025, 2, 5)


def test_tet_2026_nine_days_off():
    # Tết Bính Ngọ: off Sat 14/02 – Sun 22/02/2026.
    for d in range(14, 23):
        assert not selectors.is_working_day(date(2026, 2, d))
    assert due("2026-02-13 10:00", 1).date() == date(2026, 2, 23)
    assert selectors.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_april_30_and_may_1_2025_with_swapped_saturday():
    # 2025: work Sat 26/04 to take Fri 02/05; 30/04 and 01/05 are holidays.
    assert selectors.is_working_day(date(2025, 4, 26))
    assert not selectors.is_working_day(date(2025, 5, 2))
    assert due("2025-04-25 10:00", 1).date() == date(2025, 4, 26)
    assert due("2025-04-29 10:00", 1).date() == date(2025, 5, 5)


def test_national_day_2025_and_2026():
    assert not selectors.is_working_day(date(2025, 9, 1)) and not selectors.is_working_day(date(2025, 9, 2))
    assert due("2025-08-29 10:00", 1).date() == date(2025, 9, 3)
    # 2026: work Sat 22/08 to take Mon 31/08; 01/09 and 02/09 off.
    assert selectors.is_working_day(date(2026, 8, 22))
    assert [
        selectors.is_working_day(date(2026, 8, 31)),
        selectors.is_working_day(date(2026, 9, 1)),
        selectors.is_working_day(date(2026, 9, 2)),
    ] == [False, False, False]
    assert due("2026-08-28 09:00", 1).date() == date(2026, 9, 3)


def test_cutoff_at_15_00():
    # Wed 25/11/2026 14:59 counts that day; 15:00 counts from Thu 26/11.
    assert due("2026-11-25 14:59", 0).date() == date(2026, 11, 25)
    assert due("2026-11-25 15:00", 0).date() == date(2026, 11, 26)
    assert due("2026-11-25 15:00", 2).date() == date(2026, 11, 30)
    assert due("2026-11-25 15:00", 2, apply_cutoff=False).date() == date(2026, 11, 27)
    assert due("2026-11-25 15:00", 2).strftime("%H:%M") == "17:00"


def test_weekend_receipt_counts_from_monday():
    assert due("2026-11-28 09:00", 1).date() == date(2026, 12, 1)  # Sat → received Mon 30/11 → Tue 01/12


def test_between_and_add_are_inverse():
    cal = Calendar()
    start = datetime(2025, 1, 10, 9, 0)
    for n in range(0, 60, 7):
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n
    assert cal.working_days_between(date(2026, 1, 5), date(2026, 1, 2)) == -1


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        due("2026-01-05 09:00", -1)


def test_override_day_off_and_working_saturday(superuser):
    assert due("2026-12-30 09:00", 1).date() == date(2026, 12, 31)
    services.override_record(
        actor=superuser,
        day=date(2026, 12, 31),
        kind="day_off",
        name="Nghỉ thử nghiệm",
        source_document="Thông báo 1/TB-VPCP",
        effective_from=date(2026, 1, 1),
    )
    assert not selectors.is_working_day(date(2026, 12, 31))
    assert due("2026-12-30 09:00", 1).date() == date(2027, 1, 4)
    services.override_record(
        actor=superuser,
        day=date(2027, 1, 2),
        kind="working_day",
        name="Làm bù",
        source_document="Thông báo 1/TB-VPCP",
        effective_from=date(2026, 1, 1),
    )
    assert due("2026-12-30 09:00", 1).date() == date(2027, 1, 2)


def test_revoked_override_no_longer_applies(superuser):
    o = services.override_record(
        actor=superuser,
        day=date(2026, 12, 31),
        kind="day_off",
        name="x",
        source_document="CV 1",
        effective_from=date(2026, 1, 1),
    )
    services.override_revoke(actor=superuser, override=o, reason="Nhầm ngày", revoked_on=date(2026, 1, 2))
    assert selectors.is_working_day(date(2026, 12, 31))
    assert CalendarOverride.objects.filter(pk=o.pk, revoked_reason="Nhầm ngày").exists()


def test_override_in_the_future_is_not_yet_in_force(superuser):
    services.override_record(
        actor=superuser,
        day=date(2026, 12, 31),
        kind="day_off",
        name="x",
        source_document="CV 1",
        effective_from=date(2099, 1, 1),
    )
    assert selectors.is_working_day(date(2026, 12, 31))
    assert not selectors.calendar(as_of=date(2099, 1, 2)).is_working_day(date(2026, 12, 31))


def test_override_needs_document_and_admin(superuser, ministry, make_staff):
    with pytest.raises(ValidationError) as exc:
        services.override_record(
            actor=superuser, day=date(2026, 12, 31), kind="day_off", name="x", source_document=" "
        )
    assert "source_document" in exc.value.message_dict
    from cchc.org.models import Role

    clerk = make_staff("clerk1", ministry["a"], [(Role.ONESTOP_CLERK, ministry["a"], False)])
    with pytest.raises(PermissionDenied):
        services.override_record(
            actor=clerk, day=date(2026, 12, 31), kind="day_off", name="x", source_document="CV"
        )


def test_second_active_override_same_day_refused(superuser):
    services.override_record(
        actor=superuser, day=date(2026, 12, 31), kind="day_off", name="x", source_document="CV"
    )
    with pytest.raises(ValidationError):
        services.override_record(
            actor=superuser, day=date(2026, 12, 31), kind="working_day", name="y", source_document="CV"
        )


def test_cli_due(capsys):
    call_command("workdays", "due", "--from", "2026-02-13 15:30", "--days", "2")
    assert (
        capsys.readouterr().out.strip() == "2026-02-25 17:00"
    )  # after 15:00 on the eve of Tết → received Mon 23/02
    call_command("workdays", "year", "2025")
    out = capsys.readouterr().out
    assert "2025-04-26\tworking_day" in out and "2025-05-02\tday_off" in out


def test_unconfirmed_culture_day_is_flagged():
    working, name = selectors.calendar().day_info(date(2026, 11, 24))
    assert working is False and "chưa xác nhận" in name
