"""The annual report "Báo cáo kết quả công tác CCHC năm YYYY", computed from the registers.

`build_report` turns AnnualFigures into a format-neutral document (sections of sentences, tables
and charts); the renderers below write it as Markdown, Word (python-docx) and PDF (reportlab, with
the platform's Vietnamese fonts). The page on screen renders the same document.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cchc.core.formatting import format_date, format_number, format_percent, format_ratio, percent
from cchc.org.models import Agency

from .models import LegalDocument
from .selectors import AnnualFigures, annual_figures, count_by_kind


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    title: str
    bars: list[tuple[str, Decimal | None]]  # (label, percent)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    title: str
    agency: Agency
    year: int
    sections: list[Section]
    figures: AnnualFigures


def count2(n: int) -> str:
    """Counts as officials write them in reports: 06, 03, 116."""
    return f"{n:02d}" if 0 < n < 10 else format_number(n)


def _kinds(documents) -> str:
    """'06 nghị định và 03 thông tư' from the documents' types."""
    names = {
        LegalDocument.Kind.LAW: lambda n: ngettext("%(n)s law", "%(n)s laws", n),
        LegalDocument.Kind.ORDINANCE: lambda n: ngettext("%(n)s ordinance", "%(n)s ordinances", n),
        LegalDocument.Kind.DECREE: lambda n: ngettext("%(n)s decree", "%(n)s decrees", n),
        LegalDocument.Kind.PM_DECISION: lambda n: ngettext(
            "%(n)s Prime Minister's decision", "%(n)s Prime Minister's decisions", n
        ),
        LegalDocument.Kind.CIRCULAR: lambda n: ngettext("%(n)s circular", "%(n)s circulars", n),
        LegalDocument.Kind.DECISION: lambda n: ngettext("%(n)s decision", "%(n)s decisions", n),
    }
    counts = count_by_kind(documents)
    parts = [
        names[kind](counts[kind]) % {"n": count2(counts[kind])}
        for kind in LegalDocument.Kind.values
        if counts[kind]
    ]
    if not parts:
        return _("no document")
    return (
        parts[0]
        if len(parts) == 1
        else _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}
    )


def build_report(agency: Agency, year: int, language: str = "vi") -> Report:
    with translation.override(language):
        return _build(annual_figures(agency, year), agency, year)


def _build(f: AnnualFigures, agency: Agency, year: int) -> Report:
    sections = []

    # I. Institutional reform: legal documents and the Government work programme.
    s = Section(_("I. Institutional reform"))
    s.paragraphs.append(
        _("In %(year)s, %(agency)s issued or had issued %(n)s legal documents: %(kinds)s.")
        % {"year": year, "agency": agency.name, "n": count2(len(f.documents)), "kinds": _kinds(f.documents)}
    )
    if f.tasks.den:
        s.paragraphs.append(
            _(
                "%(ratio)s projects and tasks of the Government and Prime Minister's work programme for "
                "%(year)s were submitted; late or overdue: %(late)s."
            )
            % {"ratio": format_ratio(f.tasks.num, f.tasks.den), "year": year, "late": count2(f.tasks_late)}
        )
    else:
        s.paragraphs.append(_("No work programme task is registered for %(year)s.") % {"year": year})
    if f.documents:
        s.tables.append(
            Table(
                _("Legal documents issued in %(year)s") % {"year": year},
                [_("Type"), _("Number"), pgettext("legal document", "Title"), _("Issued on")],
                [[d.get_kind_display(), d.number, d.title, format_date(d.issued_on)] for d in f.documents],
            )
        )
    sections.append(s)

    # II. Administrative procedure reform.
    s = Section(_("II. Administrative procedure reform"))
    if f.conditions.den:
        s.paragraphs.append(
            _("Through %(docs)s, %(ratio)s business conditions were cut or simplified.")
            % {
                "docs": _kinds(f.condition_documents),
                "ratio": format_ratio(f.conditions.num, f.conditions.den),
            }
        )
    s.paragraphs.append(
        _(
            "%(n)s administrative procedures were abolished or simplified (%(abolished)s abolished, "
            "%(simplified)s simplified)."
        )
        % {
            "n": count2(f.procedures.num),
            "abolished": count2(f.procedures_abolished),
            "simplified": count2(f.procedures_simplified),
        }
    )
    if f.inspection.den:
        s.paragraphs.append(
            _("%(ratio)s products and goods subject to specialised inspection were cut.")
            % {"ratio": format_ratio(f.inspection.num, f.inspection.den)}
        )
    online = f.fully_online
    if online is not None and online.denominator:
        s.paragraphs.append(
            _("At the end of %(year)s, %(ratio)s procedures in force were provided fully online.")
            % {"year": year, "ratio": format_ratio(online.numerator, online.denominator)}
        )
    electronic, signed = f.documents_electronic, f.documents_signed
    if electronic is not None and electronic.denominator:
        s.paragraphs.append(
            _(
                "Of the documents issued and received in %(year)s, %(electronic)s were exchanged as "
                "electronic documents and %(signed)s were signed digitally."
            )
            % {
                "year": year,
                "electronic": format_ratio(electronic.numerator, electronic.denominator),
                "signed": format_ratio(signed.numerator, signed.denominator),
            }
        )
    sections.append(s)

    # III. Organisation.
    r = f.restructuring
    s = Section(_("III. Reform of the organisational structure"))
    if r.events:
        text = _(
            "The number of units went down by %(units)s; %(divisions)s divisions were dissolved or merged inside %(parents)s units"
        ) % {
            "units": count2(r.units_reduced),
            "divisions": count2(r.divisions_ended),
            "parents": count2(len(r.division_parents)),
        }
        if r.division_parents:
            text += " (" + ", ".join(p.name for p in r.division_parents) + ")"
        s.paragraphs.append(text + ".")
    else:
        s.paragraphs.append(_("No unit was established, merged or dissolved in %(year)s.") % {"year": year})
    sections.append(s)

    # IV. Socio-economic targets.
    s = Section(_("IV. Socio-economic targets"))
    if f.targets_all:
        with_result = [t for t in f.targets_all if t.actual is not None]
        if len(f.targets_met) == len(f.targets_all):
            s.paragraphs.append(
                _("All targets assigned for %(year)s were met: %(ratio)s.")
                % {"year": year, "ratio": format_ratio(len(f.targets_met), len(f.targets_all))}
            )
        else:
            s.paragraphs.append(
                _("%(ratio)s targets assigned for %(year)s were met; %(missing)s have no result yet.")
                % {
                    "ratio": format_ratio(len(f.targets_met), len(f.targets_all)),
                    "year": year,
                    "missing": count2(len(f.targets_all) - len(with_result)),
                }
            )
        s.tables.append(
            Table(
                _("Socio-economic targets %(year)s") % {"year": year},
                [
                    _("Indicator"),
                    pgettext("socio-economic target", "Target"),
                    pgettext("socio-economic target", "Result"),
                    _("Met"),
                ],
                [
                    [
                        t.name,
                        f"{t.get_comparison_display()} {format_number(t.target, 2)} {t.unit}",
                        "—" if t.actual is None else f"{format_number(t.actual, 2)} {t.unit}",
                        "—" if t.met is None else (_("Yes") if t.met else _("No")),
                    ]
                    for t in f.targets_all
                ],
            )
        )
    else:
        s.paragraphs.append(_("No socio-economic target is registered for %(year)s.") % {"year": year})
    sections.append(s)

    # Summary table and chart of every ratio.
    # (label in the table, short label on the chart, numerator, denominator)
    rows = [
        (
            _("Business conditions cut or simplified"),
            _("Business conditions"),
            f.conditions.num,
            f.conditions.den,
        ),
        (
            _("Specialised-inspection items cut"),
            _("Specialised inspection"),
            f.inspection.num,
            f.inspection.den,
        ),
        (_("Work programme tasks submitted"), _("Work programme"), f.tasks.num, f.tasks.den),
        (
            _("Socio-economic targets met"),
            _("Socio-economic targets"),
            len(f.targets_met),
            len(f.targets_all),
        ),
    ]
    if online is not None and online.denominator:
        rows.append(
            (
                _("Procedures fully online"),
                _("Fully online services"),
                int(online.numerator),
                int(online.denominator),
            )
        )
    if electronic is not None and electronic.denominator:
        rows += [
            (
                _("Documents exchanged electronically"),
                _("Electronic documents"),
                int(electronic.numerator),
                int(electronic.denominator),
            ),
            (
                _("Documents signed digitally"),
                _("Digital signatures"),
                int(signed.numerator),
                int(signed.denominator),
            ),
        ]
    summary = Section(_("V. Summary of results"))
    summary.tables.append(
        Table(
            _("Results of %(year)s") % {"year": year},
            [_("Figure"), pgettext("socio-economic target", "Result"), _("Ratio")],
            [
                [label, f"{format_number(n)}/{format_number(d)}", format_percent(percent(n, d))]
                for label, _short, n, d in rows
            ],
        )
    )
    summary.charts.append(
        Chart(
            _("Results of %(year)s (%%)") % {"year": year},
            [(short, percent(n, d)) for _label, short, n, d in rows],
        )
    )
    sections.append(summary)

    title = _("Report on the results of administrative reform in %(year)s") % {"year": year}
    return Report(title=title, agency=agency, year=year, sections=sections, figures=f)


# ---------------------------------------------------------------- renderers


def to_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", f"**{report.agency.name}**", ""]
    for section in report.sections:
        lines += [f"## {section.heading}", ""]
        for p in section.paragraphs:
            lines += [p, ""]
        for t in section.tables:
            lines += [f"*{t.caption}*", "", "| " + " | ".join(t.header) + " |", "|" + "---|" * len(t.header)]
            lines += ["| " + " | ".join(str(c).replace("|", "/") for c in row) + " |" for row in t.rows]
            lines.append("")
        for c in section.charts:
            lines += [f"*{c.title}*", ""]
            for label, value in c.bars:
                width = 0 if value is None else int(value / 5)
                lines.append(f"    {label[:40]:<40} {'█' * width} {format_percent(value)}")
            lines.append("")
    return "\n".join(lines)


def _drawing(chart: Chart, width: float = 460):
    """The chart as a reportlab Drawing: a PDF flowable, and a PNG for Word."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    from cchc.core.exports import pdf_fonts

    regular, bold = pdf_fonts()
    row, label_w = 22, 190
    plot_w = width - label_w - 60
    d = Drawing(width, row * len(chart.bars) + 24)
    d.add(String(0, d.height - 12, chart.title, fontName=bold, fontSize=9))
    for i, (label, value) in enumerate(chart.bars):
        y = d.height - 24 - (i + 1) * row + 5
        d.add(String(label_w - 6, y + 4, label[:38], fontName=regular, fontSize=7.5, textAnchor="end"))
        w = 0 if value is None else float(value) / 100 * plot_w
        d.add(Rect(label_w, y, w, row - 8, fillColor=colors.HexColor("#1d4f91"), strokeColor=None))
        d.add(String(label_w + w + 4, y + 4, format_percent(value), fontName=regular, fontSize=7.5))
    return d


def _png(chart: Chart, scale: int = 2) -> bytes:
    """The same chart as a PNG for Word, drawn with Pillow (a reportlab dependency) and the
    platform's DejaVu fonts, so Vietnamese labels render."""
    from PIL import Image, ImageDraw, ImageFont

    from cchc.core.exports import FONT_DIR

    row, label_w, width = 22 * scale, 190 * scale, 460 * scale
    plot_w = width - label_w - 60 * scale
    height = row * len(chart.bars) + 24 * scale
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 8 * scale)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 9 * scale)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((0, 2 * scale), chart.title, fill="black", font=bold)
    for i, (label, value) in enumerate(chart.bars):
        y = 24 * scale + i * row
        draw.text((label_w - 6 * scale, y + 3 * scale), label[:38], fill="black", font=font, anchor="ra")
        w = 0 if value is None else float(value) / 100 * plot_w
        if w:
            draw.rectangle([label_w, y, label_w + w, y + row - 8 * scale], fill="#1d4f91")
        draw.text((label_w + w + 4 * scale, y + 3 * scale), format_percent(value), fill="black", font=font)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def to_pdf(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from cchc.core.exports import pdf_styles, pdf_table

    styles = pdf_styles()
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, title=report.title, leftMargin=50, rightMargin=40, topMargin=40, bottomMargin=40
    )
    story = [Paragraph(report.agency.name, styles["Italic"]), Paragraph(report.title, styles["Title"])]
    for section in report.sections:
        story.append(Paragraph(section.heading, styles["Heading2"]))
        story += [Paragraph(p, styles["BodyText"]) for p in section.paragraphs]
        for t in section.tables:
            story += [Spacer(1, 6), Paragraph(t.caption, styles["Italic"])]
            story.append(pdf_table(t.header, t.rows, doc.width, cell))
        for c in section.charts:
            story += [Spacer(1, 8), _drawing(c)]
    doc.build(story)
    return buf.getvalue()


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.title = report.title
    document.add_paragraph(report.agency.name)
    document.add_heading(report.title, level=0)
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for p in section.paragraphs:
            document.add_paragraph(p)
        for t in section.tables:
            document.add_paragraph().add_run(t.caption).italic = True
            table = document.add_table(rows=1, cols=len(t.header))
            table.style = "Table Grid"
            for i, h in enumerate(t.header):
                table.rows[0].cells[i].text = str(h)
            for r in t.rows:
                cells = table.add_row().cells
                for i, v in enumerate(r):
                    cells[i].text = str(v)
        for c in section.charts:
            document.add_picture(io.BytesIO(_png(c)), width=Cm(16))
            document.add_paragraph(c.title)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


FORMATS = {
    "md": ("text/markdown; charset=utf-8", lambda r: to_markdown(r).encode()),
    "pdf": ("application/pdf", to_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", to_docx),
}


def report_filename(report: Report, fmt: str) -> str:
    return f"bao-cao-cchc-{report.year}-{report.agency.code}.{fmt}"


def render(agency: Agency, year: int, fmt: str, language: str = "vi", progress=None) -> tuple[str, bytes]:
    """(file name, content) of the report in one format; used by the web job and the CLI alike."""
    if progress:
        progress.update(0, 2, "…")
    report = build_report(agency, year, language)
    if progress:
        progress.update(1)
    content = FORMATS[fmt][1](report)
    if progress:
        progress.update(2)
    return report_filename(report, fmt), content
