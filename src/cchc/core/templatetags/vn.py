"""Template filters for Vietnamese display formats (loaded as builtins in every template)."""

from django import template

from cchc.core import formatting

register = template.Library()


@register.filter
def vn_number(value, places=0):
    return formatting.format_number(value, int(places))


@register.filter
def vn_percent(value, places=2):
    return formatting.format_percent(value, int(places))


@register.filter
def vn_ratio(numerator, denominator):
    return formatting.format_ratio(numerator, denominator)


@register.filter
def vn_date(value):
    return formatting.format_date(value)


@register.filter
def vn_datetime(value):
    return formatting.format_datetime(value)


@register.filter
def metric_label(name):
    """A platform metric by its label ("Tỉ lệ hồ sơ đúng hạn"), not its identifier; an identifier
    that no module supplies stays as it is (the page marks it unavailable)."""
    from cchc.core.metrics import get_metric

    metric = get_metric(name) if name else None
    return metric.label if metric is not None else name
