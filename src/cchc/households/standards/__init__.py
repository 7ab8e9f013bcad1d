"""Shipped poverty standards (one YAML file per period) and their loading into database rows.

A new standard is a new YAML file (or rows entered by an administrator), never new code. Loading is
idempotent: an existing standard with the same code is left alone unless `replace=True`, because
classifications already refer to it and must keep the rules they were computed under.
"""

from datetime import date
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from ..rules import RuleError, StandardSpec, Thresholds, validate_rule

SHIPPED_DIR = Path(__file__).resolve().parent


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.yaml"))


def read_definition(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in (
        "code",
        "name",
        "legal_basis",
        "valid_from",
        "deprivation_cutoff",
        "thresholds",
        "indicators",
    ):
        if key not in data:
            raise ValidationError(f"{path.name}: missing {key}")
    if set(data["thresholds"]) != {"urban", "rural"}:
        raise ValidationError(f"{path.name}: thresholds must give exactly 'urban' and 'rural'")
    for i, ind in enumerate(data["indicators"], start=1):
        try:
            validate_rule(ind["rule"], f"{path.name} indicator {i} ({ind.get('code')})")
        except (RuleError, KeyError) as exc:
            raise ValidationError(str(exc)) from exc
    if data.get("middle_rule") is not None:
        try:
            validate_rule(data["middle_rule"], f"{path.name} middle_rule")
        except RuleError as exc:
            raise ValidationError(str(exc)) from exc
        if not data.get("middle_rule_text"):
            raise ValidationError(f"{path.name}: middle_rule needs a middle_rule_text saying it in words")
    return data


def load_definition(data: dict, *, replace: bool = False):
    """Create the rows of one standard definition. Returns (standard, created)."""
    from ..models import IncomeThreshold, Indicator, PovertyStandard

    existing = PovertyStandard.objects.filter(code=data["code"]).first()
    if existing is not None and not replace:
        return existing, False
    if existing is not None:
        existing.thresholds.all().delete()
        existing.indicators.all().delete()
    fields = {
        "name": data["name"],
        "legal_basis": data["legal_basis"],
        "valid_from": data["valid_from"],
        "valid_to": data.get("valid_to"),
        "deprivation_cutoff": data["deprivation_cutoff"],
        "points_per_indicator": data.get("points_per_indicator", 10),
        "notes": data.get("notes", ""),
        "middle_rule": data.get("middle_rule"),
        "middle_rule_text": data.get("middle_rule_text", ""),
    }
    standard, _ = PovertyStandard.objects.update_or_create(code=data["code"], defaults=fields)
    for setting, t in data["thresholds"].items():
        IncomeThreshold.objects.create(
            standard=standard,
            setting=setting,
            auto_poor_line=t.get("auto_poor_line"),
            income_line=t["income_line"],
            middle_line=t.get("middle_line"),
            confirmed=t.get("confirmed", False),
        )
    for position, ind in enumerate(data["indicators"], start=1):
        Indicator.objects.create(
            standard=standard,
            position=position,
            code=ind["code"],
            dimension=ind["dimension"],
            name=ind["name"],
            cutoff_text=ind["cutoff_text"],
            rule=ind["rule"],
            confirmed=ind.get("confirmed", False),
            source_note=ind.get("source_note", ""),
        )
    return standard, True


def load_shipped(*, replace: bool = False) -> list:
    """Load every shipped standard; returns the standards created."""
    created = []
    for path in shipped_files():
        standard, was_created = load_definition(read_definition(path), replace=replace)
        if was_created:
            created.append(standard)
    return created


def spec_of(standard) -> StandardSpec:
    """The evaluator's view of a standard's rows."""
    thresholds = {
        t.setting: Thresholds(
            income_line=t.income_line, auto_poor_line=t.auto_poor_line, middle_line=t.middle_line
        )
        for t in standard.thresholds.all()
    }
    indicators = [(i.code, i.rule) for i in standard.indicators.order_by("position")]
    return StandardSpec(
        code=standard.code,
        deprivation_cutoff=standard.deprivation_cutoff,
        points_per_indicator=standard.points_per_indicator,
        thresholds=thresholds,
        indicators=indicators,
        middle_rule=standard.middle_rule,
    )


def standard_on(day: date):
    """The standard in force on `day`, or ValidationError if none is."""
    from django.db.models import Q

    from ..models import PovertyStandard

    standard = (
        PovertyStandard.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if standard is None:
        raise ValidationError(f"No poverty standard is in force on {day:%d/%m/%Y}.")
    return standard
