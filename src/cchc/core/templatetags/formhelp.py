from django import template

register = template.Library()


@register.filter
def any_required(form) -> bool:
    """Whether a form has a required visible field (then the page explains the * marker)."""
    return any(field.field.required for field in form.visible_fields())
