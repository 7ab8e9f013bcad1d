from .navigation import nav_items


def navigation(request):
    from cchc.org.access import visible_nav_items

    user = getattr(request, "user", None)
    items = visible_nav_items(user, nav_items()) if user is not None else []
    return {"nav_items": items}
