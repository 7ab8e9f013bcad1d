from django.urls import reverse

from .navigation import ICONS, active_key, nav_items


def navigation(request):
    """The menu a user may open, each entry with its address, icon and whether it is the current one."""
    from cchc.org.access import visible_nav_items

    user = getattr(request, "user", None)
    items = visible_nav_items(user, nav_items()) if user is not None else []
    entries = []
    if user is not None and user.is_authenticated and getattr(user, "kind", "") == "staff":
        entries.append(("dashboard", reverse("core:dashboard"), "layout-dashboard", _dashboard_label()))
    entries += [(i.key, reverse(i.url_name), ICONS.get(i.key, "layout-dashboard"), i.label) for i in items]
    match = getattr(request, "resolver_match", None)
    current = active_key(request.path, match.namespace if match else "", [(k, u) for k, u, _i, _l in entries])
    menu = [
        {"key": k, "url": u, "icon": icon, "label": label, "active": k == current}
        for k, u, icon, label in entries
    ]
    return {"nav_items": items, "nav_menu": menu}


def _dashboard_label():
    from django.utils.translation import gettext

    return gettext("Dashboard")
