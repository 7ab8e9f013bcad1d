"""Bulk import of martyr records and graves from CSV or Excel: validate every row, then write all or
nothing (the households import machinery: read_table, RowError per row and column, MAX_ERRORS cap,
the background job runner). The columns are documented in docs/martyrs.md.

A row with a name creates a martyr (and its grave when a cemetery is given); a row without a name but
with a cemetery records an unidentified grave.
"""

from pathlib import Path

import pandas as pd
from django.core.cache import cache
from django.db import transaction

from cchc.core.audit import audit_record
from cchc.core.exceptions import ImportRejected, RowError
from cchc.households.bulk import MAX_ERRORS, read_table
from cchc.org.access import has_perm
from cchc.org.models import Agency

from . import access, search, selectors
from .models import Cemetery, Grave, Martyr, SearchName
from .normalise import home_codes, parse_partial_date, province_codes, year_ok
from .text import nfc

SHEET = "martyrs"
REQUIRED = ["full_name", "agency_code"]
OPTIONAL = [
    "aliases",
    "birth_year",
    "native_place",
    "native_province",
    "residence",
    "enlisted_year",
    "military_unit",
    "rank",
    "position",
    "death_date",
    "death_place",
    "certificate_number",
    "next_of_kin",
    "cemetery_code",
    "zone",
    "row",
    "number",
    "headstone",
    "grave_info",
]
BATCH = 2000
MAX_ROWS = 200_000  # one file; larger loads are split (the whole file is validated in memory)


def validate(actor, df: pd.DataFrame) -> list[dict]:
    errors: list[RowError] = []

    def err(i, column, message):
        if len(errors) < MAX_ERRORS:
            errors.append(RowError(i + 2, column, message, SHEET))

    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ImportRejected([RowError(None, c, "required column is missing", SHEET) for c in missing])
    if len(df) > MAX_ROWS:
        raise ImportRejected([RowError(None, "", f"more than {MAX_ROWS} rows: split the file", SHEET)])
    for c in OPTIONAL:
        if c not in df.columns:
            df[c] = ""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=df["agency_code"].unique().tolist())}
    cemeteries = {c.code: c for c in Cemetery.objects.filter(code__in=df["cemetery_code"].unique().tolist())}
    allowed = {code for code, a in agencies.items() if has_perm(actor, access.EDIT, a)}
    taken = set(
        Grave.objects.filter(cemetery__code__in=list(cemeteries))
        .exclude(number="")
        .values_list("cemetery__code", "zone", "row", "number")
    )
    limits = {f.name: f.max_length for f in Martyr._meta.concrete_fields if getattr(f, "max_length", None)}
    out = []
    for i, row in enumerate(df.to_dict("records")):
        rec = {}
        name = row["full_name"]
        code = row["agency_code"]
        if code not in agencies:
            err(i, "agency_code", f"unknown unit code {code!r}")
        elif code not in allowed:
            err(i, "agency_code", "you may not enter records of this unit")
        rec["agency"] = agencies.get(code)
        for column in ("birth_year", "enlisted_year"):
            value = row[column]
            if value and not (value.isdigit() and year_ok(int(value))):
                err(i, column, f"not a year: {value!r}")
            rec[column] = int(value) if value.isdigit() else None
        rec["death"] = (None, None, None)
        if row["death_date"]:
            try:
                rec["death"] = parse_partial_date(row["death_date"])
            except ValueError:
                err(i, "death_date", f"not a date (1968, 5/1968 or 12/5/1968): {row['death_date']!r}")
        if province_codes(row["native_province"]) is None:
            err(i, "native_province", f"unknown province {row['native_province']!r}")
        rec["province"], rec["commune"] = home_codes(row["native_place"], row["native_province"])
        cem = row["cemetery_code"]
        if cem and cem not in cemeteries:
            err(i, "cemetery_code", f"unknown cemetery code {cem!r}")
        rec["cemetery"] = cemeteries.get(cem)
        if row["grave_info"] and row["grave_info"] not in Grave.Info.values:
            err(i, "grave_info", f"unknown code {row['grave_info']!r} (full, partial, none)")
        if not name and not cem:
            err(i, "full_name", "a row needs the martyr's name, or a cemetery for an unidentified grave")
        if cem and row["number"]:
            place = (cem, row["zone"], row["row"], row["number"])
            if place in taken:
                err(
                    i, "number", f"grave {row['zone']}/{row['row']}/{row['number']} already recorded in {cem}"
                )
            taken.add(place)
        for column, limit in limits.items():
            if column in row and len(row[column]) > limit:
                err(i, column, f"longer than {limit} characters")
        out.append({**row, **rec, "_line": i + 2})
    if errors:
        raise ImportRejected(errors)
    return out


@transaction.atomic
def import_martyrs(*, actor, df: pd.DataFrame, progress=None, synthetic: bool = False) -> dict:
    records = validate(actor, df)
    martyrs_made = graves_made = 0
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        with_name = [r for r in chunk if r["full_name"]]
        objs = [
            Martyr(
                full_name=nfc(r["full_name"]),
                aliases=r["aliases"],
                birth_year=r["birth_year"],
                native_place=r["native_place"],
                native_province_code=r["province"],
                native_commune_code=r["commune"],
                residence=r["residence"],
                enlisted_year=r["enlisted_year"],
                military_unit=r["military_unit"],
                rank=r["rank"],
                position=r["position"],
                death_year=r["death"][0],
                death_month=r["death"][1],
                death_day=r["death"][2],
                death_place=r["death_place"],
                certificate_number=r["certificate_number"],
                next_of_kin=r["next_of_kin"],
                agency=r["agency"],
                is_synthetic=synthetic,
            )
            for r in with_name
        ]
        Martyr.objects.bulk_create(objs)  # ids are set on PostgreSQL and SQLite ≥ 3.35
        names = []
        for m in objs:
            names += search.search_rows(m.pk, m.full_name, m.aliases, m.birth_year, m.native_province_code)
        SearchName.objects.bulk_create(names)
        search.vocabulary_add({t for n in names for t in n.name_key.split()})
        by_row = dict(zip((r["_line"] for r in with_name), objs, strict=True))
        graves = []
        for r in chunk:
            if not r["cemetery"]:
                continue
            martyr = by_row.get(r["_line"])
            info = r["grave_info"] or (Grave.Info.FULL if martyr else Grave.Info.NONE)
            graves.append(
                Grave(
                    cemetery=r["cemetery"],
                    zone=r["zone"],
                    row=r["row"],
                    number=r["number"],
                    martyr=martyr,
                    headstone=r["headstone"] or (martyr.full_name if martyr else "Liệt sĩ chưa biết tên"),
                    info=info,
                )
            )
        Grave.objects.bulk_create(graves)
        martyrs_made += len(objs)
        graves_made += len(graves)
        if progress:
            progress.update(start + len(chunk), len(records), "records")
    transaction.on_commit(lambda: cache.delete(selectors.STATS_CACHE_KEY))  # the search page's counts
    audit_record(
        access.IMPORTED,
        actor=actor,
        target_type="martyrs.martyr",
        target_label=f"{martyrs_made} martyrs, {graves_made} graves",
        after={"martyrs": martyrs_made, "graves": graves_made, "rows": len(records)},
    )
    return {"martyrs": martyrs_made, "graves": graves_made}


def import_job(progress, *, job=None, path: str, synthetic: bool = False):
    """Background job: import the uploaded file as the person who queued it; the upload (personal data
    of next of kin) is deleted once read, whatever happens."""
    file = Path(path)
    try:
        df = read_table(file, SHEET)
    finally:
        file.unlink(missing_ok=True)
    counts = import_martyrs(actor=job.created_by, df=df, progress=progress, synthetic=synthetic)
    from django.urls import reverse

    return {
        "summary": f"{counts['martyrs']} martyrs, {counts['graves']} graves imported",
        "next_url": reverse("martyrs:staff"),
        **counts,
    }
