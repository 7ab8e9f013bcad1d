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
    counts = import_households(actor=officer, **dict(zip(("households", "members"),
                                                         read_files(tmp_path / "h.csv", tmp_path / "m.csv"), strict=True)))
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
    call_command("households", "import", "--households", str(tmp_path / "h.parquet"), "--members",
                 str(tmp_path / "m.parquet"), "--actor", officer.username, stdout=out)
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
    call_command("households", "generate", "--households", "300", "--out", str(tmp_path), "--format", "csv",
                 "--commune", f"{area['a'].code}:rural", "--commune", f"{area['b'].code}:urban", stdout=out)
    assert "300 households" in out.getvalue()
    out = io.StringIO()
    call_command("households", "classify", "--households", str(tmp_path / "households.csv"), "--members",
                 str(tmp_path / "members.csv"), "--date", "2025-11-01", "--output", str(tmp_path / "r.csv"),
                 stdout=out)
    assert "NĐ 07/2021" in out.getvalue()
    results = pd.read_csv(tmp_path / "r.csv")
    assert len(results) == 300 and set(results["category"]) <= {"poor", "near_poor", "middle", "none"}
