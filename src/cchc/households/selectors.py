"""Reads of the household registry: scoped lists and statistics of the approved lists.

Statistics count the classifications of *approved* review rounds only: a list is official once the
commune chairperson has recognised it. Aggregation is set-based in the database (counts), and the
Alkire–Foster measures are computed with numpy over the stored deprivation lists.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Q

from cchc.core.formatting import percent
from cchc.org.access import agencies_with_perm, scope_q
from cchc.org.models import Agency, AgencyType

from . import access
from .models import Category, Classification, Household, Indicator, ReviewRound
from .mpi import AFResult, af_measures


def households_visible_to(user):
    return Household.objects.filter(scope_q(user, access.VIEW, "commune")).select_related("commune")


def rounds_visible_to(user):
    return ReviewRound.objects.filter(scope_q(user, access.VIEW, "commune")).select_related(
        "commune", "standard"
    )


def communes_editable_by(user):
    return agencies_with_perm(user, access.EDIT).filter(type=AgencyType.COMMUNE, valid_to__isnull=True)


def stat_areas_for(user):
    """Provinces and communes whose statistics the user may see (for the dashboard's choice)."""
    return (
        agencies_with_perm(user, access.STATS)
        .filter(type__in=[AgencyType.PROVINCE, AgencyType.COMMUNE], valid_to__isnull=True)
        .order_by("path")
    )


def sees_nationwide_stats(user) -> bool:
    """Statistics nationwide: for users holding the statistics permission at the level of a ministry (the
    national database's aggregates), as well as superusers; provinces and communes see their own areas."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return (
        agencies_with_perm(user, access.STATS)
        .filter(type=AgencyType.MINISTRY, valid_to__isnull=True)
        .exists()
    )


def approved_results(root: Agency | None, year: int):
    """Approved classifications of `year` for the communes under `root` (None or a ministry: nationwide)."""
    qs = Classification.objects.filter(round__status=ReviewRound.Status.APPROVED, round__year=year)
    if root is not None and root.type != AgencyType.MINISTRY:
        qs = qs.filter(round__commune__path__startswith=root.path)
    return qs


@dataclass
class Row:
    label: str
    households: int
    poor: int
    near_poor: int
    key: str = ""

    @property
    def poor_rate(self):
        return percent(self.poor, self.households)

    @property
    def near_poor_rate(self):
        return percent(self.near_poor, self.households)


@dataclass
class AreaStats:
    root: Agency | None
    year: int
    total: Row
    previous: Row | None
    by_commune: list[Row]
    by_setting: list[Row]
    movements: list[tuple[str, int]]
    by_province: list[Row] = field(default_factory=list)
    poor_with_social_protection: int = 0  # hộ nghèo thuộc chính sách bảo trợ xã hội (NĐ 20/2021)
    indicators: list[tuple[Indicator, int, object]] = field(
        default_factory=list
    )  # (indicator, deprived, rate)
    af: AFResult | None = None
    standard: object = None


def _totals(qs) -> Row:
    agg = qs.aggregate(
        n=Count("id"),
        poor=Count("id", filter=Q(category=Category.POOR)),
        near=Count("id", filter=Q(category=Category.NEAR_POOR)),
    )
    return Row("", agg["n"], agg["poor"], agg["near"])


def area_stats(root: Agency | None, year: int, cutoff: float | None = None) -> AreaStats:
    """Counts and rates of the approved lists; Alkire–Foster at `cutoff` (default: the standard's k)."""
    from django.utils.translation import gettext as _

    from cchc.org.models import AdministrativeArea

    qs = approved_results(root, year)
    total = _totals(qs)
    total.label = str(root) if root else _("Nationwide")
    previous = _totals(approved_results(root, year - 1))
    nationwide = root is None or root.type == AgencyType.MINISTRY
    by_commune = (
        []
        if nationwide
        else [  # nationwide, communes are summed by province instead
            Row(
                r["round__commune__area__name"] or r["round__commune__name"],
                r["n"],
                r["poor"],
                r["near"],
                key=r["round__commune__code"],
            )
            for r in qs.values("round__commune__area__name", "round__commune__name", "round__commune__code")
            .annotate(
                n=Count("id"),
                poor=Count("id", filter=Q(category=Category.POOR)),
                near=Count("id", filter=Q(category=Category.NEAR_POOR)),
            )
            .order_by("round__commune__area__name")
        ]
    )
    settings = dict(AdministrativeArea.Setting.choices)
    by_setting = [
        Row(str(settings[r["setting"]]), r["n"], r["poor"], r["near"], key=r["setting"])
        for r in qs.values("setting")
        .annotate(
            n=Count("id"),
            poor=Count("id", filter=Q(category=Category.POOR)),
            near=Count("id", filter=Q(category=Category.NEAR_POOR)),
        )
        .order_by("setting")
    ]
    movements = [
        (m, n)
        for m, n in qs.exclude(movement="")
        .values_list("movement")
        .annotate(n=Count("id"))
        .order_by("movement")
    ]
    stats = AreaStats(
        root, year, total, previous if previous.households else None, by_commune, by_setting, movements
    )
    stats.poor_with_social_protection = (
        qs.filter(category=Category.POOR, household__members__social_protection__gt="")
        .order_by()
        .values("household_id")
        .distinct()
        .count()
    )
    if nationwide:
        # Communes sit under their province's People's Committee in the organisation tree.
        stats.by_province = [
            Row(r["round__commune__parent__area__name"] or "—", r["n"], r["poor"], r["near"])
            for r in qs.values("round__commune__parent__area__name")
            .annotate(
                n=Count("id"),
                poor=Count("id", filter=Q(category=Category.POOR)),
                near=Count("id", filter=Q(category=Category.NEAR_POOR)),
            )
            .order_by("round__commune__parent__area__name")
        ]
    standards = list(qs.order_by().values_list("standard_id", flat=True).distinct()[:2])
    if len(standards) == 1:  # indicator rates and AF need one indicator set
        _indicator_stats(stats, qs, standards[0], cutoff)
    return stats


def _indicator_stats(stats: AreaStats, qs, standard_id: int, cutoff: float | None) -> None:
    indicators = list(
        Indicator.objects.filter(standard_id=standard_id).select_related("standard").order_by("position")
    )
    codes = [i.code for i in indicators]
    index = {c: j for j, c in enumerate(codes)}
    deprived_lists = list(qs.values_list("deprived", flat=True))
    g0 = np.zeros((len(deprived_lists), len(codes)), dtype=np.int8)
    for i, dep in enumerate(deprived_lists):
        for code in dep:
            g0[i, index[code]] = 1
    counts = g0.sum(axis=0)
    stats.indicators = [
        (ind, int(counts[j]), percent(int(counts[j]), len(deprived_lists)))
        for j, ind in enumerate(indicators)
    ]
    standard = indicators[0].standard if indicators else None
    stats.standard = standard
    if standard is not None and len(deprived_lists):
        k = cutoff if cutoff is not None else standard.deprivation_cutoff / len(codes)
        stats.af = af_measures(g0, k, indicators=codes)


def poverty_rate(root: Agency | None, year: int, category: str = Category.POOR):
    """(households in the category, households classified) in the approved lists of `year`."""
    qs = approved_results(root, year)
    agg = qs.aggregate(n=Count("id"), k=Count("id", filter=Q(category=category)))
    return agg["k"], agg["n"]
