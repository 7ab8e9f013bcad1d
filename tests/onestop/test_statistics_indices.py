"""TT 01/2018 indices 5–8 and the QĐ 766 indicators 3.1 and 5.x: boundaries of each rule, and the
figures computed from dossiers taken through the services."""

from datetime import date
from decimal import Decimal

import pytest

from cchc.core.metrics import MetricValue, Period
from cchc.feedback import services as feedback
from cchc.onestop import services, statistics
from cchc.onestop.models import Dossier, RuleSet
from cchc.onestop.statistics import Summary, UnitFacts
from cchc.org.models import Role
from cchc.procedures import services as procedures

pytestmark = pytest.mark.django_db


def _facts(level="central", **kw):
    return UnitFacts(rules=RuleSet.objects.get(code="ND118-2025"), level=level, **kw)


def test_index5_threshold_depends_on_level_from_the_rule_set():
    facts = _facts()
    assert (
        facts.desk_threshold("central"),
        facts.desk_threshold("district"),
        facts.desk_threshold("commune"),
    ) == (20, 50, 100)
    s = Summary(resolved=10, at_desk=2, returned=10)  # exactly 20 %
    assert statistics.index5(s, facts.desk_threshold("central")) == 2
    assert statistics.index5(s, facts.desk_threshold("district")) == 1  # < 50 %, all returned at the desk
    assert statistics.index5(Summary(resolved=10, at_desk=5, returned=9), 50) == 2
    assert statistics.index5(Summary(resolved=10, at_desk=4, returned=9), 50) == 0
    assert statistics.index5(Summary(resolved=10, at_desk=9, returned=10), 100) == 1
    assert statistics.index5(Summary(resolved=0), 20) is None
    assert (
        statistics.agency_level("district") == "district"
        and statistics.agency_level("department") == "central"
    )


def test_index8_boundaries():
    assert statistics.index8(MetricValue.ratio(10, 10)) == 2
    assert statistics.index8(MetricValue.ratio(9, 10)) == 1  # exactly 90 %
    assert statistics.index8(MetricValue.ratio(899, 1000)) == 0
    assert statistics.index8(MetricValue(None)) is None and statistics.index8(None) is None


def test_qd766_satisfaction_and_online_offer_thresholds():
    s = Summary(received=100, finished=100, on_time_evaluation=95, complained=3)
    facts = _facts(procedures_total=5, procedures_online=4, ratings=MetricValue.ratio(8, 10))
    rows = {r["code"]: r for r in statistics.qd766_indicators(s, facts)}
    assert rows["5.x"]["value"] == Decimal(90) and rows["5.x"]["met"] is True  # 100 − 5 − (3 + 2)
    assert rows["5.x"]["detail"] == {"overdue": 5, "complaints_dislikes": 5}
    assert rows["3.1"]["value"] == Decimal(80) and rows["3.1"]["met"] is True
    s.on_time_evaluation = 94
    facts.procedures_online = 3
    rows = {r["code"]: r for r in statistics.qd766_indicators(s, facts)}
    assert rows["5.x"]["value"] == Decimal(89) and rows["5.x"]["met"] is False
    assert rows["3.1"]["met"] is False and rows["2.1"]["met"] is None
    assert rows["3.3"]["threshold"] == 50 and rows["3.3"]["met"] is False  # no dossier online


def test_index9_needs_procedures_online_when_known():
    s = Summary(received=10, online=3, finished=10)
    assert statistics.index9(s) == 2
    assert statistics.index9(s, _facts(procedures_total=10, procedures_online=2)) == 2
    assert statistics.index9(s, _facts(procedures_total=10, procedures_online=1)) == 1
    assert statistics.index9(s, _facts(procedures_total=10, procedures_online=0)) == 0


def _version(**kw):
    return {
        "effective_from": date(2018, 1, 1),
        "steps": ["Nộp", "Thẩm định", "Trả"],
        "channels": ["in_person"],
        "processing_time_value": 5,
        "processing_time_unit": "working_days",
        "applicants": "Công dân",
        "result": "Giấy phép",
        "legal_basis": [{"number": "61/2018/NĐ-CP"}],
        "components": [{"code": "TK", "name": "Tờ khai"}],
        **kw,
    }


@pytest.fixture
def desk(ministry, make_staff):
    """Staff who appraise and approve at Cục A itself (where its one-stop unit is)."""
    a = ministry["a"]
    return make_staff("desk_expert", a, [(Role.PROCESSING_OFFICER, a, False), (Role.UNIT_LEADER, a, False)])


def _receive(staff, agency, procedure, unit):
    d = services.dossier_register(
        actor=staff["clerk"], agency=agency, procedure=procedure, channel=1, applicant_name="N"
    )
    return services.dossier_accept(
        actor=staff["clerk"], dossier=d, version=d.version, unit=unit, quota_days=4
    )


def _decide(officer, leader, d):
    d = services.dossier_assign(actor=leader, dossier=d, version=d.version, officer=officer)
    d = services.dossier_propose_result(actor=officer, dossier=d, version=d.version, outcome="granted")
    return services.dossier_approve(actor=leader, dossier=d, version=d.version)


def test_indices_5_to_8_from_dossiers(superuser, procedure, staff, ministry, desk, citizen, clock):
    a = ministry["a"]
    posted = procedures.procedure_create(
        actor=superuser,
        agency=a,
        code="1.000002",
        name="Thủ tục niêm yết đủ",
        field="Việc làm",
        level="central",
        version=_version(
            publication_decision="QĐ 1/QĐ-BTN",
            published_on=date(2017, 12, 1),
            posted_at_desk_on=date(2018, 1, 5),
        ),
    )
    online_only = procedures.procedure_create(
        actor=superuser,
        agency=a,
        code="1.000003",
        name="Thủ tục chỉ công bố điện tử",
        field="Việc làm",
        level="central",
        version=_version(
            publication_decision="QĐ 2/QĐ-BTN",
            published_on=date(2017, 12, 1),
            posted_at_desk_on=date(2027, 1, 1),
        ),
    )  # posted after receipt: not counted
    clock.set("2026-11-09 09:00")  # Monday; legal due Monday 16/11
    d1 = _receive(staff, a, posted, a)  # appraised and approved at Cục A itself
    d2 = _receive(staff, a, online_only, ministry["a1"])
    d3 = _receive(staff, a, procedure, ministry["a1"])  # fixture version: neither posted nor published
    clock.set("2026-11-10 10:00")
    d1 = _decide(desk, desk, d1)
    d2 = _decide(staff["officer"], staff["leader"], d2)
    for d in (d1, d2):
        services.dossier_return_result(
            actor=staff["clerk"], dossier=d, version=Dossier.objects.get(pk=d.pk).version
        )
    clock.set("2026-11-16 11:00")  # on the due day
    d3 = _decide(staff["officer"], staff["leader"], d3)
    services.dossier_complaint_record(actor=superuser, dossier=d2, upheld=True, reference="PAKN-test")

    def one(d):
        return statistics.summary(Dossier.objects.filter(pk=d.pk))

    assert (one(d1).i6, one(d2).i6, one(d3).i6) == (2, 1, 0)
    assert (one(d1).i7, one(d2).i7, one(d3).i7) == (2, 0, 1)  # early; upheld complaint; on the due day

    period = Period.year(2026)
    s = statistics.summary(statistics.received_in(period, a))
    assert (s.resolved, s.at_desk, s.returned, s.complained) == (3, 1, 2, 1)
    rows = {r["index"]: r for r in statistics.tt01_indices(s, statistics.unit_facts(period, [a]))}
    assert rows[5]["score"] == 2 and (rows[5]["numerator"], rows[5]["basis"]) == (1, 3)  # 33 % ≥ 20 %
    assert rows[6]["score"] == Decimal("1.00") and rows[7]["score"] == Decimal("1.00")
    assert (
        rows[8]["computed"] is True and rows[8]["score"] is None and rows[8]["basis"] == 0
    )  # no feedback due
    district = statistics.unit_facts(period, [a], level="district")
    assert statistics.tt01_indices(s, district)[4]["score"] == 0  # 33 % < 50 %, d3 not yet returned
    services.dossier_return_result(
        actor=staff["clerk"], dossier=d3, version=Dossier.objects.get(pk=d3.pk).version
    )
    s = statistics.summary(statistics.received_in(period, a))
    assert statistics.tt01_indices(s, district)[4]["score"] == 1  # every result returned at the desk

    # index 8 from the feedback module, through the metrics registry
    fb = feedback.feedback_file(
        actor=citizen, kind="procedure", procedure=procedure, subject="S", content="C"
    )
    feedback.feedback_answer(actor=superuser, feedback=fb, reply="R")
    rows = {r["index"]: r for r in statistics.tt01_indices(s, statistics.unit_facts(period, [a]))}
    assert rows[8]["score"] == 2 and (rows[8]["numerator"], rows[8]["basis"]) == (1, 1)
    # QĐ 766 3.1: the three procedures of Cục A; only the fixture's is offered online
    rows = {r["code"]: r for r in statistics.qd766_indicators(s, statistics.unit_facts(period, [a]))}
    assert (rows["3.1"]["numerator"], rows["3.1"]["denominator"], rows["3.1"]["met"]) == (1, 3, False)
    # units inside another unit of the scope are not counted twice
    assert statistics.unit_facts(period, [ministry["a1"], ministry["ministry"], a]).procedures_total == 3


def test_statistics_page_shows_nine_indices_with_bounded_queries(
    client, superuser, procedure, staff, ministry, clock, django_assert_max_num_queries
):
    clock.set("2026-11-09 09:00")
    d = _receive(staff, ministry["a"], procedure, ministry["a1"])
    clock.set("2026-11-10 10:00")
    _decide(staff["officer"], staff["leader"], d)
    client.force_login(staff["clerk"])
    with django_assert_max_num_queries(16):
        r = client.get("/onestop/statistics/", {"year": 2026})
    body = r.content.decode()
    assert r.status_code == 200
    for i in range(1, 10):
        assert f'id="tt01-{i}"' in body
    assert "chưa tính: cần dữ liệu" not in body  # "not computed" (the page is in Vietnamese)
    assert 'id="qd766-3.1"' in body and 'id="qd766-5.x"' in body
    client.force_login(superuser)
    with django_assert_max_num_queries(16):
        assert (
            client.get("/onestop/statistics/", {"year": 2026, "agency": ministry["a"].pk}).status_code == 200
        )
