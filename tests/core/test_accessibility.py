"""Static accessibility checks over the main pages of every module, with the demo data loaded.

Every form control has a label, every image a text alternative, every data table header cells,
every page one <h1> and a language. (The browser tests cover keyboard use.)
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from cchc.core.navigation import nav_items


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labels_for = set()
        self.controls = []  # (tag, id, has_own_label, inside_label)
        self.label_depth = 0
        self.images_without_alt = []
        self.tables = 0
        self.table_headers = 0
        self.h1 = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.labels_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            kind = a.get("type", "text")
            if tag == "input" and kind in ("hidden", "submit", "button", "reset", "image"):
                return
            own = bool(a.get("aria-label") or a.get("aria-labelledby") or a.get("title"))
            self.controls.append((tag, a.get("id"), a.get("name"), own, self.label_depth > 0))
        elif tag == "img" and "alt" not in a:
            self.images_without_alt.append(a.get("src"))
        elif tag == "table":
            self.tables += 1
        elif tag == "th":
            self.table_headers += 1
        elif tag == "h1":
            self.h1 += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def problems(self) -> list[str]:
        found = []
        for tag, id_, name, own, inside in self.controls:
            if not (own or inside or (id_ and id_ in self.labels_for)):
                found.append(f"<{tag} name={name!r}> has no label")
        found += [f"<img src={src!r}> has no alt" for src in self.images_without_alt]
        if self.tables and not self.table_headers:
            found.append("tables without header cells")
        if self.h1 != 1:
            found.append(f"{self.h1} <h1> elements")
        if not self.lang:
            found.append("no lang on <html>")
        return found


def audit(client, url) -> list[str]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    parser = PageAudit()
    parser.feed(response.content.decode())
    return parser.problems()


@pytest.mark.django_db
def test_main_pages_of_every_module_are_accessible(client, demo_data):
    from django.urls import reverse

    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    urls = ["/dashboard/", "/org/people/", "/audit/", "/org/units/000.00.00.G12/"]
    urls += [reverse(item.url_name) for item in nav_items()]
    assert len(urls) >= 14  # every module's entry page
    report = {url: problems for url in urls if (problems := audit(client, url))}
    client.logout()
    for url in ["/portal/", "/accounts/login/", "/accounts/register/"]:
        if problems := audit(client, url):
            report[url] = problems
    assert report == {}


def test_the_audit_itself_notices_problems():
    parser = PageAudit()
    parser.feed(
        '<html><body><h1>A</h1><h1>B</h1><input name="q"><label>Năm <input name="y"></label>'
        '<label for="z">Z</label><input id="z" name="z"><img src="x.png"><table><tr><td>1</td></tr></table>'
    )
    assert parser.problems() == [
        "<input name='q'> has no label",
        "<img src='x.png'> has no alt",
        "tables without header cells",
        "2 <h1> elements",
        "no lang on <html>",
    ]
