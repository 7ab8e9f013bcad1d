"""Reads of feedback: the officers' scoped list, the applicant's own, and the on-time metric."""

from datetime import datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cchc.core.metrics import MetricValue, Period
from cchc.org.access import scope_q

from .access import VIEW
from .models import Feedback, Status


def feedback_for_officer(
    user, *, status: str = "", kind: str = "", overdue: bool = False, agency=None
) -> QuerySet[Feedback]:
    """Feedback in the units where the user may view it, newest first."""
    qs = Feedback.objects.filter(scope_q(user, VIEW, "agency")).select_related(
        "agency", "dossier", "procedure"
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    return overdue_filter(qs) if overdue else qs


def overdue_filter(qs: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return qs.filter(status=Status.RECEIVED, due_at__lt=timezone.now())


overdue = overdue_filter


def feedback_visible(user, pk: int) -> Feedback | None:
    """The feedback if it lies in the user's scope (views answer 404 otherwise)."""
    return feedback_for_officer(user).select_related("filed_by", "handled_by").filter(pk=pk).first()


def feedback_of_applicant(user) -> QuerySet[Feedback]:
    return Feedback.objects.filter(filed_by=user).select_related("dossier", "procedure", "agency")


def feedback_for_applicant(user, pk: int) -> Feedback | None:
    return feedback_of_applicant(user).filter(pk=pk).first()


def on_time_counts(agency, period: Period) -> tuple[int, int]:
    """(answered on time, due) for feedback received in the period by the agency and its units. "Due":
    answered, or still open after its due date; open feedback not yet due is not counted. One query."""
    tz = timezone.get_current_timezone()
    start, end = (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.max, tzinfo=tz),
    )
    qs = Feedback.objects.filter(received_at__range=(start, end))
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    due = Q(status=Status.ANSWERED) | Q(status=Status.RECEIVED, due_at__lt=timezone.now())
    row = qs.aggregate(
        due=Count("id", filter=due), on_time=Count("id", filter=Q(status=Status.ANSWERED, on_time=True))
    )
    return row["on_time"], row["due"]


def on_time_metric(agency, period: Period) -> MetricValue:
    from django.urls import reverse

    on_time, due = on_time_counts(agency, period)
    if not due:
        return MetricValue(None)
    return MetricValue.ratio(
        on_time, due, records_url=reverse("feedback:list") + (f"?agency={agency.pk}" if agency else "")
    )
