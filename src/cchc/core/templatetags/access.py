"""Show a link only to users its target allows.

`{% if request.user|can:"onestop.receive" %}` for the platform's own links; `{% if request.user|may_open:path %}`
for paths that users typed (evidence links): a path into a module the user cannot open is shown as text.
"""

from urllib.parse import urlsplit

from django import template
from django.urls import Resolver404, resolve

from cchc.core.navigation import nav_items
from cchc.org.access import has_perm, visible_nav_items

register = template.Library()


@register.filter
def can(user, perm: str) -> bool:
    """Whether the user holds the declared permission somewhere (the view checks the unit)."""
    return has_perm(user, perm)


@register.filter
def may_open(user, path: str) -> bool:
    """Whether `path` is a page of this platform in a module the user may open (and, for views marked
    with `perm_required`, whether the user holds that permission)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    required = getattr(match.func, "required_perm", None)
    if required is not None and not has_perm(user, required):
        return False
    modules = [item for item in nav_items() if item.url_name.split(":")[0] == match.namespace]
    return not modules or bool(visible_nav_items(user, modules))
