"""Every module's main page and the wide tables, in a real browser at desktop (1366 px) and phone
(390 px) widths, signed in as the demo accounts: the page never scrolls sideways and no table cell is
narrower than its longest word. Screenshots go to a temporary folder, or to the folder given with
`--screenshots DIR` (scripts/screenshots refreshes docs/screenshots/ this way)."""

import io

import pytest

from tests.browser.layout_checks import NARROW_CELLS_JS, OVERFLOW_JS
from tests.browser_support import login

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
DEMO_PASSWORD = "cchc-demo-2026"


def _extra_pages():
    """The wide tables named in the brief, found in the demo data."""
    from django.urls import reverse

    from cchc.edocs.models import ExternalAgency
    from cchc.martyrs.models import Request
    from cchc.onestop.models import Dossier
    from cchc.parindex.models import Subject
    from cchc.surveys.models import Survey

    dossier = Dossier.objects.exclude(received_at=None).order_by("-received_at").first()
    subject = Subject.objects.select_related("cycle", "agency").filter(cycle__code="BO-2018").first()
    survey = Survey.objects.order_by("pk").first()
    correction = Request.objects.filter(kind=Request.Kind.CORRECTION).exclude(martyr=None).first()
    return {
        "onestop-statistics": "/onestop/statistics/?start=2018-01-01&end=2018-12-31",
        "onestop-book": "/onestop/book/?year=2018",
        "onestop-dossier": f"/onestop/d/{dossier.pk}/",
        "parindex-heatmap": f"/parindex/cycles/{subject.cycle.code}/heatmap/",
        "parindex-subject-sheet": f"/parindex/cycles/{subject.cycle.code}/subjects/{subject.agency.code}/",
        "surveys-sipas": f"/surveys/{survey.pk}/sipas/",
        "households-list": "/households/list/",
        # exchange settings: certificate details (subject, issuer, fingerprint) make the widest table
        "edocs-certificates": reverse("edocs:certificates"),
        "edocs-certificate-new": reverse("edocs:certificate_new"),
        "edocs-peers": reverse("edocs:peers"),
        "edocs-peer": reverse("edocs:peer_edit", args=[ExternalAgency.objects.order_by("pk").first().pk]),
        "edocs-trusted-cas": reverse("edocs:trusted_cas"),
        "edocs-registers": reverse("edocs:registers"),
        "martyrs-edit": f"/martyrs/staff/m/{correction.martyr_id}/edit/?request={correction.pk}",
    }


def _save(page, folder, name):
    """A viewport screenshot, reduced to 256 colours so the docs stay small."""
    png = page.screenshot(full_page=False)
    try:
        from PIL import Image  # installed with reportlab
    except ImportError:
        (folder / f"{name}.png").write_bytes(png)
        return
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256).save(
        folder / f"{name}.png", optimize=True
    )


def _check(page, url, problems, folder, name):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    if response is None or response.status != 200:
        problems.append((name, url, f"HTTP {response and response.status}"))
        return
    if overflow := page.evaluate(OVERFLOW_JS):
        problems.append((name, url, f"page scrolls sideways by {overflow} px"))
    if narrow := page.evaluate(NARROW_CELLS_JS):
        problems.append((name, url, narrow[:3]))
    _save(page, folder, name)


def test_main_pages_fit_desktop_and_phone(browser, live_server, settings, demo_data, screenshot_dir):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = False
    extra = _extra_pages()
    problems = []
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.set_default_timeout(20000)
        login(page, "admin", DEMO_PASSWORD)
        modules = page.eval_on_selector_all(
            ".nav-list a", "links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])"
        )
        assert len(modules) >= 12  # the dashboard and every module
        # exactly one menu entry is current, and it is the dashboard here
        assert page.locator(".nav-list a[aria-current=page]").count() == 1
        for href, _label in modules:
            key = href.strip("/").replace("/", "-") or "home"
            _check(page, href, problems, screenshot_dir, f"{key}-{width_name}")
            assert page.locator(".nav-list a[aria-current=page]").count() == 1, href
        for key, url in extra.items():
            _check(page, url, problems, screenshot_dir, f"{key}-{width_name}")
        if width_name == "phone":
            # the menu folds behind its button and opens on a tap
            page.goto("/dashboard/")
            assert not page.locator(".nav-list").is_visible()
            page.click(".nav-toggle")
            assert page.locator(".nav-list").is_visible()
            _save(page, screenshot_dir, "menu-open-phone")
        context.close()

        citizen = browser.new_context(
            base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": height}
        )
        page = citizen.new_page()
        login(page, "citizen", DEMO_PASSWORD)
        for name, url in {"portal": "/portal/", "portal-dossiers": "/portal/dossiers/"}.items():
            _check(page, url, problems, screenshot_dir, f"{name}-{width_name}")
        citizen.close()
    assert problems == []
