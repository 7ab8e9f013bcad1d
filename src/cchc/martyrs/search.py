"""The search service: one algorithm, two database backends (docs/martyrs.md, "Search").

1. Parse the query: years and partial dates ("1948", "12/1968"), a province name at the end (any
   period's name, "thai binh", "ha nam ninh"), and the martyr's name (the rest).
2. Correct each name word against the vocabulary of name syllables (NameToken): the word itself, its
   i/y variant (in the key already) and every vocabulary word one edit away (typing errors).
3. Look up whole-name keys level by level — exact words, then one corrected word, then two — in the
   SearchName table (a B-tree on name key and birth year), until enough strong candidates are found;
   then by family and given name (a middle name missing or added); on PostgreSQL last by trigram
   similarity of the whole key (pg_trgm GIN index), on SQLite by given name alone.
4. Rank every candidate with the same scoring in Python and say why it matched.
"""

import itertools
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from . import places
from .models import Martyr, NameToken, SearchName
from .text import distance, edits1, fold, key_tokens, name_key, nfc, plain

YEAR = re.compile(r"^(?:(\d{1,2})/)?(?:(\d{1,2})/)?(\d{4})$")
YEAR_WINDOW = 3
FETCH_LIMIT = 1000
COLUMNS = ("martyr_id", "name_key", "is_alias", "birth_year", "province_code")
MAX_KEYS_PER_LEVEL = 300
FUZZY_TIMEOUT_MS = 250
MAX_NAME_WORDS = 6  # Vietnamese names have 2–5 words; longer input is cut, not multiplied


@dataclass
class Query:
    text: str = ""
    name_tokens: list[str] = field(default_factory=list)
    name_nfc: str = ""
    years: list[int] = field(default_factory=list)
    death_month: int | None = None
    place_text: str = ""
    place_codes: set[str] = field(default_factory=set)

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None


@dataclass
class Hit:
    martyr: Martyr
    score: int
    reasons: list[str]


def parse(text: str = "", *, name: str = "", year: str | int | None = None, place: str = "") -> Query:
    """A free-text query, or the fields of the detailed form (which win over the free text)."""
    q = Query(text=nfc(text or name))
    raw = nfc(text).split()
    words = fold(text).split()
    name_words, raw_name = [], []
    for word, original in zip(words, raw if len(raw) == len(words) else words, strict=False):
        m = YEAR.match(word)
        if m and 1850 <= int(m.group(3)) <= 2100:
            q.years.append(int(m.group(3)))
            if m.group(1) and not m.group(2):
                q.death_month = int(m.group(1))
            elif m.group(2):
                q.death_month = int(m.group(2))
            continue
        if word.isdigit():
            continue
        name_words.append(word)
        raw_name.append(original)
    # A province name ends the query; the first two words are always the name ("Nguyễn Thái Bình").
    if not place:
        for n in (4, 3, 2, 1):
            if len(name_words) - n < 2:
                continue
            tail = " ".join(name_words[-n:])
            codes = places.codes_for(tail)
            if codes:
                q.place_text, q.place_codes = " ".join(raw_name[-n:]), codes
                name_words, raw_name = name_words[:-n], raw_name[:-n]
                break
    else:
        q.place_text, q.place_codes = place, places.codes_for(place)
    if name:
        name_words, raw_name = fold(name).split(), nfc(name).split()
    q.name_tokens = key_tokens(" ".join(name_words))[:MAX_NAME_WORDS]
    q.name_nfc = " ".join(raw_name).lower()
    if year not in (None, ""):
        try:
            q.years = [int(year)] + [y for y in q.years if y != int(year)]
        except (TypeError, ValueError):
            pass
    return q


# --- the vocabulary of name syllables -----------------------------------------------------------------
VOCAB_VERSION_KEY = "martyrs:vocab-version"
_vocab: tuple[int, frozenset] | None = None


def vocabulary() -> frozenset:
    """Every name syllable key, held in memory; reread when an import bumps the version."""
    global _vocab
    version = cache.get(VOCAB_VERSION_KEY, 0)
    if _vocab is None or _vocab[0] != version:
        _vocab = (version, frozenset(NameToken.objects.values_list("token", flat=True)))
    return _vocab[1]


def vocabulary_add(tokens) -> None:
    known = vocabulary()
    new = sorted(set(tokens) - known)
    if new:
        NameToken.objects.bulk_create([NameToken(token=t) for t in new], ignore_conflicts=True)
        vocabulary_changed()


def vocabulary_changed() -> None:
    global _vocab
    _vocab = None
    try:
        cache.incr(VOCAB_VERSION_KEY)
    except ValueError:
        cache.set(VOCAB_VERSION_KEY, 1, None)


def corrections(token: str) -> list[tuple[str, int]]:
    """(vocabulary word, edits) for a query word: itself, and words one edit away. Words of one or
    two letters are taken as typed (one edit would reach half the vocabulary)."""
    vocab = vocabulary()
    out = [(token, 0)] if token in vocab or len(token) < 3 else []
    if len(token) >= 3:
        out += [(w, 1) for w in sorted(edits1(token) & vocab)]
    return out or [(token, 0)]


# --- backends -----------------------------------------------------------------------------------------
class _Backend:
    def by_keys(self, keys, years, provinces=None):
        qs = SearchName.objects.filter(name_key__in=keys)
        if provinces is not None:
            qs = qs.filter(province_code__in=sorted(provinces))
        if years:
            qs = qs.filter(birth_year__gte=min(years) - YEAR_WINDOW, birth_year__lte=max(years) + YEAR_WINDOW)
        return list(qs.values_list(*COLUMNS)[:FETCH_LIMIT])

    def by_family_given(self, families, givens, years, provinces=None):
        qs = SearchName.objects.filter(given_key__in=givens, family_key__in=families)
        if provinces is not None:
            qs = qs.filter(province_code__in=sorted(provinces))
        if years:
            qs = qs.filter(birth_year__gte=min(years) - YEAR_WINDOW, birth_year__lte=max(years) + YEAR_WINDOW)
        return list(qs.values_list(*COLUMNS)[:FETCH_LIMIT])

    def fuzzy(self, key, givens, years):
        raise NotImplementedError


class SQLiteBackend(_Backend):
    """Embedded default: the B-tree indexes of SearchName; the last resort is the given name alone."""

    def fuzzy(self, key, givens, years):
        if not years:
            return []
        qs = SearchName.objects.filter(
            given_key__in=givens, birth_year__gte=min(years) - 1, birth_year__lte=max(years) + 1
        )
        return list(qs.values_list(*COLUMNS)[:FETCH_LIMIT])


class PostgresBackend(_Backend):
    """PostgreSQL: the same B-tree lookups; the last resort is pg_trgm similarity on the whole key
    (GIN index martyrs_sn_key_trgm, migration 0002), narrowed by the birth year when one is given."""

    def fuzzy(self, key, givens, years):
        table = SearchName._meta.db_table
        sql = f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE name_key %% %s"
        params = [key]
        if years:
            sql += " AND birth_year BETWEEN %s AND %s"
            params += [min(years) - 1, max(years) + 1]
        sql += " ORDER BY similarity(name_key, %s) DESC LIMIT 200"
        params.append(key)
        # A rare last resort over common trigrams can take seconds at national scale: bounded, it
        # returns nothing rather than keeping the family waiting.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.45")
                cursor.execute(f"SET LOCAL statement_timeout = {FUZZY_TIMEOUT_MS}")
                cursor.execute(sql, params)
                return cursor.fetchall()
        except OperationalError:  # query_canceled
            return []


def backend() -> _Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


# --- the search ---------------------------------------------------------------------------------------
def _key_levels(options: list[list[tuple[str, int]]]):
    """Whole-name keys in two rounds: at most one corrected word (one query: a typo that happens to
    spell another real name must not hide the intended one), then two corrected words. Built from the
    positions to correct, never the full product of every word's corrections (a long query would
    otherwise ask for millions of keys); each round holds at most MAX_KEYS_PER_LEVEL keys."""
    exact = [[w for w, d in opts if d == 0] for opts in options]
    edited = [[w for w, d in opts if d] for opts in options]
    must = {i for i, words in enumerate(exact) if not words}  # words found only through a correction
    levels = []
    for n_edits in (0, 1, 2):
        keys = []
        for positions in itertools.combinations(range(len(options)), n_edits):
            if not must <= set(positions):
                continue
            choices = [edited[i] if i in positions else exact[i] for i in range(len(options))]
            for combo in itertools.product(*choices):
                keys.append(" ".join(combo))
                if len(keys) >= MAX_KEYS_PER_LEVEL:
                    break
            if len(keys) >= MAX_KEYS_PER_LEVEL:
                break
        levels.append(keys)
    return [levels[0] + levels[1], levels[2]]


def search(query: Query, limit: int = 20) -> list[Hit]:
    tokens = query.name_tokens
    if not tokens:
        return []
    db = backend()
    options = [corrections(t) for t in tokens]
    rows: dict[int, tuple] = {}
    place_family = places.lineage(query.place_codes) if query.place_codes else set()
    strong = set()

    def take(found):
        for martyr_id, key, is_alias, birth_year, province in found:
            rows.setdefault(martyr_id, (key, is_alias, birth_year, province))
            year_ok = not query.years or (
                birth_year is not None and min(abs(birth_year - y) for y in query.years) <= 1
            )
            if year_ok and (not place_family or set(province.split()) & place_family):
                strong.add(martyr_id)

    def enough() -> bool:
        """A candidate agreeing on the name (≤ 1 corrected word), the year and the province: more
        corrections would only add weaker candidates below it."""
        return bool(strong)

    # A year given with a month ("8/1972") is a date of sacrifice: it does not narrow the birth year.
    birth_years = [] if query.death_month else query.years
    provinces = None
    if query.place_codes:  # the stored home-province values in the lineage, and "unknown"
        provinces = places.stored_values(places.lineage(query.place_codes)) | {""}
    levels = _key_levels(options)

    def run_levels(years, within, stop_at_first=False) -> None:
        for keys in levels:
            before = len(rows)
            if keys:
                take(db.by_keys(keys, years, within))
            if enough() or (stop_at_first and len(rows) > before):
                return

    # Narrowest first (birth year and home province), widening only when nothing strong was found:
    # the province may be wrong or missing, the year may be the year of sacrifice.
    run_levels(birth_years, provinces)
    if strong and provinces is not None and len(rows) < limit and levels[0]:
        # Namesakes born the same years elsewhere, as families ask "is it him or another?" (one
        # cheap query on the exact names): they rank below the match on the province.
        take(db.by_keys(levels[0][:1], birth_years, None)[:limit])
    if not enough() and len(tokens) >= 2:
        families = [w for w, _d in options[0]]
        givens = [w for w, _d in options[-1]]
        take(db.by_family_given(families, givens, birth_years, provinces))
    if not strong and provinces is not None:
        run_levels(birth_years, None, stop_at_first=True)
    if not strong and birth_years:
        run_levels([], provinces, stop_at_first=True)
    if not rows:
        take(db.fuzzy(" ".join(tokens), [w for w, _d in options[-1]], birth_years))
    # Rank on the search rows first (name, birth year, province: no record read), then read and score
    # in full only the best few — a common name can bring hundreds of candidates.
    names, family = {}, places.lineage(query.place_codes) if query.place_codes else set()
    for key, *_rest in rows.values():
        if key not in names:
            names[key] = _name_points(query.name_tokens, key, explain=False)[0]
    rough = sorted(rows, key=lambda mid: -_rough(query, names[rows[mid][0]], rows[mid], family))
    best = rough[: max(limit * 3, 30)]
    martyrs = Martyr.objects.in_bulk(best)
    hits = [_score(query, martyrs[mid], rows[mid][0], rows[mid][1]) for mid in best if mid in martyrs]
    hits.sort(key=lambda h: (-h.score, h.martyr.full_name, h.martyr.pk))
    return hits[:limit]


def _rough(query: Query, name_points: int, row, family: set[str]) -> int:
    """The score without the record: name, birth year and province from the search row."""
    _key, _alias, birth_year, province = row
    score = name_points
    if query.years and birth_year is not None:
        off = min(abs(birth_year - y) for y in query.years)
        score += 30 - 8 * off if off <= YEAR_WINDOW else 0
    if family and province:
        codes = set(province.split())
        score += 25 if codes & query.place_codes else 15 if codes & family else 0
    return score


def _name_points(query_tokens: list[str], key: str, explain: bool = True) -> tuple[int, list[str], int]:
    """(points out of 100, reasons, corrected words) for a candidate name key."""
    cand = key.split()
    used, edits, reasons, matched = set(), 0, [], 0
    for t in query_tokens:
        best = None
        for i, c in enumerate(cand):
            if i in used:
                continue
            d = 0 if c == t else distance(t, c) if abs(len(t) - len(c)) <= 1 else 9
            if d <= 1 and (best is None or d < best[1]):
                best = (i, d)
        if best is not None:
            used.add(best[0])
            matched += 1
            if best[1]:
                edits += 1
                if explain:
                    reasons.append(_("“%(typed)s” read as “%(word)s”") % {"typed": t, "word": cand[best[0]]})
    missing = len(query_tokens) - matched
    extra = len(cand) - len(used)
    points = max(0, 100 - 12 * edits - 30 * missing - 15 * extra)
    if (missing or extra) and explain:
        reasons.append(_("part of the name matches"))
    return points, reasons, edits


def _score(query: Query, martyr: Martyr, key: str, is_alias: bool) -> Hit:
    points, name_reasons, edits = _name_points(query.name_tokens, key)
    reasons = []
    if is_alias:
        reasons.append(_("other name (alias) matches"))
    exact_marks = query.name_nfc and query.name_nfc == plain(martyr.full_name)
    if points == 100 and exact_marks:
        reasons.append(_("name matches exactly"))
        points += 5
    elif points == 100:
        reasons.append(_("name matches without diacritics or with a variant spelling"))
    reasons += name_reasons
    score = points
    if query.years:
        if martyr.birth_year in query.years:
            score += 30
            reasons.append(_("born in %(year)s") % {"year": martyr.birth_year})
        elif martyr.death_year in query.years:
            score += 25
            reasons.append(_("died in %(year)s") % {"year": martyr.death_year})
        elif martyr.birth_year and min(abs(martyr.birth_year - y) for y in query.years) <= YEAR_WINDOW:
            off = min(abs(martyr.birth_year - y) for y in query.years)
            score += 30 - 8 * off
            reasons.append(_("year of birth %(year)s, %(off)s off") % {"year": martyr.birth_year, "off": off})
        elif not martyr.birth_year:
            score += 5
            reasons.append(_("year of birth not recorded"))
    home = set(martyr.native_province_code.split())
    if query.place_codes and home:
        if home & query.place_codes:
            score += 25
            reasons.append(
                _("home town in %(place)s") % {"place": places.province_label(martyr.native_province_code)}
            )
        elif home & places.lineage(query.place_codes):
            score += 15
            reasons.append(
                _("home town %(place)s, the same province today")
                % {"place": places.province_label(martyr.native_province_code)}
            )
    return Hit(martyr, score, reasons)


def search_text(text: str, limit: int = 20, **fields) -> list[Hit]:
    return search(parse(text, **fields), limit=limit)


def index_martyr(martyr: Martyr) -> None:
    """(Re)write the martyr's SearchName rows and add its syllables to the vocabulary."""
    SearchName.objects.filter(martyr=martyr).delete()
    rows = search_rows(
        martyr.pk, martyr.full_name, martyr.aliases, martyr.birth_year, martyr.native_province_code
    )
    SearchName.objects.bulk_create(rows)
    vocabulary_add({t for r in rows for t in r.name_key.split()})


def search_rows(martyr_id, full_name, aliases, birth_year, province_code) -> list[SearchName]:
    names = [(full_name, False)] + [(a, True) for a in (aliases or "").split(";") if a.strip()]
    rows, seen = [], set()
    for text, is_alias in names:
        key = name_key(text)
        if not key or key in seen:
            continue
        seen.add(key)
        parts = key.split()
        rows.append(
            SearchName(
                martyr_id=martyr_id,
                name_key=key[:200],
                family_key=parts[0][:40],
                given_key=parts[-1][:40],
                birth_year=birth_year,
                province_code=province_code or "",
                is_alias=is_alias,
            )
        )
    return rows
