"""Import and export of the catalogue as JSON and Excel (formats in docs/procedures.md).

Both formats read into the same list of records: one record per procedure version, holding the
procedure's identity, the version dict the services take, and where each part came from (sheet,
row) so that every error names its place. Importing is all-or-nothing: everything is checked
first, and any problem raises ImportRejected before a single row is written.
"""

import io
import json
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.audit import audit_record
from cchc.core.exceptions import ImportRejected, RowError
from cchc.core.exports import restore, xlsx_bytes
from cchc.core.text import nfc
from cchc.org.access import has_perm
from cchc.org.models import Agency

from .access import MANAGE
from .models import DossierComponent, LegalBasis, Procedure, ProcedureVersion
from .services import CATALOG_IMPORTED, VERSION_FIELDS
from .validation import clean_identity, clean_version, parse_date

IDENTITY = ("code", "name", "field", "level", "agency_code")
ABOLITION = ("abolished_on", "abolished_by")
PROCEDURE_COLUMNS = (*IDENTITY, *VERSION_FIELDS, *ABOLITION)
COMPONENT_COLUMNS = ("procedure_code", "version_from", "code", "name", "required", "copies", "form_name")
LEGAL_COLUMNS = ("procedure_code", "version_from", "number", "title", "issued_on", "effective_from")
SHEETS = {"procedures": PROCEDURE_COLUMNS, "components": COMPONENT_COLUMNS, "legal_basis": LEGAL_COLUMNS}


# ---------------------------------------------------------------- reading


def read_json(content: bytes) -> list[dict]:
    """`{"procedures": [record, …]}` or a bare list of records."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(
            [RowError(None, "", _("The file is not valid UTF-8 JSON: %(error)s") % {"error": exc})]
        ) from None
    records = data.get("procedures") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportRejected(
            [RowError(None, "", _("Expected a list of procedures under the key “procedures”."))]
        )
    for i, record in enumerate(records, start=1):
        record["_where"] = ("procedures", i)
    return records


def _cell(value):
    # text that our own export made inert (a leading apostrophe) reads back as it was typed
    return nfc(restore(value.strip())) if isinstance(value, str) else value


def read_xlsx(content: bytes) -> list[dict]:
    """Three sheets: procedures (one row per version), components, legal_basis (linked by
    procedure_code and, when a file holds several versions of a procedure, version_from)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRejected(
            [RowError(None, "", _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc})]
        ) from None
    errors: list[RowError] = []
    rows: dict[str, list[tuple[int, dict]]] = {}
    for sheet, columns in SHEETS.items():
        if sheet not in wb.sheetnames:
            if sheet == "procedures":
                errors.append(
                    RowError(None, "", _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet}, sheet)
                )
            rows[sheet] = []
            continue
        it = wb[sheet].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        missing = [c for c in columns if c not in header and c not in ("version_from",) + VERSION_OPTIONAL]
        if missing:
            errors.append(RowError(1, ", ".join(missing), _("Missing column(s)."), sheet))
        rows[sheet] = [
            (n, {h: _cell(v) for h, v in zip(header, values, strict=False) if h})
            for n, values in enumerate(it, start=2)
            if any(v not in (None, "") for v in values)
        ]
    if errors:
        raise ImportRejected(errors)

    records = []
    by_code: dict[str, list[dict]] = defaultdict(list)
    for n, row in rows["procedures"]:
        record = dict(row)
        record["steps"] = row.get("steps") or ""
        record["legal_basis"], record["components"] = [], []
        record["_where"] = ("procedures", n)
        records.append(record)
        by_code[str(row.get("code") or "").strip()].append(record)

    def attach(sheet: str, key: str):
        for n, row in rows[sheet]:
            code = str(row.get("procedure_code") or "").strip()
            candidates = by_code.get(code, [])
            version_from = row.get("version_from")
            if version_from not in (None, ""):
                try:
                    day = parse_date(version_from)
                except ValueError:
                    errors.append(
                        RowError(
                            n,
                            "version_from",
                            _("“%(value)s” is not a date.") % {"value": version_from},
                            sheet,
                        )
                    )
                    continue
                candidates = [r for r in candidates if _safe_date(r.get("effective_from")) == day]
            if len(candidates) != 1:
                message = (
                    _("No procedure %(code)s in the procedures sheet.")
                    if not candidates
                    else _("%(code)s has several versions in the file; fill version_from.")
                ) % {"code": code}
                errors.append(RowError(n, "procedure_code", message, sheet))
                continue
            item = {k: v for k, v in row.items() if k not in ("procedure_code", "version_from")}
            item["_where"] = (sheet, n)
            candidates[0][key].append(item)

    attach("components", "components")
    attach("legal_basis", "legal_basis")
    if errors:
        raise ImportRejected(errors)
    return records


VERSION_OPTIONAL = (
    "fee",
    "charge",
    "fee_note",
    "conditions",
    "online_partial_reason",
    "publication_decision",
    "published_on",
    "posted_at_desk_on",
    "change_note",
    "abolished_on",
    "abolished_by",
)


def _safe_date(value):
    try:
        return parse_date(value)
    except ValueError:
        return None


def read_file(content: bytes, fmt: str) -> list[dict]:
    if fmt == "json":
        return read_json(content)
    if fmt == "xlsx":
        return read_xlsx(content)
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- checking and writing


def _locate(record: dict, key: str) -> tuple[str, int | None, str]:
    """(sheet, row, field) of an error key such as 'components[2].code'."""
    sheet, row = record["_where"]
    for part in ("components", "legal_basis"):
        if key.startswith(part + "["):
            index = int(key[len(part) + 1 : key.index("]")]) - 1
            items = record.get(part) or []
            if index < len(items) and "_where" in items[index]:
                sheet, row = items[index]["_where"]
                return sheet, row, key.split(".", 1)[1]
    return sheet, row, key


def catalog_import(*, actor, records: list[dict], progress=None) -> dict:
    """Add the procedures and versions of `records`, all or nothing. A record whose code is already
    in the catalogue adds a version (it must start after the latest one). Returns counts."""
    errors: list[RowError] = []
    agencies = {
        a.code: a
        for a in Agency.objects.filter(code__in={str(r.get("agency_code") or "").strip() for r in records})
    }
    existing = {
        p.code: p
        for p in Procedure.objects.select_related("agency").filter(
            code__in={str(r.get("code") or "").strip() for r in records}
        )
    }
    latest_number: dict[str, tuple[int, date]] = {}
    if existing:
        for code, number, eff in ProcedureVersion.objects.filter(procedure__code__in=existing).values_list(
            "procedure__code", "number", "effective_from"
        ):
            if number > latest_number.get(code, (0, None))[0]:
                latest_number[code] = (number, eff)
    latest_from = {code: eff for code, (_n, eff) in latest_number.items()}
    allowed: dict[int, bool] = {}
    cleaned: dict[str, list] = defaultdict(list)
    total = len(records)
    if progress:
        progress.update(0, total * 2, _("Checking"))
    for i, record in enumerate(records, start=1):
        problems: dict = {}
        identity = clean_identity(record, problems)
        content = clean_version(record, problems)
        agency = agencies.get(str(record.get("agency_code") or "").strip())
        if agency is None:
            problems["agency_code"] = _("No unit has the identifier code “%(code)s”.") % {
                "code": record.get("agency_code") or ""
            }
        else:
            if agency.pk not in allowed:
                allowed[agency.pk] = has_perm(actor, MANAGE, agency)
            if not allowed[agency.pk]:
                problems["agency_code"] = _("You may not manage the procedures of %(unit)s.") % {
                    "unit": agency.name
                }
        current = existing.get(identity["code"])
        if current is not None and current.agency_id != getattr(agency, "pk", None):
            # Moving a procedure to another agency needs the permission where it is now, too.
            if current.agency_id not in allowed:
                allowed[current.agency_id] = has_perm(actor, MANAGE, current.agency)
            if not allowed[current.agency_id]:
                problems["code"] = _("You may not manage the procedures of %(unit)s.") % {
                    "unit": current.agency.name
                }
        abolition = {}
        try:
            abolition["abolished_on"] = parse_date(record.get("abolished_on"))
        except ValueError:
            problems["abolished_on"] = _("“%(value)s” is not a date.") % {"value": record.get("abolished_on")}
        abolition["abolished_by"] = str(record.get("abolished_by") or "").strip()
        if abolition.get("abolished_on") and not abolition["abolished_by"]:
            problems["abolished_by"] = _("Name the document that abolished the procedure.")
        for key, message in problems.items():
            sheet, row, field = _locate(record, key)
            errors.append(RowError(row, field, message, sheet))
        if not problems:
            cleaned[identity["code"]].append((record, identity, content, agency, abolition))
        if progress and i % 200 == 0:
            progress.update(i)

    # Versions of one procedure in the file must follow each other and the catalogue's latest.
    for code, items in cleaned.items():
        items.sort(key=lambda item: item[2]["effective_from"])
        previous = latest_from.get(code)
        if code in existing and existing[code].status == Procedure.Status.ABOLISHED:
            sheet, row = items[0][0]["_where"]
            errors.append(
                RowError(
                    row,
                    "code",
                    _("%(code)s is abolished; it cannot get a new version.") % {"code": code},
                    sheet,
                )
            )
        for record, _identity, content, _agency, _abolition in items:
            if previous is not None and content["effective_from"] <= previous:
                sheet, row = record["_where"]
                errors.append(
                    RowError(
                        row,
                        "effective_from",
                        _("%(code)s: a version must start after %(date)s.")
                        % {"code": code, "date": f"{previous:%d/%m/%Y}"},
                        sheet,
                    )
                )
            previous = content["effective_from"]
        for record, _identity, _content, _agency, abolition in items[:-1]:
            if abolition["abolished_on"]:
                sheet, row = record["_where"]
                errors.append(
                    RowError(
                        row,
                        "abolished_on",
                        _("Only the latest version of %(code)s may carry the abolition.") % {"code": code},
                        sheet,
                    )
                )
        last = items[-1]
        if last[4]["abolished_on"] and last[4]["abolished_on"] <= last[2]["effective_from"]:
            sheet, row = last[0]["_where"]
            errors.append(
                RowError(
                    row, "abolished_on", _("The abolition must come after the version took effect."), sheet
                )
            )
    if errors:
        errors.sort(key=lambda e: (e.sheet, e.row or 0))
        raise ImportRejected(errors)
    if not cleaned:
        raise ImportRejected([RowError(None, "", _("The file holds no procedure."))])
    return _write(actor, cleaned, existing, latest_number, progress, total)


@transaction.atomic
def _write(actor, cleaned, existing, latest_number, progress, total) -> dict:
    user = actor if getattr(actor, "pk", None) else None
    new_procedures = []
    for code, items in cleaned.items():
        _record, identity, _content, agency, abolition = items[-1]
        procedure = existing.get(code) or Procedure(code=code)
        procedure.name, procedure.field, procedure.level, procedure.agency = (
            identity["name"],
            identity["field"],
            identity["level"],
            agency,
        )
        if abolition["abolished_on"]:
            procedure.status = Procedure.Status.ABOLISHED
            procedure.abolished_on, procedure.abolished_by = (
                abolition["abolished_on"],
                abolition["abolished_by"],
            )
        procedure.refresh_search_text(agency.name)
        if procedure.pk is None:
            new_procedures.append(procedure)
    Procedure.objects.bulk_create(new_procedures, batch_size=500)
    changed = [p for p in existing.values() if p.code in cleaned]
    Procedure.objects.bulk_update(
        changed,
        [
            "name",
            "field",
            "level",
            "agency",
            "status",
            "abolished_on",
            "abolished_by",
            "search_text",
            "updated_at",
        ],
        batch_size=500,
    )
    by_code = {p.code: p for p in [*new_procedures, *changed]}

    # End the catalogue's open versions where the file's first version starts.
    closing = []
    for code, items in cleaned.items():
        if code in existing:
            version = ProcedureVersion.objects.get(procedure=by_code[code], number=latest_number[code][0])
            version.effective_to = items[0][2]["effective_from"] - timedelta(days=1)
            closing.append(version)
    ProcedureVersion.objects.bulk_update(closing, ["effective_to"], batch_size=500)

    versions, children = [], []
    for code, items in cleaned.items():
        number = latest_number.get(code, (0, None))[0]
        for index, (_record, _identity, content, _agency, abolition) in enumerate(items):
            number += 1
            following = items[index + 1][2]["effective_from"] if index + 1 < len(items) else None
            end = (
                following - timedelta(days=1)
                if following
                else (abolition["abolished_on"] - timedelta(days=1) if abolition["abolished_on"] else None)
            )
            version = ProcedureVersion(
                procedure=by_code[code],
                number=number,
                effective_to=end,
                created_by=user,
                **{f: content[f] for f in VERSION_FIELDS},
            )
            versions.append(version)
            children.append(content)
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    if progress:
        progress.update(total + total // 2, message=_("Writing"))
    bases, components = [], []
    for version, content in zip(versions, children, strict=False):
        bases += [LegalBasis(version=version, order=i, **doc) for i, doc in enumerate(content["legal_basis"])]
        components += [
            DossierComponent(
                version=version,
                order=i,
                code=c["code"],
                name=c["name"],
                required=c["required"],
                copies=c["copies"],
                form_name=c["form_name"],
            )
            for i, c in enumerate(content["components"])
        ]
    LegalBasis.objects.bulk_create(bases, batch_size=1000)
    DossierComponent.objects.bulk_create(components, batch_size=1000)
    result = {
        "procedures_created": len(new_procedures),
        "procedures_updated": len(changed),
        "versions_added": len(versions),
        "components": len(components),
    }
    audit_record(
        CATALOG_IMPORTED,
        actor=actor,
        target_type="procedures.catalog",
        target_label=_("Procedure catalogue"),
        after={**result, "codes": sorted(cleaned)[:1000]},
    )
    if progress:
        progress.update(total * 2)
    return result


def catalog_import_file(*, actor, content: bytes, fmt: str, progress=None) -> dict:
    if not has_perm(actor, MANAGE):
        raise PermissionDenied(_("You may not import procedures."))
    return catalog_import(actor=actor, records=read_file(content, fmt), progress=progress)


# ---------------------------------------------------------------- exporting


def _version_record(procedure: Procedure, version: ProcedureVersion, last: bool) -> dict:
    record = {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "level": procedure.level,
        "agency_code": procedure.agency.code,
    }
    for f in VERSION_FIELDS:
        record[f] = getattr(version, f)
    record["legal_basis"] = [
        {"number": b.number, "title": b.title, "issued_on": b.issued_on, "effective_from": b.effective_from}
        for b in version.legal_basis.all()
    ]
    record["components"] = [
        {"code": c.code, "name": c.name, "required": c.required, "copies": c.copies, "form_name": c.form_name}
        for c in version.components.all()
    ]
    if last and procedure.status == Procedure.Status.ABOLISHED:
        record["abolished_on"], record["abolished_by"] = procedure.abolished_on, procedure.abolished_by
    return record


def export_records(procedures, *, on: date | None = None) -> list[dict]:
    """Records for `procedures`: every version (history), or only the version in force on `on`."""
    versions = (
        ProcedureVersion.objects.filter(procedure__in=procedures)
        .select_related("procedure__agency")
        .prefetch_related("legal_basis", "components")
        .order_by("procedure__code", "number")
    )
    if on is not None:
        versions = versions.filter(ProcedureVersion.in_force_on(on))
    rows = list(versions)
    last = {}
    for v in rows:
        last[v.procedure_id] = v.pk
    return [_version_record(v.procedure, v, last[v.procedure_id] == v.pk and on is None) for v in rows]


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal: written as text so no digit is lost
        return str(value)
    return value


def export_json(records: list[dict]) -> bytes:
    return json.dumps({"procedures": records}, default=_jsonable, ensure_ascii=False, indent=1).encode()


def export_xlsx(records: list[dict]) -> bytes:
    def cell(key, value):
        if key == "steps":
            return "\n".join(value)
        if key == "channels":
            return ", ".join(value)
        return _jsonable(value) if value is not None else ""

    procedures = [[cell(k, r.get(k)) for k in PROCEDURE_COLUMNS] for r in records]
    components = [
        [
            r["code"],
            cell("", r["effective_from"]),
            c["code"],
            c["name"],
            "1" if c.get("required", True) else "0",
            c.get("copies", 1),
            c.get("form_name", ""),
        ]
        for r in records
        for c in r["components"]
    ]
    bases = [
        [
            r["code"],
            cell("", r["effective_from"]),
            b["number"],
            b.get("title", ""),
            cell("", b.get("issued_on")),
            cell("", b.get("effective_from")),
        ]
        for r in records
        for b in r["legal_basis"]
    ]
    return xlsx_bytes(
        {
            "procedures": (PROCEDURE_COLUMNS, procedures),
            "components": (COMPONENT_COLUMNS, components),
            "legal_basis": (LEGAL_COLUMNS, bases),
        }
    )
