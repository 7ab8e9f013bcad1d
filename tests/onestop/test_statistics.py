"""Statistics from known dossiers: rates, the TT 01/2018 indices, QĐ 766 figures and the metrics."""

from datetime import date

import pytest

from cchc.core.metrics import Period, get_metric
from cchc.onestop import services, statistics
from cchc.onestop.models import Dossier

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _through(
    actor_set,
    procedure,
    ministry,
    citizen=None,
    *,
    online=False,
    supplement=False,
    late_days=None,
    clock=None,
    key="s",
):
    s = actor_set
    if online:
        d = services.dossier_draft_save(
            actor=citizen, procedure=procedure, data={}, files={"TK": pdf(), "CCCD": pdf()}
        )
        d = services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key=key)
    else:
        d = services.dossier_register(
            actor=s["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name="N"
        )
    d = services.dossier_accept(
        actor=s["clerk"], dossier=d, version=d.version, unit=ministry["a1"], quota_days=4
    )
    if supplement:
        d = services.dossier_request_supplement(
            actor=s["clerk"], dossier=d, version=d.version, items=[{"component": "TK", "reason": "Thiếu"}]
        )
        d = services.dossier_supplement_submit(actor=s["clerk"], dossier=d, files={"TK": pdf()})
    return d


def _finish(s, d):
    d = services.dossier_assign(actor=s["leader"], dossier=d, version=d.version, officer=s["officer"])
    d = services.dossier_propose_result(actor=s["officer"], dossier=d, version=d.version, outcome="granted")
    return services.dossier_approve(actor=s["leader"], dossier=d, version=d.version)


def test_figures_from_known_dossiers(citizen, procedure, staff, ministry, clock):
    clock.set("2026-11-09 09:00")  # Monday, receipt of all four
    a = _through(staff, procedure, ministry, citizen, online=True, key="k1")
    b = _through(staff, procedure, ministry, supplement=True)
    c = _through(staff, procedure, ministry)
    _through(staff, procedure, ministry)  # stays open
    clock.set("2026-11-10 10:00")
    _finish(staff, a)  # early
    _finish(staff, b)
    clock.set("2026-11-18 10:00")  # due Mon 16/11: late
    _finish(staff, c)

    qs = statistics.received_in(Period.year(2026), ministry["ministry"])
    s = statistics.breakdown(qs).total
    assert (s.received, s.finished, s.on_time, s.late, s.open, s.online) == (4, 3, 2, 1, 1, 1)
    assert float(s.on_time_rate) == pytest.approx(66.6667, rel=1e-3)
    assert s.with_fee == 4 and s.paid_online == 0
    indices = {r["index"]: r for r in statistics.tt01_indices(s)}
    # index 1: a and b finished before the due date (2 each), c late (0) → 4/3
    assert float(indices[1]["score"]) == pytest.approx(1.33, abs=0.01)
    # index 3: a, c no supplement (2), b one (1) → 5/3
    assert float(indices[3]["score"]) == pytest.approx(1.67, abs=0.01)
    # index 4: a online (2), b and c at the desk (1) → 4/3
    assert float(indices[4]["score"]) == pytest.approx(1.33, abs=0.01)
    assert indices[5]["computed"] is False
    # index 2: c's processing step went past its 4-day quota → 0 for c
    assert Dossier.objects.get(pk=c.pk).step_score == 0

    mv = get_metric("onestop.on_time_rate").value(ministry["ministry"], Period.year(2026))
    assert (mv.numerator, mv.denominator) == (2, 3)
    mv = get_metric("onestop.online_share").value(ministry["ministry"], Period.year(2026))
    assert (mv.numerator, mv.denominator) == (1, 4)
    assert get_metric("onestop.on_time_rate").value(ministry["b"], Period.year(2026)).value is None
    assert (
        statistics.breakdown(
            statistics.received_in(Period(date(2025, 1, 1), date(2025, 12, 31)))
        ).total.received
        == 0
    )
