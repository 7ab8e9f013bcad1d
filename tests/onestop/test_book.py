"""Sổ theo dõi hồ sơ (Mẫu 06): numbering per unit and year, the columns, the receipt's entry line,
scope, audit of personal data, bounded queries, PDF / Excel exports and the background export."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cchc.core.jobs import run_pending_jobs
from cchc.core.models import AuditEvent, Job
from cchc.onestop import book, pdf, services
from cchc.onestop.models import Dossier
from cchc.org.models import Role
from tests.core.test_accessibility import PageAudit
from tests.portal.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def receive(clock, staff, ministry, procedure, when, name="Nguyễn Văn A", unit=None):
    clock.set(when)
    d = services.dossier_register(
        actor=staff["clerk"],
        agency=ministry["a"],
        procedure=procedure,
        channel=1,
        applicant_name=name,
        applicant_address="Số 5 Ngõ 7, Hà Nội",
        applicant_phone="0912000111",
    )
    return services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=unit)


@pytest.fixture
def year_of_dossiers(clock, staff, ministry, procedure):
    """Received at Cục A: one in 12/2025, three in 2026 (two in March, one in November), and one
    registered but never accepted (not in the book)."""
    old = receive(clock, staff, ministry, procedure, "2025-12-31 16:00", "Năm Cũ")
    march1 = receive(
        clock, staff, ministry, procedure, "2026-03-02 09:00", "Tháng Ba Một", unit=ministry["a1"]
    )
    march2 = receive(clock, staff, ministry, procedure, "2026-03-20 10:00", "Tháng Ba Hai")
    clock.set("2026-06-01 08:00")
    services.dossier_register(
        actor=staff["clerk"],
        agency=ministry["a"],
        procedure=procedure,
        channel=1,
        applicant_name="Chưa Tiếp Nhận",
    )
    nov = receive(clock, staff, ministry, procedure, "2026-11-23 09:00", "Tháng Mười Một")
    return {"old": old, "march1": march1, "march2": march2, "nov": nov}


def test_numbering_runs_from_01_per_unit_and_year(year_of_dossiers, ministry, staff, procedure, clock):
    page, entries = book.book_page(ministry["a"], 2026, None, 1)
    assert [(e.number, e.applicant) for e in entries] == [
        (1, "Tháng Ba Một"),
        (2, "Tháng Ba Hai"),
        (3, "Tháng Mười Một"),
    ]
    _p, entries = book.book_page(ministry["a"], 2025, None, 1)
    assert [(e.number, e.applicant) for e in entries] == [(1, "Năm Cũ")]
    # A month keeps the year's numbers.
    _p, entries = book.book_page(ministry["a"], 2026, 11, 1)
    assert [(e.number, e.dossier.pk) for e in entries] == [(3, year_of_dossiers["nov"].pk)]
    # The receipt (Mẫu 01) prints the same entry.
    assert book.entry_of(year_of_dossiers["nov"]) == (2026, 3)
    text = pdf_text(pdf.receipt(Dossier.objects.get(pk=year_of_dossiers["nov"].pk)))
    assert "Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 03." in text
    # Another unit keeps its own book.
    _p, entries = book.book_page(ministry["b"], 2026, None, 1)
    assert entries == []


def test_numbers_continue_across_pages(clock, staff, ministry, procedure, monkeypatch):
    monkeypatch.setattr(book, "PAGE_SIZE", 2)
    for day in range(2, 7):
        receive(clock, staff, ministry, procedure, f"2026-02-0{day} 09:00", f"Người {day}")
    page, entries = book.book_page(ministry["a"], 2026, None, 3)
    assert page.paginator.count == 5 and [e.number for e in entries] == [5]
    _p, entries = book.book_page(ministry["a"], 2026, 2, 2)
    assert [e.number for e in entries] == [3, 4]


def test_columns_come_from_custody_log_and_dossier(clock, staff, ministry, procedure):
    d = receive(clock, staff, ministry, procedure, "2026-11-02 09:00", unit=ministry["a1"])
    clock.set("2026-11-03 10:00")
    d = services.dossier_assign(actor=staff["leader"], dossier=d, version=d.version, officer=staff["officer"])
    d = services.dossier_propose_result(
        actor=staff["officer"], dossier=d, version=d.version, outcome="granted"
    )
    clock.set("2026-11-04 14:00")
    d = services.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
    clock.set("2026-11-05 08:30")
    d = services.dossier_return_result(actor=staff["clerk"], dossier=d, version=d.version)
    with translation.override("vi"):
        (e,) = book.book_page(ministry["a"], 2026, 11, 1)[1]
    assert e.dossier.code == d.code and e.procedure == procedure.name and e.sets == 1
    assert e.applicant == "Nguyễn Văn A" and e.address_phone == "Số 5 Ngõ 7, Hà Nội; 0912000111"
    assert e.lead_unit == "Phòng A1"
    cells = e.cells()
    assert cells[0] == "01"
    assert cells[7:12] == [
        "02/11/2026 09:00",
        "09/11/2026 17:00",
        "02/11/2026 09:00",
        "04/11/2026 14:00",
        "05/11/2026 08:30",
    ]
    assert e.note == "đúng hạn"


def test_only_desk_and_leaders_of_the_unit_see_the_book(client, year_of_dossiers, staff, ministry, citizen):
    client.force_login(staff["officer"])  # processing officer: no book
    assert client.get("/onestop/book/").status_code == 403
    client.force_login(citizen)
    assert client.get("/onestop/book/").status_code == 403
    client.force_login(staff["outsider"])  # desk of Cục B asks for Cục A's book: gets its own
    page = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026}).content.decode()
    assert "Tháng Ba Một" not in page and "Cục B" in page
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026, "format": "pdf"})
    assert "Cục B" in pdf_text(r.content) and "Tháng Ba" not in pdf_text(r.content)
    assert not AuditEvent.objects.filter(
        action="onestop.book.personal_view", agency_id=ministry["a"].pk
    ).exists()


def test_page_is_audited_and_shows_the_columns(client, year_of_dossiers, staff, ministry):
    client.force_login(staff["clerk"])
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026, "month": 3})
    page = r.content.decode()
    assert r.status_code == 200 and "Tháng Ba Một" in page and "Tháng Mười Một" not in page
    assert "0912000111" in page and "Phòng A1" in page
    audit = PageAudit()
    audit.feed(page)
    assert audit.problems() == []
    event = AuditEvent.objects.get(action="onestop.book.personal_view")
    assert event.actor_id == staff["clerk"].pk and event.agency_id == ministry["a"].pk
    assert event.after["dossiers"] == [year_of_dossiers["march1"].pk, year_of_dossiers["march2"].pk]
    assert event.after["month"] == 3 and event.after["format"] == "page"


def test_page_queries_are_bounded_and_limited(
    client, clock, staff, ministry, procedure, django_assert_max_num_queries
):
    for i in range(8):
        receive(
            clock, staff, ministry, procedure, f"2026-04-{i + 1:02d} 09:00", f"Người {i}", unit=ministry["a1"]
        )
    client.force_login(staff["clerk"])
    params = {"agency": ministry["a"].pk, "year": 2026, "month": 4}
    with CaptureQueriesContext(connection) as few:
        client.get("/onestop/book/", params)
    for i in range(8, 30):
        receive(
            clock,
            staff,
            ministry,
            procedure,
            f"2026-04-{i % 28 + 1:02d} 10:{i:02d}",
            f"Người {i}",
            unit=ministry["a1"],
        )
    client.force_login(staff["clerk"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        with CaptureQueriesContext(connection) as many:
            r = client.get("/onestop/book/", params)
    assert r.content.decode().count("/onestop/d/") == 30
    assert len(many.captured_queries) <= 20
    # the rows of the page are read with LIMIT: a year of 100k dossiers is never read for one page
    rows = [
        q["sql"]
        for q in many.captured_queries
        if 'FROM "onestop_dossier"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    assert rows and all(
        re.search(r"LIMIT (\d+)$", sql) and int(re.search(r"LIMIT (\d+)$", sql)[1]) <= 50 for sql in rows
    )


def test_pdf_and_excel_exports(client, clock, staff, ministry, procedure):
    for i in range(60):
        receive(
            clock,
            staff,
            ministry,
            procedure,
            f"2026-05-{i % 28 + 1:02d} {8 + i % 8:02d}:{i % 60:02d}",
            f"Người & Con {i}",
        )
    client.force_login(staff["clerk"])
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026, "format": "pdf"})
    assert (
        r["Content-Type"] == "application/pdf"
        and "mau-06-so-theo-doi-000.00.01.G99-2026.pdf" in r["Content-Disposition"]
    )
    text = pdf_text(r.content)
    assert "Trang 1" in text and "Trang 2" in text  # page numbers
    assert text.count("Tên TTHC") == text.count("Trang ") >= 2  # the header row on every page
    assert "Người & Con 0" in text and "Quyển số 2026" in text
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026, "month": 5, "format": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    values = list(ws.values)
    assert values[2] == tuple(book.COLUMNS) and len(values) == 63  # organisation, title, header
    assert values[3][0] == 1 and values[-1][0] == 60 and ws["H4"].number_format == "dd/mm/yyyy hh:mm"
    events = AuditEvent.objects.filter(action="onestop.book.personal_view").order_by("id")
    assert [(e.after["format"], e.after["rows"]) for e in events] == [("pdf", 60), ("xlsx", 60)]


def test_large_export_runs_as_a_job_and_is_downloaded_audited(
    client, clock, staff, ministry, procedure, monkeypatch, make_staff
):
    monkeypatch.setattr(book, "SYNC_EXPORT_ROWS", 2)
    for day in range(2, 6):
        receive(clock, staff, ministry, procedure, f"2026-03-0{day} 09:00", f"Người {day}")
    client.force_login(staff["clerk"])
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": 2026, "format": "pdf"})
    job = Job.objects.get(kind="onestop.book")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert not AuditEvent.objects.filter(action="onestop.book.personal_view").exists()
    assert run_pending_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["rows"] == 4 and not job.output_file
    assert job.result["next_url"] == f"/onestop/book/file/{job.pk}/"
    r = client.get(job.result["next_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.get(action="onestop.book.personal_view").after["rows"] == 4
    # Nobody else fetches that file, and the requester only while keeping the book.
    other = make_staff("clerk2", ministry["a"], [(Role.ONESTOP_CLERK, ministry["a"], False)])
    client.force_login(other)
    assert client.get(job.result["next_url"]).status_code == 404


def test_pdf_story_is_read_lazily(ministry, monkeypatch):
    """The PDF writer pulls rows as pages fill: when the second page begins, most of a long book has
    not been read yet (so a year of 100k entries is never held in memory at once)."""
    from reportlab.platypus.doctemplate import BaseDocTemplate

    read, at_page_begin = [], []
    original = BaseDocTemplate.handle_pageBegin

    def page_begin(doc):
        at_page_begin.append(len(read))
        return original(doc)

    monkeypatch.setattr(BaseDocTemplate, "handle_pageBegin", page_begin)

    class Row:
        def __init__(self, n):
            self.n = n

        def cells(self):
            read.append(self.n)
            return [f"{self.n:02d}"] + ["x"] * 12

    out = io.BytesIO()
    assert book.write_pdf(out, ministry["a"], 2026, None, (Row(n) for n in range(1, 401))) == 400
    assert len(read) == 400 and len(at_page_begin) > 3
    assert at_page_begin[1] <= 100  # page 2 starts with at most a few batches of 25 read
