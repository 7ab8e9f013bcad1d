"""Shared building blocks for Excel, PDF and Word outputs.

Libraries: openpyxl (Excel), reportlab (PDF, with the bundled DejaVu fonts that cover Vietnamese),
python-docx (Word). See docs/dependencies.md for why these.
"""

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.http import HttpResponse

FONT_DIR = Path(__file__).resolve().parent / "static" / "cchc" / "fonts"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One sheet per entry: {title: (header, rows)}. Header bold and frozen, columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title=title[:31])
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in header]
        for row in rows:
            row = list(row)
            ws.append(row)
            for i, v in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
        ws.freeze_panes = "A2"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w + 2
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_write(
    target,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[int] = (),
    preamble: Sequence[str] = (),
) -> int:
    """One sheet written row by row (openpyxl write-only mode) to `target` (a path or a binary
    file): memory stays flat however many rows the iterable yields, so a year of records can be
    exported. Column widths cannot be measured in this mode and are given; `preamble` lines go
    above the bold header, which stays frozen. Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"A{len(preamble) + 2}"
    for line in preamble:
        cell = WriteOnlyCell(ws, value=line)
        cell.font = Font(bold=True)
        ws.append([cell])
    head = []
    for h in header:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    ws.append(head)
    n = 0
    for row in rows:
        ws.append(list(row))
        n += 1
    wb.save(target)
    return n


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
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), regular),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), bold),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8eef7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


def pdf_table_document(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    subtitle: str = "",
    landscape_page: bool = False,
) -> bytes:
    """A titled PDF holding one table (rankings, lists)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = pdf_styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4) if landscape_page else A4,
        title=title,
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
    )
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    data = [[Paragraph(str(h), cell) for h in header]]
    data += [[Paragraph("" if v is None else str(v), cell) for v in row] for row in rows]
    story = [Paragraph(title, styles["Title"])]
    if subtitle:
        story += [Paragraph(subtitle, styles["Italic"]), Spacer(1, 8)]
    table = Table(data, repeatRows=1)
    table.setStyle(pdf_table_style())
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def safe_cell(value):
    """User text for a spreadsheet cell, neutralised against formula injection: text starting with
    = + - @ or a tab/CR is prefixed with an apostrophe so Excel shows it instead of evaluating it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
