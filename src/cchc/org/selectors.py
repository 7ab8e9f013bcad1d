"""Reads of the organisation registry."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from .access import VIEW_PEOPLE, scope_q
from .models import Agency, AgencyChange, AgencyType, RoleAssignment


def agency_by_code(code: str) -> Agency:
    return Agency.objects.get(code=code)


def agency_subtree(root: Agency, *, on: date | None = None):
    qs = Agency.objects.filter(path__startswith=root.path)
    if on is not None:
        qs = qs.filter(Agency.valid_on(on))
    return qs.order_by("path")


def agency_roots():
    return Agency.objects.filter(parent__isnull=True).order_by("type", "name")


@dataclass
class TreeNode:
    agency: Agency
    children: list["TreeNode"] = field(default_factory=list)


def agency_tree(
    *, root: Agency | None = None, on: date | None = None, include_ended: bool = False
) -> list[TreeNode]:
    """The tree as nested nodes, built from one query."""
    qs = Agency.objects.all() if root is None else Agency.objects.filter(path__startswith=root.path)
    if not include_ended:
        qs = qs.filter(Agency.valid_on(on or date.today()))
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for agency in qs.order_by("path"):
        node = TreeNode(agency)
        nodes[agency.pk] = node
        parent = nodes.get(agency.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


@dataclass
class RestructuringSummary:
    """What a unit's restructuring amounted to in a period, computed from AgencyChange rows."""

    root: Agency
    start: date
    end: date
    units_reduced: int  # units above division level that ended (dissolved or merged)
    units_created: int
    divisions_ended: int
    division_parents: list[Agency]  # the units inside which divisions ended
    events: list[AgencyChange]
    by_kind: Counter


def restructuring_summary(root: Agency, start: date, end: date) -> RestructuringSummary:
    events = list(
        AgencyChange.objects.filter(agency__path__startswith=root.path, effective_on__range=(start, end))
        .exclude(agency=root)
        .select_related("agency", "parent_at_change", "successor")
        .order_by("effective_on", "id")
    )
    ending = [e for e in events if e.kind in (AgencyChange.Kind.DISSOLVED, AgencyChange.Kind.MERGED)]
    divisions = [e for e in ending if e.agency.type == AgencyType.DIVISION]
    parents = {e.parent_at_change_id: e.parent_at_change for e in divisions if e.parent_at_change_id}
    created = [
        e for e in events if e.kind == AgencyChange.Kind.CREATED and e.agency.type != AgencyType.DIVISION
    ]
    return RestructuringSummary(
        root=root,
        start=start,
        end=end,
        units_reduced=len(ending) - len(divisions) - len(created),
        units_created=len(created),
        divisions_ended=len(divisions),
        division_parents=sorted(parents.values(), key=lambda a: a.name),
        events=events,
        by_kind=Counter(e.kind for e in events),
    )


def people_visible_to(user):
    """Staff accounts in the units where `user` may view people, with their roles."""
    User = get_user_model()
    return (
        User.objects.filter(kind=User.Kind.STAFF)
        .filter(scope_q(user, VIEW_PEOPLE, "unit"))
        .select_related("unit")
        .prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("agency"))
        )
        .order_by("unit__path", "full_name")
    )
