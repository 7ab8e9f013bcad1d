"""Ranking table, heat map, charts and exports (CSV, Excel, PDF, the written summary as .docx).

Numbers are exact until shown: half-up to two decimals here.
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core import charts
from cchc.core.exports import PERCENT, PLAIN, Sheet, fraction, pdf_table_document, title_lines, xlsx_bytes
from cchc.core.formatting import format_number, format_percent, round_half_up

from . import selectors

SYNTHETIC_NOTE = "[mẫu] "


def _plain(value) -> str:
    return "" if value is None else str(round_half_up(value, 2))


def ranking_header(component: str = "index") -> list[str]:
    header = ["rank", "subject_code", "subject_name", "points", "index_percent", "group"]
    return header if component == "index" else header + [component]


def ranking_table(cycle, *, component: str = "index") -> tuple[list[str], list[list]]:
    """Machine-readable rows (dot decimals, two places half-up) for CSV and scripts."""
    rows = []
    for r in selectors.ranking(cycle, component=component):
        row = [
            r.rank or "",
            r.subject.agency.code,
            r.subject.agency.name,
            _plain(r.result.points),
            _plain(r.result.index),
            r.group,
        ]
        rows.append(row if component == "index" else row + [_plain(r.value)])
    return ranking_header(component), rows


def _display_rows(cycle, component="index"):
    out = []
    for r in selectors.ranking(cycle, component=component):
        out.append(
            [
                r.rank or "—",
                r.subject.agency.name,
                format_number(r.result.points, 2),
                format_number(r.result.max_points, 2),
                format_percent(r.result.index),
                r.group,
                "" if r.change is None else format_number(r.change, 2),
            ]
        )
    return out


def display_header():
    return [
        _("Rank"),
        pgettext("assessed", "Subject"),
        _("Points"),
        _("Applicable maximum"),
        _("Index"),
        _("Group"),
        _("Change vs previous cycle (points of %)"),
    ]


def ranking_xlsx(cycle, component: str = "index") -> bytes:
    """The ranking and the areas for officials: Vietnamese headers, points as numbers, the index as
    a percentage (the CSV keeps the machine-readable columns of `ranking_table`)."""
    areas, heat = heatmap(cycle)
    header = [
        _("Rank"),
        _("Subject code"),
        pgettext("assessed", "Subject"),
        _("Points"),
        _("Index"),
        _("Group"),
    ]
    if component != "index":
        header.append(component_label(component))
    rows = []
    for r in selectors.ranking(cycle, component=component):
        row = [
            r.rank,
            r.subject.agency.code,
            r.subject.agency.name,
            _exact(r.result.points),
            fraction(_exact(r.result.index)),
            r.group,
        ]
        rows.append(row if component == "index" else row + [_exact(r.value)])
    heat_header = [_("Subject code"), pgettext("assessed", "Subject")] + [
        f"{a.code}. {a.name} ({format_number(a.max_points, 2)})" for a in areas
    ]
    heat_rows = [
        [r.subject.agency.code, r.subject.agency.name] + [fraction(_exact(c[2])) for c in cells]
        for r, cells in heat
    ]
    return xlsx_bytes(
        {
            _("Ranking"): Sheet(header, rows, {0: PLAIN, 4: PERCENT}),
            _("Areas"): Sheet(heat_header, heat_rows, {i: PERCENT for i in range(2, len(heat_header))}),
        },
        title=title_lines(
            title_of(cycle), period=f"{cycle.methodology.name} — {cycle.methodology.legal_basis}"
        ),
    )


def _exact(value):
    return None if value is None else round_half_up(value, 2)


def component_label(component: str) -> str:
    """What a ranking by `component` is ranked by, as the page's selector names it."""
    labels = {"points": _("Total points"), "appraised": _("Appraised points"), "survey": _("Survey points")}
    if component.startswith("area:"):
        return f"{_('Area')} {component[5:]}"
    return labels.get(component, component)


def title_of(cycle) -> str:
    return (SYNTHETIC_NOTE if cycle.is_synthetic else "") + cycle.name


def ranking_pdf(cycle) -> bytes:
    subtitle = f"{cycle.methodology.name} — {cycle.methodology.legal_basis}"
    if cycle.is_synthetic:
        subtitle += " — " + _("synthetic demonstration data")
    return pdf_table_document(
        title_of(cycle), display_header(), _display_rows(cycle), subtitle=subtitle, landscape_page=True
    )


def heatmap(cycle) -> tuple[list, list]:
    """(areas, rows): each row is (RankRow, [(points, max, percent or None) per area])."""
    areas = selectors.area_items(cycle)
    rows = []
    for r in selectors.ranking(cycle):
        cells = []
        for a in areas:
            pts, mx = r.result.areas.get(a.code, (None, None))
            if pts is None:
                cells.append((None, None, None))
            else:
                pts, mx = Decimal(pts), Decimal(mx)
                cells.append((pts, mx, pts * 100 / mx if mx else None))
        rows.append((r, cells))
    return areas, rows


def heat_class(percent) -> str:
    if percent is None:
        return "heat-na"
    p = round_half_up(percent, 2)
    return "heat-4" if p >= 90 else "heat-3" if p >= 80 else "heat-2" if p >= 70 else "heat-1"


def heatmap_table(cycle):
    areas, rows = heatmap(cycle)
    header = ["subject_code", "subject_name"] + [f"{a.code} ({a.max_points.normalize()})" for a in areas]
    return header, [
        [r.subject.agency.code, r.subject.agency.name] + [_plain(c[2]) for c in cells] for r, cells in rows
    ]


def area_chart(cycle, result):
    bars = []
    for a in selectors.area_items(cycle):
        pts, mx = result.areas.get(a.code, (None, None))
        if pts is not None and Decimal(mx):
            bars.append(charts.Bar(f"{a.code}. {a.name}", Decimal(pts) * 100 / Decimal(mx)))
    return charts.bar_chart(bars, title=_("Index by area (%)"), unit="%", max_value=100)


def ranking_chart(cycle):
    bars = [
        charts.Bar(r.subject.agency.short_name or r.subject.agency.name, r.result.index)
        for r in selectors.ranking(cycle)
    ]
    return charts.bar_chart(bars, title=_("PAR index by subject (%)"), unit="%", max_value=100)


def summary_docx(cycle) -> bytes:
    """The written summary report (báo cáo kết quả) as Word."""
    from docx import Document

    rows = selectors.ranking(cycle)
    ranked = [r for r in rows if r.rank]
    doc = Document()
    doc.add_heading(_("Report on the results of %(c)s") % {"c": title_of(cycle)}, level=1)
    if cycle.is_synthetic:
        doc.add_paragraph(_("All scores in this report are synthetic demonstration data."))
    m = cycle.methodology
    doc.add_paragraph(
        _("Methodology: %(m)s (%(b)s); status: %(s)s.")
        % {"m": m.name, "b": m.legal_basis, "s": m.get_status_display()}
    )
    if ranked:
        indices = [r.result.index for r in ranked]
        avg = sum(indices) / len(indices)
        doc.add_paragraph(
            _(
                "%(n)s subjects were ranked. The average index is %(avg)s; the highest %(hi)s (%(top)s), "
                "the lowest %(lo)s (%(bottom)s)."
            )
            % {
                "n": len(ranked),
                "avg": format_percent(avg),
                "hi": format_percent(ranked[0].result.index),
                "top": ranked[0].subject.agency.name,
                "lo": format_percent(ranked[-1].result.index),
                "bottom": ranked[-1].subject.agency.name,
            }
        )
    for g in cycle.groups:
        members = [r.subject.agency.name for r in ranked if r.group == g["label"]]
        doc.add_paragraph(
            f"{g['label']} (≥ {format_number(Decimal(g['min']), 2)}%): " + (", ".join(members) or _("none")),
            style="List Bullet",
        )
    doc.add_heading(_("Ranking"), level=2)
    header = display_header()
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in _display_rows(cycle):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    areas, heat_rows = heatmap(cycle)
    if areas and heat_rows:
        doc.add_heading(_("Weakest areas"), level=2)
        for i, a in enumerate(areas):
            values = [cells[i][2] for _r, cells in heat_rows if cells[i][2] is not None]
            if values:
                doc.add_paragraph(
                    f"{a.code}. {a.name}: {format_percent(sum(values) / len(values))}", style="List Bullet"
                )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
