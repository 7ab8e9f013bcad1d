"""Fixtures shared by every app's tests: a small organisation tree, staff with scoped roles, and a
headless Chromium (Playwright) for browser tests marked @pytest.mark.browser."""

import os
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cchc.org import services as org
from cchc.org.models import AgencyType, Role

# Legal data seeded by data migrations (one-stop rule sets, the feedback answer time). A
# transactional test (browser, concurrency, backup) empties the database when it ends, and under
# xdist the next test in that worker may be an ordinary one: put the rows back on the post_migrate
# signal that the flush sends (the poverty standards come back the same way, households/apps.py).
SEEDING_MIGRATIONS = {
    "onestop": ["0002_rule_sets", "0004_tt01_indices_5_to_8"],
    "feedback": ["0002_answer_time_rule"],
    "edocs": ["0002_document_kinds_search_indexes"],
}


def _reseed(sender, **kwargs):
    import importlib

    from django.apps import apps

    for name in SEEDING_MIGRATIONS.get(sender.label, []):
        importlib.import_module(f"{sender.name}.migrations.{name}").forwards(apps, None)


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="browser layout tests save their screenshots here (default: a temporary folder)",
    )


@pytest.fixture
def screenshot_dir(request, tmp_path):
    from pathlib import Path

    folder = request.config.getoption("--screenshots")
    path = Path(folder) if folder else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed, dispatch_uid="tests.reseed_legal_data")


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads, generated files and audit checkpoints go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CCHC_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """A process-local cache per test: parallel test workers never share job progress or throttles."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{os.getpid()}",
        }
    }
    from django.core.cache import cache

    from cchc.portal.selectors import filing_cache_clear

    cache.clear()
    filing_cache_clear()  # rows it keeps were rolled back with the previous test


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password="x-Strong-Pass-2026", full_name="Root Admin"
    )


@pytest.fixture
def ministry(superuser):
    """Ministry → two departments (Cục) each with a division, and a Vụ. Returns a dict by short key."""

    def mk(code, name, type_, parent=None):
        return org.agency_create(
            actor=superuser,
            code=code,
            name=name,
            type=type_,
            parent=parent,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )

    m = mk("000.00.00.G99", "Bộ Thử nghiệm", AgencyType.MINISTRY)
    a = mk("000.00.01.G99", "Cục A", AgencyType.DEPARTMENT, m)
    b = mk("000.00.02.G99", "Cục B", AgencyType.DEPARTMENT, m)
    return {
        "ministry": m,
        "a": a,
        "b": b,
        "a1": mk("000.01.01.G99", "Phòng A1", AgencyType.DIVISION, a),
        "b1": mk("000.01.02.G99", "Phòng B1", AgencyType.DIVISION, b),
        "vu": mk("000.00.03.G99", "Vụ C", AgencyType.VU, m),
    }


@pytest.fixture
def make_staff(superuser):
    """make_staff("name", unit, [(Role.X, agency, include_subtree)]) → a staff user with those roles."""

    def make(username, unit, roles=(), password="x-Strong-Pass-2026"):
        user = org.staff_create(
            actor=superuser, username=username, full_name=username.title(), unit=unit, password=password
        )
        for role, agency, subtree in roles:
            org.role_assign(actor=superuser, user=user, role=role, agency=agency, include_subtree=subtree)
        return get_user_model().objects.get(pk=user.pk)  # fresh object: no cached grants

    return make


@pytest.fixture
def citizen(db):
    User = get_user_model()
    return User.objects.create_user(
        username="citizen1",
        password="x-Strong-Pass-2026",
        kind=User.Kind.CITIZEN,
        full_name="Công Dân Một",
        email="c1@example.invalid",
    )


@pytest.fixture
def demo_data(db):
    """The full demo data set, loaded through every app's demo loader (slow: use sparingly)."""
    import io

    from cchc.core.demoloader import demo_loaders

    out = io.StringIO()
    for _label, load in demo_loaders():
        load(out)
    return out.getvalue()


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test itself makes
    # (fixtures, assertions) are still ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser tab on the live test server, Vietnamese locale; see tests/browser_support.py."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


__all__ = ["Role"]
