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

from .models import Channel, Dossier


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(period.start, time.min, tzinfo=tz),
            datetime.combine(period.end, time.max, tzinfo=tz))


def received_in(period: Period, agency: Agency | None = None, procedure_id: int | None = None,
                base: QuerySet | None = None) -> QuerySet[Dossier]:
    start, end = period_bounds(period)
    qs = (base if base is not None else Dossier.objects.all()).filter(received_at__range=(start, end))
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    return qs


FINISHED = Q(finished_at__isnull=False)

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
}


def _score(expr_2: Q, expr_1: Q) -> Case:
    return Case(When(expr_2, then=Value(2)), When(expr_1, then=Value(1)), default=Value(0), output_field=IntegerField())


def _aggregates() -> dict:
    agg = {f"x_{k}": Count("id", filter=q) if k != "received" else Count("id") for k, q in _COUNTS.items()}
    agg["x_days"] = Sum("processing_working_days", filter=FINISHED)
    scored = FINISHED & Q(legal_due_at__isnull=False)
    agg["x_i1"] = Sum(_score(Q(finished_at__date__lt=TruncDate(F("legal_due_at"))), Q(on_time=True)), filter=scored)
    agg["x_i2"] = Sum("step_score", filter=FINISHED)
    agg["x_i3"] = Sum(_score(Q(supplement_count=0), Q(supplement_count=1)), filter=scored)
    agg["x_i4"] = Sum(_score(Q(channel=Channel.ONLINE), Q(channel__in=[Channel.IN_PERSON, Channel.POSTAL])), filter=scored)
    return agg


FIELDS = [*_COUNTS, "days", "i1", "i2", "i3", "i4"]


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
    days: int = 0
    i1: int = 0
    i2: int = 0
    i3: int = 0
    i4: int = 0
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
    rows = (qs.annotate(m=ExtractMonth("received_at")).values("m", "agency_id", "procedure_id")
            .order_by().annotate(**_aggregates()))
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
    return Breakdown(total, [months[k] for k in sorted(months)], sorted(units.values(), key=lambda s: s.label), top)


def by_month(qs):
    return breakdown(qs).months


def by_agency(qs):
    return breakdown(qs).units


def by_procedure(qs, limit: int = 20):
    return breakdown(qs, limit).procedures


# --- TT 01/2018/TT-VPCP Điều 13: nine indices scored 2/1/0 --------------------------------------
TT01_LABELS = {
    1: "Tổng thời gian giải quyết so với quy định", 2: "Thời gian thực hiện của từng cơ quan so với quy định",
    3: "Số lần liên hệ để hoàn thiện hồ sơ", 4: "Số cơ quan phải liên hệ",
    5: "Giải quyết tại Bộ phận một cửa", 6: "Công khai thủ tục hành chính", 7: "Thái độ của công chức",
    8: "Tiếp thu, xử lý phản ánh, kiến nghị", 9: "Dịch vụ công trực tuyến",
}


def tt01_indices(s: Summary) -> list[dict]:
    """Per-dossier indices 1–4 averaged over finished dossiers, and index 9 for the unit.

    Index 1 compares the end of processing with the legal due date (earlier 2, same day 1, later 0);
    index 2 takes each hand-over's verdict in the custody log (all early 2, none late 1, any late 0);
    index 3 counts supplementation requests (0 → 2, 1 → 1, more → 0); index 4 scores an online
    dossier 2 (no office visited) and a desk or postal one 1 (only the one-stop unit). Indices 5–8
    need data this module does not hold (publication, staff conduct, feedback) and are reported as
    not computed."""
    if isinstance(s, QuerySet):
        s = summary(s)
    rows = []
    for i, total, n in ((1, s.i1, s.tt01_n), (2, s.i2, s.i2_n), (3, s.i3, s.tt01_n), (4, s.i4, s.tt01_n)):
        avg = (Decimal(total) / n).quantize(Decimal("0.01")) if n else None
        rows.append({"index": i, "label": TT01_LABELS[i], "score": avg, "basis": n, "computed": True})
    for i in (5, 6, 7, 8):
        rows.append({"index": i, "label": TT01_LABELS[i], "score": None, "basis": 0, "computed": False})
    share = s.online_share
    i9 = None if not s.received else 2 if share >= 30 and s.late == 0 else 1 if share >= 15 else 0
    rows.append({"index": 9, "label": TT01_LABELS[9], "score": i9, "basis": s.received, "computed": True})
    return rows


# --- QĐ 766/QĐ-TTg indicators ------------------------------------------------------------------
def qd766_indicators(s: Summary) -> list[dict]:
    """The indicators of groups 2–4 that the back office supplies, as rates (the scoring bands of
    VPCP's formula document are not confirmed in the reference; thresholds shown where known)."""
    if isinstance(s, QuerySet):
        s = summary(s)
    return [
        {"code": "2.1", "label": "Tỷ lệ hồ sơ giải quyết đúng hạn (trừ thời gian tạm dừng)", "value": s.on_time_evaluation_rate,
         "numerator": s.on_time_evaluation, "denominator": s.finished, "threshold": ""},
        {"code": "2.2", "label": "Thời gian giải quyết trung bình (ngày làm việc)", "value": s.avg_days,
         "numerator": None, "denominator": s.finished, "threshold": ""},
        {"code": "3.3", "label": "Tỷ lệ hồ sơ trực tuyến", "value": s.online_share, "numerator": s.online,
         "denominator": s.received, "threshold": "≥ 50 %"},
        {"code": "3.5", "label": "Tỷ lệ hồ sơ thanh toán trực tuyến", "value": s.online_payment_share,
         "numerator": s.paid_online, "denominator": s.with_fee, "threshold": ""},
        {"code": "4.1", "label": "Tỷ lệ hồ sơ có kết quả điện tử", "value": s.e_result_share,
         "numerator": s.e_result, "denominator": s.finished, "threshold": ""},
    ]


# --- platform metrics (registered in apps.py) ------------------------------------------------------
def _records_url(agency, period) -> str:
    from django.urls import reverse
    return f"{reverse('onestop:statistics')}?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}&agency={agency.pk if agency else ''}"


def metric_on_time_rate(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return MetricValue.ratio(s.on_time, s.finished, records_url=_records_url(agency, period)) if s.finished else MetricValue(None)


def metric_on_time_rate_evaluation(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (MetricValue.ratio(s.on_time_evaluation, s.finished, records_url=_records_url(agency, period))
            if s.finished else MetricValue(None))


def metric_online_share(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return MetricValue.ratio(s.online, s.received, records_url=_records_url(agency, period)) if s.received else MetricValue(None)


def metric_online_payment_share(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return (MetricValue.ratio(s.paid_online, s.with_fee, records_url=_records_url(agency, period))
            if s.with_fee else MetricValue(None))


def metric_average_days(agency, period) -> MetricValue:
    s = summary(received_in(period, agency))
    return MetricValue(s.avg_days, denominator=Decimal(s.finished), records_url=_records_url(agency, period))
