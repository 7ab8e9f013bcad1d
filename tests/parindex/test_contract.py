"""The contract with the surveys module: cycle_get, survey_items, survey_points_record."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cchc.core.exceptions import InvalidTransition
from cchc.core.models import AuditEvent
from cchc.org.models import Role
from cchc.parindex import selectors, services
from cchc.parindex.models import Entry, EntryHistory, Stage

D = Decimal


def test_cycle_get_and_survey_items(ministries_cycle):
    cycle = selectors.cycle_get("BO-2020")
    items = list(selectors.survey_items(cycle))
    assert [i.code for i in items] == ["1.2", "2.2", "3.2", "4.2", "5.2", "6.2", "7.2"]
    assert sum(i.max_points for i in items) == D("36.5")  # 1149/QĐ-BNV: survey share 36,5/100


def test_survey_points_record_is_idempotent_keeps_history_and_is_audited(
    superuser, ministries_cycle, ministry
):
    agency = ministry["ministry"]
    services.survey_points_record(
        actor=superuser,
        cycle=ministries_cycle,
        subject=agency,
        item_code="3.2",
        points=D("4.25"),
        note="đợt 1",
    )
    services.survey_points_record(
        actor=superuser,
        cycle=ministries_cycle,
        subject=agency,
        item_code="3.2",
        points=D("5.5"),
        source="survey",
        note="đợt 2",
    )
    entries = Entry.objects.filter(subject__agency=agency, stage=Stage.SURVEY)
    assert [(e.item.code, e.points, e.source) for e in entries] == [("3.2", D("5.5"), "survey")]
    history = EntryHistory.objects.filter(subject__agency=agency, stage=Stage.SURVEY)
    assert [h.points for h in history] == [D("4.25"), D("5.5")]
    events = AuditEvent.objects.filter(action="parindex.entry.record").order_by("id")
    assert events.count() == 2
    assert D(events.last().before["points"]) == D("4.25") and D(events.last().after["points"]) == D("5.5")


@pytest.mark.parametrize(
    "item_code, points, field",
    [
        ("3.1", D("1"), "item_code"),  # appraised item, not survey-assessed
        ("3.2", D("6.01"), "points"),  # above the maximum of 6
        ("3.2", D("-0.5"), "points"),
        ("9.9", D("1"), "item_code"),
        ("3", D("1"), "item_code"),  # an area, not a leaf
    ],
)
def test_survey_points_record_validates(superuser, ministries_cycle, ministry, item_code, points, field):
    with pytest.raises(ValidationError) as exc:
        services.survey_points_record(
            actor=superuser,
            cycle=ministries_cycle,
            subject=ministry["ministry"],
            item_code=item_code,
            points=points,
        )
    assert field in exc.value.message_dict
    assert not Entry.objects.exists()


def test_survey_points_subject_must_be_in_cycle(superuser, ministries_cycle, ministry):
    with pytest.raises(ValidationError) as exc:
        services.survey_points_record(
            actor=superuser, cycle=ministries_cycle, subject=ministry["a"], item_code="3.2", points=D("1")
        )
    assert "subject" in exc.value.message_dict


def test_survey_points_need_the_manage_permission(make_staff, ministries_cycle, ministry):
    officer = make_staff("ro", ministry["ministry"], [(Role.REFORM_OFFICER, ministry["ministry"], True)])
    with pytest.raises(PermissionDenied):
        services.survey_points_record(
            actor=officer,
            cycle=ministries_cycle,
            subject=ministry["ministry"],
            item_code="3.2",
            points=D("1"),
        )


def test_survey_points_locked_after_deadline_unless_reopened(superuser, ministries_cycle, ministry):
    services.cycle_set_timeline(
        actor=superuser, cycle=ministries_cycle, survey_deadline=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(InvalidTransition):
        services.survey_points_record(
            actor=superuser,
            cycle=ministries_cycle,
            subject=ministry["ministry"],
            item_code="3.2",
            points=D("1"),
        )
    services.stage_reopen(
        actor=superuser,
        cycle=ministries_cycle,
        stage=Stage.SURVEY,
        until=timezone.now() + timedelta(days=2),
        reason="Bổ sung kết quả khảo sát muộn",
    )
    services.survey_points_record(
        actor=superuser, cycle=ministries_cycle, subject=ministry["ministry"], item_code="3.2", points=D("1")
    )
    assert AuditEvent.objects.filter(action="parindex.stage.reopen").count() == 1
