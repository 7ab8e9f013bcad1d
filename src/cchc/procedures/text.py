"""Diacritic-insensitive search text, computed in Python so SQLite and PostgreSQL behave alike.

"Thủ tục Đăng ký" → "thu tuc dang ky". The normalised form is stored in an indexed column and the
query is normalised the same way, so no database extension (unaccent) is needed.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str) -> list[str]:
    """The normalised words of a query; every word must occur in the search column."""
    return [w for w in normalise(query).split(" ") if w]
