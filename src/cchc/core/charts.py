"""Server-rendered SVG charts: no JavaScript, no CDN, readable by screen readers.

Each chart carries a <title> and <desc>; pages show the same numbers in a table beside it.
"""

import math
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


CHAR_W = 7.6  # average advance of a 13 px DejaVu Sans character, to size label columns
FONT = 13


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    unit: str = "",
    max_value=None,
    places: int = 2,
    width: int = 560,
    heading: bool = False,
) -> SafeString:
    """A horizontal bar chart; one row per bar, value written at the end of the bar, a scale below.

    The label column is as wide as the longest label needs (up to 45% of the chart), so labels are
    not cut; longer ones end with "…" and keep their full text in a tooltip. `heading` writes the
    title above the bars (for charts shown without a caption)."""
    row_h, gap = 24, 8
    top_pad = 30 if heading else 6
    longest = max((len(b.label) for b in bars), default=0)
    needed = longest * CHAR_W + 14
    label_w = int(min(width * 0.45, needed))
    max_chars = longest if label_w >= int(needed) else int((label_w - 14) / CHAR_W)
    values = [float(b.value) for b in bars if b.value is not None]
    top = float(max_value) if max_value is not None else (max(values) if values else 1.0) or 1.0
    value_w = (len(_fmt(top, places, unit)) + 1) * CHAR_W
    plot_w = width - label_w - value_w - 8
    plot_bottom = top_pad + max(1, len(bars)) * (row_h + gap)
    height = plot_bottom + 26
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        "<desc>" + escape("; ".join(f"{b.label}: {_fmt(b.value, places, unit)}" for b in bars)) + "</desc>",
    ]
    if heading:
        parts.append(
            f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(_shorten(title, 80))}</text>'
        )
    # scale: gridlines at 0, 25, 50, 75, 100% of the top value
    for i in range(5):
        x = label_w + plot_w * i / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top_pad - 2}" x2="{x:.1f}" y2="{plot_bottom}" stroke="#d5dce4"/>'
            f'<text class="tick" x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" font-size="11">'
            f"{escape(_fmt(top * i / 4, 0, unit))}</text>"
        )
    for i, bar in enumerate(bars):
        y = top_pad + i * (row_h + gap)
        w = 0 if bar.value is None else min(1.0, max(0.0, float(bar.value)) / top) * plot_w
        color = bar.color or PALETTE[0]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.7:.1f}" text-anchor="end" font-size="{FONT}">'
            f"<title>{escape(bar.label)}</title>{escape(_shorten(bar.label, max_chars))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{color}" rx="3"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.7:.1f}" font-size="{FONT}" font-weight="bold">'
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
    height: int = 280,
    y_label: str = "",
) -> SafeString:
    """Grouped vertical columns: one group per x label, one colour per series (e.g. years).

    A legend (the series names) above the plot, a y axis with a round scale and gridlines, the group
    labels below; every column has a tooltip with its value."""
    groups = [label for label, _ in series]
    names = [b.label for b in series[0][1]] if series else []
    n_series = max((len(bars) for _, bars in series), default=1)
    values = [float(b.value) for _, bars in series for b in bars if b.value is not None]
    step, n_ticks = _ticks(max(values) if values else 1.0)
    top = step * n_ticks
    left, right, legend_h = 48, 8, 28
    plot_top, base_y = legend_h + 10, height - 30
    plot_h = base_y - plot_top
    group_w = (width - left - right) / max(1, len(groups))
    col_w = max(3.0, group_w * 0.8 / n_series)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        "<desc>"
        + escape(
            "; ".join(f"{g} – {b.label}: {_fmt(b.value, places, unit)}" for g, bars in series for b in bars)
        )
        + "</desc>",
    ]
    # legend
    x = left
    for si, name in enumerate(names):
        color = series[0][1][si].color or PALETTE[si % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="6" width="14" height="14" rx="2" fill="{color}"/>'
            f'<text x="{x + 20}" y="18" font-size="{FONT}">{escape(name)}</text>'
        )
        x += 20 + len(name) * CHAR_W + 18
    # y axis: gridlines at round values
    for i in range(n_ticks + 1):
        y = base_y - plot_h * i / n_ticks
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{_grid(i)}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(_fmt(step * i, 0 if step >= 1 else 1, unit))}</text>"
        )
    if y_label:
        parts.append(
            f'<text class="axis-label" x="12" y="{plot_top + plot_h / 2:.1f}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 12 {plot_top + plot_h / 2:.1f})">{escape(y_label)}</text>'
        )
    label_chars = max(3, int(group_w / 7))
    for gi, (glabel, bars) in enumerate(series):
        gx = left + gi * group_w + group_w * 0.1
        for si, bar in enumerate(bars):
            h = 0 if bar.value is None else max(0.0, float(bar.value)) / top * plot_h
            x = gx + si * col_w
            color = bar.color or PALETTE[si % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{max(1.0, col_w - 2):.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(glabel)} – {escape(bar.label)}: {escape(_fmt(bar.value, places, unit))}</title></rect>"
            )
        parts.append(
            f'<text x="{gx + group_w * 0.4:.1f}" y="{base_y + 18}" text-anchor="middle" font-size="12">'
            f"{escape(_shorten(glabel, label_chars))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _ticks(value: float) -> tuple[float, int]:
    """A round tick step (1, 2 or 5 × 10ⁿ) and how many steps reach value: about four gridlines."""
    if value <= 0:
        return 1.0, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 5, 10) if raw <= s * magnitude)
    return step, max(1, math.ceil(value / step - 1e-9))


def _grid(i: int) -> str:
    return "#8794a3" if i == 0 else "#d5dce4"  # the base line darker than the gridlines


def _fmt(value, places: int, unit: str) -> str:
    if value is None:
        return "—"
    return f"{format_number(value, places)}{unit}"


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
