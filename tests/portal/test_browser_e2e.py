"""Issue 5, "Done when", in a real browser: a citizen files online with an upload and pays in the
sandbox; the clerk accepts and the receipt PDF shows the due date; the officer requests
supplementation; the citizen supplements; the due date is recomputed; the leader approves; the
result is returned; the citizen rates; the statistics change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cchc.onestop.models import Dossier, Status
from cchc.org.models import Role
from tests.browser_support import login

from .conftest import PDF, make_procedure
from .pdftext import pdf_text

pytestmark = pytest.mark.browser

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def clock(monkeypatch):
    """Moves the server's clock (the live server runs in this process) between the steps."""

    class Clock:
        def set(self, text):
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)
            monkeypatch.setattr("cchc.onestop.services._now", lambda: moment)
            monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return Clock()


def _sign_in_as(page, username):
    page.context.clear_cookies()
    login(page, username)


def _act(page, action):
    """The back-office form of one action on the dossier page."""
    return page.locator(f"form[action$='/act/{action}/']")


def _stat(page, key):
    return page.locator(f"#stat-{key}").inner_text()


def test_file_pay_accept_supplement_approve_return_rate(
    page, superuser, ministry, make_staff, citizen, clock
):
    a, a1 = ministry["a"], ministry["a1"]
    procedure = make_procedure(superuser, a)
    make_staff("clerk", a, [(Role.ONESTOP_CLERK, a, False)])
    make_staff("officer", a1, [(Role.PROCESSING_OFFICER, a1, False)])
    make_staff("leader", a1, [(Role.UNIT_LEADER, a1, False)])

    # The public statistics before anything happens.
    clock.set("2026-11-23 08:30")  # Monday
    page.goto("/portal/statistics/?year=2026")
    assert (_stat(page, "received"), _stat(page, "finished"), _stat(page, "ratings")) == ("0", "0", "0")

    # 1. The citizen finds the procedure, fills the e-form, uploads the components and submits.
    login(page, "citizen1")
    page.goto("/portal/procedures/?q=giay phep")
    page.get_by_role("link", name=f"Nộp trực tuyến: {procedure.name}").click()
    page.fill("#id_applicant_identity", "001099001234")
    page.fill("#id_applicant_address", "Số 1 Đào Duy Anh, Hà Nội")
    page.fill("#id_applicant_phone", "0912345678")
    page.fill("#id_summary", "Đề nghị cấp giấy phép")
    page.set_input_files(
        "#id_file_TK", files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.set_input_files(
        "#id_file_CCCD", files=[{"name": "cccd.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Nộp hồ sơ").click()
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED
    assert dossier.code in page.locator("h1").inner_text()

    # 2. … and pays the fee in the sandbox gateway.
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    assert "200.000" in page.locator("main").inner_text()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    assert "Đã nộp phí" in page.locator(".messages").inner_text()
    dossier.refresh_from_db()
    assert dossier.paid_online and dossier.paid_amount == 200000

    # 3. The clerk accepts, hands it to Phòng A1, and prints the receipt: the PDF shows the due date.
    _sign_in_as(page, "clerk")
    page.goto(f"/onestop/d/{dossier.pk}/")
    _act(page, "accept").locator("select[name=unit]").select_option(str(a1.pk))
    page.click("#accept-submit")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    first_due = timezone.localtime(dossier.due_at)
    receipt = page.request.get(page.locator("#receipt-pdf").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.body())
    assert first_due.strftime("%d/%m/%Y") in text and dossier.code in text

    # 4. Two days later the officer asks for a clearer copy of the identity card.
    clock.set("2026-11-25 10:00")
    _sign_in_as(page, "officer")
    page.goto(f"/onestop/d/{dossier.pk}/")
    form = _act(page, "supplement")
    form.locator("input[name=component]").fill("Bản sao CCCD")
    form.locator("textarea[name=reason]").fill("Bản sao không rõ nét")
    page.click("#supplement-submit")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT

    # 5. The citizen is notified, supplements the following Monday; the due date is recomputed.
    clock.set("2026-11-30 10:00")
    _sign_in_as(page, "citizen1")
    page.goto("/portal/")
    assert page.locator("a[href='/portal/notifications/'] .badge").inner_text().split()[-1] == "4"
    page.goto(f"/portal/dossiers/{dossier.pk}/")
    assert "Bản sao không rõ nét" in page.locator("main").inner_text()
    page.get_by_role("link", name="Nộp bổ sung").click()
    page.set_input_files(
        "#id_file_CCCD", files=[{"name": "cccd-ro.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Gửi").click()
    dossier.refresh_from_db()
    new_due = timezone.localtime(dossier.due_at)
    assert dossier.status == Status.PROCESSING and new_due.date() > first_due.date()
    assert new_due.strftime("%d/%m/%Y") in page.locator("main").inner_text()

    # 6. The officer proposes the result with the electronic result; the leader approves it.
    clock.set("2026-12-01 09:00")
    _sign_in_as(page, "officer")
    page.goto(f"/onestop/d/{dossier.pk}/")
    form = _act(page, "propose")
    form.locator("select[name=outcome]").select_option("granted")
    form.locator("input[name=result_file]").set_input_files(
        files=[{"name": "giay-phep.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("#propose-submit")
    _sign_in_as(page, "leader")
    page.goto(f"/onestop/d/{dossier.pk}/")
    page.click("#approve-submit")
    dossier.refresh_from_db()
    assert dossier.status == Status.DONE

    # 7. The clerk returns the result.
    _sign_in_as(page, "clerk")
    page.goto(f"/onestop/d/{dossier.pk}/")
    page.click("#return-submit")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    # 8. The citizen downloads the electronic result and rates the service.
    _sign_in_as(page, "citizen1")
    page.goto(f"/portal/dossiers/{dossier.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Kết quả điện tử").click()
    assert download.value.suggested_filename.startswith(dossier.code)
    page.get_by_role("link", name="Đánh giá dịch vụ").click()
    # locator.all() does not wait: without this it may list the previous page's (absent) fieldsets.
    page.wait_for_url(f"**/portal/dossiers/{dossier.pk}/rate/")
    fieldsets = page.locator("form fieldset")
    fieldsets.first.wait_for()
    for fieldset in fieldsets.all():
        fieldset.locator("input[value='2']").check()
    page.fill("#id_comment", "Nhanh, đúng hẹn")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn" in page.locator(".messages").inner_text()

    # 9. The public statistics changed.
    page.context.clear_cookies()
    page.goto("/portal/statistics/?year=2026")
    assert (_stat(page, "received"), _stat(page, "finished"), _stat(page, "ratings")) == ("1", "1", "1")
    assert "1/1 (100,00%)" in page.locator("main").inner_text()
