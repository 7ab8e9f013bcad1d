"""The interface kernel: the listing helper (sort, pages, page size), sortable headers, the one
active menu entry, heat-map classes, charts, and no inline style anywhere (strict CSP)."""

from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

import cchc
from cchc.core import charts
from cchc.core.listing import paginate
from cchc.core.navigation import active_key
from cchc.core.templatetags.ui import heat_class
from cchc.org.models import Role

rf = RequestFactory()


@pytest.fixture
def people(ministry, make_staff):
    from django.contrib.auth import get_user_model

    for i in range(30):
        make_staff(f"u{i:02d}", ministry["a"])
    users = get_user_model().objects.filter(username__startswith="u")
    for user in users:
        user.full_name = f"Người {user.username[1:]}"
        user.save(update_fields=["full_name"])
    return list(users)


def test_sorting_both_ways_and_unknown_keys_fall_back(people):
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(username__startswith="u")
    sorts = {"name": "full_name"}
    listing = paginate(rf.get("/", {"sort": "-name"}), qs, sorts=sorts, default="name", per_page=25)
    assert listing.sort == "-name" and listing.descending
    assert [u.full_name for u in listing.page][:2] == ["Người 29", "Người 28"]
    listing = paginate(rf.get("/", {"sort": "password"}), qs, sorts=sorts, default="name", per_page=25)
    assert listing.sort == "name"
    assert [u.full_name for u in listing.page][0] == "Người 00"


def test_page_size_choice_and_page_numbers(people):
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(username__startswith="u").order_by("pk")
    listing = paginate(rf.get("/", {"per_page": "25", "page": "2"}), qs, per_page=50)
    assert listing.per_page == 25 and listing.page.number == 2 and len(listing.page) == 5
    assert paginate(rf.get("/", {"per_page": "100000"}), qs, per_page=50).per_page == 50
    assert paginate(rf.get("/", {"per_page": "x"}), qs, per_page=50).per_page == 50
    many = paginate(rf.get("/", {"page": "6"}), list(range(1000)), per_page=25)
    assert list(many.page_numbers()) == [1, "…", 4, 5, 6, 7, 8, "…", 40]


def test_sortable_header_links_keep_the_filters_and_mark_the_sorted_column(people):
    from django.contrib.auth import get_user_model

    request = rf.get("/", {"q": "Người", "sort": "name", "page": "2"})
    listing = paginate(request, get_user_model().objects.all(), sorts={"name": "full_name"})
    html = Template('{% sort_th "name" "Tên" %}{% sort_th "unit" "Đơn vị" %}').render(
        Context({"request": request, "listing": listing})
    )
    assert 'aria-sort="ascending"' in html and "sort=-name" in html and "q=Ng" in html
    assert "page=" not in html  # a new order starts at page 1
    assert '<th scope="col" class="">Đơn vị</th>' in html  # not offered by the view: plain


def test_the_people_list_sorts_pages_and_keeps_its_query_count(client, ministry, make_staff, people):
    admin = make_staff("lan", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    with CaptureQueriesContext(connection) as small:
        client.get("/org/people/", {"per_page": 25})
    with CaptureQueriesContext(connection) as large:
        page = client.get("/org/people/", {"per_page": 100, "sort": "-name"}).content.decode()
    assert len(large) == len(small)
    assert page.index("Người 29") < page.index("Người 28")
    assert 'aria-sort="descending"' in page and 'name="per_page"' in page


def test_one_menu_entry_is_current():
    entries = [
        ("dashboard", "/dashboard/"),
        ("org", "/org/"),
        ("people", "/org/people/"),
        ("audit", "/audit/"),
    ]
    assert active_key("/org/people/7/", "org", entries) == "people"
    assert active_key("/org/units/G12/", "org", entries) == "org"
    assert active_key("/dashboard/", "core", entries) == "dashboard"
    assert active_key("/elsewhere/", "audit", entries) == "audit"
    assert active_key("/elsewhere/", "nothing", entries) is None


def test_the_menu_marks_one_entry_in_a_page(client, ministry, make_staff):
    user = make_staff("lan", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    user.is_superuser = True
    user.save()
    client.force_login(user)
    page = client.get("/org/people/").content.decode()
    nav = page[page.index('<ul class="nav-list"') : page.index("</ul>", page.index('<ul class="nav-list"'))]
    assert nav.count('aria-current="page"') == 1
    assert 'href="/org/people/" aria-current="page"' in nav


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (None, "heat-na"),
        (0, "heat-0"),
        (54.99, "heat-0"),
        (55, "heat-1"),
        (72.5, "heat-4"),
        (94.9, "heat-8"),
        (95, "heat-9"),
        (100, "heat-9"),
    ],
)
def test_heat_classes_have_ten_steps(value, cls):
    assert heat_class(value) == cls


def test_bar_chart_labels_are_not_cut_and_have_a_scale():
    label = "Cục Quản lý lao động ngoài nước"
    svg = charts.bar_chart(
        [charts.Bar(label, 93.75), charts.Bar("Cục Việc làm", 100)], title="T", unit="%", max_value=100
    )
    assert f">{label}</text>" in svg  # whole, not shortened
    assert ">50%</text>" in svg and ">100%</text>" in svg
    assert "93,75%" in svg


def test_column_chart_has_a_legend_and_round_ticks():
    series = [
        (f"{m:02d}", [charts.Bar("Tiếp nhận", m * 3), charts.Bar("Quá hạn", m % 2)]) for m in range(1, 13)
    ]
    svg = charts.column_chart(series, title="T", places=0)
    assert ">Tiếp nhận</text>" in svg and ">Quá hạn</text>" in svg
    assert ">40</text>" in svg and ">10</text>" in svg  # max 36 → ticks 0, 10, 20, 30, 40


def test_no_inline_styles_anywhere_and_the_csp_forbids_them(client, db):
    csp = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "style-src 'self'" in csp
    offenders = [
        str(p)
        for p in Path(cchc.__file__).parent.rglob("*.html")
        if " style=" in (text := p.read_text()) or "<style" in text or "<script>" in text
    ]
    assert offenders == []
