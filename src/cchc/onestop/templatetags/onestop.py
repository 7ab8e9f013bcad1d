from django import template

from cchc.onestop import access

register = template.Library()


@register.filter
def may_manage_rule_sets(user) -> bool:
    return access.may_manage_rule_sets(user)
