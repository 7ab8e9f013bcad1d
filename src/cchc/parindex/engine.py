"""The computation: points per item, area and subject; index, rank and group. Exact Decimal.

Rules (see docs/parindex.md):
- only leaves carry points; a parent's points are the sum of its applicable children;
- a leaf's final points: survey items take the survey points; the others take appraisal round 2,
  else round 1, else the self-assessed points (an item not adjusted by the appraisers is accepted);
- an exempt item (and everything under it), and an area outside the subject's block, leave both
  the points and the maximum (the denominator);
- bonus and penalty are each capped by the methodology; the total stays within 0…maximum;
- index = total / applicable maximum × 100; ranks and groups use the index as published
  (half-up to two decimals), so equal published indices share a rank (1, 1, 3).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cchc.core.formatting import round_half_up

from .models import Adjustment, Cycle, Entry, Exemption, Item, Result, Stage, Subject

ZERO = Decimal(0)
INDEX_PLACES = Decimal("0.000001")


@dataclass
class Tree:
    items: list  # (id, code, parent_id, max_points, assessment, blocks) in position order
    leaves: list
    ancestors: dict  # item id → codes of itself and its ancestors

    @classmethod
    def of(cls, methodology) -> "Tree":
        items = list(
            Item.objects.filter(methodology=methodology)
            .order_by("position")
            .values_list("id", "code", "parent_id", "max_points", "assessment", "blocks")
        )
        parents = {i[2] for i in items if i[2]}
        leaves = [i for i in items if i[0] not in parents]
        ancestors = {}
        for i in items:
            parts = i[1].split(".")
            ancestors[i[0]] = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
        return cls(items, leaves, ancestors)

    def root_blocks(self) -> dict:
        return {i[1]: i[5] for i in self.items if i[2] is None}


@dataclass
class SubjectScore:
    subject_id: int
    points: Decimal = ZERO
    max_points: Decimal = ZERO
    appraised: Decimal = ZERO
    survey: Decimal = ZERO
    self_points: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    areas: dict = field(default_factory=dict)  # code → [points, max]
    leaf_points: dict = field(default_factory=dict)  # item id → final points (applicable leaves)

    @property
    def index(self) -> Decimal | None:
        return self.points * 100 / self.max_points if self.max_points else None


def final_points(stages: dict, assessment: str) -> Decimal:
    if assessment == Item.Assessment.SURVEY:
        return stages.get(Stage.SURVEY) or ZERO
    for stage in (Stage.APPRAISAL2, Stage.APPRAISAL1, Stage.SELF):
        if stages.get(stage) is not None:
            return stages[stage]
    return ZERO


def score_subject(
    tree: Tree,
    subject_id: int,
    block: str,
    entries: dict,
    exempt: set,
    adjustments: list,
    bonus_cap: Decimal,
    penalty_cap: Decimal,
) -> SubjectScore:
    """entries: item id → {stage: points}; exempt: exempted item codes; adjustments: [(kind, points)]."""
    s = SubjectScore(subject_id)
    root_blocks = tree.root_blocks()
    for item_id, _code, _parent, mx, assessment, _blocks in tree.leaves:
        chain = tree.ancestors[item_id]
        area = chain[0]
        if root_blocks.get(area) and block not in root_blocks[area]:
            continue
        if exempt and any(c in exempt for c in chain):
            continue
        stages = entries.get(item_id, {})
        pts = final_points(stages, assessment)
        s.leaf_points[item_id] = pts
        s.max_points += mx
        s.points += pts
        if assessment == Item.Assessment.SURVEY:
            s.survey += pts
        else:
            s.appraised += pts
            s.self_points += stages.get(Stage.SELF) or ZERO
        a = s.areas.setdefault(area, [ZERO, ZERO])
        a[0] += pts
        a[1] += mx
    bonus = sum((p for k, p in adjustments if k == Adjustment.Kind.BONUS), ZERO)
    penalty = sum((p for k, p in adjustments if k == Adjustment.Kind.PENALTY), ZERO)
    s.bonus, s.penalty = min(bonus, bonus_cap), min(penalty, penalty_cap)
    s.points = min(max(s.points + s.bonus - s.penalty, ZERO), s.max_points)
    return s


def compute(cycle: Cycle) -> list[tuple[Subject, SubjectScore]]:
    """Score every subject of a cycle from a handful of set-based queries."""
    tree = Tree.of(cycle.methodology)
    subjects = list(cycle.subjects.select_related("agency").order_by("agency__code"))
    entries: dict = defaultdict(lambda: defaultdict(dict))
    for subject_id, item_id, stage, points in (
        Entry.objects.filter(subject__cycle=cycle)
        .exclude(stage=Stage.EXPLANATION)
        .values_list("subject_id", "item_id", "stage", "points")
    ):
        entries[subject_id][item_id][stage] = points
    exempt = defaultdict(set)
    for subject_id, code in Exemption.objects.filter(subject__cycle=cycle).values_list(
        "subject_id", "item__code"
    ):
        exempt[subject_id].add(code)
    adjustments = defaultdict(list)
    for subject_id, kind, points in Adjustment.objects.filter(subject__cycle=cycle).values_list(
        "subject_id", "kind", "points"
    ):
        adjustments[subject_id].append((kind, points))
    m = cycle.methodology
    return [
        (
            s,
            score_subject(
                tree,
                s.pk,
                s.block,
                entries[s.pk],
                exempt[s.pk],
                adjustments[s.pk],
                m.bonus_cap,
                m.penalty_cap,
            ),
        )
        for s in subjects
    ]


def rank(values: list[tuple[int, Decimal | None]]) -> dict[int, int]:
    """Competition ranking on the published (half-up, two decimals) value: 1, 1, 3."""
    shown = sorted(
        ((round_half_up(v, 2), k) for k, v in values if v is not None), key=lambda t: t[0], reverse=True
    )
    ranks, previous, current = {}, None, 0
    for position, (value, key) in enumerate(shown, start=1):
        if value != previous:
            current, previous = position, value
        ranks[key] = current
    return ranks


def group_of(index: Decimal | None, groups: list[dict]) -> str:
    if index is None:
        return ""
    shown = round_half_up(index, 2)
    for g in groups:
        if shown >= Decimal(g["min"]):
            return g["label"]
    return ""


@transaction.atomic
def compute_and_store(cycle: Cycle) -> int:
    scored = compute(cycle)
    ranks = rank([(subj.pk, sc.index) for subj, sc in scored if subj.ranked])
    Result.objects.filter(subject__cycle=cycle).delete()
    Result.objects.bulk_create(
        [
            Result(
                subject=subj,
                points=sc.points,
                max_points=sc.max_points,
                index=(sc.index or ZERO).quantize(INDEX_PLACES),
                appraised_points=sc.appraised,
                survey_points=sc.survey,
                self_points=sc.self_points,
                bonus=sc.bonus,
                penalty=sc.penalty,
                areas={k: [str(v[0]), str(v[1])] for k, v in sc.areas.items()},
                rank=ranks.get(subj.pk),
                group=group_of(sc.index, cycle.groups),
            )
            for subj, sc in scored
        ]
    )
    cycle.computed_at = timezone.now()
    cycle.save(update_fields=["computed_at"])
    return len(scored)
