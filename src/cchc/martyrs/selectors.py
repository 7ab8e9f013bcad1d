"""Reads of the martyrs module: staff lists in scope, public pages, duplicates, metrics."""

from datetime import datetime, time

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cchc.core.metrics import MetricValue, Period
from cchc.org.access import scope_q

from . import access
from .models import Cemetery, Grave, Martyr, Request


def requests_for_officer(
    user, *, status: str = "", kind: str = "", overdue: bool = False
) -> QuerySet[Request]:
    qs = Request.objects.filter(scope_q(user, access.VIEW, "agency")).select_related(
        "agency", "martyr", "cemetery"
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue:
        qs = qs.filter(
            status__in=[Request.Status.RECEIVED, Request.Status.IN_REVIEW], due_at__lt=timezone.now()
        )
    return qs


def martyrs_for_officer(user) -> QuerySet[Martyr]:
    return Martyr.objects.filter(scope_q(user, access.VIEW, "agency"))


STATS_CACHE_KEY = "martyrs:stats"


def search_page_counts() -> dict:
    """Counts for the search page: counting a million rows on every visit would cost more than the
    search itself, so they are kept ten minutes in the shared cache (a service adding a grave from
    the edit page clears them)."""

    def compute():
        return {
            "martyrs": Martyr.objects.count(),
            "graves": Grave.objects.count(),
            "cemeteries": Cemetery.objects.count(),
        }

    return cache.get_or_set(STATS_CACHE_KEY, compute, 600)


def martyr_public(pk: int) -> Martyr | None:
    return Martyr.objects.select_related("grave__cemetery").filter(pk=pk).first()


def cemeteries_for_editor(user, martyr: Martyr) -> QuerySet[Cemetery]:
    """The cemeteries a record's grave may be put in by this user: those of units where they edit
    records, and the grave's current one."""
    q = scope_q(user, access.EDIT, "agency")
    grave = getattr(martyr, "grave", None)
    if grave is not None:
        q |= Q(pk=grave.cemetery_id)
    return Cemetery.objects.filter(q).order_by("name")


def cemeteries_public() -> QuerySet[Cemetery]:
    return Cemetery.objects.annotate(
        grave_count=Count("graves"),
        identified_count=Count("graves", filter=Q(graves__martyr__isnull=False)),
    ).order_by("name")


def cemetery_graves(cemetery: Cemetery) -> QuerySet[Grave]:
    return cemetery.graves.select_related("martyr").order_by("zone", "row", "number", "id")


def duplicate_candidates(user, limit: int = 200) -> list[dict]:
    """Records that may describe the same martyr: the same name key and year of birth (or either year
    unknown) and the same home province lineage. Grouped in the database on the search table."""
    from .models import SearchName

    groups = (
        SearchName.objects.filter(is_alias=False, martyr__in=martyrs_for_officer(user))
        .values("name_key", "birth_year", "province_code")
        .annotate(n=Count("martyr_id", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "name_key")[:limit]
    )
    groups = list(groups)
    if not groups:
        return []
    q = Q(pk__in=[])
    for g in groups:
        q |= Q(name_key=g["name_key"], birth_year=g["birth_year"], province_code=g["province_code"])
    members = {}
    for sn in SearchName.objects.filter(q, is_alias=False).select_related("martyr__grave__cemetery"):
        members.setdefault((sn.name_key, sn.birth_year, sn.province_code), []).append(sn.martyr)
    return [
        {
            **g,
            "martyrs": sorted(
                members.get((g["name_key"], g["birth_year"], g["province_code"]), []), key=lambda m: m.pk
            ),
        }
        for g in groups
    ]


def _bounds(period: Period):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(period.start, time.min), tz),
        timezone.make_aware(datetime.combine(period.end, time.max), tz),
    )


def on_time_metric(agency, period: Period) -> MetricValue:
    """Requests received in the period and due by now (answered, or open past their due date) that
    were answered by their due date."""
    from django.urls import reverse

    start, end = _bounds(period)
    now = timezone.now()
    qs = Request.objects.filter(received_at__range=(start, end))
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    due = qs.filter(Q(handled_at__isnull=False) | Q(due_at__lt=now))
    counts = due.aggregate(n=Count("id"), ok=Count("id", filter=Q(on_time=True)))
    if not counts["n"]:
        return MetricValue(None)
    return MetricValue.ratio(counts["ok"], counts["n"], records_url=reverse("martyrs:requests"))


def identified_metric(agency, period: Period) -> MetricValue:
    """Graves whose martyr is identified, over all graves in the unit's cemeteries (at the period's end)."""
    from django.urls import reverse

    qs = Grave.objects.filter(created_at__date__lte=period.end)
    if agency is not None:
        qs = qs.filter(cemetery__agency__path__startswith=agency.path)
    counts = qs.aggregate(n=Count("id"), ok=Count("id", filter=Q(martyr__isnull=False)))
    if not counts["n"]:
        return MetricValue(None)
    return MetricValue.ratio(counts["ok"], counts["n"], records_url=reverse("martyrs:cemeteries"))
