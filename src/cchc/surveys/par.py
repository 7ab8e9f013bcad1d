"""The PAR index seen from the survey module, through its public face only
(cchc.parindex.selectors.cycle_get / survey_items and services.survey_points_record)."""

import importlib
from decimal import Decimal


def _modules():
    try:
        return importlib.import_module("cchc.parindex.selectors"), importlib.import_module(
            "cchc.parindex.services"
        )
    except ImportError:
        return None, None


def available() -> bool:
    selectors, services = _modules()
    return bool(
        selectors
        and services
        and hasattr(selectors, "cycle_get")
        and hasattr(selectors, "survey_items")
        and hasattr(services, "survey_points_record")
    )


def cycle(code: str):
    selectors, _services = _modules()
    return selectors.cycle_get(code)


def survey_item_maxima(code: str) -> dict[str, Decimal] | None:
    """{item code: maximum points} of the cycle's survey-assessed items; None when unknown."""
    if not available():
        return None
    selectors, _services = _modules()
    try:
        the_cycle = selectors.cycle_get(code)
    except Exception:  # an unknown cycle code: no maxima, the page says so
        return None
    if the_cycle is None:
        return None
    return {item.code: Decimal(item.max_points) for item in selectors.survey_items(the_cycle)}


def record_points(*, actor, cycle, subject, item_code: str, points: Decimal, note: str) -> None:
    _selectors, services = _modules()
    services.survey_points_record(
        actor=actor,
        cycle=cycle,
        subject=subject,
        item_code=item_code,
        points=points,
        source="survey",
        note=note,
    )
