"""Reads: the registers (scoped to the units the user may see), overdue lists, statistics, metrics."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cchc.core.metrics import MetricValue, Period
from cchc.org.access import scope_q

from . import search
from .access import VIEW
from .models import IncomingDocument, OutgoingDocument, StatusCode


def _or_own(scope: Q, user, field: str) -> Q:
    """The user's scope, plus the rows that are theirs. An empty Q is "everything" (a superuser):
    OR-ing it with anything would narrow it to that thing, so it is kept as it is."""
    if not scope:
        return scope
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return scope | Q(**{field: user})


def outgoing_register(
    user, *, q: str = "", year: int | None = None, agency=None, status: str = ""
) -> QuerySet:
    qs = OutgoingDocument.objects.filter(scope_q(user, VIEW, "agency")).select_related("agency", "kind")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    return search.filter_words(qs, q).order_by("-year", "-number", "-id")


def incoming_register(
    user, *, q: str = "", year: int | None = None, agency=None, status: str = "", overdue: bool = False
) -> QuerySet:
    qs = IncomingDocument.objects.filter(
        _or_own(scope_q(user, VIEW, "agency"), user, "assignee")
    ).select_related("agency", "assigned_unit", "assignee")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if overdue:
        qs = overdue_filter(qs)
    return search.filter_words(qs, q).order_by("-year", "-arrival_number", "-id")


def overdue_filter(qs):
    return qs.exclude(status=IncomingDocument.Status.COMPLETED).filter(due_at__lt=timezone.now())


def outgoing_visible(user, pk: int) -> OutgoingDocument | None:
    return (
        OutgoingDocument.objects.filter(_or_own(scope_q(user, VIEW, "agency"), user, "drafted_by"), pk=pk)
        .select_related("agency", "kind", "register", "drafted_by", "approved_by", "issued_by")
        .first()
    )


def incoming_visible(user, pk: int) -> IncomingDocument | None:
    return incoming_register(user).filter(pk=pk).first()


def _bounds(period: Period):
    tz = timezone.get_current_timezone()
    return datetime.combine(period.start, time.min, tzinfo=tz), datetime.combine(
        period.end, time.max, tzinfo=tz
    )


@dataclass
class Statistics:
    outgoing: int
    outgoing_electronic: int
    outgoing_signed: int
    incoming: int
    incoming_electronic: int
    incoming_signed: int
    completed: int
    completed_on_time: int
    open: int
    overdue: int


def statistics(agency, period: Period) -> Statistics:
    """Counts for a unit (and the units below it) in a period: two queries."""
    start, end = _bounds(period)
    out = OutgoingDocument.objects.filter(
        status=OutgoingDocument.Status.ISSUED, issued_at__range=(start, end)
    )
    inc = IncomingDocument.objects.filter(received_at__range=(start, end))
    if agency is not None:
        out = out.filter(agency__path__startswith=agency.path)
        inc = inc.filter(agency__path__startswith=agency.path)
    o = out.aggregate(
        n=Count("id"),
        electronic=Count("id", filter=Q(recipients__isnull=False), distinct=True),
        signed=Count("id", filter=Q(signed_digitally=True)),
    )
    done = Q(status=IncomingDocument.Status.COMPLETED)
    i = inc.aggregate(
        n=Count("id"),
        electronic=Count("id", filter=Q(electronic=True)),
        signed=Count("id", filter=Q(signed_digitally=True)),
        completed=Count("id", filter=done),
        on_time=Count("id", filter=done & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))),
        open=Count("id", filter=~done),
        overdue=Count("id", filter=~done & Q(due_at__lt=timezone.now())),
    )
    return Statistics(
        outgoing=o["n"],
        outgoing_electronic=o["electronic"],
        outgoing_signed=o["signed"],
        incoming=i["n"],
        incoming_electronic=i["electronic"],
        incoming_signed=i["signed"],
        completed=i["completed"],
        completed_on_time=i["on_time"],
        open=i["open"],
        overdue=i["overdue"],
    )


def _documents(agency, period: Period) -> tuple[int, int, int]:
    """(documents, exchanged electronically, signed digitally): outgoing issued plus incoming received."""
    s = statistics(agency, period)
    return (
        s.outgoing + s.incoming,
        s.outgoing_electronic + s.incoming_electronic,
        s.outgoing_signed + s.incoming_signed,
    )


def electronic_share_metric(agency, period: Period) -> MetricValue:
    from django.urls import reverse

    total, electronic, _signed = _documents(agency, period)
    if not total:
        return MetricValue(None)
    return MetricValue.ratio(electronic, total, records_url=reverse("edocs:statistics"))


def signed_share_metric(agency, period: Period) -> MetricValue:
    from django.urls import reverse

    total, _electronic, signed = _documents(agency, period)
    if not total:
        return MetricValue(None)
    return MetricValue.ratio(signed, total, records_url=reverse("edocs:statistics"))


def timeline(statuses) -> list:
    """Status events in order with their labels (for the detail pages)."""
    return [(s, StatusCode(s.code).label if s.code in StatusCode.values else s.code) for s in statuses]
