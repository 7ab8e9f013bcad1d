"""Bridges between database rows and the rule evaluators (rules.py).

`classify_household` uses the one-household evaluator (forms, in-year decisions); `classify_queryset`
loads many households into columns and uses the vectorised one (review rounds, bulk). The parity test
shows both give the same answer.
"""

from datetime import date

import numpy as np
import pandas as pd

from .models import Household, Member
from .rules import Result, StandardSpec, evaluate_frame, evaluate_household

HOUSEHOLD_COLUMNS = [
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
]
MEMBER_COLUMNS = [
    "birth_date",
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
]


def setting_of(household: Household) -> str:
    area = household.commune.area
    if area is None:
        raise ValueError(f"{household.commune} has no administrative area, so urban/rural is unknown")
    return area.setting


def classify_household(spec: StandardSpec, household: Household, day: date) -> Result:
    h = {c: getattr(household, c) for c in HOUSEHOLD_COLUMNS}
    members = [{c: getattr(m, c) for c in MEMBER_COLUMNS} for m in household.members.all()]
    return evaluate_household(spec, setting_of(household), h, members, day)


def frames_from_queryset(households) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Household and member columns (the layout evaluate_frame expects) for a queryset."""
    hrows = list(households.order_by("pk").values("pk", "commune__area__setting", *HOUSEHOLD_COLUMNS))
    hdf = pd.DataFrame(hrows, columns=["pk", "commune__area__setting", *HOUSEHOLD_COLUMNS])
    hdf = hdf.rename(columns={"commune__area__setting": "setting"})
    hdf["floor_area"] = hdf["floor_area"].astype(float)
    position = {pk: i for i, pk in enumerate(hdf["pk"])}
    mrows = list(Member.objects.filter(household__in=households).values("household_id", *MEMBER_COLUMNS))
    mdf = pd.DataFrame(mrows, columns=["household_id", *MEMBER_COLUMNS])
    mdf["hh"] = mdf["household_id"].map(position).astype(np.int64)
    mdf["birth_ymd"] = [d.year * 10000 + d.month * 100 + d.day for d in mdf["birth_date"]]
    mdf = mdf.sort_values("hh", kind="stable").reset_index(drop=True)
    return hdf, mdf


def classify_queryset(spec: StandardSpec, households, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(households frame with pk and setting, results frame) in the same row order."""
    hdf, mdf = frames_from_queryset(households)
    if hdf["setting"].isna().any():
        raise ValueError("a commune has no administrative area, so urban/rural is unknown")
    return hdf, evaluate_frame(spec, hdf, mdf, day)


def deprived_codes(results: pd.DataFrame, spec: StandardSpec) -> list[list[str]]:
    codes = spec.indicator_codes
    flags = results[codes].to_numpy(dtype=bool) if codes else np.zeros((len(results), 0), dtype=bool)
    return [[codes[j] for j in np.flatnonzero(row)] for row in flags]
