"""Scoring rules: how an item's entered value (or a platform metric) becomes points.

- entered: the points themselves, 0 ≤ points ≤ maximum;
- yes_no: 1 → maximum, 0 → nothing;
- bands: a percentage compared with limits from the top, e.g. [["100", "1"], ["80", "0.5"], ["0", "0"]]
  (100% → full, 80–<100% → half, <80% → 0); the second number is the share of the maximum;
- formula: an arithmetic expression over named metrics, e.g. {"expression": "max * x / 100",
  "variables": {"x": "onestop.on_time_rate"}}, clamped to 0…maximum.
Formulas are parsed into a small arithmetic tree (no Python eval), so an imported methodology
cannot run code.
"""

import ast
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cchc.core.metrics import Period, get_metric

from .models import POINT_PLACES

log = logging.getLogger(__name__)
_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b if b else Decimal(0),
}
_FUNCS = {"min": min, "max": max}


def dec(value, field: str = "points", places: int | None = None) -> Decimal:
    """A Decimal from user input ("8,5" and "8.5" both accepted), or a ValidationError naming the field.

    More decimals than stored (`places`, default the points' 5) are refused, never rounded: a
    published 13,75474 must stay 13,75474, and 13,754745 is a typing error to be told about.
    """
    places = POINT_PLACES if places is None else places
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    elif isinstance(value, (int, float)):
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif value is None or not str(value).strip():
        raise ValidationError({field: _("Enter a number.")})
    else:
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}}) from None
    if not result.is_finite():
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    if decimals(result) > places:
        raise ValidationError(
            {
                field: _("“%(value)s” has more than %(n)s decimal places; enter at most %(n)s.")
                % {"value": value, "n": places}
            }
        )
    return result


def decimals(value: Decimal) -> int:
    """Significant decimal places: 8.7874 → 4, 8.50 → 1, 100 → 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def derived_points(points: Decimal) -> Decimal:
    """Points the platform computes (bands, yes/no, formulas) kept to the stored precision, half-up.

    Unlike typed input (refused when too precise), a computation such as 13,75474 × 1/3 has no
    exact five-decimal form; rounding it here, once and visibly in the entry, keeps the stored
    value and the one the index adds up identical.
    """
    return points.quantize(Decimal(1).scaleb(-POINT_PLACES), rounding=ROUND_HALF_UP)


def formula_check(params: dict) -> list[str]:
    """Problems with a formula's parameters (empty when it is usable)."""
    expression = params.get("expression", "")
    variables = params.get("variables") or {}
    if not isinstance(expression, str) or not expression.strip():
        return [_("a formula needs an expression")]
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return [_("the formula “%(f)s” cannot be read") % {"f": expression}]
    problems = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and node.id not in variables
            and node.id not in ("max_points",) + tuple(_FUNCS)
        ):
            problems.append(
                _("the formula uses “%(name)s”, which is not one of its variables") % {"name": node.id}
            )
        elif not isinstance(
            node,
            (
                ast.Expression,
                ast.BinOp,
                ast.UnaryOp,
                ast.USub,
                ast.Constant,
                ast.Name,
                ast.Call,
                ast.Load,
                *_BINOPS,
            ),
        ):
            problems.append(_("the formula may use only numbers, variables, + - * / and min/max"))
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            problems.append(_("the formula may use only numbers, variables, + - * / and min/max"))
        elif isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCS):
            problems.append(_("the formula may use only numbers, variables, + - * / and min/max"))
    return problems


def formula_eval(expression: str, names: dict[str, Decimal]) -> Decimal:
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Call):
            return _FUNCS[node.func.id](*(ev(a) for a in node.args))
        raise ValueError("unsupported formula element")

    return ev(ast.parse(expression, mode="eval"))


def bands_check(params: dict) -> list[str]:
    bands = params.get("bands")
    if not isinstance(bands, list) or not bands:
        return [_("bands need a list of [lower limit %, share of the maximum]")]
    try:
        pairs = [(Decimal(str(lo)), Decimal(str(share))) for lo, share in bands]
    except (InvalidOperation, TypeError, ValueError):
        return [_("bands need a list of [lower limit %, share of the maximum]")]
    if any(not (0 <= share <= 1) for _lo, share in pairs):
        return [_("a band's share of the maximum must lie between 0 and 1")]
    if [lo for lo, _s in pairs] != sorted((lo for lo, _s in pairs), reverse=True):
        return [_("bands must be listed from the highest limit down")]
    return []


def points_from_value(item, value: Decimal) -> Decimal:
    """Points for an entered value under the item's rule (entered, yes/no, bands)."""
    if item.rule == item.Rule.YES_NO:
        if value not in (0, 1):
            raise ValidationError({"value": _("Answer 1 (yes) or 0 (no).")})
        return item.max_points * value
    if item.rule == item.Rule.BANDS:
        if value < 0:
            raise ValidationError({"value": _("A ratio cannot be negative.")})
        for lo, share in item.rule_params["bands"]:
            if value >= Decimal(str(lo)):
                return item.max_points * Decimal(str(share))
        return Decimal(0)
    return value


def metric_values(item, agency, period: Period) -> dict:
    """name → (Metric or None, MetricValue or None) for the metrics an item is bound to."""
    names = {}
    if item.metric:
        names[item.metric] = item.metric
    for var, name in (item.rule_params.get("variables") or {}).items():
        names[var] = name
    result = {}
    for var, name in names.items():
        metric = get_metric(name)
        value = None
        if metric is not None:
            try:
                value = metric.value(agency, period)
            except Exception:  # a failing supplier must not take the index down: shown as unavailable
                log.exception("metric %s failed for %s", name, agency)
        result[var] = (name, metric, value)
    return result


def suggested_points(item, agency, period: Period) -> Decimal | None:
    """What the live metrics would score, or None when a metric is unavailable."""
    values = metric_values(item, agency, period)
    if not values or any(mv is None or mv.value is None for _n, _m, mv in values.values()):
        return None
    if item.rule == item.Rule.FORMULA:
        names = {var: mv.value for var, (_n, _m, mv) in values.items()}
        names["max_points"] = item.max_points
        raw = formula_eval(item.rule_params["expression"], names)
        return min(max(raw, Decimal(0)), item.max_points)
    if item.rule in (item.Rule.BANDS, item.Rule.YES_NO) and item.metric:
        value = values[item.metric][2].value
        if item.rule == item.Rule.YES_NO:
            value = Decimal(1) if value else Decimal(0)
        return points_from_value(item, value)
    return None
