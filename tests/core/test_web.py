"""The platform's shell: health, errors in Vietnamese, security headers, language switch, login throttle."""

import pytest
from django.test import Client
from django.urls import path

from cchc.org.models import Role


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["workers"]["stale"], body["jobs"]["stale"]) == (
        "ok",
        "ok",
        [],
        [],
    )


def test_pages_are_vietnamese_by_default_and_switch_to_english(client, ministry, make_staff):
    user = make_staff("lan", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    client.force_login(user)
    page = client.get("/dashboard/").content.decode()
    assert 'lang="vi"' in page and "Bảng điều khiển" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    page = client.get("/dashboard/").content.decode()
    assert 'lang="en"' in page and "Dashboard" in page


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page and "Đăng nhập" in page


def test_not_found_is_a_vietnamese_page(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def _boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("boom/", _boom)]
handler500 = "cchc.core.views.error_500"


def test_server_errors_show_no_stack_trace(db, settings):
    settings.ROOT_URLCONF = "tests.core.test_web"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_security_headers_and_no_external_assets(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body


def test_csrf_is_enforced(db, ministry, make_staff):
    client = Client(enforce_csrf_checks=True)
    user = make_staff("lan", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    client.force_login(user)
    response = client.post(f"/org/people/{user.pk}/roles/", {"role": "viewer", "agency": ministry["a"].pk})
    assert response.status_code == 403


def test_login_works_and_is_throttled_after_repeated_failures(client, ministry, make_staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_staff("lan", ministry["a"], [(Role.VIEWER, ministry["a"], False)], password="Right-Pass-2026")
    response = client.post("/accounts/login/", {"username": "lan", "password": "Right-Pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    client.logout()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "lan", "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "lan", "password": "Right-Pass-2026"})
    assert response.status_code == 429


def test_staff_see_only_the_modules_their_roles_allow(client, ministry, make_staff):
    viewer = make_staff("viewer", ministry["a"], [(Role.VIEWER, ministry["a"], False)])
    client.force_login(viewer)
    page = client.get("/dashboard/").content.decode()
    assert 'href="/org/"' in page
    assert 'href="/audit/"' not in page and 'href="/org/people/"' not in page


@pytest.mark.parametrize("url", ["/org/", "/org/people/", "/audit/", "/dashboard/"])
def test_staff_pages_require_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
