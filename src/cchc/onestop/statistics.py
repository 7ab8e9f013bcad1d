"""One-stop statistics, computed set-based in the database from the facts stored on each dossier.

Period membership: a dossier belongs to the period in which it was received (`received_at`).
Rates count only dossiers whose processing finished (status 3 after receipt, 7, 8, 9, 10).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from cchc.core.formatting import percent
from cchc.core.metrics import MetricValue, Period
from cchc.org.models import Agency

from .models import Channel, Dossier, RuleSet, Status


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.max, tzinfo=tz),
    )


def received_in(
    period: Period,
    agency: Agency | None = None,
    procedure_id: int | None = None,
    base: QuerySet | None = None,
) -> QuerySet[Dossier]:
    start, end = period_bounds(period)
    qs = (base if base is not None else Dossier.objects.all()).filter(received_at__range=(start, end))
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    return qs


FINISHED = Q(finished_at__isnull=False)
# A result was issued (granted, or refused after appraisal): status 9 or 10.
RESOLVED = FINISHED & Q(status__in=[Status.DONE, Status.RETURNED])
# TT 01/2018 index 6: the procedure version frozen on the dossier was, on the day of receipt, posted at the
# one-stop desks / published electronically (a publication decision, published in the public catalogue).
_RECEIPT_DAY = TruncDate("received_at")
POSTED = Q(
    procedure_version__posted_at_desk_on__isnull=False, procedure_version__posted_at_desk_on__lte=_RECEIPT_DAY
)
PUBLISHED = Q(
    procedure_version__published_on__isnull=False, procedure_version__published_on__lte=_RECEIPT_DAY
) & ~Q(procedure_version__publication_decision="")
EARLY = Q(finished_at__date__lt=TruncDate(F("legal_due_at")))
COMPLAINED = Q(conduct_complaints_upheld__gt=0)

# Additive figures only (sums and counts), so one grouped query can be rolled up in Python into
# totals, months, units and procedures. Aliases get a prefix: an aggregate may not share the name of
# a model field (on_time).
_COUNTS = {
    "received": Q(),
    "finished": FINISHED,
    "on_time": FINISHED & Q(on_time=True),
    "late": FINISHED & Q(on_time=False),
    "on_time_evaluation": FINISHED & Q(on_time_evaluation=True),
    "open": Q(finished_at__isnull=True),
    "online": Q(channel=Channel.ONLINE),
    "with_fee": Q(fee_amount__gt=0),
    "paid_online": Q(fee_amount__gt=0, paid_online=True),
    "e_result": FINISHED & Q(has_e_result=True),
    "supplemented": Q(supplement_count__gt=0),
    "timed": FINISHED & Q(processing_working_days__isnull=False),
    # TT 01/2018 per-dossier indices: dossiers scored, and the sum of their scores
    "tt01_n": FINISHED & Q(legal_due_at__isnull=False),
    "i2_n": FINISHED & Q(step_score__isnull=False),
    # index 5: results issued, those appraised and approved at the receiving agency itself (its one-stop
    # unit; never handed over to a division or another agency), and those returned by the desk
    "resolved": RESOLVED,
    "at_desk": RESOLVED & Q(handling_unit_id=F("agency_id")),
    "returned": RESOLVED & Q(status=Status.RETURNED),
    # index 7 and QĐ 766 5.x: finished dossiers with an upheld complaint about the officers' conduct
    "complained": FINISHED & COMPLAINED,
}


def _score(expr_2: Q, expr_1: Q) -> Case:
    return Case(
        When(expr_2, then=Value(2)),
        When(expr_1, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _aggregates() -> dict:
    agg = {f"x_{k}": Count("id", filter=q) if k != "received" else Count("id") for k, q in _COUNTS.items()}
    agg["x_days"] = Sum("processing_working_days", filter=FINISHED)
    scored = FINISHED & Q(legal_due_at__isnull=False)
    agg["x_i1"] = Sum(_score(EARLY, Q(on_time=True)), filter=scored)
    agg["x_i2"] = Sum("step_score", filter=FINISHED)
    agg["x_i6"] = Sum(_score(POSTED & PUBLISHED, POSTED | PUBLISHED), filter=scored)
    agg["x_i7"] = Sum(_score(~COMPLAINED & EARLY, ~COMPLAINED), filter=scored)
    agg["x_i3"] = Sum(_score(Q(supplement_count=0), Q(supplement_count=1)), filter=scored)
    agg["x_i4"] = Sum(
        _score(Q(channel=Channel.ONLINE), Q(channel__in=[Channel.IN_PERSON, Channel.POSTAL])), filter=scored
    )
    return agg


FIELDS = [*_COUNTS, "days", "i1", "i2", "i3", "i4", "i6", "i7"]


@dataclass
class Summary:
    received: int = 0
    finished: int = 0
    on_time: int = 0
    late: int = 0
    on_time_evaluation: int = 0
    open: int = 0
    online: int = 0
    with_fee: int = 0
    paid_online: int = 0
    e_result: int = 0
    supplemented: int = 0
    timed: int = 0
    tt01_n: int = 0
    i2_n: int = 0
    resolved: int = 0
    at_desk: int = 0
    returned: int = 0
    complained: int = 0
    days: int = 0
    i1: int = 0
    i2: int = 0
    i3: int = 0
    i4: int = 0
    i6: int = 0
    i7: int = 0
    label: str = ""
    key: object = None

    def add(self, row: dict) -> None:
        for f in FIELDS:
            setattr(self, f, getattr(self, f) + (row.get(f"x_{f}") or 0))

    @property
    def avg_days(self):
        return (Decimal(self.days) / self.timed).quantize(Decimal("0.01")) if self.timed else None

    @property
    def on_time_rate(self):
        return percent(self.on_time, self.finished) if self.finished else None

    @property
    def on_time_evaluation_rate(self):
        return percent(self.on_time_evaluation, self.finished) if self.finished else None

    @property
    def online_share(self):
        return percent(self.online, self.received) if self.received else None

    @property
    def online_payment_share(self):
        return percent(self.paid_online, self.with_fee) if self.with_fee else None

    @property
    def e_result_share(self):
        return percent(self.e_result, self.finished) if self.finished else None


def summary(qs: QuerySet[Dossier]) -> Summary:
    s = Summary()
    s.add(qs.aggregate(**_aggregates()))
    return s


@dataclass
class Breakdown:
    total: Summary
    months: list[Summary]
    units: list[Summary]
    procedures: list[Summary]


CACHE_SECONDS = 120


def _grouped_rows(qs: QuerySet[Dossier]) -> list[dict]:
    """The period's figures grouped by (month, agency, procedure): one scan, kept two minutes in the
    shared cache so that reloading the dashboard or exporting it does not scan again."""
    rows = (
        qs.annotate(m=ExtractMonth("received_at"))
        .values("m", "agency_id", "procedure_id")
        .order_by()
        .annotate(**_aggregates())
    )
    sql, params = rows.query.sql_with_params()
    key = "onestop.stats." + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A year at a large ministry is ~10⁵ rows: let the grouping happen in memory, not on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        result = list(rows)
    cache.set(key, result, CACHE_SECONDS)
    return result


def breakdown(qs: QuerySet[Dossier], procedures_limit: int = 20) -> Breakdown:
    """Totals, by month, by receiving unit and by procedure from ONE grouped scan of the period."""
    rows = _grouped_rows(qs)
    total, months, units, procs = Summary(), {}, {}, {}
    for r in rows:
        total.add(r)
        months.setdefault(r["m"], Summary(label=f"{r['m']:02d}", key=r["m"])).add(r)
        units.setdefault(r["agency_id"], Summary(key=r["agency_id"])).add(r)
        procs.setdefault(r["procedure_id"], Summary(key=r["procedure_id"])).add(r)
    for a in Agency.objects.filter(pk__in=units).only("id", "name"):
        units[a.pk].label = a.name
    top = sorted(procs.values(), key=lambda s: -s.received)[:procedures_limit]
    from cchc.procedures.models import Procedure

    for p in Procedure.objects.filter(pk__in=[s.key for s in top]).only("id", "code", "name"):
        procs[p.pk].label = f"{p.code} – {p.name}"
    return Breakdown(
        total, [months[k] for k in sorted(months)], sorted(units.values(), key=lambda s: s.label), top
    )


def by_month(qs):
    return breakdown(qs).months


def by_agency(qs):
    return breakdown(qs).units


def by_procedure(qs, limit: int = 20):
    return breakdown(qs, limit).procedures


# --- facts of the unit that the dossier scan does not hold -------------------------------------------
LEVEL_CENTRAL, LEVEL_DISTRICT, LEVEL_COMMUNE = "central", "district", "commune"


def agency_level(agency_type: str) -> str:
    """TT 01/2018 index 5 distinguishes ministry/province, district and commune one-stop units."""
    return {"district": LEVEL_DISTRICT, "commune": LEVEL_COMMUNE}.get(agency_type, LEVEL_CENTRAL)


@dataclass
class UnitFacts:
    """What indices 5, 8, 9 and QĐ 766 3.1 / 5.x need besides the dossiers: the rule set in force at the
    end of the period, the level of the unit, its procedures offered online, and two figures of other
    modules read through the metrics registry (feedback handled on time; applicants' ratings)."""

    rules: RuleSet
    level: str = LEVEL_CENTRAL
    procedures_total: int = 0
    procedures_online: int = 0
    feedback: MetricValue | None = None  # "feedback.on_time_rate"
    ratings: MetricValue | None = None  # "portal.satisfaction_rate"

    def desk_threshold(self, level: str | None = None) -> int:
        level = level or self.level
        return {
            LEVEL_DISTRICT: self.rules.desk_resolution_share_district,
            LEVEL_COMMUNE: self.rules.desk_resolution_share_commune,
        }.get(level, self.rules.desk_resolution_share_central)


def rule_set_for(period: Period) -> RuleSet:
    """The rule set in force on the last day of the period (an unsaved default before the first one)."""
    return (
        RuleSet.objects.filter(effective_from__lte=period.end).order_by("-effective_from").first()
        or RuleSet()
    )


def _sum_metric(name: str, agencies: list[Agency], period: Period) -> MetricValue | None:
    """A ratio metric of another module over several units (added up), or None if it is not registered
    or has no denominator."""
    from cchc.core.metrics import get_metric

    metric = get_metric(name)
    if metric is None:
        return None
    num = den = Decimal(0)
    for a in agencies:
        mv = metric.value(a, period)
        if mv.denominator:
            num, den = num + mv.numerator, den + mv.denominator
    return MetricValue.ratio(num, den) if den else MetricValue(None, Decimal(0), Decimal(0))


def unit_facts(period: Period, agencies: list[Agency], level: str | None = None) -> UnitFacts:
    """Facts of the units `agencies` (each with its subtree; give the roots of the scope, not every
    unit in it). A few queries per root, whatever the number of dossiers."""
    from cchc.procedures.selectors import online_offer_counts

    ids = {a.pk for a in agencies}
    roots = [a for a in agencies if not ids.intersection(a.ancestor_ids())]
    if level is None:
        levels = {agency_level(a.type) for a in roots}
        level = levels.pop() if len(levels) == 1 else LEVEL_CENTRAL
    online, total = online_offer_counts([a.path for a in roots], period.end)
    return UnitFacts(
        rules=rule_set_for(period),
        level=level,
        procedures_total=total,
        procedures_online=online,
        feedback=_sum_metric("feedback.on_time_rate", roots, period),
        ratings=_sum_metric("portal.satisfaction_rate", roots, period),
    )


# --- TT 01/2018/TT-VPCP Điều 13: nine indices scored 2/1/0 --------------------------------------
TT01_LABELS = {
    1: "Tổng thời gian giải quyết so với quy định",
    2: "Thời gian thực hiện của từng cơ quan so với quy định",
    3: "Số lần liên hệ để hoàn thiện hồ sơ",
    4: "Số cơ quan phải liên hệ",
    5: "Giải quyết tại Bộ phận một cửa",
    6: "Công khai thủ tục hành chính",
    7: "Thái độ của công chức",
    8: "Tiếp thu, xử lý phản ánh, kiến nghị",
    9: "Dịch vụ công trực tuyến",
}


def _avg(total: int, n: int):
    return (Decimal(total) / n).quantize(Decimal("0.01")) if n else None


def index5(s: Summary, threshold: int) -> int | None:
    """2 if at least `threshold` % of the results were appraised and approved at the one-stop unit; 1 if
    every result went back through it (returned by the desk; every dossier here was received by the
    desk, online ones included, so receipt holds by construction); 0 otherwise (results still waiting
    at the desk count as not returned)."""
    if not s.resolved:
        return None
    if Decimal(s.at_desk) * 100 >= Decimal(threshold) * s.resolved:
        return 2
    return 1 if s.returned == s.resolved else 0


def index8(feedback: MetricValue | None) -> int | None:
    """100 % of feedback handled on time → 2, at least 90 % → 1, less → 0 (None: no feedback was due)."""
    if feedback is None or not feedback.denominator:
        return None
    n, d = feedback.numerator, feedback.denominator
    return 2 if n == d else 1 if n * 100 >= d * 90 else 0


def index9(s: Summary, facts: UnitFacts | None = None) -> int | None:
    """≥ 20 % of procedures online and ≥ 30 % of dossiers online with none late → 2; some procedures
    online and ≥ 15 % of dossiers online → 1; else 0. Without the unit's facts the procedure share is
    not checked (dossier figures only)."""
    if not s.received:
        return None
    share = s.online_share
    offered = (
        Decimal(facts.procedures_online) * 100 / facts.procedures_total
        if facts is not None and facts.procedures_total
        else None
    )
    if facts is not None and offered is None:
        offered = Decimal(0)
    if share >= 30 and s.late == 0 and (offered is None or offered >= 20):
        return 2
    if share >= 15 and (offered is None or offered > 0):
        return 1
    return 0


def tt01_indices(s: Summary, facts: UnitFacts | None = None) -> list[dict]:
    """The nine indices, each with the counts it rests on (`numerator` of `basis` where it is a share).

    Per finished dossier, averaged (Điều 14): 1 compares the end of processing with the legal due date
    (earlier 2, same day 1, later 0); 2 takes each hand-over's verdict in the custody log (all early 2,
    none late 1, any late 0); 3 counts supplementation requests (0 → 2, 1 → 1, more → 0); 4 scores an
    online dossier 2 (no office visited) and a desk or postal one 1; 6 looks at the procedure version
    frozen on the dossier: posted at the one-stop desks and published electronically (a publication
    decision published by the day of receipt) 2, one of them 1, neither 0; 7 is 0 when a complaint about
    the officers' conduct on the dossier was upheld, else 2 if it finished before the legal due date and
    1 otherwise — a late dossier without an upheld complaint scores 1: the index judges conduct, and
    lateness is already scored by indices 1 and 2.

    Per unit: 5 (see `index5`, threshold by level from the rule set), 8 (`index8`, feedback handled on
    time, from the feedback module through the metrics registry) and 9 (`index9`). Without `facts`, 5
    and 8 are reported as not computed."""
    if isinstance(s, QuerySet):
        s = summary(s)
    rows = []

    def row(i, score, basis, numerator=None, computed=True, note=""):
        # per-unit indices are whole scores; per-dossier ones are averages (two decimals)
        rows.append(
            {
                "index": i,
                "label": TT01_LABELS[i],
                "score": score,
                "basis": basis,
                "numerator": numerator,
                "computed": computed,
                "note": note,
                "places": 0 if i in (5, 8, 9) else 2,
            }
        )

    row(1, _avg(s.i1, s.tt01_n), s.tt01_n)
    row(2, _avg(s.i2, s.i2_n), s.i2_n)
    row(3, _avg(s.i3, s.tt01_n), s.tt01_n)
    row(4, _avg(s.i4, s.tt01_n), s.tt01_n)
    if facts is None:
        row(5, None, s.resolved, s.at_desk, computed=False)
    else:
        threshold = facts.desk_threshold()
        row(
            5,
            index5(s, threshold),
            s.resolved,
            s.at_desk,
            note=f"ngưỡng {threshold} %; {s.returned}/{s.resolved} kết quả đã trả qua Bộ phận một cửa",
        )
    row(6, _avg(s.i6, s.tt01_n), s.tt01_n)
    row(
        7,
        _avg(s.i7, s.tt01_n),
        s.tt01_n,
        note=f"{s.complained} hồ sơ có phản ánh đúng về thái độ" if s.complained else "",
    )
    fb = facts.feedback if facts is not None else None
    if fb is None:
        row(8, None, 0, computed=False)
    else:
        row(8, index8(fb), int(fb.denominator or 0), int(fb.numerator or 0), note="100 % → 2; ≥ 90 % → 1")
    row(9, index9(s, facts), s.received, s.online)
    return rows


# --- QĐ 766/QĐ-TTg indicators ------------------------------------------------------------------
def _met(value, threshold) -> bool | None:
    return None if value is None or threshold is None else value >= threshold


def satisfaction_766(s: Summary, facts: UnitFacts | None) -> tuple[Decimal | None, int, int]:
    """QĐ 766 5.x: 100 % − (overdue % + % with upheld complaints or dislikes), not below 0.

    Overdue = finished dossiers late in the QĐ 766 view; complaints = finished dossiers with an upheld
    complaint about conduct; dislikes = applicants' ratings not satisfied (portal, rated in the period).
    Both shares are over the finished dossiers. Returns (value, overdue, complaints + dislikes)."""
    if not s.finished:
        return None, 0, 0
    overdue = s.finished - s.on_time_evaluation
    ratings = facts.ratings if facts is not None else None
    dislikes = int((ratings.denominator or 0) - (ratings.numerator or 0)) if ratings is not None else 0
    bad = s.complained + dislikes
    value = Decimal(100) - percent(overdue, s.finished) - percent(bad, s.finished)
    return max(Decimal(0), value), overdue, bad


def qd766_indicators(s: Summary, facts: UnitFacts | None = None) -> list[dict]:
    """The indicators the platform supplies, as rates, with the full-score threshold where the
    reference states one and whether it is met. Per-indicator points are not in the reference: only
    the group maxima (18/20/22/22/18) are official, so no points are given here."""
    if isinstance(s, QuerySet):
        s = summary(s)
    rows = [
        {
            "code": "2.1",
            "label": "Tỷ lệ hồ sơ giải quyết đúng hạn (trừ thời gian tạm dừng)",
            "value": s.on_time_evaluation_rate,
            "numerator": s.on_time_evaluation,
            "denominator": s.finished,
            "threshold": None,
        },
        {
            "code": "2.2",
            "label": "Thời gian giải quyết trung bình (ngày làm việc)",
            "value": s.avg_days,
            "numerator": None,
            "denominator": s.finished,
            "threshold": None,
        },
    ]
    if facts is not None:
        total, online = facts.procedures_total, facts.procedures_online
        rows.append(
            {
                "code": "3.1",
                "label": "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến (toàn trình, một phần)",
                "value": percent(online, total) if total else None,
                "numerator": online,
                "denominator": total,
                "threshold": 80,
            }
        )
    rows += [
        {
            "code": "3.3",
            "label": "Tỷ lệ hồ sơ trực tuyến",
            "value": s.online_share,
            "numerator": s.online,
            "denominator": s.received,
            "threshold": 50,
        },
        {
            "code": "3.5",
            "label": "Tỷ lệ hồ sơ thanh toán trực tuyến",
            "value": s.online_payment_share,
            "numerator": s.paid_online,
            "denominator": s.with_fee,
            "threshold": None,
        },
        {
            "code": "4.1",
            "label": "Tỷ lệ hồ sơ có kết quả điện tử",
            "value": s.e_result_share,
            "numerator": s.e_result,
            "denominator": s.finished,
            "threshold": None,
        },
    ]
    value, overdue, bad = satisfaction_766(s, facts)
    rows.append(
        {
            "code": "5.x",
            "label": "Mức độ hài lòng: 100 % − (tỷ lệ quá hạn + tỷ lệ phản ánh đúng, không hài lòng)",
            "value": value,
            "numerator": None,
            "denominator": s.finished,
            "threshold": 90,
            "detail": {"overdue": overdue, "complaints_dislikes": bad},
        }
    )
    for r in rows:
        r["met"] = _met(r["value"], r["threshold"])
    return rows


# --- platform metrics (registered in apps.py) ------------------------------------------------------
def _records_url(agency, period) -> str:
    from django.urls import reverse

    return f"{reverse('onestop:statistics')}?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}&agency={agency.pk if agency else ''}"


def metric_on_time_rate(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (
        MetricValue.ratio(s.on_time, s.finished, records_url=_records_url(agency, period))
        if s.finished
        else MetricValue(None)
    )


def metric_on_time_rate_evaluation(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (
        MetricValue.ratio(s.on_time_evaluation, s.finished, records_url=_records_url(agency, period))
        if s.finished
        else MetricValue(None)
    )


def metric_online_share(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (
        MetricValue.ratio(s.online, s.received, records_url=_records_url(agency, period))
        if s.received
        else MetricValue(None)
    )


def metric_online_payment_share(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (
        MetricValue.ratio(s.paid_online, s.with_fee, records_url=_records_url(agency, period))
        if s.with_fee
        else MetricValue(None)
    )


def metric_average_days(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return MetricValue(s.avg_days, denominator=Decimal(s.finished), records_url=_records_url(agency, period))
