"""The tracking book (Mẫu 06) in a real browser: the desk opens the book, sees its entries
numbered from 01, and downloads it as PDF."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cchc.onestop import services
from tests.browser_support import login
from tests.portal.pdftext import pdf_text


@pytest.mark.browser
def test_desk_opens_the_book_and_downloads_the_pdf(page, procedure, staff, ministry):
    codes = []
    for name in ("Trần Thị Một", "Lê Văn Hai"):
        d = services.dossier_register(
            actor=staff["clerk"],
            agency=ministry["a"],
            procedure=procedure,
            channel=1,
            applicant_name=name,
            applicant_phone="0912000111",
        )
        codes.append(services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version).code)

    login(page, "clerk")
    page.goto("/onestop/")
    page.get_by_role("link", name="Sổ theo dõi hồ sơ").click()
    assert page.locator("h1").inner_text().startswith("Sổ theo dõi hồ sơ")
    rows = page.locator("#book-table tbody tr")
    expect(rows).to_have_count(2)  # waits for the rows: count() alone may run before they are parsed
    assert rows.nth(0).locator("td").nth(0).inner_text() == "01"
    assert rows.nth(1).locator("td").nth(1).inner_text() == codes[1]
    assert "Lê Văn Hai" in rows.nth(1).inner_text()
    page.select_option("#b-month", str(timezone.localdate().month))
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#book-table tbody tr")).to_have_count(2)

    with page.expect_download() as download:
        page.click("#book-pdf")
    assert download.value.suggested_filename.startswith("mau-06-so-theo-doi-000.00.01.G99-")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert codes[0] in text and "Trần Thị Một" in text and "Trang 1" in text
