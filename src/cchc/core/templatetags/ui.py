"""Interface helpers (builtins in every template): icons from the local sprite, sortable column
headers for core/listing.py, heat-map colour classes. No style attributes: the CSP forbids them."""

from decimal import Decimal, InvalidOperation

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

HEAT_STEPS = 10
HEAT_FLOOR = 50  # PAR indices below 50% share the lowest step; each step above spans 5 points


@register.simple_tag
def icon(name: str, css: str = ""):
    """An icon from static/cchc/icons.svg (Lucide, see scripts/build-icons); decoration only."""
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}#i-{}"></use></svg>',
        css,
        static("cchc/icons.svg"),
        name,
    )


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label, css: str = ""):
    """A column header; a link that sorts by `key` (then reverses) when the view's listing allows it."""
    listing = context.get("listing")
    request = context.get("request")
    if listing is None or request is None or key not in listing.sorts:
        return format_html('<th scope="col" class="{}">{}</th>', css, label)
    active = listing.sort_key == key
    params = request.GET.copy()
    params["sort"] = f"-{key}" if active and not listing.descending else key
    params.pop("page", None)
    if not active:
        return format_html(
            '<th scope="col" class="sortable {}"><a href="?{}">{}{}</a></th>',
            css,
            params.urlencode(),
            label,
            icon("arrow-up-down"),
        )
    direction = "descending" if listing.descending else "ascending"
    return format_html(
        '<th scope="col" class="sortable {}" aria-sort="{}"><a href="?{}">{}{}</a></th>',
        css,
        direction,
        params.urlencode(),
        label,
        icon("arrow-down" if listing.descending else "arrow-up"),
    )


@register.filter
def heat_class(percent) -> str:
    """heat-0 … heat-9 for a percentage (≥ 95% is heat-9, < 55% heat-0); heat-na when missing."""
    if percent is None or percent == "":
        return "heat-na"
    try:
        value = Decimal(str(percent))
    except InvalidOperation:
        return "heat-na"
    step = int((value - HEAT_FLOOR) // 5)
    return f"heat-{min(HEAT_STEPS - 1, max(0, step))}"


@register.simple_tag
def heat_scale():
    """(class, lower bound) for the legend: heat-0 below 55, then one step per 5 points."""
    return [(f"heat-{i}", HEAT_FLOOR + 5 * i) for i in range(HEAT_STEPS)]


@register.simple_tag
def page_range(page):
    """Page numbers with gaps (Paginator.ELLIPSIS) around the current page."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
