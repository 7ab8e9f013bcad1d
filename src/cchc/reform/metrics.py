"""Reform figures as platform metrics (core.metrics), each drilling down to its records.

`records_url` of every value opens /reform/metrics/<name>/ for the same unit and period, which
lists the rows counted in the numerator and those only in the denominator.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.core.metrics import Metric, MetricValue, Period
from cchc.org.selectors import restructuring_summary

from . import selectors


@dataclass(frozen=True)
class Drill:
    """How a metric's records are found: figure(agency, period) → (counted, all) lists or querysets."""

    register: str  # key in registers.REGISTERS, or "" for organisation events
    figure: Callable


def _url(name, agency, period: Period) -> str:
    return (
        reverse("reform:metric", args=[name])
        + "?"
        + urlencode({"agency": agency.code, "start": period.start.isoformat(), "end": period.end.isoformat()})
    )


def _ratio(name, figure_fn):
    def compute(agency, period: Period) -> MetricValue:
        fig = figure_fn(agency, period)
        return MetricValue.ratio(
            fig.num,
            fig.den,
            records_url=_url(name, agency, period),
            records=[str(r) for r in fig.numerator[:20]],
        )

    return compute


def _count(name, figure_fn):
    def compute(agency, period: Period) -> MetricValue:
        fig = figure_fn(agency, period)
        return MetricValue(
            value=fig.num,
            numerator=fig.num,
            records_url=_url(name, agency, period),
            records=[str(r) for r in fig.numerator[:20]],
        )

    return compute


def _targets_figure(agency, period):
    met, all_rows = selectors.targets(agency, period)
    return selectors.Figure(met, all_rows)


def _targets(agency, period: Period) -> MetricValue:
    met, all_rows = selectors.targets(agency, period)
    return MetricValue.ratio(
        len(met),
        len(all_rows),
        records_url=_url("reform.targets_met_ratio", agency, period),
        records=[str(t) for t in met],
    )


def _restructuring_figure(agency, period):
    summary = restructuring_summary(agency, period.start, period.end)
    return selectors.Figure(summary.events, summary.events)


def _units_reduced(agency, period: Period) -> MetricValue:
    s = restructuring_summary(agency, period.start, period.end)
    return MetricValue(
        value=s.units_reduced,
        numerator=s.units_reduced,
        records_url=_url("reform.units_reduced_count", agency, period),
        records=[str(e) for e in s.events],
    )


def _divisions_ended(agency, period: Period) -> MetricValue:
    s = restructuring_summary(agency, period.start, period.end)
    return MetricValue(
        value=s.divisions_ended,
        numerator=s.divisions_ended,
        records_url=_url("reform.divisions_dissolved_count", agency, period),
        records=[str(e) for e in s.events if e.agency.type == "division"],
    )


def _documents_figure(agency, period):
    docs = selectors.documents_issued(agency, period)
    return selectors.Figure(docs, docs)


METRICS = [
    Metric(
        "reform.business_conditions_cut_ratio",
        _("Business conditions cut or simplified"),
        "percent",
        _ratio("reform.business_conditions_cut_ratio", selectors.business_conditions_cut),
        _("(abolished + simplified by documents issued in the period) / conditions in force when it began"),
    ),
    Metric(
        "reform.inspection_items_cut_ratio",
        _("Specialised-inspection items cut"),
        "percent",
        _ratio("reform.inspection_items_cut_ratio", selectors.inspection_items_cut),
        _("items cut by documents issued in the period / items subject to inspection when it began"),
    ),
    Metric(
        "reform.procedures_simplified_count",
        _("Procedures abolished or simplified"),
        "count",
        _count("reform.procedures_simplified_count", selectors.procedures_simplified),
        _("simplification plans (abolish or simplify) enacted by documents issued in the period"),
    ),
    Metric(
        "reform.work_programme_completion_rate",
        _("Government work programme tasks submitted"),
        "percent",
        _ratio("reform.work_programme_completion_rate", selectors.work_programme),
        _("tasks of the programme year submitted by the end of the period / tasks assigned"),
    ),
    Metric(
        "reform.targets_met_ratio",
        _("Socio-economic targets met"),
        "percent",
        _targets,
        _("targets whose result meets the target / targets of the year"),
    ),
    Metric(
        "reform.legal_documents_issued_count",
        _("Legal documents issued"),
        "count",
        _count("reform.legal_documents_issued_count", _documents_figure),
        _("decrees, circulars and decisions drafted by the unit and issued in the period"),
    ),
    Metric(
        "reform.units_reduced_count",
        _("Units reduced (net)"),
        "count",
        _units_reduced,
        _("units above division level dissolved or merged, less those established (organisation registry)"),
    ),
    Metric(
        "reform.divisions_dissolved_count",
        _("Divisions dissolved or merged"),
        "count",
        _divisions_ended,
        _("divisions (phòng) dissolved or merged in the period (organisation registry)"),
    ),
]

# Short names for chart axes (the full labels do not fit beside a bar).
SHORT_LABELS = {
    "reform.business_conditions_cut_ratio": _("Business conditions"),
    "reform.inspection_items_cut_ratio": _("Specialised inspection"),
    "reform.work_programme_completion_rate": _("Work programme"),
    "reform.targets_met_ratio": _("Socio-economic targets"),
    "procedures.fully_online_share": _("Fully online services"),
}

DRILLS = {
    "reform.business_conditions_cut_ratio": Drill("conditions", selectors.business_conditions_cut),
    "reform.inspection_items_cut_ratio": Drill("inspection", selectors.inspection_items_cut),
    "reform.procedures_simplified_count": Drill("plans", selectors.procedures_simplified),
    "reform.work_programme_completion_rate": Drill("tasks", selectors.work_programme),
    "reform.targets_met_ratio": Drill("targets", _targets_figure),
    "reform.legal_documents_issued_count": Drill("documents", _documents_figure),
    "reform.units_reduced_count": Drill("", _restructuring_figure),
    "reform.divisions_dissolved_count": Drill("", _restructuring_figure),
}
