"""Sổ theo dõi hồ sơ (Mẫu 06, TT 01/2018/TT-VPCP): the receiving unit's book of dossiers for a year.

One book ("quyển") per receiving agency and calendar year; entries are numbered continuously from
01 in order of receipt (TT 01/2018 Điều 10). The number is not stored: it is the rank of the
dossier's `received_at` (ties by id) among the agency's dossiers received that year, which is stable
because a receipt time is set once, always "now", and dossiers are never deleted. The same rank is
printed on the receipt (Mẫu 01, `entry_of`).

Reads go through `book_page` (one page of 50 for the screen) and `iter_entries` (every entry of a
year or month, streamed in chunks for the exports); exports are written row by row (`write_pdf`,
`write_xlsx`) so memory stays flat. A large export runs as the background job "onestop.book".
"""

import html
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.exports import PLAIN, Sheet, pdf_fonts, pdf_styles, title_lines, xlsx_write
from cchc.core.formatting import format_datetime, format_number
from cchc.core.jobs import register_job
from cchc.org.models import Agency

from .models import Channel, Dossier, DossierStep, Outcome, Status

PAGE_SIZE = 50
CHUNK = 1000  # rows read per query by the exports (server-side cursor on PostgreSQL)
SYNC_EXPORT_ROWS = 2000  # larger exports run as a background job (see docs/onestop.md)

# Column titles of the form as printed (Vietnamese: it is the legal form).
COLUMNS = [
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ (ngày, giờ)",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
]
HANDOVER_KINDS = (DossierStep.Kind.PROCESSING, DossierStep.Kind.TRANSFER)


def year_bounds(year: int, month: int | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the year (or one month of it) in local time (the book follows the calendar
    of the receiving unit, not UTC)."""
    tz = timezone.get_current_timezone()
    if month:
        start = datetime(year, month, 1, tzinfo=tz)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    else:
        start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    return start, end


def received_in(agency_id: int, start: datetime, end: datetime):
    """The book's entries in [start, end), in book order (index onestop_stats_agency_idx)."""
    return Dossier.objects.filter(agency_id=agency_id, received_at__gte=start, received_at__lt=end).order_by(
        "received_at", "id"
    )


def entry_of(d: Dossier) -> tuple[int, int] | None:
    """(book = year of receipt, number) of a received dossier, as in the book; None before receipt."""
    if d.received_at is None:
        return None
    year = timezone.localtime(d.received_at).year
    start, _end = year_bounds(year)
    n = (
        Dossier.objects.filter(agency_id=d.agency_id, received_at__gte=start)
        .filter(Q(received_at__lt=d.received_at) | Q(received_at=d.received_at, id__lte=d.pk))
        .count()
    )
    return year, n


@dataclass
class Entry:
    """One line of the book, with the facts behind each column (see docs/onestop.md for the mapping)."""

    number: int
    dossier: Dossier
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    lead_unit: str
    received_at: datetime | None
    due_at: datetime | None
    transferred_at: datetime | None
    result_received_at: datetime | None
    returned_at: datetime | None
    note: str

    def cells(self) -> list:
        """The 13 columns as text (exports)."""
        return [
            f"{self.number:02d}",
            self.dossier.code,
            self.procedure,
            self.sets,
            self.applicant,
            self.address_phone,
            self.lead_unit,
            format_datetime(self.received_at),
            format_datetime(self.due_at),
            format_datetime(self.transferred_at),
            format_datetime(self.result_received_at),
            format_datetime(self.returned_at),
            self.note,
        ]

    def values(self) -> list:
        """The 13 columns as typed values (Excel keeps numbers and times as such)."""
        return [
            self.number,
            self.dossier.code,
            self.procedure,
            self.sets,
            self.applicant,
            self.address_phone,
            self.lead_unit,
            self.received_at,
            self.due_at,
            self.transferred_at,
            self.result_received_at,
            self.returned_at,
            self.note,
        ]


def _rows(qs):
    """What every entry needs, read in a fixed number of queries: the procedure, the apology and the
    hand-overs from the desk (custody log), not the form data."""
    steps = (
        DossierStep.objects.filter(kind__in=HANDOVER_KINDS)
        .select_related("unit")
        .order_by("handed_over_at", "id")
    )
    return (
        qs.select_related("procedure", "handling_unit", "apology")
        .defer("form_data")
        .prefetch_related(Prefetch("steps", queryset=steps, to_attr="book_steps"))
    )


def _note(d: Dossier) -> str:
    parts = []
    if d.status != Status.RETURNED:
        parts.append(str(Status(d.status).label))
    if d.outcome == Outcome.REFUSED:
        parts.append(_("refused after appraisal (Mẫu 03)"))
    elif d.on_time is not None and d.status in (Status.DONE, Status.RETURNED):
        parts.append(_("on time") if d.on_time else _("late"))
    apology = getattr(d, "apology", None)  # read with the row (select_related)
    if apology is not None:
        parts.append(
            _("new appointment after apology (Mẫu 04), first promised %(day)s")
            % {"day": format_datetime(apology.old_due_at)}
        )
    if d.supplement_count:
        parts.append(_("supplemented %(n)s time(s)") % {"n": d.supplement_count})
    if d.channel != Channel.IN_PERSON:
        parts.append(str(Channel(d.channel).label))
    return "; ".join(parts)


def entry(number: int, d: Dossier) -> Entry:
    first = d.book_steps[0] if getattr(d, "book_steps", None) else None
    lead = first.unit.name if first else (d.handling_unit.name if d.handling_unit_id else "")
    result_back = d.finished_at if d.status in (Status.DONE, Status.RETURNED) else None
    return Entry(
        number=number,
        dossier=d,
        procedure=d.procedure.name,
        sets=1,
        applicant=d.applicant_name,
        address_phone="; ".join(p for p in (d.applicant_address, d.applicant_phone) if p),
        lead_unit=lead,
        received_at=d.received_at,
        due_at=d.due_at,
        transferred_at=first.handed_over_at if first else None,
        result_received_at=result_back,
        returned_at=d.returned_at,
        note=_note(d),
    )


def first_number(agency_id: int, year: int, month: int | None) -> int:
    """Entries of the year before the month shown: the month's first number is this + 1."""
    if not month:
        return 0
    year_start, _e = year_bounds(year)
    month_start, _e = year_bounds(year, month)
    return Dossier.objects.filter(
        agency_id=agency_id, received_at__gte=year_start, received_at__lt=month_start
    ).count()


def book_page(agency: Agency, year: int, month: int | None, page_number) -> tuple:
    """(page, entries) for the screen: one COUNT for the paginator, one for the month's offset, one
    page of rows with what its columns need — never the whole year."""
    page = Paginator(_rows(received_in(agency.pk, *year_bounds(year, month))), PAGE_SIZE).get_page(
        page_number
    )
    base = first_number(agency.pk, year, month) + page.start_index()
    return page, [entry(base + i, d) for i, d in enumerate(page.object_list)]


def iter_entries(agency: Agency, year: int, month: int | None = None):
    """Every entry of the year or month in book order, read CHUNK rows at a time."""
    number = first_number(agency.pk, year, month)
    for d in _rows(received_in(agency.pk, *year_bounds(year, month))).iterator(chunk_size=CHUNK):
        number += 1
        yield entry(number, d)


def title_of(agency: Agency, year: int, month: int | None) -> str:
    period = f"tháng {month:02d}/{year}" if month else f"năm {year}"
    return f"SỔ THEO DÕI HỒ SƠ – {agency.name} – Quyển số {year} ({period})"


def filename_of(agency: Agency, year: int, month: int | None, ext: str) -> str:
    return f"mau-06-so-theo-doi-{agency.code}-{year}{f'-{month:02d}' if month else ''}.{ext}"


# --- exports ------------------------------------------------------------------------------------
WIDTHS_PT = [24, 72, 100, 30, 72, 86, 70, 52, 52, 52, 52, 52, 60]  # A4 landscape: 774 of 786 pt


class _LazyStory(list):
    """A reportlab story that pulls its flowables from a generator as the layout consumes them, so
    a book of thousands of pages never holds all its rows (reportlab's build loop only reads
    `len(story)` and `story[0]`, deletes the head and inserts split parts at the front)."""

    def __init__(self, source):
        super().__init__()
        self._source = iter(source)

    def _fill(self):
        while list.__len__(self) < 2:
            item = next(self._source, None)
            if item is None:
                return
            self.append(item)

    def __len__(self):
        self._fill()
        return list.__len__(self)

    def __getitem__(self, i):
        self._fill()
        return list.__getitem__(self, i)


def write_pdf(out, agency: Agency, year: int, month: int | None, entries, progress=None) -> int:
    """Mẫu 06 on A4 landscape: the book's title and the column header repeated at the top of every
    page, "Trang n" at the bottom, rows laid out 25 at a time. Returns the number of entries."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

    regular, bold = pdf_fonts()
    styles = pdf_styles()
    cell = styles["Normal"].clone("book-cell", fontSize=6.5, leading=8)
    head_cell = cell.clone("book-head", fontName=bold, alignment=1)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )
    header = Table([[Paragraph(h, head_cell) for h in COLUMNS]], colWidths=WIDTHS_PT)
    header.setStyle(grid)
    header.setStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#e8eef7"))])
    page_w, page_h = landscape(A4)
    margin, title_h = 28, 16
    _w, header_h = header.wrap(page_w - 2 * margin, page_h)
    title = title_of(agency, year, month)

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(bold, 9)
        canvas.drawString(margin, page_h - margin - 9, title)
        header.wrapOn(canvas, page_w - 2 * margin, header_h)
        header.drawOn(canvas, margin, page_h - margin - title_h - header_h)
        canvas.setFont(regular, 8)
        canvas.drawCentredString(page_w / 2, margin - 12, f"Trang {doc.page}")
        canvas.restoreState()

    doc = BaseDocTemplate(
        out,
        pagesize=(page_w, page_h),
        title=title,
        author=agency.name,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + title_h + header_h,
        bottomMargin=margin,
    )
    frame = Frame(
        margin,
        margin,
        page_w - 2 * margin,
        page_h - 2 * margin - title_h - header_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="book", frames=[frame], onPage=decorate)])
    count = 0

    def flowables():
        nonlocal count
        batch = []
        for e in entries:
            batch.append([Paragraph(html.escape(str(v)), cell) for v in e.cells()])
            count += 1
            if len(batch) == 25:
                yield _rows_table(batch)
                batch = []
                if progress is not None:
                    progress.update(count)
        if batch or not count:
            yield (
                _rows_table(batch)
                if batch
                else Paragraph("Không có hồ sơ nào trong kỳ này.", styles["Normal"])
            )

    def _rows_table(batch):
        t = Table(batch, colWidths=WIDTHS_PT)
        t.setStyle(grid)
        return t

    doc.build(_LazyStory(flowables()))
    return count


WIDTHS_XLSX = [6, 24, 40, 10, 26, 34, 28, 17, 17, 17, 17, 17, 40]


def write_xlsx(out, agency: Agency, year: int, month: int | None, entries, progress=None) -> int:
    def rows():
        for n, e in enumerate(entries, start=1):
            if progress is not None and n % CHUNK == 0:
                progress.update(n)
            yield e.values()

    return xlsx_write(
        out,
        {"Mẫu 06": Sheet(COLUMNS, rows(), {0: PLAIN}, WIDTHS_XLSX)},
        title=title_lines(title_of(agency, year, month)),
    )


WRITERS = {
    "pdf": (write_pdf, "application/pdf"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@register_job("onestop.book", gettext_lazy("Tracking book export (Mẫu 06)"))
def book_job(
    progress, *, job=None, agency: int, year: int, month: int | None = None, fmt: str = "pdf"
) -> dict:
    """Write a large export to storage. The file is handed out only by the book's own download view
    (which checks the permission again and audits the access), not as the job's output file."""
    import tempfile

    agency_obj = Agency.objects.get(pk=agency)
    write, _mime = WRITERS[fmt]
    total = received_in(agency_obj.pk, *year_bounds(year, month)).count()
    progress.update(0, total, _("Writing the tracking book"))
    with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as tmp:
        rows = write(tmp, agency_obj, year, month, iter_entries(agency_obj, year, month), progress)
        tmp.seek(0)
        name = default_storage.save(
            f"onestop/book/{job.pk if job else 'cli'}/{filename_of(agency_obj, year, month, fmt)}", File(tmp)
        )
    progress.update(total, total)
    url = reverse("onestop:book_file", args=[job.pk]) if job else ""
    return {
        "file": name,
        "rows": rows,
        "next_url": url,
        "summary": _("The tracking book (%(rows)s entries) is ready: follow “Continue” to download it.")
        % {"rows": format_number(rows)},
    }
