import pytest

from cchc.procedures import services

from .factories import version_data

pytestmark = pytest.mark.browser


def test_public_catalog_is_browsable_and_searchable(page, superuser, ministry):
    for code, name in [
        ("1.000001", "Cấp giấy phép hoạt động dịch vụ việc làm"),
        ("1.000002", "Đăng ký nội quy lao động"),
        ("1.000003", "Giải quyết hưởng trợ cấp thất nghiệp"),
    ]:
        services.procedure_create(
            actor=superuser,
            agency=ministry["a"],
            code=code,
            name=name,
            field="Việc làm",
            level="central",
            version=version_data(),
        )

    page.goto("/procedures/")  # anonymous visitor
    assert page.locator("main h1").inner_text() == "Thủ tục hành chính"
    assert page.locator("tbody tr").count() == 3

    page.fill("input[name=q]", "dang ky noi quy")  # no diacritics
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#result-count").inner_text() == "Tìm thấy 1 thủ tục."
    page.click("text=Đăng ký nội quy lao động")
    page.wait_for_load_state("networkidle")
    assert page.locator("main h1").inner_text() == "Đăng ký nội quy lao động"
    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    assert page.get_by_text("Đơn đề nghị cấp giấy phép").is_visible()
