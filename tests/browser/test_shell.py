"""In a real browser: sign in, see the dashboard, open a module, switch the language."""

import pytest

from cchc.org.models import Role
from tests.browser_support import login

pytestmark = pytest.mark.browser


def test_sign_in_dashboard_navigation_and_language(page, ministry, make_staff):
    make_staff("lan", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    login(page, "lan")
    assert page.locator("h1").inner_text() == "Bảng điều khiển"
    assert "Xin chào Lan" in page.locator("main").inner_text()

    page.get_by_role("navigation", name="Các phân hệ").get_by_role("link", name="Tổ chức bộ máy").click()
    assert page.locator("h1").inner_text() == "Cơ cấu tổ chức"
    page.get_by_role("link", name="Cục A").click()
    assert page.locator("h1").inner_text() == "Cục A"
    assert "000.00.01.G99" in page.locator("main").inner_text()

    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Thay đổi").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Units below" in page.locator("main").inner_text()


def test_keyboard_users_can_skip_to_content(page, db):
    page.goto("/accounts/register/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Chuyển đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wrong_password_shows_a_clear_error(page, ministry, make_staff):
    make_staff("lan", ministry["a"])
    login(page, "lan", "not-the-password")
    alert = page.get_by_role("alert").inner_text()
    assert "tên đăng nhập" in alert.lower() or "mật khẩu" in alert.lower()
