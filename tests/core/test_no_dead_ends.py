"""No dead ends: every link a user is shown leads somewhere that user may go.

For every demo account (and an anonymous visitor) the crawler starts at the home page and follows every
same-origin link (<a href>) and every GET form's action from the pages it reaches. A response of 403,
404 or 5xx is a dead end: the page showed a link, tab or button to someone its target refuses.

Pages of one shape (the same path with other ids, the same list with other query values) behave alike, so
the crawler visits a few of each shape rather than every dossier of the demo; it still follows the links of
each page it visits.
"""

import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

PER_SHAPE = int(__import__("os").environ.get("CRAWL_PER_SHAPE", 2))  # pages visited per URL shape
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/accounts/logout/", "/i18n/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "get":
            self.links.append(a.get("action") or "")


def shape(url: str) -> str:
    """The URL with ids and query values blanked: /onestop/dossiers/17/?page=2 → /onestop/dossiers/#/?page=."""
    parts = urlsplit(url)
    path = re.sub(r"/[^/]*\d[^/]*(?=/)", "/#", parts.path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(client, start="/"):
    """Visit the pages reachable from `start`; returns (pages visited, {url: (status, found on)})."""
    seen_shapes = defaultdict(int)
    queue = deque([(start, "")])
    queued = {start}
    visited = 0
    dead = {}
    while queue:
        url, referrer = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code in (301, 302):
            target = urljoin(url, response["Location"])
            if urlsplit(target).netloc in ("", "testserver") and target not in queued:
                queued.add(target)
                queue.append((target, referrer))
            continue
        if response.status_code in (403, 404) or response.status_code >= 500:
            dead[url] = (response.status_code, referrer)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = LinkParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urldefrag(urljoin("http://testserver" + url, href)).url
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            local = parts.path + ("?" + parts.query if parts.query else "")
            if local in queued or local.startswith(SKIP_PREFIXES):
                continue
            queued.add(local)
            key = shape(local)
            if seen_shapes[key] >= PER_SHAPE:
                continue
            seen_shapes[key] += 1
            queue.append((local, url))
    return visited, dead


def test_shape_blanks_ids_and_query_values():
    assert shape("/onestop/dossiers/17/?page=2&q=x") == "/onestop/dossiers/#/?page&q"
    assert shape("/org/units/000.00.00.G12/") == "/org/units/#/"
    assert shape("/portal/") == "/portal/"


@pytest.mark.django_db
def test_no_account_is_shown_a_link_it_cannot_follow(client, demo_data):
    accounts = list(get_user_model().objects.filter(is_active=True).order_by("username"))
    assert len(accounts) >= 16  # every demo account
    report, total = {}, 0
    for user in [None, *accounts]:
        client.logout()
        if user is not None:
            client.force_login(user)
        visited, dead = crawl(client)
        total += visited
        assert visited > 3, user
        if dead:
            report[user.username if user else "(anonymous)"] = dead
    import json
    import os

    open(os.environ.get("CRAWL_REPORT", os.devnull), "w").write(json.dumps(report, indent=1))
    assert report == {}, f"{sum(map(len, report.values()))} dead ends over {total} pages: {report}"


@pytest.mark.django_db
def test_links_typed_by_users_are_shown_only_where_they_lead(make_staff, ministry):
    from cchc.core.templatetags.access import may_open
    from cchc.org.models import Role

    officer = make_staff("off1", ministry["a1"], [(Role.PROCESSING_OFFICER, ministry["a1"], False)])
    leader = make_staff("lead1", ministry["a1"], [(Role.UNIT_LEADER, ministry["a1"], False)])
    assert may_open(leader, "/onestop/statistics/?start=2026-01-01")  # perm_required(STATS)
    assert not may_open(officer, "/onestop/statistics/?start=2026-01-01")
    assert may_open(officer, "/onestop/")  # the officer's queue
    assert not may_open(officer, "/reform/")  # a module the officer cannot open
    assert not may_open(officer, "/no/such/page/")
