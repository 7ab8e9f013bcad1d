"""Synthetic martyr records and search queries with a known answer (benchmark and relevance test).

Names follow a realistic skew (Nguyễn about 38 %, Văn as the usual middle name), so common names repeat
many times; a query is a record's name with one perturbation — diacritics missing, one typing error, or
a variant spelling (i/y, old tone placement, Ð for Đ, decomposed Unicode) — plus its year of birth and
home province, as a family would type it ("nguyen van hung 1948 thai binh").
"""

import random
import unicodedata
from dataclasses import dataclass

from .places import FORMER, PROVINCES
from .text import fold

FAMILY = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 30),
    ("Phan", 45),
    ("Vũ", 40),
    ("Võ", 30),
    ("Đặng", 20),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 8),
    ("Trịnh", 6),
    ("Đào", 6),
    ("Mai", 5),
    ("Tạ", 4),
    ("Lương", 4),
    ("Cao", 4),
    ("Quách", 2),
    ("Thái", 2),
    ("Kiều", 2),
    ("Hà", 4),
    ("Lưu", 3),
    ("Tô", 2),
    ("Chu", 2),
]
MIDDLE = [
    ("Văn", 450),
    ("Đức", 50),
    ("Hữu", 50),
    ("Công", 40),
    ("Quang", 35),
    ("Đình", 45),
    ("Xuân", 30),
    ("Minh", 30),
    ("Thanh", 25),
    ("Ngọc", 20),
    ("Bá", 15),
    ("Trọng", 15),
    ("Duy", 10),
    ("Mạnh", 10),
    ("Thế", 15),
    ("Tiến", 10),
    ("Khắc", 10),
    ("Viết", 10),
    ("Đăng", 8),
    ("Kim", 6),
    ("Thị", 30),
    ("Như", 5),
]
GIVEN = (
    "Hùng Hưng Dũng Tuấn Hải Sơn Bình Thắng Lợi Quý Thủy Hòa Kỳ Lý Mỹ Vỹ Nam Bắc Trung Phúc Lộc Thọ Tâm "
    "Đức Minh Long Cường Khánh Toàn Thành Công Chiến Thanh Hạnh Nghĩa Tín Trí Dương Giang Hà Hiển Hiếu "
    "Hoàng Huy Khoa Kiên Lâm Lân Linh Luận Mạnh Nguyên Nhân Ninh Phong Phương Quang Quân Sang Sinh Tài "
    "Tân Thái Thảo Thiện Thịnh Thông Tiến Toản Tú Tùng Việt Vinh Vũ Xuân Yên Định Điệp Đông Hậu Hòe "
    "Khôi Liêm Lực Mão Ngọ Tý Sửu Dần Thìn Mùi Thân Dậu Tuất Hợi Quế Thuận Khiêm Kính Lập Châu Chương "
    "Cẩn Đạt Độ Hào Hội Khải Lạc Lượng Miên Năng Nhượng Oanh Phấn Quyết Sáu Tám Tư Bảy Chín Mười Cảnh "
    "Thủy Thụy Túy Khuê Quỳnh Hoa Lan Huệ Cúc Đào Mai Loan Nga Nhung Thoa Xuyến Yến Hồng Vân Tuyết"
).split()
VARIANTS = {  # spelling variants found in real records (reference §4.1)
    "Quý": "Quí",
    "Kỳ": "Kì",
    "Lý": "Lí",
    "Mỹ": "Mĩ",
    "Vỹ": "Vĩ",
    "Hòa": "Hoà",
    "Thủy": "Thuỷ",
    "Thụy": "Thuỵ",
    "Túy": "Tuý",
    "Hòe": "Hoè",
    "Quỳnh": "Quỳnh",
}
PROVINCE_NAMES = {code: name for code, name, _lat, _lon in PROVINCES}
FORMER_BY_CODE: dict[str, list[str]] = {}
for _name, _codes, _first, _last in FORMER:
    if "(" not in _name:
        for _c in _codes:
            FORMER_BY_CODE.setdefault(_c, []).append(_name)
FORMER_CODES = {name: " ".join(sorted(codes)) for name, codes, _f, _l in FORMER}
CODES = [code for code, *_rest in PROVINCES]


def _weighted(pairs):
    names, weights = zip(*pairs, strict=True)
    return list(names), list(weights)


@dataclass
class Record:
    full_name: str
    birth_year: int
    province_code: str
    native_place: str
    aliases: str = ""


def records(n: int, seed: int = 1948):
    """Yield n synthetic records (deterministic for a seed)."""
    rng = random.Random(seed)
    fam, fam_w = _weighted(FAMILY)
    mid, mid_w = _weighted(MIDDLE)
    for _i in range(n):
        parts = [rng.choices(fam, fam_w)[0], rng.choices(mid, mid_w)[0]]
        if rng.random() < 0.2:
            parts.append(rng.choices(mid, mid_w)[0])
        parts.append(rng.choice(GIVEN))
        year = int(min(1985, max(1900, rng.gauss(1947, 9))))
        code = rng.choice(CODES)
        province = PROVINCE_NAMES[code]
        codes = code
        if code in FORMER_BY_CODE and rng.random() < 0.25:
            province = rng.choice(FORMER_BY_CODE[code])
            codes = FORMER_CODES[province]  # as the import resolves it: every successor
        alias = ""
        if rng.random() < 0.03:
            alias = f"{parts[0]} {rng.choice(GIVEN)}"
        yield Record(
            " ".join(parts), year, codes, f"Huyện {rng.choice(GIVEN)} {rng.randint(1, 9)}, {province}", alias
        )


def _typo(word: str, rng) -> str:
    letters = "abcdeghiklmnopqrstuvxy"
    i = rng.randrange(len(word))
    kind = rng.choice(["substitute", "delete", "transpose", "insert"])
    if kind == "delete" and len(word) > 3:
        return word[:i] + word[i + 1 :]
    if kind == "transpose" and i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + rng.choice([c for c in letters if c != fold(word[i])]) + word[i + 1 :]


def perturb(name: str, kind: str, rng) -> str:
    words = name.split()
    if kind == "diacritics":  # typed without diacritics, entirely or in one word
        if rng.random() < 0.5:
            return fold(name)
        i = rng.randrange(len(words))
        words[i] = fold(words[i]).capitalize()
        return " ".join(words)
    if kind == "typo":
        long = [i for i, w in enumerate(words) if len(w) >= 3] or [len(words) - 1]
        i = rng.choice(long)
        words[i] = _typo(words[i], rng)
        return " ".join(words)
    # a variant spelling
    for i, w in enumerate(words):
        if w in VARIANTS and VARIANTS[w] != w:
            words[i] = VARIANTS[w]
            return " ".join(words)
    if "Đ" in name:
        return name.replace("Đ", "\u00d0", 1)  # the look-alike Icelandic eth
    return unicodedata.normalize("NFD", name)  # decomposed Unicode (tổ hợp)


def query_for(record: Record, kind: str, rng) -> str:
    province = record.native_place.rsplit(", ", 1)[-1]
    if kind == "diacritics":
        province = fold(province)
    return f"{perturb(record.full_name, kind, rng)} {record.birth_year} {province}"


KINDS = ("diacritics", "typo", "variant")
