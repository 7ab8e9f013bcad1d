from django import template

from cchc.portal.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The number of unread in-app notifications of the signed-in user (0 for visitors)."""
    return unread_count(user)
