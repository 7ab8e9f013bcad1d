"""End to end in Chromium: a family searches without diacritics, opens the record, sends a request and
follows it by its code; the page raises no CSP violation (no inline script or style)."""

import pytest

from cchc.martyrs.models import Request


@pytest.mark.browser
def test_family_finds_the_grave_and_follows_a_request(page, hung, namesakes):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/martyrs/")
    page.fill("#id_q", "nguyen van hung 1948 thai binh")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click(f"a[href='/martyrs/m/{hung.pk}/']")
    page.wait_for_load_state("networkidle")
    assert "Nghĩa trang liệt sĩ Thử" in page.inner_text("main")
    page.click(f"a[href$='?martyr={hung.pk}']")
    page.wait_for_load_state("networkidle")
    page.fill("#id_content", "Gia đình xin trích lục hồ sơ")
    page.fill("#id_requester_name", "Nguyễn Thị Lan")
    page.fill("#id_email", "lan@example.invalid")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("networkidle")
    code = Request.objects.get().code
    assert code in page.inner_text("main")
    page.click("main a.btn")
    page.wait_for_load_state("networkidle")
    assert "Đã tiếp nhận" in page.inner_text("main")
    page.goto(f"/martyrs/cemeteries/{hung.grave.cemetery_id}/")
    assert page.locator("svg.martyrs-map circle").count() > 60
    assert violations == []
