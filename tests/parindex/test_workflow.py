"""Scoring workflow and computation: blocks, exemptions, caps, ties, rounding, locks, secrecy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cchc.core.exceptions import InvalidTransition
from cchc.core.formatting import format_percent
from cchc.core.models import AuditEvent
from cchc.parindex import selectors, services
from cchc.parindex.models import Result, Stage

D = Decimal


def fill_self(actor, subject, points_by_code=None):
    """Self-score every applicable non-survey leaf (full marks unless given); evidence where required."""
    for item in selectors.applicable_leaves(subject):
        if item.assessment == "survey":
            continue
        pts = (points_by_code or {}).get(item.code, item.max_points)
        if item.rule == "bands":
            services.entry_record(
                actor=actor,
                subject=subject,
                item_code=item.code,
                stage=Stage.SELF,
                value=D(100) if pts == item.max_points else D(0),
            )
        elif item.rule == "yes_no":
            services.entry_record(
                actor=actor,
                subject=subject,
                item_code=item.code,
                stage=Stage.SELF,
                value=1 if pts == item.max_points else 0,
            )
        else:
            services.entry_record(
                actor=actor, subject=subject, item_code=item.code, stage=Stage.SELF, points=pts
            )
        if item.evidence_required:
            services.evidence_add(
                actor=actor,
                subject=subject,
                item_code=item.code,
                title="Báo cáo số 1",
                link="/reform/reports/1/",
            )


def results(cycle):
    return {
        r.subject.agency.code: r
        for r in Result.objects.filter(subject__cycle=cycle).select_related("subject__agency")
    }


def test_blocks_set_the_maximum_and_survey_items_count_in_it(superuser, units_cycle, ministry):
    for s in units_cycle.subjects.all():
        fill_self(superuser, s)
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    r = results(units_cycle)
    # Block CUC: 80 points (area 6 is for Tổng cục only); block VU: 70 (no areas 3 and 6).
    assert r["000.00.01.G99"].max_points == 80 and r["000.00.03.G99"].max_points == 70
    # Everything self-scored in full except the survey item 5.3 (4 points, no survey yet).
    assert r["000.00.01.G99"].points == 76 and r["000.00.03.G99"].points == 66
    assert r["000.00.01.G99"].self_points == 76 and r["000.00.01.G99"].survey_points == 0
    with pytest.raises(ValidationError):  # area 6 does not apply to a Cục
        services.entry_record(
            actor=superuser,
            subject=units_cycle.subjects.get(agency=ministry["a"]),
            item_code="6.1",
            stage=Stage.SELF,
            points=1,
        )


def test_exemption_leaves_the_denominator(superuser, units_cycle, ministry):
    a = units_cycle.subjects.get(agency=ministry["a"])
    fill_self(superuser, a, {"3.2": D(0)})
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    before = results(units_cycle)["000.00.01.G99"]
    assert (before.points, before.max_points) == (D(73), D(80))
    with pytest.raises(ValidationError):  # 1.1 is not exemptible
        services.exemption_set(actor=superuser, subject=a, item_code="1.1", reason="x")
    services.exemption_set(
        actor=superuser, subject=a, item_code="3.2", reason="Đơn vị không có TTHC trực tuyến"
    )
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    after = results(units_cycle)["000.00.01.G99"]
    assert (after.points, after.max_points) == (D(73), D(77))
    assert after.index == (D(73) * 100 / D(77)).quantize(D("0.000001"))
    assert [D(x) for x in after.areas["3"]] == [D(7), D(7)]


def test_appraisal_rounds_override_self_and_bands_score_ratios(superuser, units_cycle, ministry, officers):
    a = units_cycle.subjects.get(agency=ministry["a"])
    fill_self(officers["a"], a)
    with pytest.raises(InvalidTransition):  # no appraisal before the self-assessment is submitted
        services.entry_record(actor=superuser, subject=a, item_code="1.2", stage=Stage.APPRAISAL1, value=90)
    services.self_submit(actor=officers["a"], subject=a)
    with pytest.raises(InvalidTransition):  # submitted: locked
        services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=1)
    with pytest.raises(PermissionDenied):  # not assigned
        services.entry_record(
            actor=officers["appraiser"], subject=a, item_code="1.2", stage=Stage.APPRAISAL1, value=90
        )
    services.appraiser_assign(actor=superuser, cycle=units_cycle, user=officers["appraiser"], area_code="1")
    e = services.entry_record(
        actor=officers["appraiser"],
        subject=a,
        item_code="1.2",
        stage=Stage.APPRAISAL1,
        value=D("85.5"),
        comment="Kế hoạch hoàn thành 85,5%",
    )
    assert e.points == D("2.5")  # band 80–<100% → half of 5
    with pytest.raises(PermissionDenied):  # assigned to area 1 only
        services.entry_record(
            actor=officers["appraiser"], subject=a, item_code="2.2", stage=Stage.APPRAISAL1, points=1
        )
    services.entry_record(
        actor=officers["a"],
        subject=a,
        item_code="1.2",
        stage=Stage.EXPLANATION,
        comment="Bổ sung báo cáo: hoàn thành 100%",
        points=5,
    )
    services.evidence_add(
        actor=officers["a"],
        subject=a,
        item_code="1.2",
        title="Báo cáo bổ sung",
        link="/reform/reports/2/",
        stage=Stage.EXPLANATION,
    )
    services.explanation_submit(actor=officers["a"], subject=a)
    services.entry_record(
        actor=officers["appraiser"], subject=a, item_code="1.2", stage=Stage.APPRAISAL2, value=100
    )
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    assert results(units_cycle)["000.00.01.G99"].points == 76
    sheet = {row.item.code: row for row in selectors.subject_sheet(a, with_metrics=False)}
    assert sheet["1.2"].final == 5 and sheet["1"].final == 12 and sheet["1"].max_applicable == 12
    history = selectors.entry_history(a, sheet["1.2"].item)
    assert [h.stage for h in history] == ["self", "appraisal1", "explanation", "appraisal2"]


def test_submit_needs_every_score_and_evidence(superuser, units_cycle, ministry, officers):
    a = units_cycle.subjects.get(agency=ministry["a"])
    services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=4)
    with pytest.raises(ValidationError) as exc:
        services.self_submit(actor=officers["a"], subject=a)
    assert "1.1" in str(exc.value) and "1.3" in str(exc.value)  # 1.1 not scored, 1.3 lacks evidence


def test_bonus_and_penalty_are_capped(superuser, units_cycle, ministry):
    a = units_cycle.subjects.get(agency=ministry["a"])
    fill_self(superuser, a, {"1.3": D(0), "2.2": D(0)})  # 70 of 80
    services.adjustment_add(actor=superuser, subject=a, kind="bonus", points=2, reason="Sáng kiến CCHC")
    services.adjustment_add(actor=superuser, subject=a, kind="bonus", points=D("2.5"), reason="Giải thưởng")
    services.adjustment_add(actor=superuser, subject=a, kind="penalty", points=1, reason="Báo cáo chậm")
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    r = results(units_cycle)["000.00.01.G99"]
    assert (r.bonus, r.penalty) == (D(3), D(1))  # bonus capped at 3 by the methodology
    assert r.points == D(66) + D(3) - D(1)  # 80 − 4 (survey 5.3 not given) − 10 not achieved
    with pytest.raises(ValidationError):
        services.adjustment_add(actor=superuser, subject=a, kind="bonus", points=0, reason="x")


def test_ties_share_a_rank_and_groups(superuser, ministries_cycle, ministry, second_ministry):
    first, second = ministries_cycle.subjects.order_by("agency__code")
    for s in (first, second):
        fill_self(superuser, s)
        for item in selectors.survey_items(ministries_cycle):
            services.survey_points_record(
                actor=superuser,
                cycle=ministries_cycle,
                subject=s.agency,
                item_code=item.code,
                points=item.max_points,
            )
    services.cycle_compute(actor=superuser, cycle=ministries_cycle)
    rows = selectors.ranking(ministries_cycle)
    assert [r.rank for r in rows] == [1, 1]
    assert {r.group for r in rows} == {"Nhóm 1"}
    services.entry_record(actor=superuser, subject=second, item_code="3.1", stage=Stage.SELF, points=1)
    services.cycle_compute(actor=superuser, cycle=ministries_cycle)
    rows = selectors.ranking(ministries_cycle)
    assert [(r.subject.agency.code, r.rank, r.group) for r in rows] == [
        ("000.00.00.G98", 1, "Nhóm 1"),
        ("000.00.00.G99", 2, "Nhóm 1"),
    ]
    assert rows[1].result.index == 90
    top_survey = selectors.ranking(ministries_cycle, component="survey", limit=5)
    assert [r.rank for r in top_survey] == [1, 1]


def test_rounding_half_up_at_the_third_decimal(superuser, ministries_cycle, ministry):
    s = ministries_cycle.subjects.get(agency=ministry["ministry"])
    # 61,665 points of 100 → shown 61,67% (half-up), where banker's rounding or binary floats give 61,66.
    fill_self(
        superuser,
        s,
        {
            "1.1": D("5.5"),
            "2.1": D("10.5"),
            "3.1": D("11"),
            "4.1": D("8"),
            "5.1": D("10"),
            "6.1": D("8"),
            "7.1": D("8.665"),
        },
    )
    services.cycle_compute(actor=superuser, cycle=ministries_cycle)
    r = results(ministries_cycle)["000.00.00.G99"]
    assert r.index == D("61.665")
    assert format_percent(r.index) == "61,67%"
    assert f"{float(r.index):.2f}" == "61.66"  # what float formatting would have shown


def test_late_edits_refused_unless_reopened_and_audited(superuser, units_cycle, ministry, officers):
    a = units_cycle.subjects.get(agency=ministry["a"])
    services.cycle_set_timeline(
        actor=superuser, cycle=units_cycle, self_deadline=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(InvalidTransition) as exc:
        services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=4)
    assert "deadline" in str(exc.value).lower() or "hạn" in str(exc.value)
    with pytest.raises(PermissionDenied):  # only managers reopen
        services.stage_reopen(
            actor=officers["a"],
            cycle=units_cycle,
            subject=a,
            stage=Stage.SELF,
            until=timezone.now() + timedelta(days=1),
            reason="xin gia hạn",
        )
    services.stage_reopen(
        actor=superuser,
        cycle=units_cycle,
        subject=a,
        stage=Stage.SELF,
        until=timezone.now() + timedelta(days=1),
        reason="Gia hạn theo công văn số 12",
    )
    services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=4)
    b = units_cycle.subjects.get(agency=ministry["b"])  # reopened for Cục A only
    with pytest.raises(InvalidTransition):
        services.entry_record(actor=officers["b"], subject=b, item_code="1.3", stage=Stage.SELF, points=4)
    assert AuditEvent.objects.filter(action="parindex.stage.reopen", agency_id=ministry["a"].pk).exists()


def test_a_subject_cannot_see_another_subjects_self_assessment_before_publication(
    superuser, units_cycle, ministry, officers
):
    a = units_cycle.subjects.get(agency=ministry["a"])
    services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=4)
    with pytest.raises(PermissionDenied):  # cannot score for another unit
        services.entry_record(actor=officers["b"], subject=a, item_code="1.3", stage=Stage.SELF, points=0)
    assert selectors.subject_for(officers["a"], units_cycle, "000.00.01.G99") == a
    with pytest.raises(Http404):
        selectors.subject_for(officers["b"], units_cycle, "000.00.01.G99")
    assert [s.agency.code for s in selectors.subjects_visible(officers["b"], units_cycle)] == [
        "000.00.02.G99"
    ]
    services.cycle_publish(actor=superuser, cycle=units_cycle)
    assert selectors.subject_for(officers["b"], units_cycle, "000.00.01.G99") == a
    with pytest.raises(InvalidTransition):  # published: final
        services.entry_record(actor=officers["a"], subject=a, item_code="1.3", stage=Stage.SELF, points=1)


def test_subjects_must_match_the_methodology_level(superuser, ministries_cycle, units_cycle, ministry, moha):
    with pytest.raises(ValidationError):  # a Cục is not a ministry
        services.subject_add(actor=superuser, cycle=ministries_cycle, agency=ministry["a"])
    with pytest.raises(ValidationError):  # Bộ Nội vụ is not a unit of Bộ Thử nghiệm
        services.subject_add(actor=superuser, cycle=units_cycle, agency=moha, block="VU")
    with pytest.raises(ValidationError):  # block required
        services.subject_add(actor=superuser, cycle=units_cycle, agency=ministry["a1"])


def test_evidence_files_are_checked(superuser, units_cycle, ministry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = units_cycle.subjects.get(agency=ministry["a"])
    bad = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.evidence_add(actor=superuser, subject=a, item_code="1.1", title="Kế hoạch", upload=bad)
    good = SimpleUploadedFile("kehoach.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    ev = services.evidence_add(
        actor=superuser, subject=a, item_code="1.1", title="Kế hoạch 2018", upload=good
    )
    assert ev.file.name.endswith(".pdf") and "kehoach" not in ev.file.name
    with pytest.raises(ValidationError):  # links stay on the platform
        services.evidence_add(
            actor=superuser, subject=a, item_code="1.1", title="x", link="https://evil.example/"
        )


def test_change_against_the_previous_cycle_and_rule_version_in_force(
    superuser, ministries_cycle, ministry, moha
):
    first = ministries_cycle.subjects.get(agency=ministry["ministry"])
    fill_self(superuser, first, {"3.1": D(0)})  # 63,5 − 11 = 52,5 of 100
    services.cycle_publish(actor=superuser, cycle=ministries_cycle)
    with pytest.raises(ValidationError):  # 1149/QĐ-BNV ended on 09/11/2022
        services.cycle_create(
            actor=superuser,
            code="BO-2023",
            name="x",
            year=2023,
            methodology=ministries_cycle.methodology,
            owner=moha,
        )
    nxt = services.cycle_create(
        actor=superuser,
        code="BO-2021",
        name="Chỉ số CCHC 2021",
        year=2021,
        methodology=ministries_cycle.methodology,
        owner=moha,
        previous=ministries_cycle,
    )
    s = services.subject_add(actor=superuser, cycle=nxt, agency=ministry["ministry"])
    fill_self(superuser, s)  # 63,5 of 100
    services.cycle_compute(actor=superuser, cycle=nxt)
    row = selectors.ranking(nxt)[0]
    assert (row.previous_index, row.result.index, row.change) == (D("52.5"), D("63.5"), D("11.00"))


def test_metric_bound_items_read_the_registry(superuser, units_cycle, ministry, monkeypatch):
    from cchc.core import metrics

    supplied = metrics.Metric(
        name="procedures.fully_online_share",
        label="Tỷ lệ DVC trực tuyến toàn trình",
        unit="percent",
        compute=lambda agency, period: metrics.MetricValue.ratio(
            45, 50, records_url=f"/procedures/?unit={agency.code}&year={period.start.year}"
        ),
    )
    monkeypatch.setitem(metrics.METRICS, supplied.name, supplied)  # as the procedures module registers it
    a = units_cycle.subjects.get(agency=ministry["a"])
    e = services.entry_record(
        actor=superuser, subject=a, item_code="3.2", stage=Stage.SELF
    )  # formula, no points given
    assert e.points == D("2.7")  # 3 × 90% (45/50)
    row = {r.item.code: r for r in selectors.subject_sheet(a)}["3.2"]
    name, metric, value = row.metrics[0]
    assert (name, value.value, row.suggested) == ("procedures.fully_online_share", D(90), D("2.7"))
    assert value.records_url == "/procedures/?unit=000.00.01.G99&year=2018"
    unavailable = selectors.unavailable_metrics(units_cycle)
    assert "procedures.fully_online_share" not in unavailable
