"""Bulk import of households and members (CSV, Excel, Parquet): validate everything, then write all
or nothing. The file formats are documented in docs/households.md.

Validation is column-wise with pandas, so millions of rows are checked in seconds; every problem is
reported as a RowError naming the sheet, the row (as a spreadsheet shows it: header = row 1) and the
column.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.utils import timezone

from cchc.core.audit import audit_record
from cchc.core.exceptions import ImportRejected, RowError
from cchc.core.files import table_limits_check
from cchc.org.access import has_perm
from cchc.org.models import Agency, AgencyType

from . import access
from .models import (
    Education,
    Household,
    Latrine,
    Livelihood,
    Member,
    Sex,
    SocialProtectionGroup,
    WaterSource,
    Work,
)

HOUSEHOLD_BOOLS = [
    "wall_durable",
    "column_durable",
    "roof_durable",
    "uses_telecom",
    "uses_internet",
    "uses_digital_services",
    "has_information_device",
    "hears_loudspeaker",
    "treats_waste",
]
MEMBER_BOOLS = [
    "has_disability",
    "health_insurance",
    "in_school",
    "behind_grade",
    "ill_untreated",
    "malnourished",
]
HOUSEHOLD_COLUMNS = [
    "code",
    "commune_code",
    "head_name",
    "income_per_person",
    "floor_area",
    "water_source",
    "latrine",
    *HOUSEHOLD_BOOLS,
]
HOUSEHOLD_OPTIONAL = ["village", "address", "livelihood"]
MEMBER_COLUMNS = ["household_code", "full_name", "birth_date", "sex", "education", "work", *MEMBER_BOOLS]
MEMBER_OPTIONAL = ["identity_number", "relation", "social_protection"]
TRUE = {"1", "true", "yes", "có", "x"}
FALSE = {"0", "false", "no", "không", ""}
MAX_ERRORS = 1000
BATCH = 5000
COPY_CHUNK = 100_000  # rows per COPY write: bounded memory for the CSV text


def read_table(path: Path, sheet: str) -> pd.DataFrame:
    """Every cell as stripped text, whatever the format. Size, unzipped size and column count are
    checked before the parser reads the file (core.files.table_limits_check)."""
    table_limits_check(path, path.name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix in {".xlsx", ".xlsm"}:
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, engine="openpyxl")
    elif suffix == ".parquet":
        df = pd.read_parquet(path)
        df = df.astype(str).replace({"None": "", "nan": "", "NaT": ""})
    else:
        raise ImportRejected(
            [RowError(None, "", f"{path.name}: unsupported format (use .csv, .xlsx or .parquet)")]
        )
    df.columns = [str(c).strip() for c in df.columns]
    return df.apply(lambda s: s.astype(str).str.strip().str.normalize("NFC"))  # core.text: stored as NFC


class _Errors:
    def __init__(self):
        self.items: list[RowError] = []

    def add_mask(self, sheet: str, mask, column: str, message, values=None) -> None:
        for i in np.flatnonzero(np.asarray(mask))[: MAX_ERRORS - len(self.items)]:
            shown = message if values is None else f"{message}: {values.iloc[i]!r}"
            self.items.append(RowError(int(i) + 2, column, shown, sheet))

    def missing_columns(self, sheet, df, required) -> bool:
        missing = [c for c in required if c not in df.columns]
        for c in missing:
            self.items.append(RowError(None, c, "required column is missing", sheet))
        return bool(missing)


def parse_dates(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """YYYY-MM-DD or DD/MM/YYYY text → (yyyymmdd integers, valid mask), vectorised, any year 1–9999.

    The usual ISO form goes through pandas' C parser (about 20 times faster than the regular
    expressions, which matters at millions of members); whatever it cannot read takes the general path.
    """
    fast = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    ok = fast.notna().to_numpy()
    if ok.all():
        return (fast.dt.year * 10000 + fast.dt.month * 100 + fast.dt.day).to_numpy(dtype=np.int64), ok
    ymd, valid = np.zeros(len(text), dtype=np.int64), ok.copy()
    ymd[ok] = (fast[ok].dt.year * 10000 + fast[ok].dt.month * 100 + fast[ok].dt.day).to_numpy(dtype=np.int64)
    if (~ok).any():
        ymd[~ok], valid[~ok] = _parse_dates_general(text[~ok])
    return ymd, valid


def _parse_dates_general(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    iso = text.str.extract(r"^(\d{4})-(\d{2})-(\d{2})$")
    dmy = text.str.extract(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
    y = pd.to_numeric(iso[0].fillna(dmy[2]), errors="coerce").fillna(0).astype(np.int64).to_numpy()
    m = pd.to_numeric(iso[1].fillna(dmy[1]), errors="coerce").fillna(0).astype(np.int64).to_numpy()
    d = pd.to_numeric(iso[2].fillna(dmy[0]), errors="coerce").fillna(0).astype(np.int64).to_numpy()
    valid = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1)
    month_start = (np.where(valid, y, 1970) - 1970) * 12 + np.where(valid, m, 1) - 1
    days_in_month = (
        np.array(month_start + 1, dtype="datetime64[M]").astype("datetime64[D]")
        - np.array(month_start, dtype="datetime64[M]").astype("datetime64[D]")
    ).astype(np.int64)
    valid &= d <= days_in_month
    return y * 10000 + m * 100 + d, valid


def _per_value(column: pd.Series, func) -> np.ndarray:
    """func applied once per distinct value, spread back over the column: a column of millions of
    cells holds few distinct values (1/0, codes), so this is far cheaper than a per-cell string op."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return np.asarray([func(v) for v in uniques])[codes] if len(uniques) else np.zeros(0, dtype=bool)


def _bools(df, sheet, columns, errors) -> dict:
    out = {}
    for c in columns:
        known = _per_value(df[c], lambda v: str(v).lower() in TRUE | FALSE)
        errors.add_mask(sheet, ~known, c, "expected 1/0 (có/không)", df[c])
        out[c] = _per_value(df[c], lambda v: str(v).lower() in TRUE)
    return out


def _choices(df, sheet, column, allowed, errors, blank_ok=False) -> None:
    ok = df[column].isin(list(allowed)) | ((df[column] == "") if blank_ok else False)
    errors.add_mask(sheet, ~ok, column, "unknown code", df[column])


def _registered_codes(codes: list[str]) -> set[str]:
    """Which of these household codes are already in the registry."""
    if connection.vendor == "postgresql":  # one array parameter: no million-placeholder query to build
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT code FROM {connection.ops.quote_name(Household._meta.db_table)} "
                "WHERE code = ANY(%s)",
                [codes],
            )
            return {row[0] for row in cursor.fetchall()}
    found = set()
    for start in range(0, len(codes), 20000):
        found |= set(
            Household.objects.filter(code__in=codes[start : start + 20000]).values_list("code", flat=True)
        )
    return found


def validate(actor, households: pd.DataFrame, members: pd.DataFrame) -> dict:
    """Check both tables; raise ImportRejected listing every problem, or return the parsed columns."""
    errors = _Errors()
    H, M = "households", "members"
    if errors.missing_columns(H, households, HOUSEHOLD_COLUMNS) | errors.missing_columns(
        M, members, MEMBER_COLUMNS
    ):
        raise ImportRejected(errors.items)
    for c in HOUSEHOLD_OPTIONAL:
        households[c] = households.get(c, "")
    for c in MEMBER_OPTIONAL:
        members[c] = members.get(c, "")

    codes = households["code"]
    errors.add_mask(H, codes == "", "code", "household code is empty")
    errors.add_mask(
        H,
        codes.duplicated(keep="first") & (codes != ""),
        "code",
        "household code repeated in the file",
        codes,
    )
    existing = _registered_codes(codes[codes != ""].unique().tolist())
    errors.add_mask(H, codes.isin(existing), "code", "household code already registered", codes)

    communes = {
        a.code: a
        for a in Agency.objects.filter(
            code__in=households["commune_code"].unique().tolist(), type=AgencyType.COMMUNE
        )
    }
    allowed = {code for code, a in communes.items() if a.area_id and has_perm(actor, access.EDIT, a)}
    errors.add_mask(
        H,
        ~households["commune_code"].isin(communes),
        "commune_code",
        "unknown commune code",
        households["commune_code"],
    )
    errors.add_mask(
        H,
        households["commune_code"].isin(set(communes) - allowed),
        "commune_code",
        "you may not enter households of this commune",
        households["commune_code"],
    )
    errors.add_mask(H, households["head_name"] == "", "head_name", "head of household is empty")
    income = pd.to_numeric(households["income_per_person"], errors="coerce")
    errors.add_mask(
        H,
        income.isna() | (income % 1 != 0),
        "income_per_person",
        "not a whole number of VND",
        households["income_per_person"],
    )
    errors.add_mask(H, income < 0, "income_per_person", "income is negative", households["income_per_person"])
    errors.add_mask(
        H,
        income > 2_000_000_000,
        "income_per_person",
        "income is implausibly large",
        households["income_per_person"],
    )
    area = pd.to_numeric(households["floor_area"], errors="coerce")
    errors.add_mask(
        H,
        area.isna() | (area < 0) | (area >= 1_000_000),
        "floor_area",
        "not a floor area in m²",
        households["floor_area"],
    )
    _choices(households, H, "water_source", WaterSource.values, errors)
    _choices(households, H, "latrine", Latrine.values, errors)
    _choices(households, H, "livelihood", Livelihood.values, errors, blank_ok=True)
    hbools = _bools(households, H, HOUSEHOLD_BOOLS, errors)

    errors.add_mask(
        M,
        ~members["household_code"].isin(set(codes)),
        "household_code",
        "no such household in the households table",
        members["household_code"],
    )
    errors.add_mask(M, members["full_name"] == "", "full_name", "name is empty")
    birth, valid = parse_dates(members["birth_date"])
    errors.add_mask(M, ~valid, "birth_date", "not a date (YYYY-MM-DD or DD/MM/YYYY)", members["birth_date"])
    today = timezone.localdate()
    errors.add_mask(
        M,
        valid & (birth > today.year * 10000 + today.month * 100 + today.day),
        "birth_date",
        "date of birth is in the future",
        members["birth_date"],
    )
    _choices(members, M, "sex", Sex.values, errors)
    _choices(members, M, "education", Education.values, errors)
    _choices(members, M, "work", Work.values, errors)
    _choices(members, M, "social_protection", SocialProtectionGroup.values, errors, blank_ok=True)
    ident = members["identity_number"]
    errors.add_mask(
        M,
        (ident != "") & ~ident.str.fullmatch(r"\d{12}"),
        "identity_number",
        "a citizen identity number has 12 digits",
        ident,
    )
    mbools = _bools(members, M, MEMBER_BOOLS, errors)
    for sheet, df, model in ((H, households, Household), (M, members, Member)):
        for column in df.columns:
            name = "code" if column == "household_code" and model is Member else column
            try:
                limit = (Household if name == "code" else model)._meta.get_field(name).max_length
            except FieldDoesNotExist:  # an extra column, or one named differently (commune_code)
                continue
            if limit:
                errors.add_mask(
                    sheet,
                    _per_value(df[column], lambda v, limit=limit: len(str(v)) > limit),
                    column,
                    f"longer than {limit} characters",
                )
    if errors.items:
        raise ImportRejected(errors.items)
    return {
        "communes": communes,
        "income": income.astype(np.int64).to_numpy(),
        "area": area.to_numpy(),
        "hbools": hbools,
        "birth": birth,
        "mbools": mbools,
    }


@transaction.atomic
def import_households(
    *, actor, households: pd.DataFrame, members: pd.DataFrame, progress=None, synthetic: bool = False
) -> dict:
    """Validate, then create every household and member in one transaction. Returns counts.

    PostgreSQL writes with COPY (national loads: millions of rows); other databases with bulk_create.
    Either way nothing is written unless every row is valid, and a failure part-way rolls everything back.
    """
    parsed = validate(actor, households, members)
    communes = parsed["communes"]
    hrows, mrows = _row_frames(households, members, parsed, synthetic)
    write = _write_copy if connection.vendor == "postgresql" else _write_orm
    write(hrows, mrows, progress)
    per_commune = households["commune_code"].value_counts().to_dict()
    for code, n in per_commune.items():
        audit_record(
            access.IMPORTED,
            actor=actor,
            target_type="households.household",
            target_label=f"{n} households",
            agency_id=communes[code].pk,
            after={"commune": code, "households": int(n)},
        )
    if progress:
        total = len(households) + len(members)
        progress.update(total, total, "done")
    return {"households": len(households), "members": len(members)}


def _row_frames(households, members, parsed, synthetic) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validated tables as database columns (members keep `household_code` until ids are known)."""
    now = timezone.now()
    commune_ids = {code: a.pk for code, a in parsed["communes"].items()}
    h = pd.DataFrame(
        {
            "code": households["code"].to_numpy(),
            "commune_id": households["commune_code"].map(commune_ids).to_numpy(),
            "village": households["village"].to_numpy(),
            "head_name": households["head_name"].to_numpy(),
            "address": households["address"].to_numpy(),
            "income_per_person": parsed["income"],
            "floor_area": np.round(parsed["area"].astype(float), 1),
            "water_source": households["water_source"].to_numpy(),
            "latrine": households["latrine"].to_numpy(),
            "livelihood": households["livelihood"].to_numpy(),
            **{c: parsed["hbools"][c] for c in HOUSEHOLD_BOOLS},
            "is_synthetic": synthetic,
            "created_at": now,
            "updated_at": now,
        }
    )
    ymd = parsed["birth"]
    birth = (
        np.array(ymd // 10000 - 1970, dtype="datetime64[Y]").astype("datetime64[M]") + (ymd // 100 % 100 - 1)
    ).astype("datetime64[D]") + (ymd % 100 - 1)
    m = pd.DataFrame(
        {
            "household_code": members["household_code"].to_numpy(),
            "full_name": members["full_name"].to_numpy(),
            "birth_date": birth,
            "sex": members["sex"].to_numpy(),
            "identity_number": members["identity_number"].to_numpy(),
            "relation": members["relation"].to_numpy(),
            "education": members["education"].to_numpy(),
            "work": members["work"].to_numpy(),
            "social_protection": members["social_protection"].to_numpy(),
            **{c: parsed["mbools"][c] for c in MEMBER_BOOLS},
        }
    )
    return h, m


def _write_orm(hrows: pd.DataFrame, mrows: pd.DataFrame, progress) -> None:
    total = len(hrows) + len(mrows)
    for start in range(0, len(hrows), BATCH):
        chunk = hrows.iloc[start : start + BATCH].to_dict("records")
        Household.objects.bulk_create([Household(**row) for row in chunk])
        if progress:
            progress.update(start + len(chunk), total, "households")
    ids = {}
    codes = hrows["code"].tolist()
    for start in range(0, len(codes), 20000):
        ids.update(Household.objects.filter(code__in=codes[start : start + 20000]).values_list("code", "pk"))
    mrows = mrows.assign(
        household_id=mrows.pop("household_code").map(ids), birth_date=mrows["birth_date"].dt.date
    )
    for start in range(0, len(mrows), BATCH):
        chunk = mrows.iloc[start : start + BATCH].to_dict("records")
        Member.objects.bulk_create([Member(**row) for row in chunk])
        if progress:
            progress.update(len(hrows) + start + len(chunk), total, "members")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for COPY, written by Arrow (C++, several times faster than pandas): text always quoted,
    dates as YYYY-MM-DD, timestamps ISO 8601."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if "birth_date" in table.column_names:  # a date, not midnight of a timestamp
        table = table.set_column(
            table.column_names.index("birth_date"), "birth_date", table["birth_date"].cast(pa.date32())
        )
    out = pa.BufferOutputStream()
    pa_csv.write_csv(table, out, pa_csv.WriteOptions(include_header=False))
    return out.getvalue().to_pybytes()


def _write_copy(hrows: pd.DataFrame, mrows: pd.DataFrame, progress) -> None:
    """PostgreSQL COPY, in the import's transaction. Household ids are drawn from the table's sequence
    first, so members get their household_id without reading the households back."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Household._meta.db_table, len(hrows)],
        )
        ids = np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64, count=len(hrows))
        now = hrows["created_at"].iloc[0].isoformat() if len(hrows) else ""
        hrows = hrows.assign(id=ids, created_at=now, updated_at=now)
        mrows = mrows.assign(
            household_id=mrows.pop("household_code").map(pd.Series(ids, index=hrows["code"]))
        )
        done = 0
        for model, frame in ((Household, hrows), (Member, mrows)):
            # COPY bypasses Django's field defaults: every column but an automatic id must be given.
            missing = {f.column for f in model._meta.concrete_fields if not f.primary_key} - set(
                frame.columns
            )
            if missing:
                raise RuntimeError(f"COPY into {model._meta.db_table} lacks columns {sorted(missing)}")
            columns = ", ".join(qn(c) for c in frame.columns)
            # FORCE_NOT_NULL: an empty text cell is an empty string, not NULL.
            sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({columns}))"
            # The raw psycopg cursor bypasses Django's error translation: wrap it so callers see
            # django.db.IntegrityError etc. as with any other write.
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for start in range(0, len(frame), COPY_CHUNK):
                    chunk = frame.iloc[start : start + COPY_CHUNK]
                    copy.write(_csv_bytes(chunk))
                    done += len(chunk)
                    if progress:
                        progress.update(done, len(hrows) + len(mrows), model._meta.model_name)


def read_files(households_path: Path, members_path: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Households and members tables: two files, or one Excel workbook with both sheets."""
    households = read_table(households_path, "households")
    if members_path is None:
        if households_path.suffix.lower() not in {".xlsx", ".xlsm"}:
            raise ImportRejected(
                [RowError(None, "", "give the members file too (only a workbook holds both)")]
            )
        members = read_table(households_path, "members")
    else:
        members = read_table(members_path, "members")
    return households, members


def import_job(progress, *, job=None, households_path: str, members_path: str = "", synthetic: bool = False):
    """Background job: import the uploaded files as the person who queued the job.

    The uploads hold personal data, so they are deleted once read, whether the import succeeds or not.
    """
    paths = [Path(households_path)] + ([Path(members_path)] if members_path else [])
    try:
        h, m = read_files(paths[0], paths[1] if members_path else None)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    counts = import_households(
        actor=job.created_by, households=h, members=m, progress=progress, synthetic=synthetic
    )
    from django.urls import reverse

    return {
        "summary": f"{counts['households']} households, {counts['members']} members imported",
        "next_url": reverse("households:list"),
        **counts,
    }
