from django import template
from django.db import models

from cchc.core.formatting import format_date, format_number

register = template.Library()


@register.simple_tag
def cell(row, name):
    """A register cell as officials read it: choice labels, dd/mm/yyyy dates, Vietnamese numbers."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return getattr(row, f"get_{name}_display")()
    if isinstance(field, models.DateField):
        return format_date(value)
    if isinstance(field, models.DecimalField):
        return format_number(value, field.decimal_places)
    if isinstance(field, models.ForeignKey):
        return str(value)
    text = str(value)
    return text if len(text) <= 120 else text[:119] + "…"


@register.simple_tag
def record_reference(row):
    """The document or date that places a record in the period."""
    for name in ("changed_by", "enacted_by", "document"):
        doc = getattr(row, name, None)
        if doc is not None:
            return f"{doc} ({format_date(doc.issued_on)})" if doc.issued_on else str(doc)
    for name in ("issued_on", "submitted_on", "effective_on"):
        day = getattr(row, name, None)
        if day:
            return format_date(day)
    if getattr(row, "actual", None) is not None:
        return f"{format_number(row.actual, 2)} / {format_number(row.target, 2)} {row.unit}"
    return ""
