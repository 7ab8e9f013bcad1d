"""Score imports (self-assessment, appraisal rounds, explanation, survey) from CSV or Excel.

Columns: subject_code, item_code, stage, points, value, comment. Every row goes through the same
services as the screens (permissions, deadlines, maxima); all-or-nothing with a report per row.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.exceptions import ImportRejected, InvalidTransition, RowError
from cchc.core.text import nfc

from . import services
from .models import Cycle, Stage

COLUMNS = ["subject_code", "item_code", "stage", "points", "value", "comment"]


def read_rows(filename: str, data: bytes) -> list[dict]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise ImportRejected(
                [RowError(None, "", _("The Excel file cannot be read: %(e)s") % {"e": exc})]
            ) from None
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            return []
        names = [nfc(str(c or "").strip().lower()) for c in rows[0]]
        out = []
        for n, r in enumerate(rows[1:], start=2):
            if not any(v not in (None, "") for v in r):
                continue
            out.append(
                {names[i]: ("" if v is None else nfc(v)) for i, v in enumerate(r) if i < len(names)}
                | {"_row": n}
            )
        return out
    if filename.lower().endswith(".csv"):
        try:
            text = nfc(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ImportRejected([RowError(None, "", _("The CSV file must be UTF-8."))]) from None
        return read_csv(text)
    raise ImportRejected([RowError(None, "file", _("Give a .csv or .xlsx file."))])


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known columns.

    Excel in a Vietnamese (or any comma-decimal) locale writes “;” between fields and “8,5” for
    numbers; elsewhere “,”. The header names our columns, so it tells which one a file uses.
    """
    best, best_hits = ",", -1
    for delimiter in (",", ";", "\t"):
        names = next(csv.reader([header_line], delimiter=delimiter), [])
        hits = sum(1 for name in names if name.strip().lower() in COLUMNS)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def read_csv(text: str) -> list[dict]:
    """Rows as dicts (with their line number in “_row”); a row with more fields than the header is
    an error naming its row and the first extra column (e.g. an unquoted “8,5” in a comma file),
    never a silent shift of columns."""
    if not text.strip():
        return []
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
        rows, errors = [], []
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header):
                errors.append(
                    RowError(
                        reader.line_num,
                        str(len(header) + 1),  # the 1-based column: “row 3, column 7”
                        _(
                            "the row has %(got)s fields but the header has %(want)s; a decimal comma "
                            '(8,5) must be quoted ("8,5") in a comma-separated file, or use “;” '
                            "between fields"
                        )
                        % {"got": len(fields), "want": len(header)},
                    )
                )
                continue
            # a short row (Excel drops trailing empty cells) reads as empty fields
            record = {
                name: (fields[i].strip() if i < len(fields) else "") for i, name in enumerate(header) if name
            }
            record["_row"] = reader.line_num
            rows.append(record)
    except csv.Error as exc:
        raise ImportRejected(
            [RowError(reader.line_num, "", _("The CSV file cannot be read: %(e)s") % {"e": exc})]
        ) from None
    if errors:
        raise ImportRejected(errors)
    return rows


def scores_import(*, actor, cycle: Cycle, filename: str, data: bytes, progress=None) -> dict:
    rows = read_rows(filename, data)
    if not rows:
        raise ImportRejected([RowError(None, "", _("The file has no rows."))])
    missing = [c for c in ("subject_code", "item_code", "stage") if c not in rows[0]]
    if missing:
        raise ImportRejected([RowError(1, c, _("column missing")) for c in missing])
    subjects = {s.agency.code: s for s in cycle.subjects.select_related("agency")}
    errors, counts = [], {}
    if progress:
        progress.update(0, len(rows), _("Importing scores"))
    with transaction.atomic():
        for n, r in ((r.get("_row", i), r) for i, r in enumerate(rows, start=2)):
            code, stage = str(r.get("subject_code", "")).strip(), str(r.get("stage", "")).strip()
            subject = subjects.get(code)
            if subject is None:
                errors.append(
                    RowError(n, "subject_code", _("%(c)s is not a subject of this cycle") % {"c": code})
                )
                continue
            if stage not in Stage.values:
                errors.append(
                    RowError(n, "stage", _("must be one of %(v)s") % {"v": ", ".join(Stage.values)})
                )
                continue
            try:
                with transaction.atomic():
                    if stage == Stage.SURVEY:
                        services.survey_points_record(
                            actor=actor,
                            cycle=cycle,
                            subject=subject.agency,
                            item_code=str(r.get("item_code", "")).strip(),
                            points=r.get("points"),
                            source="import",
                            note=str(r.get("comment", "")),
                        )
                    else:
                        services.entry_record(
                            actor=actor,
                            subject=subject,
                            item_code=str(r.get("item_code", "")).strip(),
                            stage=stage,
                            points=r.get("points") if r.get("points") != "" else None,
                            value=r.get("value") if r.get("value") != "" else None,
                            comment=str(r.get("comment", "") or ""),
                        )
            except ValidationError as exc:
                for field, messages in (
                    exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                ):
                    errors.extend(RowError(n, field, m) for m in messages)
                continue
            except (InvalidTransition, PermissionDenied) as exc:
                errors.append(RowError(n, "stage", str(exc)))
                continue
            counts[stage] = counts.get(stage, 0) + 1
            if progress:
                progress.advance()
        if errors:
            raise ImportRejected(errors)
        services.audit_record(
            services.SCORES_IMPORTED,
            actor=actor,
            target=cycle,
            agency_id=cycle.owner_id,
            after={"file": filename, "rows": len(rows), "by_stage": counts},
        )
    return {"rows": len(rows), "by_stage": counts}
