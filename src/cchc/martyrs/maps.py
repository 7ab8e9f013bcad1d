"""The cemetery location map: an SVG drawn on the server from bundled coordinates, no tiles, no CDN.

Offline there are no map tiles to show, so the map is a schematic of Việt Nam: every province capital
(places.PROVINCES, the 63 provinces before 1/7/2025) as a dot, which traces the country's S shape, the
Hoàng Sa and Trường Sa archipelagos, a latitude/longitude grid, and the cemetery as a marked point.
An equirectangular projection is accurate enough at this scale (docs/martyrs.md, "Maps").
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .places import PROVINCES

LAT_MIN, LAT_MAX = 8.2, 23.6
LON_MIN, LON_MAX = 102.0, 117.0
SCALE = 36  # pixels per degree
WIDTH = int((LON_MAX - LON_MIN) * SCALE)
HEIGHT = int((LAT_MAX - LAT_MIN) * SCALE)
ARCHIPELAGOS = [("Hoàng Sa", 16.5, 112.0), ("Trường Sa", 10.0, 114.3)]
LABELLED = {"01", "31", "46", "48", "79", "92", "40", "68"}


@dataclass(frozen=True)
class Point:
    x: float
    y: float


def project(lat: float, lon: float) -> Point:
    return Point(round((lon - LON_MIN) * SCALE, 1), round((LAT_MAX - lat) * SCALE, 1))


def location_svg(title: str, lat, lon, description: str) -> str:
    parts = [
        f'<svg class="chart martyrs-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#eaf3fb"/>',
    ]
    for lat_line in range(9, 24, 2):
        y = project(lat_line, LON_MIN).y
        parts.append(f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#c9d9ea" stroke-width="0.6"/>')
        parts.append(f'<text x="4" y="{y - 2}" font-size="9" fill="#6b7a8c">{lat_line}°N</text>')
    for lon_line in range(103, 117, 2):
        x = project(LAT_MIN, lon_line).x
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{HEIGHT}" stroke="#c9d9ea" stroke-width="0.6"/>')
        parts.append(f'<text x="{x + 2}" y="{HEIGHT - 4}" font-size="9" fill="#6b7a8c">{lon_line}°E</text>')
    for code, name, plat, plon in PROVINCES:
        p = project(plat, plon)
        parts.append(
            f'<circle cx="{p.x}" cy="{p.y}" r="3.2" fill="#7d8fa6"><title>{escape(name)}</title></circle>'
        )
        if code in LABELLED:
            parts.append(
                f'<text x="{p.x + 5}" y="{p.y + 3}" font-size="10" fill="#34495e">{escape(name)}</text>'
            )
    for name, alat, alon in ARCHIPELAGOS:
        p = project(alat, alon)
        parts.append(f'<circle cx="{p.x}" cy="{p.y}" r="2.5" fill="#7d8fa6"/>')
        parts.append(f'<text x="{p.x + 5}" y="{p.y + 3}" font-size="10" fill="#34495e">{escape(name)}</text>')
    if lat is not None and lon is not None:
        p = project(float(lat), float(lon))
        parts.append(f'<circle cx="{p.x}" cy="{p.y}" r="9" fill="none" stroke="#c62828" stroke-width="2.5"/>')
        parts.append(f'<circle cx="{p.x}" cy="{p.y}" r="4" fill="#c62828"/>')
        parts.append(
            f'<text x="{p.x + 12}" y="{p.y - 8}" font-size="12" font-weight="bold" fill="#c62828">{escape(title)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
