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
