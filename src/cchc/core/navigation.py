"""Modules announce themselves here; the menu and the dashboard show those a user may open."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    permission: str | None = None  # None: any signed-in staff member
    description: str = ""
    order: int = 100
    # summary(user) → list of (label, formatted value) shown on the dashboard card
    summary: Callable | None = None
    public: bool = False  # also shown to anonymous visitors and citizens


NAV_ITEMS: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    NAV_ITEMS[item.key] = item


def nav_items() -> list[NavItem]:
    return sorted(NAV_ITEMS.values(), key=lambda i: (i.order, i.key))


# Menu icons (static/cchc/icons.svg) by module key; presentation only, so kept beside the menu.
ICONS = {
    "org": "network",
    "people": "users",
    "audit": "shield-check",
    "workdays": "calendar-days",
    "procedures": "file-text",
    "reform": "clipboard-list",
    "onestop": "inbox",
    "portal": "globe",
    "feedback": "message-square-text",
    "parindex": "chart-column",
    "surveys": "clipboard-check",
    "households": "house",
}


def active_key(path: str, namespace: str, entries: list[tuple[str, str]]) -> str | None:
    """The one menu entry the current page belongs to: the entry whose address is the longest
    prefix of the path (/org/people/… is "people", not "org"), else the one named like the URL
    namespace. `entries` are (key, path) pairs."""
    best = None
    for key, url in entries:
        if url != "/" and path.startswith(url) and (best is None or len(url) > len(best[1])):
            best = (key, url)
    if best:
        return best[0]
    return next((key for key, _url in entries if key == namespace), None)
