"""Methodologies in and out: YAML and Excel, validated row by row, all-or-nothing.

Both formats read into the same plain form (a header dict and a flat list of item dicts, each
remembering its sheet and row), one validator reports every problem as a RowError, and nothing
is written unless there is none. The format is documented in docs/parindex.md.
"""

import difflib
import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cchc.core.exceptions import ImportRejected, RowError
from cchc.core.metrics import get_metric

from . import rules
from .models import Item, Methodology

TEMPLATE_DIR = Path(__file__).resolve().parent / "methodologies"
HEADER_FIELDS = [
    "code",
    "name",
    "level",
    "legal_basis",
    "effective_from",
    "effective_to",
    "status",
    "status_note",
    "max_points",
    "bonus_cap",
    "penalty_cap",
]
ITEM_COLUMNS = [
    "code",
    "name",
    "max_points",
    "assessment",
    "rule",
    "rule_params",
    "metric",
    "evidence_required",
    "exemptible",
    "blocks",
    "official",
    "guidance",
]
BLOCK_COLUMNS = ["code", "name", "max_points"]
CODE_RE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
METRIC_RE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


# ---- reading -------------------------------------------------------------------------------------------------


def read_yaml(data: bytes | str) -> dict:
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ImportRejected([RowError(None, "", _("The YAML cannot be read: %(e)s") % {"e": exc})]) from None
    if not isinstance(doc, dict):
        raise ImportRejected([RowError(None, "", _("The YAML must be a mapping with a header and “items”."))])
    items: list[dict] = []
    unknown = unknown_keys(doc, HEADER_FIELDS + ["blocks", "items"], None, "methodology", "")

    def walk(nodes, parent_code, path):
        for node in nodes or []:
            if not isinstance(node, dict):
                items.append({"_row": len(items) + 1, "_sheet": "items", "code": None})
                continue
            row = {k: v for k, v in node.items() if k != "children"}
            row.update({"_row": len(items) + 1, "_sheet": "items", "_parent": parent_code})
            items.append(row)
            here = f"{path} › {node.get('code', '?')}"
            unknown.extend(unknown_keys(node, ITEM_COLUMNS + ["children"], len(items), "items", here))
            walk(node.get("children"), str(node.get("code", "")), here)

    walk(doc.get("items"), None, "items")
    header = {k: doc.get(k) for k in HEADER_FIELDS}
    blocks = []
    for i, b in enumerate(doc.get("blocks") or []):
        if isinstance(b, dict):
            blocks.append(dict(b, _row=i + 1, _sheet="blocks"))
            unknown.extend(unknown_keys(b, BLOCK_COLUMNS, i + 1, "blocks", f"blocks › {b.get('code', '?')}"))
    if unknown:
        raise ImportRejected(unknown)
    return {"header": header, "blocks": blocks, "items": items}


def unknown_keys(mapping: dict, known: list[str], row, sheet: str, path: str) -> list[RowError]:
    """A key the format does not know is refused, never ignored: a typo such as “asessment” would
    otherwise silently fall back to the default, and an unquoted name with a comma
    (“name: Công tác chỉ đạo, điều hành …” in a YAML flow mapping) would be cut at the comma."""
    errors = []
    for key in mapping:
        if str(key) in known:
            continue
        near = difflib.get_close_matches(str(key), known, n=1)
        message = _("unknown key “%(k)s” at %(p)s") % {"k": key, "p": path or _("the top level")}
        if near:
            message += " " + _("(did you mean “%(n)s”?)") % {"n": near[0]}
        elif mapping[key] is None and "name" in mapping:
            message += " " + _("(a name containing a comma must be quoted)")
        errors.append(RowError(row, str(key), message, sheet=sheet))
    return errors


def read_xlsx(data: bytes) -> dict:
    """Sheets: “methodology” (field | value), “blocks” (optional), “items” (one row per item)."""
    from openpyxl import load_workbook

    from cchc.core.exports import restore

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ImportRejected(
            [RowError(None, "", _("The Excel file cannot be read: %(e)s") % {"e": exc})]
        ) from None
    sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
    missing = [s for s in ("methodology", "items") if s not in sheets]
    if missing:
        raise ImportRejected(
            [RowError(None, "", _("Sheet “%(s)s” is missing.") % {"s": s}, sheet=s) for s in missing]
        )
    header, unknown = {}, []
    for n, row in enumerate(sheets["methodology"].iter_rows(min_row=1, values_only=True), start=1):
        if row and row[0]:
            name = str(row[0]).strip()
            if n == 1 and name.lower() == "field":  # the column titles our export writes
                continue
            header[name] = restore(row[1]) if len(row) > 1 else None
            unknown.extend(unknown_keys({name: row[1:]}, HEADER_FIELDS, n, "methodology", "methodology"))

    def table(ws, sheet, known):
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            return []
        names = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
        unknown.extend(unknown_keys({n: "" for n in names if n}, known, 1, sheet, sheet))
        out = []
        for n, row in enumerate(rows[1:], start=2):
            if all(v in (None, "") for v in row):
                continue
            # restore(): text that our own export made inert reads back as it was typed
            rec = {names[i]: restore(v) for i, v in enumerate(row) if i < len(names) and names[i]}
            rec.update({"_row": n, "_sheet": sheet})
            out.append(rec)
        return out

    items = table(sheets["items"], "items", ITEM_COLUMNS)
    for rec in items:
        if isinstance(rec.get("rule_params"), str) and rec["rule_params"].strip():
            try:
                rec["rule_params"] = json.loads(rec["rule_params"])
            except json.JSONDecodeError:
                rec["rule_params"] = {"_invalid": rec["rule_params"]}
        if isinstance(rec.get("blocks"), str):
            rec["blocks"] = [b.strip() for b in rec["blocks"].split(",") if b.strip()]
    blocks = table(sheets["blocks"], "blocks", BLOCK_COLUMNS) if "blocks" in sheets else []
    if unknown:
        raise ImportRejected(unknown)
    return {"header": header, "blocks": blocks, "items": items}


# ---- validation ----------------------------------------------------------------------------------------------


def _decimal(value, problems: list | None = None) -> Decimal | None:
    """The number, or None (with the reason appended to `problems`, e.g. too many decimals)."""
    if value is None or value == "":
        return None
    try:
        return rules.dec(value)
    except ValidationError as exc:
        if problems is not None:
            problems.extend(exc.messages)
        return None
    except Exception:  # noqa: BLE001 — reported as a row error by the caller
        return None


def _bool(value) -> bool:
    return value in (True, 1, "1") or str(value).strip().lower() in ("true", "yes", "x", "có", "co")


def _date(value) -> date | None:
    if isinstance(value, datetime):  # Excel dates arrive as datetimes
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def validate(doc: dict, *, allow_unavailable_metrics: bool = False) -> dict:
    """Check everything; return the cleaned document or raise ImportRejected listing every problem."""
    errors: list[RowError] = []
    h = doc["header"]

    def herr(field, message):
        errors.append(RowError(None, field, message, sheet="methodology"))

    clean = {}
    for f in ("code", "name", "legal_basis"):
        clean[f] = str(h.get(f) or "").strip()
        if not clean[f]:
            herr(f, _("required"))
    if clean["code"] and Methodology.objects.filter(code=clean["code"]).exists():
        herr(
            "code",
            _("a methodology with code %(c)s exists; a new version needs a new code") % {"c": clean["code"]},
        )
    clean["level"] = str(h.get("level") or "")
    if clean["level"] not in Methodology.Level.values:
        herr("level", _("must be one of %(v)s") % {"v": ", ".join(Methodology.Level.values)})
    clean["status"] = str(h.get("status") or "")
    if clean["status"] not in Methodology.Status.values:
        herr("status", _("must be one of %(v)s") % {"v": ", ".join(Methodology.Status.values)})
    clean["status_note"] = str(h.get("status_note") or "")
    clean["effective_from"] = _date(h.get("effective_from"))
    if clean["effective_from"] is None:
        herr("effective_from", _("a date (YYYY-MM-DD) is required"))
    clean["effective_to"] = _date(h.get("effective_to")) if h.get("effective_to") else None
    for f in ("max_points", "bonus_cap", "penalty_cap"):
        why: list[str] = []
        value = (
            _decimal(h.get(f), why)
            if h.get(f) not in (None, "")
            else (None if f == "max_points" else Decimal(0))
        )
        if value is None or value < 0 or (f == "max_points" and value == 0):
            herr(
                f,
                " ".join(why)
                or (
                    _("a positive number is required") if f == "max_points" else _("a number ≥ 0 is required")
                ),
            )
        clean[f] = value

    blocks = []
    for b in doc["blocks"]:
        why: list[str] = []
        code, mx = str(b.get("code") or "").strip(), _decimal(b.get("max_points"), why)
        if not code:
            errors.append(RowError(b["_row"], "code", _("required"), sheet="blocks"))
        if mx is None or mx <= 0:
            errors.append(
                RowError(
                    b["_row"],
                    "max_points",
                    " ".join(why) or _("a positive number is required"),
                    sheet="blocks",
                )
            )
        blocks.append({"code": code, "name": str(b.get("name") or code), "max_points": mx, "_row": b["_row"]})
    block_codes = {b["code"] for b in blocks}

    items, seen = [], {}
    for r in doc["items"]:
        row, sheet = r["_row"], r["_sheet"]

        def err(field, message, row=row, sheet=sheet):
            errors.append(RowError(row, field, message, sheet=sheet))

        code = str(r.get("code") if r.get("code") is not None else "").strip()
        if not code or not CODE_RE.match(code):
            err("code", _("a code such as 3.2.1 is required"))
            continue
        if code in seen:
            err("code", _("duplicate code %(c)s (also in row %(r)s)") % {"c": code, "r": seen[code]})
            continue
        seen[code] = row
        parent = code.rsplit(".", 1)[0] if "." in code else None
        if r.get("_parent") is not None and r["_parent"] != parent:
            err(
                "code",
                _("%(c)s is listed under %(p)s; its code must start with “%(p)s.”")
                % {"c": code, "p": r["_parent"]},
            )
        name = str(r.get("name") or "").strip()
        if not name:
            err("name", _("required"))
        why: list[str] = []
        mx = _decimal(r.get("max_points"), why)
        if mx is None or mx < 0:
            err("max_points", " ".join(why) or _("missing or not a number ≥ 0"))
        assessment = str(r.get("assessment") or Item.Assessment.SELF)
        if assessment not in Item.Assessment.values:
            err("assessment", _("must be one of %(v)s") % {"v": ", ".join(Item.Assessment.values)})
        rule = str(r.get("rule") or Item.Rule.ENTERED)
        if rule not in Item.Rule.values:
            err("rule", _("must be one of %(v)s") % {"v": ", ".join(Item.Rule.values)})
        params = r.get("rule_params") or {}
        if not isinstance(params, dict) or "_invalid" in params:
            err("rule_params", _("must be a JSON object"))
            params = {}
        if rule == Item.Rule.BANDS:
            for p in rules.bands_check(params):
                err("rule_params", p)
        if rule == Item.Rule.FORMULA:
            for p in rules.formula_check(params):
                err("rule_params", p)
        if assessment == Item.Assessment.SURVEY and rule != Item.Rule.ENTERED:
            err("rule", _("survey items take the points the survey gives (rule “entered”)"))
        metric = str(r.get("metric") or "").strip()
        if assessment == Item.Assessment.METRIC and not metric and rule != Item.Rule.FORMULA:
            err("metric", _("an item computed from a metric needs the metric's name"))
        for name_ in [metric] * bool(metric) + list((params.get("variables") or {}).values()):
            if not METRIC_RE.match(str(name_)):
                err("metric", _("“%(m)s” is not a metric name (app.metric)") % {"m": name_})
            elif get_metric(name_) is None and not allow_unavailable_metrics:
                err("metric", _("unknown metric “%(m)s”: no module supplies it") % {"m": name_})
        item_blocks = r.get("blocks") or []
        if isinstance(item_blocks, str):
            item_blocks = [b.strip() for b in item_blocks.split(",") if b.strip()]
        if item_blocks and parent is not None:
            err("blocks", _("blocks are set on areas (top-level items) only"))
        for b in item_blocks:
            if b not in block_codes:
                err("blocks", _("unknown block “%(b)s”") % {"b": b})
        items.append(
            {
                "code": code,
                "parent": parent,
                "name": name,
                "max_points": mx,
                "assessment": assessment,
                "rule": rule,
                "rule_params": params,
                "metric": metric,
                "evidence_required": _bool(r.get("evidence_required")),
                "exemptible": _bool(r.get("exemptible")),
                "blocks": list(item_blocks),
                "official": _bool(r.get("official")),
                "guidance": str(r.get("guidance") or ""),
                "_row": row,
                "_sheet": sheet,
            }
        )

    by_code = {i["code"]: i for i in items}
    children: dict[str | None, list[dict]] = {}
    for i in items:
        if i["parent"] is not None and i["parent"] not in by_code:
            errors.append(
                RowError(
                    i["_row"],
                    "code",
                    _("its parent %(p)s is not in the table") % {"p": i["parent"]},
                    sheet=i["_sheet"],
                )
            )
            continue
        children.setdefault(i["parent"], []).append(i)
    for code, kids in children.items():
        if code is None or any(k["max_points"] is None for k in kids) or by_code[code]["max_points"] is None:
            continue
        total = sum(k["max_points"] for k in kids)
        parent = by_code[code]
        if total != parent["max_points"]:
            errors.append(
                RowError(
                    parent["_row"],
                    "max_points",
                    _("the maxima of the items under %(c)s add up to %(t)s, not %(m)s")
                    % {"c": code, "t": total.normalize(), "m": parent["max_points"].normalize()},
                    sheet=parent["_sheet"],
                )
            )
    roots = children.get(None, [])
    if clean["max_points"] is not None and all(r["max_points"] is not None for r in roots):
        targets = [(b["code"], b["max_points"]) for b in blocks if b["max_points"] is not None] or [
            (None, clean["max_points"])
        ]
        for block, target in targets:
            total = sum(
                r["max_points"] for r in roots if block is None or not r["blocks"] or block in r["blocks"]
            )
            if total != target:
                where = _("for block %(b)s") % {"b": block} if block else ""
                errors.append(
                    RowError(
                        None,
                        "max_points",
                        _("the areas add up to %(t)s %(where)s, not %(m)s")
                        % {"t": total.normalize(), "where": where, "m": target.normalize()},
                        sheet="blocks" if block else "methodology",
                    )
                )
    if not items:
        errors.append(RowError(None, "items", _("the methodology has no items"), sheet="items"))
    if errors:
        raise ImportRejected(errors)
    return {"header": clean, "blocks": blocks, "items": items}


def create(clean: dict) -> Methodology:
    """Write a validated methodology (the caller holds the transaction and the audit)."""
    m = Methodology.objects.create(**clean["header"])
    for b in clean["blocks"]:
        m.blocks.create(code=b["code"], name=b["name"], max_points=b["max_points"])
    created: dict[str, Item] = {}
    for position, i in enumerate(clean["items"], start=1):
        fields = {k: v for k, v in i.items() if not k.startswith("_") and k != "parent"}
        created[i["code"]] = Item.objects.create(
            methodology=m,
            parent=created.get(i["parent"]),
            position=position,
            depth=i["code"].count("."),
            **fields,
        )
    return m


# ---- writing -------------------------------------------------------------------------------------------------


def _num(d: Decimal):
    return int(d) if d == d.to_integral_value() else float(d)


def _header(m: Methodology) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "level": m.level,
        "legal_basis": m.legal_basis,
        "effective_from": m.effective_from.isoformat(),
        "effective_to": m.effective_to.isoformat() if m.effective_to else None,
        "status": m.status,
        "status_note": m.status_note,
        "max_points": _num(m.max_points),
        "bonus_cap": _num(m.bonus_cap),
        "penalty_cap": _num(m.penalty_cap),
    }


def _item_dict(i: Item) -> dict:
    d = {"code": i.code, "name": i.name, "max_points": _num(i.max_points)}
    for f, default in (("assessment", "self"), ("rule", "entered"), ("metric", ""), ("guidance", "")):
        if getattr(i, f) != default:
            d[f] = getattr(i, f)
    if i.rule_params:
        d["rule_params"] = i.rule_params
    for f in ("evidence_required", "exemptible", "official"):
        if getattr(i, f):
            d[f] = True
    if i.blocks:
        d["blocks"] = i.blocks
    return d


def export_yaml(m: Methodology) -> str:
    items = list(m.items.order_by("position"))
    nodes = {i.pk: {**_item_dict(i)} for i in items}
    roots = []
    for i in items:
        (nodes[i.parent_id].setdefault("children", []) if i.parent_id else roots).append(nodes[i.pk])
    doc = {
        **_header(m),
        "blocks": [
            {"code": b.code, "name": b.name, "max_points": _num(b.max_points)} for b in m.blocks.all()
        ],
        "items": roots,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


def export_xlsx(m: Methodology) -> bytes:
    """An interchange workbook (no title rows: `read_xlsx` reads it back)."""
    from cchc.core.exports import xlsx_bytes

    header = _header(m)
    items = []
    for i in m.items.order_by("position"):
        items.append(
            [
                i.code,
                i.name,
                _num(i.max_points),
                i.assessment,
                i.rule,
                json.dumps(i.rule_params, ensure_ascii=False) if i.rule_params else "",
                i.metric,
                "x" if i.evidence_required else "",
                "x" if i.exemptible else "",
                ",".join(i.blocks),
                "x" if i.official else "",
                i.guidance,
            ]
        )
    return xlsx_bytes(
        {
            "methodology": (["field", "value"], [[k, "" if v is None else v] for k, v in header.items()]),
            "blocks": (BLOCK_COLUMNS, [[b.code, b.name, _num(b.max_points)] for b in m.blocks.all()]),
            "items": (ITEM_COLUMNS, items),
        }
    )


def template_files() -> list[Path]:
    return sorted(TEMPLATE_DIR.glob("*.yaml"))


def read_any(filename: str, data: bytes) -> dict:
    if filename.lower().endswith((".yaml", ".yml")):
        return read_yaml(data)
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    raise ImportRejected([RowError(None, "file", _("Give a .yaml or .xlsx file."))])
