"""The back office in a real browser: accept with the receipt PDF, request supplementation,
the applicant supplements, the leader approves, the clerk returns the result."""

import pytest

from cchc.onestop import services
from cchc.onestop.models import Dossier, Status
from tests.browser_support import login

from .conftest import pdf


def switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.mark.browser
def test_back_office_flow(page, citizen, procedure, staff, ministry):
    d = services.dossier_draft_save(
        actor=citizen,
        procedure=procedure,
        data={"applicant_address": "Hà Nội"},
        files={"TK": pdf(), "CCCD": pdf()},
    )
    d = services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="browser-1")

    login(page, "clerk")
    page.goto(f"/onestop/d/{d.pk}/")
    page.select_option("#id_unit", label=ministry["a1"].name)
    page.fill("#id_quota_days", "3")
    page.click("#accept-submit")
    assert "Đang xử lý" in page.inner_text("#dossier-status")
    due_text = page.inner_text("#due-at")
    with page.expect_download() as download:
        page.click("#receipt-pdf")
    assert download.value.suggested_filename.startswith("mau-01-")
    assert due_text.strip() not in ("", "—")

    page.fill("#id_component", "CCCD")
    page.fill("#id_reason", "Bản sao không rõ")
    page.click("#supplement-submit")
    assert "Yêu cầu bổ sung" in page.inner_text("#dossier-status")
    d.refresh_from_db()
    services.dossier_supplement_submit(actor=citizen, dossier=d, files={"CCCD": pdf()}, note="Đã bổ sung")

    switch_user(page, "leader")
    page.goto(f"/onestop/d/{d.pk}/")
    page.select_option("#id_officer", label="Officer")
    page.click("#assign-submit")
    switch_user(page, "officer")
    page.goto(f"/onestop/d/{d.pk}/")
    page.select_option("#id_outcome", "granted")
    page.fill("#id_note", "Đủ điều kiện")
    page.click("#propose-submit")
    switch_user(page, "leader")
    page.goto(f"/onestop/d/{d.pk}/")
    page.click("#approve-submit")
    assert "Đã xử lý xong" in page.inner_text("#dossier-status")
    switch_user(page, "clerk")
    page.goto(f"/onestop/d/{d.pk}/")
    page.click("#return-submit")
    assert "Đã trả kết quả" in page.inner_text("#dossier-status")
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED
