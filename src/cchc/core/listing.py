"""One way to list things: server-side sorting (?sort=key or ?sort=-key), page numbers and a page-size
choice (?per_page=), for every list view. Templates: {% sort_th %} (core/templatetags/ui.py) for the
column headers and includes/pagination.html below the table.

    listing = paginate(request, qs, sorts={"name": "full_name", "unit": ("unit__name", "full_name")},
                       default="name")
    render(..., {"page": listing.page, "listing": listing})

Unknown sort keys and page sizes fall back to the defaults (a bookmarked URL never errors), and the
primary key ends every ordering so that pages never repeat or skip rows.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZES = (25, 50, 100, 200)


@dataclass
class Listing:
    page: Page
    sort: str = ""  # the active key, "-" first when descending
    sorts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    per_page: int = 50
    page_sizes: tuple[int, ...] = PAGE_SIZES

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def page_numbers(self):
        """1 … 4 5 [6] 7 8 … 20: Paginator.ELLIPSIS stands for the gaps."""
        return self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)


def _ordering(fields: tuple[str, ...], descending: bool) -> list[str]:
    if not descending:
        return list(fields)
    return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]


def paginate(
    request,
    items,
    *,
    sorts: dict[str, str | tuple[str, ...]] | None = None,
    default: str = "",
    per_page: int = 50,
    page_sizes: tuple[int, ...] = PAGE_SIZES,
) -> Listing:
    """Sort `items` (a queryset, when `sorts` names its orderings) by ?sort= and cut the page asked."""
    sorts = {
        key: (value,) if isinstance(value, str) else tuple(value) for key, value in (sorts or {}).items()
    }
    sort = request.GET.get("sort", "") or default
    if sort.lstrip("-") not in sorts:
        sort = default if default.lstrip("-") in sorts else ""
    if sort and isinstance(items, QuerySet):
        items = items.order_by(*_ordering(sorts[sort.lstrip("-")], sort.startswith("-")), "pk")
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    if size not in page_sizes and size != per_page:
        size = per_page
    sizes = tuple(sorted({*page_sizes, per_page}))
    page = Paginator(items, size).get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, sorts=sorts, per_page=size, page_sizes=sizes)
