"""Shared building blocks for Excel, CSV, PDF and Word outputs.

Every spreadsheet the platform hands out goes through `xlsx_write`/`xlsx_bytes` or `csv_write`/
`csv_bytes` here, so each one gets the same treatment:

- user text is made inert against formula injection (`neutralise`, OWASP "CSV injection"): a cell
  that starts with = + - @ tab or CR is written as text with a leading apostrophe;
- numbers stay numbers, dates stay dates, with an Excel number format (`#,##0.00`, `0.00%`,
  `dd/mm/yyyy`). Excel draws separators from the *viewer's* locale, so a Vietnamese Windows shows
  1.234,50 and 61,68% while an English one shows 1,234.50 and 61.68% — the stored value is exact;
- Vietnamese headers in bold, wrapped and frozen, with title rows (organisation, report, period)
  above them; column widths fitted to the content (the first FIT_ROWS rows are measured, so a
  streamed export of a year of records still keeps flat memory);
- PDF tables size their columns in proportion to their content (`pdf_col_widths`).

Libraries: openpyxl (Excel), reportlab (PDF, with the bundled DejaVu fonts that cover Vietnamese),
python-docx (Word). See docs/dependencies.md for why these.
"""

import csv
import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.http import HttpResponse
from django.utils import timezone

from .branding import current_brand

FONT_DIR = Path(__file__).resolve().parent / "static" / "cchc" / "fonts"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_MIME = "text/csv; charset=utf-8"

# Excel number formats. Excel shows them with the separators of the viewer's locale.
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
PERCENT = "0.00%"  # the value is a fraction: 0.6168 shows as 61,68%
PLAIN = "0"  # years, codes kept as numbers
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"

FIT_ROWS = 500  # rows measured to fit column widths
MIN_WIDTH, MAX_WIDTH = 6, 60

# Control characters the XLSX format cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection guidance).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """User text made inert for spreadsheets: a string starting with a formula trigger gets a
    leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text and never evaluate
    it (also after the file is saved again as CSV). Numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value):
    """The inverse of `neutralise` for importers that read back a file this platform exported."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _excel_value(value):
    """A value as openpyxl stores it: exact numbers, naive local datetimes, clean inert text."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value)
        return value
    # Lazy translations and other objects are written as their text. Control characters that
    # the XLSX format cannot hold are dropped rather than failing the whole export.
    text = str(value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return neutralise(text)


def _default_format(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float | Decimal):
        return DECIMAL
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    return None


def _shown_length(value, fmt: str | None) -> int:
    """About how many characters Excel shows for a value (for the column width)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        places = 2 if fmt in (DECIMAL, PERCENT) else 0
        magnitude = abs(float(value)) * (100 if fmt == PERCENT else 1)
        digits = len(f"{magnitude:.0f}")
        return digits + (digits - 1) // 3 + (places + 1 if places else 0) + 2
    return max((len(line) for line in str(value).splitlines()), default=0)


class Sheet(NamedTuple):
    """One worksheet: a header, rows (any iterable, read once), and optionally Excel number formats
    by column index (else chosen by value type) and fixed widths (else fitted to the content)."""

    header: Sequence[str]
    rows: Iterable[Sequence]
    formats: Mapping[int, str] = {}
    widths: Sequence[float] = ()


def title_lines(title: str, *, period: str = "", organisation: str | None = None) -> list[str]:
    """The lines above a table: the organisation, the report's title, its period (if any)."""
    lines = [organisation if organisation is not None else current_brand().name, str(title)]
    if period:
        lines.append(str(period))
    return [line for line in lines if line]


def xlsx_write(target, sheets: Mapping[str, Sheet | tuple], *, title: Sequence[str] = ()) -> int:
    """Write a workbook to `target` (a path or a binary file) in openpyxl's write-only mode, so
    memory stays flat however many rows the iterables yield. `sheets` maps each sheet's name to a
    Sheet (or a (header, rows[, formats]) tuple); `title` lines go above every sheet's header.
    Returns the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    wb = Workbook(write_only=True)
    total = 0
    for name, spec in sheets.items():
        sheet = Sheet(*spec)
        ws = wb.create_sheet(title=_sheet_name(name))
        rows = iter(sheet.rows)
        head = list(itertools.islice(rows, FIT_ROWS))
        header = [str(h) for h in sheet.header]
        ncols = max([len(header), *(len(r) for r in head)], default=0)

        def fmt_of(i, value, _formats=sheet.formats):
            return _formats.get(i) or _default_format(value)

        widths = list(sheet.widths)
        if not widths:
            widths = [
                # a header wraps, so only its longest word must fit
                max((len(w) for w in header[i].split()), default=0) if i < len(header) else 0
                for i in range(ncols)
            ]
            for row in head:
                for i, v in enumerate(row):
                    widths[i] = max(widths[i], _shown_length(v, fmt_of(i, v)))
            widths = [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = f"A{len(title) + 2}"
        for n, line in enumerate(title):
            cell = WriteOnlyCell(ws, value=_excel_value(line))
            cell.font = Font(bold=True, size=13 if n == 1 else 11)
            ws.append([cell])
        cells = []
        for h in header:
            cell = WriteOnlyCell(ws, value=_excel_value(h))
            cell.font, cell.alignment = bold, wrap
            cells.append(cell)
        ws.append(cells)
        for row in itertools.chain(head, rows):
            cells = []
            for i, v in enumerate(row):
                v = _excel_value(v)
                fmt = fmt_of(i, v) if v is not None and not isinstance(v, str) else None
                if fmt is None:  # text (already inert) and blanks go in as plain values: faster
                    cells.append(v)
                    continue
                cell = WriteOnlyCell(ws, value=v)
                if cell.data_type in ("n", "d"):
                    cell.number_format = fmt
                cells.append(cell)
            ws.append(cells)
            total += 1
    wb.save(target)
    return total


def xlsx_bytes(sheets: Mapping[str, Sheet | tuple], *, title: Sequence[str] = ()) -> bytes:
    """`xlsx_write` into memory, for the exports served directly by a view."""
    buf = io.BytesIO()
    xlsx_write(buf, sheets, title=title)
    return buf.getvalue()


def _sheet_name(name) -> str:
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    text = str(name)
    for ch in "[]:*?/\\":
        text = text.replace(ch, "-")
    return text[:31]


def csv_write(stream, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """CSV rows on a text stream, every user text neutralised; numbers as written by Python
    (a dot as decimal separator: CSV is for machines, officials get the XLSX)."""
    writer = csv.writer(stream)
    if header:
        writer.writerow([neutralise(str(h)) for h in header])
    n = 0
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row])
        n += 1
    return n


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV file with a byte-order mark, so Excel opens its Vietnamese text as UTF-8."""
    buf = io.StringIO()
    csv_write(buf, header, rows)
    return buf.getvalue().encode("utf-8-sig")


def neutralise_frame(frame):
    """A pandas DataFrame with every text cell neutralised (for CLI exports written by pandas)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("string", "str"):
            frame[column] = frame[column].map(neutralise)
    return frame


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_fonts_registered = False


def pdf_fonts() -> tuple[str, str]:
    """Register DejaVu Sans with reportlab once; returns (regular, bold) font names."""
    global _fonts_registered
    if not _fonts_registered:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        addMapping("DejaVuSans", 0, 0, "DejaVuSans")
        addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
        _fonts_registered = True
    return "DejaVuSans", "DejaVuSans-Bold"


def pdf_styles():
    """Paragraph styles for Vietnamese documents (Unicode font, sensible sizes)."""
    from reportlab.lib.styles import getSampleStyleSheet

    regular, bold = pdf_fonts()
    styles = getSampleStyleSheet()
    for name in ("Normal", "BodyText", "Italic"):
        styles[name].fontName = regular
    for name in ("Title", "Heading1", "Heading2", "Heading3"):
        styles[name].fontName = bold
    return styles


def pdf_table_style(header_rows: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    regular, bold = pdf_fonts()
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header_rows:
        commands += [
            ("FONTNAME", (0, 0), (-1, header_rows - 1), bold),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8eef7")),
        ]
    return TableStyle(commands)


def pdf_col_widths(
    header: Sequence, rows: Sequence[Sequence], total: float, *, font_size: float = 8.5, padding: float = 8
) -> list[float]:
    """Column widths (points) in proportion to the content, adding up to `total`: each column
    wants its longest line (capped at half the width, so one long note does not starve the
    others) and needs at least its longest word; the room left once every column has what it
    needs is shared in proportion to what each still wants."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = pdf_fonts()
    ncols = max([len(header), *(len(r) for r in rows)], default=0)
    if not ncols:
        return []
    want, need = [0.0] * ncols, [0.0] * ncols
    for r, row in enumerate(itertools.chain([header], rows)):
        font = bold if r == 0 else regular
        for i, v in enumerate(row):
            text = "" if v is None else str(v)
            if r:  # a header wraps freely; the data decides what a column wants
                lines = text.splitlines() or [""]
                want[i] = max(want[i], max(stringWidth(line, font, font_size) for line in lines))
            words = text.split() or [""]
            need[i] = max(need[i], max(stringWidth(w, font, font_size) for w in words))
    cap = total / 2
    need = [min(n + padding, cap) for n in need]
    want = [max(n, min(w + padding, cap)) for w, n in zip(want, need, strict=True)]
    if sum(need) >= total:  # not even the words fit: shrink in proportion to the words
        return [total * n / sum(need) for n in need]
    if sum(want) <= total:  # everything fits on one line: spread the spare room by want
        return [total * w / sum(want) for w in want]
    spare, extra = total - sum(need), [w - n for w, n in zip(want, need, strict=True)]
    return [n + spare * e / sum(extra) for n, e in zip(need, extra, strict=True)]


def pdf_text(value) -> str:
    """A cell value as Vietnamese officials read it: 1.234,50; 25/11/2026; 25/11/2026 08:30."""
    from cchc.core.formatting import format_date, format_datetime, format_number

    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    if isinstance(value, float | Decimal):
        return format_number(value, 2)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def pdf_table(header: Sequence, rows: Iterable[Sequence], width: float, cell_style):
    """A reportlab Table of plain values (escaped; numbers and dates written the Vietnamese way),
    the bold header repeated on every page, columns sized by content to fill `width`."""
    import html

    from reportlab.platypus import Paragraph, Table

    _regular, bold = pdf_fonts()
    head_style = cell_style.clone(cell_style.name + "-head", fontName=bold)
    head = [str(h) for h in header]
    body = [[pdf_text(v) for v in row] for row in rows]
    data = [[Paragraph(html.escape(h), head_style) for h in head]] if head else []
    data += [[Paragraph(html.escape(t).replace("\n", "<br/>"), cell_style) for t in row] for row in body]
    widths = pdf_col_widths(head, body, width, font_size=cell_style.fontSize)
    table = Table(data, colWidths=widths or None, repeatRows=1 if head else 0)
    table.setStyle(pdf_table_style(1 if head else 0))
    return table


def pdf_table_document(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    subtitle: str = "",
    landscape_page: bool = False,
    organisation: str | None = None,
) -> bytes:
    """A titled PDF holding one table (rankings, lists), the organisation above the title."""
    import html

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = pdf_styles()
    org = organisation if organisation is not None else current_brand().name
    pagesize = landscape(A4) if landscape_page else A4
    margin = 36
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        title=title,
        author=org,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    story = [Paragraph(html.escape(org), styles["Italic"])] if org else []
    story.append(Paragraph(html.escape(title), styles["Title"]))
    if subtitle:
        story += [Paragraph(html.escape(subtitle), styles["Italic"]), Spacer(1, 8)]
    story.append(pdf_table(header, rows, pagesize[0] - 2 * margin, cell))
    doc.build(story)
    return buf.getvalue()


def fraction(percent_value):
    """A percentage (61.68) as the fraction that the PERCENT format shows as 61,68%."""
    return None if percent_value is None else Decimal(percent_value) / 100


def period_text(start, end) -> str:
    """'Kỳ: 01/01/2026 – 31/03/2026' (dates inclusive) for title rows."""
    from django.utils.translation import gettext

    from cchc.core.formatting import format_date

    return gettext("Period: %(start)s – %(end)s") % {"start": format_date(start), "end": format_date(end)}
