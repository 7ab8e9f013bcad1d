"""XLSForm (.xlsx with survey / choices / settings sheets; the ODK and KoBoToolbox format).

`parse()` reads a workbook the way ODK does — sheet and column names in any case, extra sheets
and columns tolerated, "label::English (en)" / "label:en" language columns, "or other" choices,
choice filters, external choices — and returns a `ParsedForm`, or raises ImportRejected naming
the sheet, row and column of every problem. `export()` writes a questionnaire back out.
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cchc.core.exceptions import ImportRejected, RowError
from cchc.core.exports import restore, xlsx_bytes
from cchc.core.text import nfc

from .expressions import ExpressionError, parse_expression
from .models import Question

K = Question.Kind
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TRUE_WORDS = {"yes", "true", "true()", "1", "y", "có"}
LANGUAGE_CODES = {
    "english": "en",
    "vietnamese": "vi",
    "tiếng việt": "vi",
    "french": "fr",
    "français": "fr",
    "chinese": "zh",
    "spanish": "es",
    "español": "es",
    "portuguese": "pt",
    "arabic": "ar",
    "swahili": "sw",
    "hindi": "hi",
    "german": "de",
}

# XLSForm types with no choices → our kind. Types ODK accepts that a web form cannot capture
# (locations, media, barcodes) are kept as text answers; metadata and calculations are not asked.
SIMPLE_TYPES = {
    "integer": K.INTEGER,
    "int": K.INTEGER,
    "decimal": K.DECIMAL,
    "range": K.DECIMAL,
    "text": K.TEXT,
    "string": K.TEXT,
    "phone number": K.TEXT,
    "email": K.TEXT,
    "barcode": K.TEXT,
    "geopoint": K.TEXT,
    "geotrace": K.TEXT,
    "geoshape": K.TEXT,
    "image": K.TEXT,
    "audio": K.TEXT,
    "video": K.TEXT,
    "file": K.TEXT,
    "background-audio": K.HIDDEN,
    "acknowledge": K.TEXT,
    "date": K.DATE,
    "datetime": K.TEXT,
    "time": K.TEXT,
    "dateTime": K.TEXT,
    "note": K.NOTE,
    "begin group": K.BEGIN_GROUP,
    "begin_group": K.BEGIN_GROUP,
    "end group": K.END_GROUP,
    "end_group": K.END_GROUP,
    "begin repeat": K.BEGIN_GROUP,
    "begin_repeat": K.BEGIN_GROUP,
    "end repeat": K.END_GROUP,
    "end_repeat": K.END_GROUP,
    "calculate": K.HIDDEN,
    "hidden": K.HIDDEN,
    "start": K.HIDDEN,
    "end": K.HIDDEN,
    "today": K.HIDDEN,
    "deviceid": K.HIDDEN,
    "subscriberid": K.HIDDEN,
    "simserial": K.HIDDEN,
    "phonenumber": K.HIDDEN,
    "username": K.HIDDEN,
    "audit": K.HIDDEN,
    "start-geopoint": K.HIDDEN,
    "xml-external": K.HIDDEN,
    "csv-external": K.HIDDEN,
    # older and alias spellings pyxform accepts
    "trigger": K.TEXT,
    "photo": K.TEXT,
    "signature": K.TEXT,
    "gps": K.TEXT,
    "location": K.TEXT,
    "imei": K.HIDDEN,
    "background-geopoint": K.HIDDEN,
    "entity": K.HIDDEN,
    "uri:deviceid": K.HIDDEN,
    "uri:subscriberid": K.HIDDEN,
    "uri:simserial": K.HIDDEN,
    "uri:phonenumber": K.HIDDEN,
    "uri:username": K.HIDDEN,
    "uri:email": K.HIDDEN,
    "begin loop": K.BEGIN_GROUP,
    "end loop": K.END_GROUP,
    "begin looped group": K.BEGIN_GROUP,
    "end looped group": K.END_GROUP,
}
NAMELESS = {K.END_GROUP}
SELECT_RE = re.compile(
    r"^(?P<kind>select_one_external|select_one|select one|select_multiple|select multiple|select all that apply"
    r"|select_one_from_file|select_multiple_from_file|rank|osm)(?: from)?\s+(?P<list>\S+?)"
    r"(?:\s+(?:or_other|or specify other))?$",
    re.IGNORECASE,
)
OTHER_RE = re.compile(r"\s+(or_other|or specify other)$", re.IGNORECASE)
KNOWN_COLUMNS = {
    "type",
    "name",
    "required",
    "relevant",
    "choice_filter",
    "appearance",
    "par_item",
    "sipas_aspect",
}
# Other spellings of the columns we use (pyxform's aliases); the rest of a sheet's columns are kept
# as they are in the question's `extra` and listed in the import's warnings.
SURVEY_ALIASES = {
    "relevance": "relevant",
    "bind::relevant": "relevant",
    "bind::required": "required",
    "control::appearance": "appearance",
    "caption": "label",
    "text": "label",
    "command": "type",
    "tag": "name",
}
CHOICE_ALIASES = {"value": "name", "caption": "label", "text": "label", "list name": "list_name"}


@dataclass
class ParsedChoice:
    list_name: str
    name: str
    labels: dict
    score: Decimal | None = None
    filters: dict = field(default_factory=dict)
    external: bool = False


@dataclass
class ParsedQuestion:
    name: str
    kind: str
    xlsform_type: str
    labels: dict
    hints: dict = field(default_factory=dict)
    list_name: str = ""
    or_other: bool = False
    required: bool = False
    relevant: str = ""
    choice_filter: str = ""
    appearance: str = ""
    par_item: str = ""
    aspect: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class ParsedForm:
    form_id: str
    titles: dict
    questions: list[ParsedQuestion]
    choices: list[ParsedChoice]
    allow_choice_duplicates: bool = False
    warnings: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    # sheet → columns the web form does not use (kept in `extra` / `filters`, listed in warnings)
    unsupported_columns: dict = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)


def language_code(text: str) -> str:
    """'English (en)' → 'en'; 'english' → 'en'; 'EN' → 'en'; 'Tiếng Việt' → 'vi'."""
    text = text.strip()
    m = re.search(r"\(([A-Za-z]{2,3})\)\s*$", text)
    if m:
        return m.group(1).lower()
    low = text.lower()
    return LANGUAGE_CODES.get(low, low)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(restore(str(value).strip()))  # our own export made such text inert: read it back as typed


def _column_name(raw: str, aliases: dict) -> str:
    """A header cell as we key it: plain names lower-cased and de-aliased (“Relevance” → relevant);
    language columns keep their language text (“label::English (en)”), their base de-aliased
    (“text:english” → “label:english”)."""
    if ":" in raw and not raw.lower().startswith(("bind::", "control::")):
        base, sep, rest = raw.partition(":")
        base = aliases.get(base.strip().lower(), base.strip().lower())
        return f"{base}{sep}{rest}"
    low = " ".join(raw.lower().split())
    return aliases.get(low, low)


class _Sheet:
    """A worksheet as header → value dicts, with Excel row numbers for error messages.

    Leading blank rows are skipped (the header is the first non-empty row), a repeated column is
    kept once (its first occurrence) and reported, and blank columns are ignored."""

    def __init__(self, ws, aliases: dict | None = None):
        self.title = ws.title
        rows = list(ws.iter_rows(values_only=True))
        self.header: list[str] = []
        self.rows: list[tuple[int, dict]] = []
        self.duplicates: list[str] = []
        start = next((i for i, r in enumerate(rows) if any(_cell(v) for v in r)), None)
        if start is None:
            return
        self.header_row = start + 1
        raw = [_cell(h) for h in rows[start]]
        for h in raw:
            name = _column_name(h, aliases or {}) if h else ""
            if name and name in self.header:
                self.duplicates.append(h)
                name = ""  # keep the first column of that name
            self.header.append(name)
        for number, values in enumerate(rows[start + 1 :], start=start + 2):
            record = {h: _cell(v) for h, v in zip(self.header, values, strict=False) if h}
            if any(record.values()):
                self.rows.append((number, record))

    @property
    def empty(self) -> bool:
        return not self.header

    def translated(self, record: dict, base: str) -> dict:
        """{'vi': …, 'en': …} from `base`, `base::lang` and `base:lang` columns."""
        result = {}
        for key, value in record.items():
            if not value:
                continue
            low = key.lower()
            if low == base:
                result.setdefault("", value)
            elif low.startswith(base + ":"):
                result[language_code(key.split(":", 1)[1].lstrip(":"))] = value
        return result


def _with_default_language(labels: dict, default: str) -> dict:
    if "" in labels:
        plain = labels.pop("")
        labels.setdefault(default or "vi", plain)
    return labels


def parse(data: bytes, *, file_name: str = "") -> ParsedForm:
    from openpyxl import load_workbook

    errors: list[RowError] = []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise ImportRejected(
            [RowError(None, "", _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc})]
        ) from exc
    sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
    notes: list[str] = []
    if "survey" not in sheets:
        # pyxform reads a workbook of one sheet as the survey, whatever its name
        lone = wb.worksheets[0] if len(wb.worksheets) == 1 else None
        if lone is None or not {"type", "name"} <= set(_Sheet(lone, SURVEY_ALIASES).header):
            raise ImportRejected(
                [RowError(None, "", _("The workbook has no “survey” sheet."), sheet="survey")]
            )
        sheets = {"survey": lone}
        notes.append(_("The only sheet, “%(sheet)s”, was read as the survey sheet.") % {"sheet": lone.title})
    survey = _Sheet(sheets["survey"], SURVEY_ALIASES)

    def optional(name, aliases):
        sheet = _Sheet(sheets[name], aliases) if name in sheets else None
        return None if sheet is None or sheet.empty else sheet  # an empty sheet is no sheet

    choices_sheet = optional("choices", CHOICE_ALIASES)
    external_sheet = optional("external_choices", CHOICE_ALIASES)
    settings_sheet = optional("settings", {"set form title": "form_title", "set form id": "form_id"})
    ignored = [
        ws.title
        for key, ws in sheets.items()
        if key not in ("survey", "choices", "external_choices", "settings")
    ]
    for sheet in (survey, choices_sheet, external_sheet, settings_sheet):
        if sheet is not None and sheet.duplicates:
            notes.append(
                _("sheet %(sheet)s: the repeated column(s) %(columns)s were ignored; the first one is used.")
                % {"sheet": sheet.title, "columns": ", ".join(f"“{c}”" for c in sheet.duplicates)}
            )

    settings_row = settings_sheet.rows[0][1] if settings_sheet and settings_sheet.rows else {}
    default_language = (
        language_code(settings_row.get("default_language", ""))
        if settings_row.get("default_language")
        else ""
    )
    allow_dupes = settings_row.get("allow_choice_duplicates", "").lower() in TRUE_WORDS
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("_")
    form_id = settings_row.get("form_id") or stem or "form"
    if not NAME_RE.match(form_id):
        # pyxform accepts ids such as “Spec test”; we keep the form and make the id a code
        code = re.sub(r"[^A-Za-z0-9_.\-]+", "_", form_id).strip("_") or "form"
        code = code if NAME_RE.match(code) else f"f_{code}"
        notes.append(
            _("sheet %(sheet)s, column form_id: “%(value)s” is not a valid form id; “%(code)s” is used.")
            % {
                "sheet": settings_sheet.title if settings_sheet else "settings",
                "value": form_id,
                "code": code,
            }
        )
        form_id = code
    titles = _with_default_language(
        settings_sheet.translated(settings_row, "form_title") if settings_sheet else {}, default_language
    )
    if not titles:
        titles = {default_language or "vi": form_id}

    for column in ("type", "name"):
        if column not in survey.header:
            errors.append(
                RowError(
                    1,
                    column,
                    _("The column “%(column)s” is missing.") % {"column": column},
                    sheet=survey.title,
                )
            )
    if errors:
        raise ImportRejected(errors)

    choices, list_names = _parse_choices(choices_sheet, default_language, allow_dupes, errors, external=False)
    ext_choices, ext_lists = _parse_choices(external_sheet, default_language, True, errors, external=True)

    questions: list[ParsedQuestion] = []
    seen: dict[str, int] = {}
    open_groups: list[tuple[int, str]] = []
    for number, rec in survey.rows:
        raw_type = rec.get("type", "")
        where = dict(row=number, sheet=survey.title)
        if not raw_type:
            if any(v for k, v in rec.items() if k != "name"):
                errors.append(RowError(field="type", message=_("The row has no question type."), **where))
            continue
        q = _question_from_type(raw_type, list_names | ext_lists, errors, where)
        if q is None:
            seen.setdefault(rec.get("name", ""), number)  # so a later duplicate is still reported
            continue
        q.name = rec.get("name", "")
        q.labels = _with_default_language(survey.translated(rec, "label"), default_language)
        q.hints = _with_default_language(survey.translated(rec, "hint"), default_language)
        q.required = rec.get("required", "").lower() in TRUE_WORDS
        q.relevant = rec.get("relevant", "")
        q.choice_filter = rec.get("choice_filter", "")
        q.appearance = rec.get("appearance", "")
        if q.kind == K.SELECT_ONE and "likert" in q.appearance.lower():
            q.kind = K.LIKERT
        q.par_item = rec.get("par_item", "")
        q.aspect = rec.get("sipas_aspect", "").lower()
        q.extra = {
            k: v
            for k, v in rec.items()
            if v and k.lower() not in KNOWN_COLUMNS and not re.match(r"^(label|hint)(:|$)", k.lower())
        }
        if q.kind in NAMELESS:
            if not open_groups:
                errors.append(
                    RowError(
                        field="type",
                        message=_("“%(type)s” without a matching group start.") % {"type": raw_type},
                        **where,
                    )
                )
            else:
                open_groups.pop()
        elif not q.name:
            errors.append(RowError(field="name", message=_("The question has no name."), **where))
        elif not NAME_RE.match(q.name):
            errors.append(
                RowError(
                    field="name",
                    message=_(
                        "“%(name)s” is not a valid name: start with a letter or _, then letters, digits, _ . -."
                    )
                    % {"name": q.name},
                    **where,
                )
            )
        elif q.name in seen:
            errors.append(
                RowError(
                    field="name",
                    message=_("The name “%(name)s” is already used in row %(row)s.")
                    % {"name": q.name, "row": seen[q.name]},
                    **where,
                )
            )
        else:
            seen[q.name] = number
        if q.kind == K.BEGIN_GROUP:
            open_groups.append((number, q.name))
        for column in ("relevant", "choice_filter"):
            text = getattr(q, column)
            if text:
                try:
                    parse_expression(text)
                except ExpressionError as exc:
                    # ODK accepts any XPath here; we keep it and say the web form will not evaluate it.
                    q.extra.setdefault("_unsupported", []).append(column)
                    warning = _(
                        "sheet %(sheet)s, row %(row)s, column %(column)s: the expression is kept but not evaluated by the web form (%(error)s)"
                    ) % {"sheet": survey.title, "row": number, "column": column, "error": exc}
                    q.extra.setdefault("_warnings", []).append(warning)
        if q.aspect and q.aspect not in Question.Aspect.values:
            errors.append(
                RowError(
                    field="sipas_aspect",
                    message=_("Unknown SIPAS aspect “%(value)s” (use one of: %(values)s).")
                    % {"value": q.aspect, "values": ", ".join(Question.Aspect.values)},
                    **where,
                )
            )
        if q.par_item and not _scorable(q, choices + ext_choices):
            errors.append(
                RowError(
                    field="par_item",
                    message=_(
                        "Only Likert or single-choice questions whose choices all have a score or a numeric value can score a PAR item."
                    ),
                    **where,
                )
            )
        questions.append(q)
    for number, name in open_groups:
        errors.append(
            RowError(
                number,
                "type",
                _("The group “%(name)s” is never closed (end group).") % {"name": name},
                sheet=survey.title,
            )
        )
    if not any(q.kind not in (K.BEGIN_GROUP, K.END_GROUP) for q in questions) and not errors:
        errors.append(RowError(None, "", _("The form has no questions."), sheet=survey.title))
    if errors:
        raise ImportRejected(errors)
    used_lists = {q.list_name for q in questions if q.list_name}
    warnings = notes + [w for q in questions for w in q.extra.pop("_warnings", [])]
    unsupported = {}
    for sheet, used in (
        (survey, lambda c: c in KNOWN_COLUMNS or re.match(r"^(label|hint)(:|$)", c)),
        (choices_sheet, lambda c: c in ("list_name", "name", "score") or re.match(r"^label(:|$)", c)),
        (external_sheet, lambda c: c in ("list_name", "name", "score") or re.match(r"^label(:|$)", c)),
    ):
        if sheet is None:
            continue
        present = {c for _n, rec in sheet.rows for c, v in rec.items() if v}
        columns = [c for c in sheet.header if c and c in present and not used(c.lower())]
        if columns:
            unsupported[sheet.title] = columns
            warnings.append(
                _(
                    "sheet %(sheet)s: the columns %(columns)s are kept with the form but not used by the web form."
                )
                % {"sheet": sheet.title, "columns": ", ".join(columns)}
            )
    languages = sorted({k for q in questions for k in q.labels} | set(titles))
    return ParsedForm(
        form_id=form_id,
        titles=titles,
        questions=questions,
        choices=[c for c in choices + ext_choices if c.list_name in used_lists],
        allow_choice_duplicates=allow_dupes,
        warnings=warnings,
        ignored_sheets=ignored,
        unsupported_columns=unsupported,
        languages=languages,
    )


def _question_from_type(raw_type: str, lists: set[str], errors: list, where: dict) -> ParsedQuestion | None:
    norm = " ".join(raw_type.split())
    kind = SIMPLE_TYPES.get(norm) or SIMPLE_TYPES.get(norm.lower())
    if kind is not None:
        return ParsedQuestion(name="", kind=kind, xlsform_type=raw_type, labels={})
    m = SELECT_RE.match(norm)
    if not m:
        errors.append(
            RowError(
                field="type", message=_("Unknown question type “%(type)s”.") % {"type": raw_type}, **where
            )
        )
        return None
    word, list_name = m.group("kind").lower(), m.group("list")
    or_other = bool(OTHER_RE.search(norm))
    if word.endswith("from_file") or word == "osm":
        # Choices from a CSV attached to the form, or a map feature: ODK-only; kept as a text answer.
        return ParsedQuestion(name="", kind=K.TEXT, xlsform_type=raw_type, labels={})
    if list_name not in lists:
        errors.append(
            RowError(
                field="type",
                message=_("The choice list “%(list)s” is not in the choices sheet.") % {"list": list_name},
                **where,
            )
        )
        return None
    if word in ("select_multiple", "select multiple", "select all that apply", "rank"):
        kind = K.SELECT_MULTIPLE
    else:
        kind = K.SELECT_ONE
    return ParsedQuestion(
        name="", kind=kind, xlsform_type=raw_type, labels={}, list_name=list_name, or_other=or_other
    )


def _parse_choices(sheet, default_language, allow_dupes, errors, *, external):
    if sheet is None:
        return [], set()
    for column in ("list_name", "name"):
        if column not in sheet.header:
            errors.append(
                RowError(
                    1,
                    column,
                    _("The column “%(column)s” is missing.") % {"column": column},
                    sheet=sheet.title,
                )
            )
    if any(e.sheet == sheet.title for e in errors):
        return [], set()
    result, seen = [], {}
    for number, rec in sheet.rows:
        list_name, name = rec.get("list_name", ""), rec.get("name", "")
        where = dict(row=number, sheet=sheet.title)
        if not list_name:
            errors.append(RowError(field="list_name", message=_("The choice has no list name."), **where))
            continue
        if not name:
            errors.append(RowError(field="name", message=_("The choice has no value (name)."), **where))
            continue
        key = (list_name, name)
        if key in seen and not allow_dupes:
            errors.append(
                RowError(
                    field="name",
                    message=_(
                        "The value “%(name)s” is already in list “%(list)s” (row %(row)s); set allow_choice_duplicates in settings if this is intended."
                    )
                    % {"name": name, "list": list_name, "row": seen[key]},
                    **where,
                )
            )
            continue
        seen.setdefault(key, number)
        score = None
        if rec.get("score"):
            try:
                score = Decimal(rec["score"])
            except InvalidOperation:
                score = None
            if score is None or not (0 <= score <= 100):
                errors.append(
                    RowError(field="score", message=_("The score must be a number from 0 to 100."), **where)
                )
                continue
        labels = _with_default_language(sheet.translated(rec, "label"), default_language)
        filters = {
            k: v
            for k, v in rec.items()
            if v
            and k.lower() not in ("list_name", "name", "score")
            and not re.match(r"^(label|image|audio|video|media)(:|$)", k.lower())
        }
        result.append(ParsedChoice(list_name, name, labels, score, filters, external))
    return result, {c.list_name for c in result}


def _scorable(q: ParsedQuestion, choices: list[ParsedChoice]) -> bool:
    if q.kind not in (K.SELECT_ONE, K.LIKERT):
        return False
    own = [c for c in choices if c.list_name == q.list_name]
    return bool(own) and (all(c.score is not None for c in own) or all(_is_number(c.name) for c in own))


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def export(questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook that this importer (and ODK) reads back."""
    questions = list(questionnaire.questions.order_by("position"))
    choices = list(questionnaire.choices.order_by("external", "list_name", "position"))
    langs = sorted(
        {k for q in questions for k in q.labels}
        | {k for c in choices for k in c.labels}
        | set(questionnaire.titles),
        key=lambda lang: (lang != "vi", lang != "en", lang),
    )
    extra_cols = sorted({k for q in questions for k in q.extra if not k.startswith("_")})
    header = (
        ["type", "name"]
        + [f"label::{lang}" for lang in langs]
        + [f"hint::{lang}" for lang in langs]
        + ["required", "relevant", "choice_filter", "appearance", "par_item", "sipas_aspect"]
        + extra_cols
    )
    sheets = {
        "survey": (
            header,
            [
                [_export_type(q), q.name]
                + [q.labels.get(lang, "") for lang in langs]
                + [q.hints.get(lang, "") for lang in langs]
                + [
                    "yes" if q.required else "",
                    q.relevant,
                    q.choice_filter,
                    q.appearance,
                    q.par_item,
                    q.aspect,
                ]
                + [q.extra.get(c, "") for c in extra_cols]
                for q in questions
            ],
        )
    }
    filter_cols = sorted({k for c in choices for k in c.filters})
    for title, rows in (
        ("choices", [c for c in choices if not c.external]),
        ("external_choices", [c for c in choices if c.external]),
    ):
        if title == "external_choices" and not rows:
            continue
        sheets[title] = (
            ["list_name", "name"] + [f"label::{lang}" for lang in langs] + ["score"] + filter_cols,
            [
                [c.list_name, c.name]
                + [c.labels.get(lang, "") for lang in langs]
                + ["" if c.score is None else float(c.score)]
                + [c.filters.get(k, "") for k in filter_cols]
                for c in rows
            ],
        )
    sheets["settings"] = (
        [f"form_title::{lang}" for lang in langs if lang in questionnaire.titles]
        + ["form_id", "version", "default_language", "allow_choice_duplicates"],
        [
            [questionnaire.titles[lang] for lang in langs if lang in questionnaire.titles]
            + [
                questionnaire.code,
                str(questionnaire.version),
                "vi",
                "yes" if questionnaire.allow_choice_duplicates else "no",
            ]
        ],
    )
    # No title rows: this is an interchange file, read back by `parse` and by ODK tools.
    return xlsx_bytes(sheets)


def _export_type(q) -> str:
    if q.xlsform_type:
        return q.xlsform_type
    if q.kind in (K.SELECT_ONE, K.LIKERT):
        return f"select_one {q.list_name}" + (" or_other" if q.or_other else "")
    if q.kind == K.SELECT_MULTIPLE:
        return f"select_multiple {q.list_name}" + (" or_other" if q.or_other else "")
    return {K.BEGIN_GROUP: "begin_group", K.END_GROUP: "end_group", K.HIDDEN: "calculate"}.get(q.kind, q.kind)
