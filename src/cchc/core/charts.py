"""Server-rendered SVG charts: no JavaScript, no CDN, readable by screen readers.

Each chart carries a <title> and <desc>; pages show the same numbers in a table beside it.
"""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .formatting import format_number

PALETTE = ["#1d4f91", "#c8102e", "#2a7d4f", "#b36b00", "#6a3d9a", "#0f7c8c", "#7a5c00", "#555555"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | int | None
    color: str = ""


def bar_chart(
    bars: list[Bar], *, title: str, unit: str = "", max_value=None, places: int = 2, width: int = 640
) -> SafeString:
    """A horizontal bar chart; one row per bar, value written at the end of the bar."""
    row_h, label_w, gap = 26, 220, 6
    height = max(1, len(bars)) * (row_h + gap) + 10
    values = [float(b.value) for b in bars if b.value is not None]
    top = float(max_value) if max_value is not None else (max(values) if values else 1.0) or 1.0
    plot_w = width - label_w - 90
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        "<desc>" + escape("; ".join(f"{b.label}: {_fmt(b.value, places, unit)}" for b in bars)) + "</desc>",
    ]
    for i, bar in enumerate(bars):
        y = 5 + i * (row_h + gap)
        w = 0 if bar.value is None else max(0.0, float(bar.value)) / top * plot_w
        color = bar.color or PALETTE[0]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.68:.1f}" text-anchor="end" font-size="13">'
            f"{escape(_shorten(bar.label, 34))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{color}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.68:.1f}" font-size="13">'
            f"{escape(_fmt(bar.value, places, unit))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(
    series: list[tuple[str, list[Bar]]],
    *,
    title: str,
    unit: str = "",
    places: int = 2,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Grouped vertical columns: one group per x label, one colour per series (e.g. years)."""
    groups = [label for label, _ in series]
    n_series = max((len(bars) for _, bars in series), default=1)
    values = [float(b.value) for _, bars in series for b in bars if b.value is not None]
    top = max(values) if values else 1.0
    top = top or 1.0
    plot_h, base_y, left = height - 60, height - 40, 10
    group_w = (width - left * 2) / max(1, len(groups))
    col_w = max(4.0, group_w * 0.8 / n_series)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        "<desc>"
        + escape(
            "; ".join(f"{g} – {b.label}: {_fmt(b.value, places, unit)}" for g, bars in series for b in bars)
        )
        + "</desc>",
        f'<line x1="{left}" y1="{base_y}" x2="{width - left}" y2="{base_y}" stroke="#888"/>',
    ]
    for gi, (glabel, bars) in enumerate(series):
        gx = left + gi * group_w + group_w * 0.1
        for si, bar in enumerate(bars):
            h = 0 if bar.value is None else max(0.0, float(bar.value)) / top * plot_h
            x = gx + si * col_w
            color = bar.color or PALETTE[si % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{col_w - 2:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(glabel)} – {escape(bar.label)}: {escape(_fmt(bar.value, places, unit))}</title></rect>"
            )
        parts.append(
            f'<text x="{gx + group_w * 0.4:.1f}" y="{base_y + 16}" text-anchor="middle" font-size="12">'
            f"{escape(_shorten(glabel, 14))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _fmt(value, places: int, unit: str) -> str:
    if value is None:
        return "—"
    return f"{format_number(value, places)}{unit}"


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
