"""`cchc parindex …` commands: methodologies, score imports, compute, publish, ranking."""

import io

import pytest
import yaml
from django.core.management import call_command
from openpyxl import load_workbook

from cchc.parindex import methodology
from cchc.parindex.models import Methodology


def run(*args) -> str:
    out = io.StringIO()
    call_command("parindex", "--user", "root", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_import_scores_compute_publish_and_rank(superuser, units_cycle, tmp_path):
    assert "DV-2018" in run("cycles")
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "subject_code,item_code,stage,points,value,comment\n"
        "000.00.01.G99,1.3,self,4,,\n000.00.02.G99,1.3,self,3,,\n000.00.03.G99,1.3,self,3,,\n"
        "000.00.03.G99,5.3,survey,2,,\n",
        encoding="utf-8",
    )
    assert "imported 4 rows" in run("import-scores", "--cycle", "DV-2018", str(scores))
    assert "computed 3 subjects" in run("compute", "--cycle", "DV-2018")
    lines = run("ranking", "--cycle", "DV-2018", "--format", "csv").splitlines()
    assert lines[0] == "rank,subject_code,subject_name,points,index_percent,group"
    # Cục A 4/80 = 5,00%; Vụ C 5/70 = 7,14%; Cục B 3/80 = 3,75%
    assert [line.split(",")[:2] + line.split(",")[3:5] for line in lines[1:]] == [
        ["1", "000.00.03.G99", "5.00", "7.14"],
        ["2", "000.00.01.G99", "4.00", "5.00"],
        ["3", "000.00.02.G99", "3.00", "3.75"],
    ]
    out = tmp_path / "r.xlsx"
    run("ranking", "--cycle", "DV-2018", "--format", "xlsx", "--output", str(out), "--by", "survey")
    ws = load_workbook(out).worksheets[0]
    # two title rows (organisation, cycle), then a Vietnamese header; the ranking component is named
    assert ws["B5"].value == "000.00.03.G99" and ws["G4"].value == "Điểm điều tra xã hội học"
    assert ws["D5"].value == 5 and ws["E5"].number_format == "0.00%" and float(ws["E5"].value) == 0.0714
    assert "published DV-2018" in run("publish", "--cycle", "DV-2018")


def test_cli_methodology_import_reports_rows_and_exits_1(superuser, tmp_path, capsys):
    doc = yaml.safe_load((methodology.TEMPLATE_DIR / "bnv-1149-bo.yaml").read_text(encoding="utf-8"))
    doc["items"][0]["children"][0]["max_points"] = 6  # 6 + 3,5 ≠ 9
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(
            "parindex", "--user", "root", "import-methodology", str(bad), stdout=io.StringIO(), stderr=err
        )
    assert exc.value.code == 1
    assert "row 1" in err.getvalue() and "max_points" in err.getvalue()
    assert not Methodology.objects.exists()
    good = tmp_path / "good.xlsx"
    ok = methodology.TEMPLATE_DIR / "bnv-1149-bo.yaml"
    assert "imported BNV-1149-BO" in run("import-methodology", str(ok))
    run("export-methodology", "BNV-1149-BO", str(good))
    assert load_workbook(good)["items"]["A2"].value == "1"
