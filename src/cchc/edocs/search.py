"""Register search by words (docs/edocs.md, "Register search").

Each document stores `search_text`: the words of its number, symbol, subject, sender and identifiers,
lower case and without diacritics, split at every character that is not a letter or digit
("12/QĐ-BLĐTBXH" → "12 qd bldtbxh", "000.00.01.G99" → "000 00 01 g99"). Python computes it for the
stored text and for the query alike, as the procedures catalog does (cchc.procedures.text), so
"cai cach" finds "cải cách" on every database and no extension (unaccent) is needed.

A search is the AND of the typed words, each matched as a whole word. A typed word that splits into
several tokens (a symbol, a code) must match them side by side, and when it is the last one its last
token matches as a prefix, so a symbol or code being typed is found ("12/Q" finds "12/QĐ-…",
"000.00.01.H" finds "000.00.01.H26"). A plain last word is not a prefix: Vietnamese is typed in whole
syllables, "nghi" would also bring nghiệp, nghĩa, nghiên…, and a prefix of a frequent syllable costs the
GIN index a scan of every matching word (the count of "dịch hiện" took 51 ms with the prefix, 17 ms
without, over 1.000.000 documents).

PostgreSQL matches a tsquery against search_vector, a stored to_tsvector('simple', search_text) with a
GIN index (migration 0004): trigrams of Vietnamese syllables are so frequent that they select most of
a large register. SQLite (the embedded default, not meant for millions of rows) runs the same match
with LIKE on the space-padded text.
"""

import re
import unicodedata

from django.db import connections
from django.db.models import BooleanField, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

_TOKEN = re.compile(r"[^\W_]+")
MAX_WORDS = 12  # a pasted paragraph is not a search; its first words are enough


def tokens(text: str) -> list[str]:
    """'Quyết định 12/QĐ-BLĐTBXH' → ['quyet', 'dinh', '12', 'qd', 'bldtbxh']."""
    text = (text or "").replace("\u00d0", "D").replace("\u00f0", "d").replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _TOKEN.findall(text.lower())


def search_text(*parts) -> str:
    return " ".join(tokens(" ".join(str(p) for p in parts if p)))


def incoming_words(d) -> str:
    """An incoming document's search_text (the model's save() and migration 0004)."""
    # a paper document's identifier is internal (paper:<uuid>): nobody types it
    document_id = "" if (d.document_id or "").startswith("paper:") else d.document_id
    return search_text(d.code_number, d.notation, d.subject, d.sender_name, d.sender_code, document_id)


def outgoing_words(d) -> str:
    """An outgoing document's search_text: its number as printed (05), symbol, subject, identifier."""
    number = f"{d.number:02d}" if d.number is not None else ""
    return search_text(number, d.notation, d.subject, d.document_id)


def query_words(q: str) -> list[list[str]]:
    """The typed words, each as its tokens: 'cải cách 12/QĐ' → [['cai'], ['cach'], ['12', 'qd']]."""
    words = [tokens(w) for w in (q or "").split()]
    return [w for w in words if w][:MAX_WORDS]


def _prefix(words: list[list[str]]) -> bool:
    """Whether the last token is matched as a prefix: when the last typed word is a symbol or code."""
    return len(words[-1]) > 1


def _tsquery(words: list[list[str]]) -> str:
    """to_tsquery text: phrases (<->) of quoted tokens joined by &, a symbol's last token a prefix (:*)."""
    quoted = [[f"'{t}'" for t in w] for w in words]  # tokens are letters and digits only
    if _prefix(words):
        quoted[-1][-1] += ":*"
    return " & ".join("(" + " <-> ".join(w) + ")" for w in quoted)


def filter_words(qs, q: str):
    """Rows of `qs` matching every word of `q` (see the module's docstring); `qs` unchanged if none."""
    words = query_words(q)
    if not words:
        return qs
    if connections[qs.db].vendor == "postgresql":
        table = qs.model._meta.db_table
        match = RawSQL(
            f'"{table}"."search_vector" @@ to_tsquery(\'simple\', %s)',
            [_tsquery(words)],
            output_field=BooleanField(),
        )
        return qs.filter(match)
    qs = qs.alias(_padded=Concat(Value(" "), "search_text", Value(" "), output_field=TextField()))
    cond = Q()
    for i, w in enumerate(words):
        prefix = i == len(words) - 1 and _prefix(words)
        cond &= Q(_padded__contains=" " + " ".join(w) + ("" if prefix else " "))
    return qs.filter(cond)
