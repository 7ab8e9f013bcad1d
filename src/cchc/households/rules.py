"""Deprivation rules as data, and the two evaluators that read them.

A rule is a small JSON/YAML tree over household and member fields:

    {"field": "floor_area_per_person", "op": "lt", "value": 8}          household field
    {"any_member": {"all": [{"field": "age", "op": "ge", "value": 6},
                            {"field": "health_insurance", "op": "eq", "value": false}]}}
    {"member_share": <member rule>, "op": "gt", "value": 0.5}         share of members matching
    {"all": [...]}, {"any": [...]}, {"not": <rule>}

`evaluate_household` walks the tree for one household (the review form, the API); `evaluate_frame`
walks the same tree with numpy over whole columns (bulk classification). Both read the same spec, and
the parity test compares them on generated data. A standard's `middle_rule` (same grammar) limits the
middle living standard band to the households it matches (NĐ 07/2021: farming, forestry, fishery and
salt-making households). Adding a standard needs a new spec, not new code;
only a new *field* needs code (and a migration), listed in HOUSEHOLD_FIELDS / MEMBER_FIELDS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

OPS = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"}

# Fields a rule may use. Derived ones are computed identically by both evaluators (see derive_*).
HOUSEHOLD_FIELDS = {
    "income_per_person",
    "floor_area",
    "wall_durable",
    "column_durable",
    "roof_durable",
    "water_source",
    "latrine",
    "uses_telecom",
    "uses_internet",
    "uses_digital_services",
    "has_information_device",
    "hears_loudspeaker",
    "treats_waste",
    "livelihood",
    # derived
    "member_count",
    "floor_area_per_person",
    "non_durable_structures",
}
MEMBER_FIELDS = {
    "sex",
    "has_disability",
    "health_insurance",
    "in_school",
    "behind_grade",
    "education",
    "work",
    "ill_untreated",
    "malnourished",
    "social_protection",
    # derived
    "age",
}
CATEGORIES = ("poor", "near_poor", "middle", "none")


class RuleError(ValueError):
    """A rule that does not follow the grammar above; names the place in the tree."""


@dataclass(frozen=True)
class Thresholds:
    income_line: int
    auto_poor_line: int | None = None
    middle_line: int | None = None


@dataclass(frozen=True)
class StandardSpec:
    """Everything an evaluator needs from one PovertyStandard, detached from the database."""

    code: str
    deprivation_cutoff: int
    points_per_indicator: int
    thresholds: dict[str, Thresholds]  # "urban" / "rural"
    indicators: list[tuple[str, dict]] = field(default_factory=list)  # (code, rule), in order
    middle_rule: dict | None = None  # households the middle band applies to; None = every household

    @property
    def indicator_codes(self) -> list[str]:
        return [code for code, _ in self.indicators]


@dataclass(frozen=True)
class Result:
    category: str
    deprived: list[str]
    deprivation_count: int
    deprivation_score: int


# ---------------------------------------------------------------- validation


def validate_rule(rule, where: str = "rule", member: bool = False) -> None:
    if not isinstance(rule, dict) or len(rule) == 0:
        raise RuleError(f"{where}: expected a mapping")
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        parts = rule[key]
        if not isinstance(parts, list) or not parts:
            raise RuleError(f"{where}.{key}: expected a non-empty list")
        for i, part in enumerate(parts):
            validate_rule(part, f"{where}.{key}[{i}]", member)
        return
    if "not" in rule:
        validate_rule(rule["not"], f"{where}.not", member)
        return
    if "any_member" in rule or "member_share" in rule:
        if member:
            raise RuleError(f"{where}: member quantifiers cannot be nested inside a member rule")
        key = "any_member" if "any_member" in rule else "member_share"
        validate_rule(rule[key], f"{where}.{key}", member=True)
        if key == "member_share":
            if rule.get("op") not in {"lt", "le", "gt", "ge"} or not isinstance(
                rule.get("value"), (int, float)
            ):
                raise RuleError(f"{where}: member_share needs op lt/le/gt/ge and a numeric value")
        return
    name = rule.get("field")
    allowed = MEMBER_FIELDS if member else HOUSEHOLD_FIELDS
    if name not in allowed:
        raise RuleError(f"{where}: unknown {'member' if member else 'household'} field {name!r}")
    if rule.get("op") not in OPS:
        raise RuleError(f"{where}: unknown operator {rule.get('op')!r}")
    if "value" not in rule:
        raise RuleError(f"{where}: missing value")
    if rule["op"] in {"in", "not_in"} and not isinstance(rule["value"], list):
        raise RuleError(f"{where}: operator {rule['op']} needs a list value")


# ---------------------------------------------------------------- one household


def age_on(birth: date, day: date) -> int:
    """Completed years on `day` (the same arithmetic as the vectorised yyyymmdd form)."""
    return (_ymd(day) - _ymd(birth)) // 10000


def _ymd(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def derive_household(household: dict, members: list[dict], day: date) -> tuple[dict, list[dict]]:
    """Add the derived fields to plain dicts of one household and its members."""
    h = dict(household)
    n = len(members)
    h["member_count"] = n
    h["floor_area_per_person"] = float(h["floor_area"]) / n if n else float("inf")
    h["non_durable_structures"] = sum(not h[k] for k in ("wall_durable", "column_durable", "roof_durable"))
    ms = []
    for m in members:
        m = dict(m)
        m["age"] = age_on(m["birth_date"], day)
        ms.append(m)
    return h, ms


def _compare(value, op: str, target) -> bool:
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op == "lt":
        return value < target
    if op == "le":
        return value <= target
    if op == "gt":
        return value > target
    return value >= target  # ge


def _eval_one(rule: dict, record: dict, members: list[dict] | None) -> bool:
    if "all" in rule:
        return all(_eval_one(r, record, members) for r in rule["all"])
    if "any" in rule:
        return any(_eval_one(r, record, members) for r in rule["any"])
    if "not" in rule:
        return not _eval_one(rule["not"], record, members)
    if "any_member" in rule:
        return any(_eval_one(rule["any_member"], m, None) for m in members)
    if "member_share" in rule:
        if not members:
            return False
        share = sum(_eval_one(rule["member_share"], m, None) for m in members) / len(members)
        return _compare(share, rule["op"], rule["value"])
    return _compare(record[rule["field"]], rule["op"], rule["value"])


def classify_income(
    spec: StandardSpec, setting: str, income: int, count: int, middle_applies: bool = True
) -> str:
    t = spec.thresholds[setting]
    if t.auto_poor_line is not None and income <= t.auto_poor_line:
        return "poor"
    if income <= t.income_line:
        return "poor" if count >= spec.deprivation_cutoff else "near_poor"
    if t.middle_line is not None and income <= t.middle_line and middle_applies:
        return "middle"
    return "none"


def evaluate_household(
    spec: StandardSpec, setting: str, household: dict, members: list[dict], day: date
) -> Result:
    """Classify one household given as plain dicts (fields as in models.Household / models.Member)."""
    h, ms = derive_household(household, members, day)
    deprived = [code for code, rule in spec.indicators if _eval_one(rule, h, ms)]
    middle_applies = spec.middle_rule is None or _eval_one(spec.middle_rule, h, ms)
    category = classify_income(spec, setting, int(h["income_per_person"]), len(deprived), middle_applies)
    return Result(category, deprived, len(deprived), len(deprived) * spec.points_per_indicator)


# ---------------------------------------------------------------- whole columns


def _compare_array(values, op: str, target) -> np.ndarray:
    if op in {"in", "not_in"} and not isinstance(values, pd.Series):
        values = pd.Series(values)
    if isinstance(values, pd.Series):
        if op in {"in", "not_in"}:
            hit = values.isin(target).to_numpy(dtype=bool)
            return hit if op == "in" else ~hit
        if op in {"eq", "ne"}:  # works on categorical columns without materialising strings
            hit = (values == target).to_numpy(dtype=bool)
            return hit if op == "eq" else ~hit
        values = values.to_numpy()
    return {
        "eq": np.equal,
        "ne": np.not_equal,
        "lt": np.less,
        "le": np.less_equal,
        "gt": np.greater,
        "ge": np.greater_equal,
    }[op](values, target)


class FrameContext:
    """Household and member columns of many households, with the member→household mapping.

    `members` must be sorted by `hh`, the household's row position (0 … n-1) in `households`.
    """

    def __init__(self, households: pd.DataFrame, members: pd.DataFrame, day: date):
        self.h = households
        self.m = members
        self.n = len(households)
        self.hh = members["hh"].to_numpy()
        self.member_count = np.bincount(self.hh, minlength=self.n)
        self._cache: dict[str, np.ndarray] = {}
        self.day_ymd = _ymd(day)

    def household_column(self, name: str):
        if name == "member_count":
            return self.member_count
        if name == "floor_area_per_person":
            with np.errstate(divide="ignore"):
                return np.where(
                    self.member_count > 0,
                    self.h["floor_area"].to_numpy(dtype=float) / np.maximum(self.member_count, 1),
                    np.inf,
                )
        if name == "non_durable_structures":
            return sum(
                (~self.h[k].to_numpy(dtype=bool)).astype(np.int8)
                for k in ("wall_durable", "column_durable", "roof_durable")
            )
        return self.h[name]

    def member_column(self, name: str):
        if name == "age":
            if "age" not in self._cache:
                self._cache["age"] = (self.day_ymd - self.m["birth_ymd"].to_numpy(dtype=np.int64)) // 10000
            return self._cache["age"]
        return self.m[name]


def _eval_frame(rule: dict, ctx: FrameContext, member: bool) -> np.ndarray:
    if "all" in rule:
        out = _eval_frame(rule["all"][0], ctx, member)
        for r in rule["all"][1:]:
            out = out & _eval_frame(r, ctx, member)
        return out
    if "any" in rule:
        out = _eval_frame(rule["any"][0], ctx, member)
        for r in rule["any"][1:]:
            out = out | _eval_frame(r, ctx, member)
        return out
    if "not" in rule:
        return ~_eval_frame(rule["not"], ctx, member)
    if "any_member" in rule:
        hits = _eval_frame(rule["any_member"], ctx, True)
        return np.bincount(ctx.hh[hits], minlength=ctx.n) > 0
    if "member_share" in rule:
        hits = _eval_frame(rule["member_share"], ctx, True)
        count = np.bincount(ctx.hh[hits], minlength=ctx.n)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = count / ctx.member_count
        return np.where(ctx.member_count > 0, _compare_array(share, rule["op"], rule["value"]), False)
    column = ctx.member_column(rule["field"]) if member else ctx.household_column(rule["field"])
    return _compare_array(column, rule["op"], rule["value"])


def evaluate_frame(
    spec: StandardSpec, households: pd.DataFrame, members: pd.DataFrame, day: date
) -> pd.DataFrame:
    """Classify many households at once.

    households: one row per household with the household fields, `setting` ("urban"/"rural") and
    `income_per_person`; members: `hh` (row position of its household, sorted), `birth_ymd`
    (yyyymmdd integer) and the member fields. Returns, per household: category, deprivation_count,
    deprivation_score and one boolean column per indicator code.
    """
    ctx = FrameContext(households, members, day)
    flags = {code: _eval_frame(rule, ctx, False) for code, rule in spec.indicators}
    count = np.zeros(ctx.n, dtype=np.int16)
    for v in flags.values():
        count += v
    income = households["income_per_person"].to_numpy()
    urban = households["setting"].to_numpy() == "urban"

    def per_setting(attr):
        u, r = getattr(spec.thresholds["urban"], attr), getattr(spec.thresholds["rural"], attr)
        if u is None or r is None:
            return None
        return np.where(urban, u, r)

    line = per_setting("income_line")
    auto, middle = per_setting("auto_poor_line"), per_setting("middle_line")
    codes = np.full(ctx.n, 3, dtype=np.int8)  # index into CATEGORIES
    if middle is not None:
        in_band = income <= middle
        if spec.middle_rule is not None:
            in_band &= _eval_frame(spec.middle_rule, ctx, False)
        codes[in_band] = 2
    below = income <= line
    codes[below] = np.where(count[below] >= spec.deprivation_cutoff, 0, 1)
    if auto is not None:
        codes[income <= auto] = 0
    out = pd.DataFrame(flags)
    out.insert(0, "deprivation_score", count * spec.points_per_indicator)
    out.insert(0, "deprivation_count", count)
    out.insert(0, "category", pd.Categorical.from_codes(codes, CATEGORIES))
    return out
