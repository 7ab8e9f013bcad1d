"""Platform metrics: named figures computed from records, for the PAR index and dashboards.

An app registers `register_metric(Metric(name="onestop.on_time_rate", ...))` in its AppConfig.ready.
Consumers (the PAR index) look metrics up by name and never import the supplying app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .formatting import format_number, format_percent, format_ratio, percent


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    def __str__(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == date(self.start.year, 12, 31):
            return str(self.start.year)
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class MetricValue:
    """A figure with what it was computed from. For ratios, value is the percentage."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    records_url: str = ""  # where the records behind the figure are listed
    records: list[str] = field(default_factory=list)  # short labels of (some of) those records

    @classmethod
    def ratio(cls, numerator, denominator, **kwargs) -> "MetricValue":
        return cls(
            value=percent(numerator, denominator),
            numerator=Decimal(numerator),
            denominator=Decimal(denominator),
            **kwargs,
        )


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # "percent" (a ratio), "count" or "number"
    compute: Callable[..., MetricValue]  # compute(agency, period) → MetricValue
    description: str = ""

    def value(self, agency, period: Period) -> MetricValue:
        return self.compute(agency, period)

    def display(self, mv: MetricValue) -> str:
        if mv.value is None:
            return "—"
        if self.unit == "percent" and mv.denominator is not None:
            return format_ratio(mv.numerator, mv.denominator)
        if self.unit == "percent":
            return format_percent(mv.value)
        if self.unit == "count":
            return format_number(mv.value)
        return format_number(mv.value, 2)


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    METRICS[metric.name] = metric
    return metric


def get_metric(name: str) -> Metric | None:
    return METRICS.get(name)


def all_metrics() -> list[Metric]:
    return sorted(METRICS.values(), key=lambda m: m.name)
