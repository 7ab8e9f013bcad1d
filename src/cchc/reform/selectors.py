"""Figures of the reform registers, each with the records it counts.

A Figure keeps the numerator and denominator querysets, so the dashboard, the metrics, the
drill-down pages and the annual report all show the same number from the same rows.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cchc.core.metrics import Period
from cchc.org.models import Agency
from cchc.org.selectors import RestructuringSummary, restructuring_summary

from .models import (
    BusinessCondition,
    InspectionItem,
    LegalDocument,
    SimplificationPlan,
    SocioEconomicTarget,
    WorkProgrammeTask,
)


def _size(rows) -> int:
    return len(rows) if isinstance(rows, list) else rows.count()


@dataclass
class Figure:
    """A count with its records: querysets (counted in the database) or lists."""

    numerator: QuerySet | list
    denominator: QuerySet | list

    @property
    def num(self) -> int:
        if not hasattr(self, "_num"):
            self._num = _size(self.numerator)
        return self._num

    @property
    def den(self) -> int:
        if not hasattr(self, "_den"):
            self._den = _size(self.denominator)
        return self._den


def _scope(model, agency: Agency) -> QuerySet:
    return model.objects.filter(agency__path__startswith=agency.path)


def _cut_figure(model, agency: Agency, period: Period, cut_statuses) -> Figure:
    """Rows cut by a document issued in the period, over the rows still in force when it began
    (those not cut by a document issued earlier)."""
    rows = _scope(model, agency).select_related("changed_by", "agency")
    earlier = Q(changed_by__issued_on__lt=period.start) & Q(status__in=cut_statuses)
    denominator = rows.exclude(earlier)
    numerator = denominator.filter(
        status__in=cut_statuses, changed_by__issued_on__range=(period.start, period.end)
    )
    return Figure(numerator, denominator)


def business_conditions_cut(agency: Agency, period: Period) -> Figure:
    S = BusinessCondition.Status
    return _cut_figure(BusinessCondition, agency, period, [S.SIMPLIFIED, S.ABOLISHED])


def inspection_items_cut(agency: Agency, period: Period) -> Figure:
    return _cut_figure(InspectionItem, agency, period, [InspectionItem.Status.CUT])


def procedures_simplified(agency: Agency, period: Period) -> Figure:
    """Plans that abolished or simplified a procedure, enacted by a document issued in the period,
    over every plan of the period's years (keep plans included)."""
    plans = _scope(SimplificationPlan, agency).select_related("procedure", "enacted_by", "agency")
    numerator = plans.filter(
        status=SimplificationPlan.Status.ENACTED,
        action__in=[SimplificationPlan.Action.ABOLISH, SimplificationPlan.Action.SIMPLIFY],
        enacted_by__issued_on__range=(period.start, period.end),
    )
    return Figure(numerator, plans.filter(year__range=(period.start.year, period.end.year)))


def work_programme(agency: Agency, period: Period) -> Figure:
    """Tasks of the programme years submitted by the end of the period, over all those tasks."""
    tasks = (
        _scope(WorkProgrammeTask, agency)
        .filter(year__range=(period.start.year, period.end.year))
        .select_related("agency")
    )
    return Figure(tasks.filter(submitted_on__lte=period.end), tasks)


def work_programme_late(agency: Agency, period: Period, today: date | None = None) -> QuerySet:
    """Tasks submitted after their deadline, or still not submitted after it."""
    today = min(today or timezone.localdate(), period.end)
    tasks = work_programme(agency, period).denominator
    return tasks.filter(Q(submitted_on__gt=F("deadline")) | Q(submitted_on__isnull=True, deadline__lt=today))


def targets(agency: Agency, period: Period) -> tuple[list[SocioEconomicTarget], list[SocioEconomicTarget]]:
    """(met, all with a result) for the period's years; met is decided in Python from Decimal values."""
    rows = list(
        _scope(SocioEconomicTarget, agency)
        .filter(year__range=(period.start.year, period.end.year))
        .order_by("year", "id")
    )
    with_result = [t for t in rows if t.actual is not None]
    return [t for t in with_result if t.met], rows


def documents_issued(agency: Agency, period: Period) -> QuerySet:
    return _scope(LegalDocument, agency).filter(
        status=LegalDocument.Status.ISSUED, issued_on__range=(period.start, period.end)
    )


def documents_cutting_conditions(agency: Agency, period: Period) -> QuerySet:
    """Documents issued in the period that cut at least one business condition."""
    cut = business_conditions_cut(agency, period).numerator.values("changed_by_id")
    return LegalDocument.objects.filter(pk__in=cut).order_by("kind", "issued_on", "number")


def count_by_kind(documents) -> Counter:
    return Counter(d.kind for d in documents)


@dataclass
class AnnualFigures:
    agency: Agency
    period: Period
    conditions: Figure
    condition_documents: list[LegalDocument]
    inspection: Figure
    inspection_documents: list[LegalDocument]
    procedures: Figure
    procedures_abolished: int
    procedures_simplified: int
    tasks: Figure
    tasks_late: int
    targets_met: list[SocioEconomicTarget]
    targets_all: list[SocioEconomicTarget]
    documents: list[LegalDocument]
    restructuring: RestructuringSummary
    fully_online: object  # core.metrics.MetricValue from procedures.fully_online_share
    # core.metrics.MetricValue from edocs.electronic_share / edocs.signed_share (None without edocs)
    documents_electronic: object = None
    documents_signed: object = None


def annual_figures(agency: Agency, year: int) -> AnnualFigures:
    from cchc.core.metrics import get_metric

    period = Period.year(year)
    procedures = procedures_simplified(agency, period)
    inspection = inspection_items_cut(agency, period)
    met, all_targets = targets(agency, period)
    online_metric = get_metric("procedures.fully_online_share")
    return AnnualFigures(
        agency=agency,
        period=period,
        conditions=business_conditions_cut(agency, period),
        condition_documents=list(documents_cutting_conditions(agency, period)),
        inspection=inspection,
        inspection_documents=list(
            LegalDocument.objects.filter(pk__in=inspection.numerator.values("changed_by_id")).order_by(
                "kind", "issued_on"
            )
        ),
        procedures=procedures,
        procedures_abolished=procedures.numerator.filter(action=SimplificationPlan.Action.ABOLISH).count(),
        procedures_simplified=procedures.numerator.filter(action=SimplificationPlan.Action.SIMPLIFY).count(),
        tasks=work_programme(agency, period),
        tasks_late=work_programme_late(agency, period).count(),
        targets_met=met,
        targets_all=all_targets,
        documents=list(documents_issued(agency, period).order_by("kind", "issued_on")),
        restructuring=restructuring_summary(agency, period.start, period.end),
        fully_online=online_metric.value(agency, period) if online_metric else None,
        documents_electronic=_metric_value("edocs.electronic_share", agency, period),
        documents_signed=_metric_value("edocs.signed_share", agency, period),
    )


def _metric_value(name: str, agency, period):
    from cchc.core.metrics import get_metric

    metric = get_metric(name)
    return metric.value(agency, period) if metric else None


def latest_year(agency: Agency) -> int:
    """The most recent year the unit's registers hold (default for pages), or last year."""
    years = [
        y
        for y in (
            _scope(WorkProgrammeTask, agency).order_by("-year").values_list("year", flat=True).first(),
            _scope(SocioEconomicTarget, agency).order_by("-year").values_list("year", flat=True).first(),
            _scope(SimplificationPlan, agency).order_by("-year").values_list("year", flat=True).first(),
            getattr(
                _scope(LegalDocument, agency)
                .filter(issued_on__isnull=False)
                .order_by("-issued_on")
                .values_list("issued_on", flat=True)
                .first(),
                "year",
                None,
            ),
        )
        if y
    ]
    return max(years) if years else timezone.localdate().year - 1


def document_changes(document: LegalDocument) -> dict:
    """What a legal document changed, by register key."""
    return {
        "conditions": list(document.business_conditions.select_related("agency")),
        "inspection": list(document.inspection_items.select_related("agency")),
        "plans": list(document.simplification_plans.select_related("agency", "procedure")),
        "tasks": list(document.work_programme_tasks.select_related("agency")),
    }
