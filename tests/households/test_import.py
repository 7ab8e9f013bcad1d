"""Bulk import: CSV, Excel and Parquet; a validation report naming rows and columns; all or nothing."""

import io

import pandas as pd
import pytest
from django.core.management import call_command

from cchc.core.exceptions import ImportRejected
from cchc.households.bulk import import_households, read_files
from cchc.households.generate import generate, to_import_tables
from cchc.households.models import Household, Member

pytestmark = pytest.mark.django_db


def tables(area, n=5):
    syn = generate(n, seed=3, communes=((area["a"].code, "rural"),))
    return to_import_tables(syn)


def test_csv_files_import_everything(officer, area, tmp_path):
    h, m = tables(area)
    h.to_csv(tmp_path / "h.csv", index=False)
    m.to_csv(tmp_path / "m.csv", index=False)
    counts = import_households(
        actor=officer,
        **dict(
            zip(("households", "members"), read_files(tmp_path / "h.csv", tmp_path / "m.csv"), strict=True)
        ),
    )
    assert counts == {"households": 5, "members": len(m)}
    assert Household.objects.filter(commune=area["a"]).count() == 5
    assert Member.objects.count() == len(m)


def test_excel_workbook_with_both_sheets(officer, area, tmp_path):
    h, m = tables(area, 3)
    with pd.ExcelWriter(tmp_path / "book.xlsx") as writer:
        h.to_excel(writer, sheet_name="households", index=False)
        m.to_excel(writer, sheet_name="members", index=False)
    hh, mm = read_files(tmp_path / "book.xlsx", None)
    assert import_households(actor=officer, households=hh, members=mm)["households"] == 3


def test_parquet_through_the_command_line(officer, area, tmp_path):
    h, m = tables(area, 4)
    h.to_parquet(tmp_path / "h.parquet")
    m.to_parquet(tmp_path / "m.parquet")
    out = io.StringIO()
    call_command(
        "households",
        "import",
        "--households",
        str(tmp_path / "h.parquet"),
        "--members",
        str(tmp_path / "m.parquet"),
        "--actor",
        officer.username,
        stdout=out,
    )
    assert "imported 4 households" in out.getvalue()


def test_errors_are_reported_by_row_and_column_and_nothing_is_written(officer, area):
    h, m = tables(area)
    h.loc[1, "income_per_person"] = "-5"
    h.loc[2, "water_source"] = "well??"
    h.loc[3, "code"] = h.loc[0, "code"]
    m.loc[0, "birth_date"] = "2999-01-01"
    m.loc[1, "identity_number"] = "12AB"
    h.loc[4, "head_name"] = "x" * 201
    with pytest.raises(ImportRejected) as exc:
        import_households(actor=officer, households=h, members=m)
    found = {(e.sheet, e.row, e.field) for e in exc.value.errors}
    assert ("households", 3, "income_per_person") in found
    assert ("households", 4, "water_source") in found
    assert ("households", 5, "code") in found
    assert ("members", 2, "birth_date") in found
    assert ("members", 3, "identity_number") in found
    assert ("households", 6, "head_name") in found
    assert "negative" in str(exc.value) and "future" in str(exc.value)
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_commune_outside_the_officers_scope_is_refused(officer, area):
    syn = generate(2, seed=3, communes=((area["b"].code, "urban"),))
    h, m = to_import_tables(syn)
    with pytest.raises(ImportRejected, match="may not enter households of this commune"):
        import_households(actor=officer, households=h, members=m)


def test_missing_column(officer, area):
    h, m = tables(area, 2)
    with pytest.raises(ImportRejected, match="required column is missing"):
        import_households(actor=officer, households=h.drop(columns=["latrine"]), members=m)


def test_generate_then_classify_on_the_command_line(area, tmp_path):
    out = io.StringIO()
    call_command(
        "households",
        "generate",
        "--households",
        "300",
        "--out",
        str(tmp_path),
        "--format",
        "csv",
        "--commune",
        f"{area['a'].code}:rural",
        "--commune",
        f"{area['b'].code}:urban",
        stdout=out,
    )
    assert "300 households" in out.getvalue()
    out = io.StringIO()
    call_command(
        "households",
        "classify",
        "--households",
        str(tmp_path / "households.csv"),
        "--members",
        str(tmp_path / "members.csv"),
        "--date",
        "2025-11-01",
        "--output",
        str(tmp_path / "r.csv"),
        stdout=out,
    )
    assert "NĐ 07/2021" in out.getvalue()
    results = pd.read_csv(tmp_path / "r.csv")
    assert len(results) == 300 and set(results["category"]) <= {"poor", "near_poor", "middle", "none"}


def test_written_rows_equal_the_file_on_either_write_path(officer, area):
    """PostgreSQL writes with COPY, SQLite with bulk_create: both store exactly what the file says,
    including text that CSV must quote, empty optional cells (empty strings, not NULL) and DD/MM/YYYY dates."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    h, m = tables(area, 40)
    h.loc[0, "head_name"] = 'Lò Thị "Mây", bản Phìn\nHồ'
    h.loc[1, "village"] = ""
    h.loc[2, "livelihood"] = "salt_making"
    h.loc[3, "livelihood"] = ""
    m.loc[0, "birth_date"] = "05/03/1921"
    m.loc[1, "identity_number"] = ""
    m.loc[1, "social_protection"] = ""
    with CaptureQueriesContext(connection) as ctx:
        import_households(actor=officer, households=h.copy(), members=m.copy())
    inserts = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "households_member"')
    ]
    assert bool(inserts) == (connection.vendor != "postgresql")  # COPY is not an INSERT
    stored = {x.code: x for x in Household.objects.all()}
    for row in h.itertuples(index=False):
        x = stored[row.code]
        assert (x.head_name, x.village, x.livelihood, x.income_per_person) == (
            row.head_name,
            row.village,
            row.livelihood,
            int(row.income_per_person),
        )
        assert float(x.floor_area) == round(float(row.floor_area), 1)
        assert x.wall_durable == (row.wall_durable == "1") and x.treats_waste == (row.treats_waste == "1")
        assert x.created_at is not None and not x.is_synthetic
    assert Member.objects.count() == len(m)
    first = Member.objects.filter(household__code=m.loc[0, "household_code"]).order_by("birth_date").first()
    assert first.birth_date.isoformat() == "1921-03-05"
    blank = Member.objects.get(
        household__code=m.loc[1, "household_code"], full_name=m.loc[1, "full_name"], identity_number=""
    )
    assert blank.social_protection == "" and blank.relation == m.loc[1, "relation"]
    assert Member.objects.filter(identity_number__isnull=True).count() == 0


def test_one_audit_event_per_commune_of_the_import(superuser, area):
    from cchc.core.models import AuditEvent

    h, m = to_import_tables(
        generate(20, seed=5, communes=((area["a"].code, "rural"), (area["b"].code, "urban")))
    )
    import_households(actor=superuser, households=h, members=m)
    events = AuditEvent.objects.filter(action="households.import.run")
    assert sorted((e.agency_id, e.after["households"]) for e in events) == sorted(
        (area[k].pk, int((h["commune_code"] == area[k].code).sum())) for k in ("a", "b")
    )


def test_a_failure_while_writing_rolls_back_everything(officer, area, monkeypatch):
    """A household registered by someone else between validation and writing (a race the validation
    cannot see) makes the database refuse the write: nothing of the import remains, no audit event."""
    from django.db import IntegrityError

    from cchc.core.models import AuditEvent
    from cchc.households import bulk

    h, m = tables(area, 30)
    original = bulk._row_frames

    def race(*args, **kwargs):
        frames = original(*args, **kwargs)
        Household.objects.create(
            code=h.loc[29, "code"],
            commune=area["a"],
            head_name="Đã có",
            income_per_person=1,
            floor_area=10,
            water_source="piped",
            latrine="septic",
        )
        return frames

    monkeypatch.setattr(bulk, "_row_frames", race)
    events = AuditEvent.objects.count()
    with pytest.raises(IntegrityError):
        import_households(actor=officer, households=h, members=m)
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_livelihood_is_optional_and_checked(officer, area):
    h, m = tables(area, 3)
    h.loc[1, "livelihood"] = "farming"
    with pytest.raises(ImportRejected) as exc:
        import_households(actor=officer, households=h.copy(), members=m)
    assert [(e.sheet, e.row, e.field) for e in exc.value.errors] == [("households", 3, "livelihood")]
    counts = import_households(actor=officer, households=h.drop(columns=["livelihood"]), members=m)
    assert counts["households"] == 3
    assert set(Household.objects.values_list("livelihood", flat=True)) == {""}


def test_dates_both_forms_and_impossible_days():
    from cchc.households.bulk import parse_dates

    text = pd.Series(
        ["2024-02-29", "2023-02-29", "05/03/1921", "31/04/2020", "0900-01-01", "abc", "", "1/1/2000"]
    )
    ymd, valid = parse_dates(text)
    assert valid.tolist() == [True, False, True, False, True, False, False, True]
    assert [int(v) for v, ok in zip(ymd, valid, strict=True) if ok] == [20240229, 19210305, 9000101, 20000101]
    all_iso, ok = parse_dates(pd.Series(["1980-05-01", "2025-11-01"]))
    assert ok.all() and all_iso.tolist() == [19800501, 20251101]
