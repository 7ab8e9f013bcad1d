"""Reads of the PAR index: cycles, items, scores, rankings and report data.

Public face for other modules (the surveys module uses `cycle_get` and `survey_items`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.http import Http404

from cchc.core.formatting import round_half_up
from cchc.core.metrics import Period
from cchc.org.access import has_perm, scope_q
from cchc.org.models import Agency

from . import engine, rules
from .access import APPRAISE, MANAGE, VIEW, can_manage, can_see_subject
from .models import Cycle, Entry, EntryHistory, Evidence, Item, Result, Stage, Subject


def cycle_get(code: str) -> Cycle:
    """The cycle with this code (raises Cycle.DoesNotExist)."""
    return Cycle.objects.select_related("methodology", "owner").get(code=code)


def survey_items(cycle: Cycle):
    """Items of the cycle's methodology assessed by the sociological survey (code, name, max_points)."""
    return Item.objects.filter(
        methodology_id=cycle.methodology_id, assessment=Item.Assessment.SURVEY, children__isnull=True
    ).order_by("position")


def cycle_period(cycle: Cycle) -> Period:
    return Period.year(cycle.year)


def applicable_leaves(subject: Subject) -> list[Item]:
    """Leaves that count for this subject: in its block, not exempt."""
    items = list(subject.cycle.methodology.items.order_by("position"))
    parents = {i.parent_id for i in items if i.parent_id}
    roots = {i.code: i.blocks for i in items if i.parent_id is None}
    exempt = set(subject.exemptions.values_list("item__code", flat=True))
    out = []
    for i in items:
        if i.pk in parents:
            continue
        chain = [".".join(i.code.split(".")[:n]) for n in range(1, i.code.count(".") + 2)]
        if roots.get(chain[0]) and subject.block not in roots[chain[0]]:
            continue
        if exempt.intersection(chain):
            continue
        out.append(i)
    return out


def cycles_visible(user):
    """Published cycles, and open ones where the user manages, appraises or is assessed."""
    qs = Cycle.objects.select_related("methodology", "owner")
    if getattr(user, "is_superuser", False):
        return qs
    own = Q(status=Cycle.Status.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        own |= Q(subjects__in=Subject.objects.filter(scope_q(user, VIEW, "agency")))
        own |= Q(appraisers__user_id=user.pk) if has_perm(user, APPRAISE) else Q(pk__in=[])
        own |= Q(scope_q(user, MANAGE, "owner")) if has_perm(user, MANAGE) else Q(pk__in=[])
    return qs.filter(own).distinct()


def subjects_visible(user, cycle: Cycle):
    """The subjects of a cycle whose scores the user may see (all of them once published)."""
    qs = cycle.subjects.select_related("agency", "result").order_by("agency__code")
    if cycle.is_published or can_manage(user, cycle):
        return qs
    appraised = cycle.appraisers.filter(user_id=user.pk)
    if has_perm(user, APPRAISE) and appraised.filter(subject__isnull=True).exists():
        return qs
    return qs.filter(scope_q(user, VIEW, "agency") | Q(pk__in=appraised.values("subject_id")))


def eligible_agencies(cycle: Cycle):
    """Agencies that may still be added to the cycle (the rule services.subject_add enforces):
    ministries or provinces by the methodology's level, else the units below the cycle's owner."""
    from .services import SUBJECT_TYPES

    level = cycle.methodology.level
    if level in SUBJECT_TYPES:
        qs = Agency.objects.filter(type__in=SUBJECT_TYPES[level])
    else:
        qs = Agency.objects.filter(path__startswith=cycle.owner.path).exclude(pk=cycle.owner_id)
    return qs.exclude(pk__in=cycle.subjects.values("agency_id")).order_by("code")


def subject_for(user, cycle: Cycle, agency_code: str) -> Subject:
    subject = (
        cycle.subjects.select_related("agency", "cycle__methodology", "cycle__owner")
        .filter(agency__code=agency_code)
        .first()
    )
    if subject is None or not can_see_subject(user, subject):
        raise Http404
    return subject


# ---- rankings --------------------------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int | None
    subject: Subject
    result: Result
    value: Decimal | None  # the component ranked by
    group: str
    previous_index: Decimal | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        if self.previous_index is None:
            return None
        return round_half_up(self.result.index, 2) - round_half_up(self.previous_index, 2)


COMPONENTS = ["index", "points", "appraised", "survey"]


def component_value(result: Result, component: str) -> Decimal | None:
    if component == "index":
        return result.index
    if component == "points":
        return result.points
    if component == "appraised":
        return result.appraised_points
    if component == "survey":
        return result.survey_points
    if component.startswith("area:"):
        pts, mx = result.areas.get(component[5:], (None, None))
        return Decimal(pts) * 100 / Decimal(mx) if pts is not None and Decimal(mx) else None
    raise ValueError(component)


def ranking(cycle: Cycle, *, component: str = "index", limit: int | None = None) -> list[RankRow]:
    """Ranked subjects by any component (index, points, appraised, survey, area:<code>), ties shared.

    Subjects not in the common ranking are listed after the others without a rank. Three queries.
    """
    results = list(Result.objects.filter(subject__cycle=cycle).select_related("subject__agency"))
    previous = {}
    if cycle.previous_id:
        previous = {
            r.subject.agency_id: r
            for r in Result.objects.filter(subject__cycle_id=cycle.previous_id).select_related("subject")
        }
    values = {r.subject_id: component_value(r, component) for r in results}
    ranks = (
        engine.rank([(r.subject_id, values[r.subject_id]) for r in results if r.subject.ranked])
        if component != "index"
        else {r.subject_id: r.rank for r in results}
    )
    rows = []
    for r in results:
        prev = previous.get(r.subject.agency_id)
        rows.append(
            RankRow(
                rank=ranks.get(r.subject_id),
                subject=r.subject,
                result=r,
                value=values[r.subject_id],
                group=r.group,
                previous_index=prev.index if prev else None,
                previous_rank=prev.rank if prev else None,
            )
        )
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.subject.agency.code))
    return rows[:limit] if limit else rows


def area_items(cycle: Cycle) -> list[Item]:
    return list(cycle.methodology.items.filter(parent__isnull=True).order_by("position"))


# ---- a subject's scoring sheet and report card --------------------------------------------------------------


@dataclass
class SheetRow:
    item: Item
    applicable: bool
    stages: dict = field(default_factory=dict)  # stage → Entry
    final: Decimal | None = None
    evidence: list = field(default_factory=list)
    metrics: list = field(default_factory=list)  # (name, Metric|None, MetricValue|None)
    suggested: Decimal | None = None
    max_applicable: Decimal | None = None

    @property
    def lost(self) -> Decimal | None:
        return self.max_applicable - self.final if self.applicable and self.final is not None else None

    @property
    def is_leaf(self) -> bool:
        return not getattr(self.item, "_has_children", False)


def subject_sheet(subject: Subject, *, with_metrics: bool = True) -> list[SheetRow]:
    """Every item with the subject's entries per stage, final points, evidence and live metrics."""
    items = list(subject.cycle.methodology.items.order_by("position"))
    parents = {i.parent_id for i in items if i.parent_id}
    for i in items:
        i._has_children = i.pk in parents
    applicable = {i.pk for i in applicable_leaves(subject)}
    entries = {}
    for e in Entry.objects.filter(subject=subject).select_related("updated_by"):
        entries.setdefault(e.item_id, {})[e.stage] = e
    evidence = {}
    for ev in Evidence.objects.filter(subject=subject):
        evidence.setdefault(ev.item_id, []).append(ev)
    period = cycle_period(subject.cycle)
    rows, by_id = [], {}
    for i in items:
        row = SheetRow(
            item=i,
            applicable=i.pk in applicable,
            stages=entries.get(i.pk, {}),
            evidence=evidence.get(i.pk, []),
        )
        if i.pk not in parents and row.applicable:
            row.final = engine.final_points({s: e.points for s, e in row.stages.items()}, i.assessment)
            if with_metrics and (i.metric or i.rule == Item.Rule.FORMULA):
                row.metrics = list(rules.metric_values(i, subject.agency, period).values())
                row.suggested = rules.suggested_points(i, subject.agency, period)
        by_id[i.pk] = row
        rows.append(row)
    # Parents: the sums of their applicable leaves, and of those leaves' maxima.
    for row in rows:
        if row.item.pk not in parents and row.applicable:
            row.max_applicable = row.item.max_points
            parent_id = row.item.parent_id
            while parent_id:
                p = by_id[parent_id]
                p.final = (p.final or Decimal(0)) + row.final
                p.max_applicable = (p.max_applicable or Decimal(0)) + row.item.max_points
                parent_id = p.item.parent_id
    for row in rows:
        if row.item.pk in parents:
            row.applicable = row.max_applicable is not None
    return rows


def entry_history(subject: Subject, item: Item):
    return EntryHistory.objects.filter(subject=subject, item=item).select_related("actor").order_by("id")


def unavailable_metrics(cycle: Cycle) -> list[str]:
    """Metric names the methodology binds to that no module supplies."""
    from cchc.core.metrics import get_metric

    names = set()
    for metric, params in cycle.methodology.items.values_list("metric", "rule_params"):
        if metric:
            names.add(metric)
        names.update((params or {}).get("variables", {}).values())
    return sorted(n for n in names if get_metric(n) is None)


def stage_deadlines(cycle: Cycle) -> list[tuple[str, str, object]]:
    from .services import DEADLINE_FIELD

    return [(stage, Stage(stage).label, getattr(cycle, f)) for stage, f in DEADLINE_FIELD.items()]
