"""The historical gazetteer of provinces: every name a province-level unit had, and its merges.

Shipped as data (PROVINCES, FORMER, MERGED_2025 below) and loaded after every migrate. A place
name resolves to the GSO codes it ever named; `lineage` adds what those units merged into or absorbed,
so "Thái Bình" (merged into Hưng Yên on 1/7/2025) and "Hà Nam Ninh" (1975–1991) find today's province.
Dates and the codes kept by merged provinces are marked in docs/martyrs.md (what to verify).
Communes come from org's effective-dated AdministrativeArea rows (code and name per period).
"""

from datetime import date, timedelta
from functools import lru_cache

from django.db import transaction

from .text import name_key

REFORM_2025 = date(2025, 7, 1)
LAST_DAY_BEFORE_2025 = date(2025, 6, 30)

# GSO code, name (before 1/7/2025), capital's latitude and longitude (for the location map).
PROVINCES = [
    ("01", "Hà Nội", 21.03, 105.85),
    ("02", "Hà Giang", 22.82, 104.98),
    ("04", "Cao Bằng", 22.67, 106.26),
    ("06", "Bắc Kạn", 22.15, 105.83),
    ("08", "Tuyên Quang", 21.82, 105.21),
    ("10", "Lào Cai", 22.48, 103.97),
    ("11", "Điện Biên", 21.39, 103.02),
    ("12", "Lai Châu", 22.40, 103.46),
    ("14", "Sơn La", 21.33, 103.91),
    ("15", "Yên Bái", 21.72, 104.91),
    ("17", "Hòa Bình", 20.82, 105.34),
    ("19", "Thái Nguyên", 21.59, 105.85),
    ("20", "Lạng Sơn", 21.85, 106.76),
    ("22", "Quảng Ninh", 20.95, 107.08),
    ("24", "Bắc Giang", 21.27, 106.19),
    ("25", "Phú Thọ", 21.32, 105.40),
    ("26", "Vĩnh Phúc", 21.31, 105.60),
    ("27", "Bắc Ninh", 21.19, 106.07),
    ("30", "Hải Dương", 20.94, 106.33),
    ("31", "Hải Phòng", 20.86, 106.68),
    ("33", "Hưng Yên", 20.65, 106.05),
    ("34", "Thái Bình", 20.45, 106.34),
    ("35", "Hà Nam", 20.54, 105.91),
    ("36", "Nam Định", 20.42, 106.17),
    ("37", "Ninh Bình", 20.25, 105.97),
    ("38", "Thanh Hóa", 19.81, 105.78),
    ("40", "Nghệ An", 18.68, 105.68),
    ("42", "Hà Tĩnh", 18.34, 105.91),
    ("44", "Quảng Bình", 17.47, 106.62),
    ("45", "Quảng Trị", 16.82, 107.10),
    ("46", "Thừa Thiên Huế", 16.46, 107.59),
    ("48", "Đà Nẵng", 16.05, 108.20),
    ("49", "Quảng Nam", 15.57, 108.47),
    ("51", "Quảng Ngãi", 15.12, 108.80),
    ("52", "Bình Định", 13.78, 109.22),
    ("54", "Phú Yên", 13.09, 109.30),
    ("56", "Khánh Hòa", 12.24, 109.19),
    ("58", "Ninh Thuận", 11.56, 108.99),
    ("60", "Bình Thuận", 10.93, 108.10),
    ("62", "Kon Tum", 14.35, 108.00),
    ("64", "Gia Lai", 13.98, 108.00),
    ("66", "Đắk Lắk", 12.67, 108.04),
    ("67", "Đắk Nông", 12.00, 107.69),
    ("68", "Lâm Đồng", 11.94, 108.44),
    ("70", "Bình Phước", 11.53, 106.89),
    ("72", "Tây Ninh", 11.31, 106.10),
    ("74", "Bình Dương", 10.98, 106.65),
    ("75", "Đồng Nai", 10.95, 106.82),
    ("77", "Bà Rịa - Vũng Tàu", 10.50, 107.17),
    ("79", "Thành phố Hồ Chí Minh", 10.78, 106.70),
    ("80", "Long An", 10.54, 106.41),
    ("82", "Tiền Giang", 10.36, 106.36),
    ("83", "Bến Tre", 10.24, 106.38),
    ("84", "Trà Vinh", 9.93, 106.34),
    ("86", "Vĩnh Long", 10.25, 105.97),
    ("87", "Đồng Tháp", 10.46, 105.63),
    ("89", "An Giang", 10.39, 105.44),
    ("91", "Kiên Giang", 10.01, 105.08),
    ("92", "Cần Thơ", 10.03, 105.78),
    ("93", "Hậu Giang", 9.78, 105.47),
    ("94", "Sóc Trăng", 9.60, 105.97),
    ("95", "Bạc Liêu", 9.29, 105.72),
    ("96", "Cà Mau", 9.18, 105.15),
]
# The provinces merged on 1/7/2025 (Nghị quyết 202/2025/QH15): old code → the code of the province whose
# name the merged unit kept.
MERGED_2025 = {
    "02": "08",
    "15": "10",
    "06": "19",
    "26": "25",
    "17": "25",
    "24": "27",
    "34": "33",
    "30": "31",
    "35": "37",
    "36": "37",
    "44": "45",
    "49": "48",
    "62": "51",
    "52": "64",
    "58": "56",
    "67": "68",
    "60": "68",
    "54": "66",
    "77": "79",
    "74": "79",
    "70": "75",
    "80": "72",
    "94": "92",
    "93": "92",
    "83": "86",
    "84": "86",
    "82": "87",
    "95": "96",
    "91": "89",
}
DECISION_2025 = "Nghị quyết 202/2025/QH15 (sắp xếp đơn vị hành chính cấp tỉnh)"
RENAMED_2025 = {"46": ("Thành phố Huế", date(2025, 1, 1), "Nghị quyết 1314/NQ-UBTVQH15")}
# Former names (merged or split provinces, pre-1976 names): name, successor codes, first and last day.
FORMER = [
    ("Hà Tây", ["01"], date(1991, 8, 12), date(2008, 7, 31)),
    ("Hà Đông", ["01"], None, date(1965, 3, 31)),
    ("Sơn Tây", ["01"], None, date(1965, 3, 31)),
    ("Hà Sơn Bình", ["01", "17"], date(1976, 1, 1), date(1991, 8, 11)),
    ("Hà Nam Ninh", ["35", "36", "37"], date(1975, 12, 27), date(1991, 12, 31)),
    ("Nam Hà", ["35", "36"], date(1965, 4, 1), date(1996, 12, 31)),
    ("Nghệ Tĩnh", ["40", "42"], date(1976, 2, 1), date(1991, 8, 31)),
    ("Bình Trị Thiên", ["44", "45", "46"], date(1976, 2, 1), date(1989, 6, 30)),
    ("Hải Hưng", ["30", "33"], date(1968, 3, 1), date(1996, 12, 31)),
    ("Vĩnh Phú", ["25", "26"], date(1968, 3, 1), date(1996, 12, 31)),
    ("Bắc Thái", ["06", "19"], date(1965, 7, 1), date(1996, 12, 31)),
    ("Hà Bắc", ["24", "27"], date(1963, 4, 1), date(1996, 12, 31)),
    ("Hoàng Liên Sơn", ["10", "15"], date(1976, 1, 1), date(1991, 9, 30)),
    ("Hà Tuyên", ["02", "08"], date(1976, 1, 1), date(1991, 9, 30)),
    ("Cao Lạng", ["04", "20"], date(1976, 1, 1), date(1978, 12, 28)),
    ("Kiến An", ["31"], None, date(1962, 12, 31)),
    ("Hồng Quảng", ["22"], None, date(1963, 10, 29)),
    ("Hải Ninh", ["22"], None, date(1963, 10, 29)),
    ("Quảng Nam - Đà Nẵng", ["48", "49"], date(1975, 10, 1), date(1996, 12, 31)),
    ("Nghĩa Bình", ["51", "52"], date(1976, 1, 1), date(1989, 6, 30)),
    ("Phú Khánh", ["54", "56"], date(1976, 1, 1), date(1989, 6, 30)),
    ("Thuận Hải", ["58", "60"], date(1976, 1, 1), date(1992, 3, 31)),
    ("Gia Lai - Kon Tum", ["62", "64"], date(1975, 9, 1), date(1991, 8, 11)),
    ("Sông Bé", ["70", "74"], date(1976, 1, 1), date(1996, 12, 31)),
    ("Minh Hải", ["95", "96"], date(1976, 1, 1), date(1996, 12, 31)),
    ("Cửu Long", ["84", "86"], date(1976, 1, 1), date(1992, 4, 30)),
    ("Hậu Giang (1976)", ["92", "94"], date(1976, 1, 1), date(1991, 12, 31)),
    ("Gia Định", ["79"], None, date(1976, 1, 1)),
    ("Sài Gòn", ["79"], None, date(1976, 7, 2)),
    ("Thừa Thiên", ["46"], None, date(1976, 2, 1)),
    ("Quảng Đức", ["67"], None, date(1976, 1, 1)),
    ("Tuyên Đức", ["68"], None, date(1976, 1, 1)),
    ("Mỹ Tho", ["82"], None, date(1976, 1, 1)),
    ("Kiến Phong", ["87"], None, date(1976, 1, 1)),
    ("Châu Đốc", ["89"], None, date(1976, 1, 1)),
    ("Rạch Giá", ["91"], None, date(1976, 1, 1)),
    ("Ba Xuyên", ["94"], None, date(1976, 1, 1)),
]
PREFIXES = ("thanh pho ", "tinh ", "tp ", "tp. ", "xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa ")
COORDS = {code: (lat, lon) for code, _n, lat, lon in PROVINCES}


def place_key(text: str) -> str:
    """The key of a place name without its unit word: "Tỉnh Thái Bình" → "thai binh"."""
    key = name_key(text.split("(")[0])
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@transaction.atomic
def load_shipped() -> None:
    """Idempotent: the shipped rows are created or brought up to date."""
    from .models import PlaceName

    def put(code, name, valid_from, valid_to, merged_into="", decision=""):
        PlaceName.objects.update_or_create(
            code=code,
            name=name,
            defaults=dict(
                valid_from=valid_from, valid_to=valid_to, merged_into=merged_into, decision=decision
            ),
        )

    for code, name, _lat, _lon in PROVINCES:
        merged = MERGED_2025.get(code, "")
        renamed = RENAMED_2025.get(code)
        if merged:
            put(code, name, None, LAST_DAY_BEFORE_2025, merged, DECISION_2025)
        elif renamed:
            new_name, from_day, decision = renamed
            put(code, name, None, from_day - timedelta(days=1))
            put(code, new_name, from_day, None, decision=decision)
        else:
            put(code, name, None, None)
    for name, codes, first, last in FORMER:
        for code in codes:
            put(code, name, first, last)
    place_index.cache_clear()


@lru_cache(maxsize=1)
def place_index() -> dict:
    """{"keys": {place key: {codes}}, "merged_into": {code: code}, "names": {code: [(name, from, to)]}}."""
    from .models import PlaceName

    keys, merged_into, names = {}, {}, {}
    for row in PlaceName.objects.order_by("valid_from", "id"):
        keys.setdefault(place_key(row.name), set()).add(row.code)
        if row.merged_into:
            merged_into[row.code] = row.merged_into
        names.setdefault(row.code, []).append((row.name, row.valid_from, row.valid_to))
    return {"keys": keys, "merged_into": merged_into, "names": names}


def stored_values(codes: set[str]) -> set[str]:
    """Every home-province value a record can hold (one code, or the codes of a former province now
    split) that shares a code with `codes`: for filtering the search table with an index."""
    values = {" ".join(sorted(v)) for v in place_index()["keys"].values()} | {
        c for v in place_index()["keys"].values() for c in v
    }
    return {v for v in values if set(v.split()) & codes}


def codes_for(text: str) -> set[str]:
    return set(place_index()["keys"].get(place_key(text), set()))


def lineage(codes: set[str]) -> set[str]:
    """The codes plus every unit they merged into, and every unit merged into those."""
    merged_into = place_index()["merged_into"]
    out = set(codes)
    changed = True
    while changed:
        changed = False
        for old, new in merged_into.items():
            if (old in out) != (new in out):
                out |= {old, new}
                changed = True
    return out


def current_code(code: str) -> str:
    merged_into = place_index()["merged_into"]
    seen = set()
    while code in merged_into and code not in seen:
        seen.add(code)
        code = merged_into[code]
    return code


def name_on(code: str, day: date | None = None) -> str:
    """The unit's name on `day` (today by default)."""
    day = day or date.today()
    rows = place_index()["names"].get(code, [])
    for name, first, last in rows:
        if "(" in name:
            continue
        if (first is None or first <= day) and (last is None or last >= day):
            return name
    own = [name for name, first, last in rows if first is None and "(" not in name]
    return own[0] if own else code


def province_label(code: str) -> str:
    """ "Thái Bình (nay thuộc Hưng Yên)" for a merged province; the name alone otherwise."""
    if not code:
        return ""
    before = name_on(code, LAST_DAY_BEFORE_2025)
    now = current_code(code)
    if now != code:
        from django.utils.translation import gettext as _

        return _("%(old)s (now part of %(new)s)") % {"old": before, "new": name_on(now)}
    return name_on(code)


def resolve(text: str) -> tuple[str, str]:
    """(province codes, commune code) of a home town as written: "xã Vũ Hội, Vũ Thư, Thái Bình".
    The province is the last part naming a province (a former province now split gives its successors'
    codes, separated by spaces); the commune is the first part naming one commune
    of that province in org's administrative areas (any period)."""
    parts = [p.strip() for p in text.replace(";", ",").replace("-", ",").split(",") if p.strip()]
    codes: set[str] = set()
    for part in reversed(parts):
        codes = codes_for(part)
        if codes:
            break
    commune = ""
    if codes and len(parts) > 1:
        commune = _commune_code(place_key(parts[0]), lineage(codes))
    return " ".join(sorted(codes)), commune


def _commune_code(key: str, provinces: set[str]) -> str:
    from cchc.org.models import AdministrativeArea

    rows = AdministrativeArea.objects.filter(level=AdministrativeArea.Level.COMMUNE).select_related(
        "parent", "parent__parent"
    )
    for area in rows:
        if place_key(area.name) != key:
            continue
        top = area.parent
        while top is not None and top.level != AdministrativeArea.Level.PROVINCE:
            top = top.parent
        if top is None or top.code in provinces or not provinces:
            return area.code
    return ""
