"""Vietnamese name keys for search (docs/martyrs.md, "Search").

The same Python code computes the stored keys and the query keys on every database, so PostgreSQL and
SQLite find the same records. The steps follow the reference's matching pipeline:
  NFC, Ð (U+00D0, Icelandic eth) → Đ, collapsed spaces        → `nfc`   (display and exact matching)
  lower case, all diacritics dropped, đ → d                   → `fold`  (missing or wrong diacritics)
  final y after a consonant or "qu" → i in each syllable       → `key`   (Quý/Quí, Lý/Lí, Vỹ/Vĩ …)
Tone placement (hoà/hòa, thuỷ/thủy) disappears with the diacritics, so it needs no rule of its own.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z/ ]+")
VOWELS = set("aeiouy")


def nfc(text: str) -> str:
    text = unicodedata.normalize("NFC", (text or "").replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))
    return _SPACES.sub(" ", text).strip()


def plain(text: str) -> str:
    """NFC, lower case, bracketed notes dropped: for "exactly as typed, diacritics included"."""
    return _SPACES.sub(" ", _BRACKETS.sub(" ", nfc(text))).strip().lower()


def fold(text: str) -> str:
    """Lower case without diacritics or bracketed notes: "Nguyễn Đức Thuỷ [mẫu]" → "nguyen duc thuy"."""
    text = _BRACKETS.sub(" ", nfc(text)).lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def syllable_key(syllable: str) -> str:
    """quy → qui, ly → li, thy → thi; huy, thuy, tuy keep their y (a vowel before it)."""
    if syllable.endswith("y") and len(syllable) > 1:
        before = syllable[-2]
        if before not in VOWELS or syllable == "quy":
            return syllable[:-1] + "i"
    return syllable


def key_tokens(text: str) -> list[str]:
    return [syllable_key(t) for t in fold(text).split() if t]


def name_key(text: str) -> str:
    return " ".join(key_tokens(text))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one edit away (deletion, transposition, substitution, insertion): a few hundred,
    looked up in the vocabulary set, is far cheaper than measuring the distance to each vocabulary word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return (deletes | transposes | replaces | inserts) - {word}


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions)."""
    if a == b:
        return 0
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
