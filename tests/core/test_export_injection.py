"""Formula injection (OWASP "CSV injection") in every Excel and CSV export.

Each test files a hostile value through the normal path (a portal filing, a service call, an
import, a form post), downloads the export as a user would, and asserts that every cell holding
the value is inert text: written as a string (openpyxl data type "s", never "f") with a leading
apostrophe. Numbers must stay numbers.
"""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cchc.core.exports import (
    DATE,
    INTEGER,
    PERCENT,
    Sheet,
    csv_bytes,
    neutralise,
    restore,
    xlsx_bytes,
)
from cchc.org.models import Role
from tests.households.conftest import area  # noqa: F401 (a fixture: two communes in a test province)

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x/","a")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def inert_xlsx(content: bytes, hostile: str) -> int:
    """Assert no cell of the workbook is a formula and every cell holding `hostile` is inert text;
    returns how many such cells there are (a test must find at least one)."""
    wb = load_workbook(io.BytesIO(content))
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and hostile in cell.value:
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
                    found += 1
    return found


def inert_csv(content: bytes | str, hostile: str) -> int:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    found = 0
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            if hostile in value:
                assert value == "'" + hostile or not value.startswith(hostile[0])
                found += 1
    return found


# --- the helper itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@A1", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_neutralise_prefixes_every_trigger_and_restore_undoes_it(value):
    assert neutralise(value) == "'" + value and restore(neutralise(value)) == value
    assert neutralise("Nguyễn Văn A") == "Nguyễn Văn A" and neutralise(-5) == -5 and neutralise(None) is None


def test_workbook_keeps_numbers_and_dates_and_sizes_columns():
    content = xlsx_bytes(
        {
            "S": Sheet(
                ["Tên", "Số hồ sơ", "Tỉ lệ", "Ngày"],
                [["=1+1", 1234, 0.6168, date(2026, 11, 25)]],
                {2: PERCENT},
            )
        },
        title=["Bộ Lao động", "Báo cáo"],
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.freeze_panes == "A4" and ws["A1"].value == "Bộ Lao động" and ws["A3"].value == "Tên"
    name, count, rate, day = (ws.cell(row=4, column=i) for i in range(1, 5))
    assert (name.value, name.data_type) == ("'=1+1", "s")
    assert (count.value, count.data_type, count.number_format) == (1234, "n", INTEGER)
    assert (rate.value, rate.number_format) == (0.6168, PERCENT)
    assert day.value == datetime(2026, 11, 25) and day.number_format == DATE
    assert ws.column_dimensions["A"].width >= 6 and ws.column_dimensions["B"].width >= len("Số hồ sơ")


def test_csv_neutralises_text_but_not_numbers():
    text = csv_bytes(["a", "b"], [["=1+1", -5], ["@x", 2.5]]).decode("utf-8-sig")
    assert text.splitlines() == ["a,b", "'=1+1,-5", "'@x,2.5"]


# --- one test per exporter ------------------------------------------------------------------------


@pytest.fixture
def onestop_setup(superuser, ministry, make_staff, request):
    """An online procedure whose name is the test's hostile value, and the desk clerk of Cục A."""
    from cchc.procedures import services as procedures

    procedure = procedures.procedure_create(
        actor=superuser,
        agency=ministry["a"],
        code="1.000001",
        name=request.node.callspec.params["hostile"],
        field="Việc làm",
        level="central",
        version={
            "effective_from": date(2018, 1, 1),
            "steps": ["Nộp hồ sơ", "Trả kết quả"],
            "channels": ["in_person", "online"],
            "processing_time_value": 5,
            "processing_time_unit": "working_days",
            "fee": 0,
            "charge": 0,
            "applicants": "Công dân",
            "result": "Giấy phép",
            "online_level": "full",
            "legal_basis": [{"number": "61/2018/NĐ-CP"}],
            "components": [{"code": "TK", "name": "Tờ khai"}, {"code": "CCCD", "name": "Bản sao CCCD"}],
        },
    )
    clerk = make_staff("clerk", ministry["a"], [(Role.ONESTOP_CLERK, ministry["a"], False)])
    return procedure, clerk


def file_on_portal(citizen, procedure, clerk, hostile):
    """A citizen files online with a hostile name and address; the desk receives it."""
    from cchc.onestop import services as onestop
    from tests.portal.conftest import pdf

    d = onestop.dossier_draft_save(
        actor=citizen,
        procedure=procedure,
        data={"applicant_name": hostile, "applicant_address": hostile, "summary": hostile},
        files={"TK": pdf(), "CCCD": pdf()},
    )
    d = onestop.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="k")
    return onestop.dossier_accept(actor=clerk, dossier=d, version=d.version)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_book_mau06_xlsx(client, citizen, ministry, onestop_setup, hostile):
    procedure, clerk = onestop_setup
    d = file_on_portal(citizen, procedure, clerk, hostile)
    client.force_login(clerk)
    year = d.received_at.year
    r = client.get("/onestop/book/", {"agency": ministry["a"].pk, "year": year, "format": "xlsx"})
    assert inert_xlsx(r.content, hostile) >= 1
    ws = load_workbook(io.BytesIO(r.content)).active
    row = [c for c in ws.iter_rows(min_row=4, max_row=4)][0]
    assert row[0].value == 1 and row[3].data_type == "n" and isinstance(row[7].value, datetime)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_onestop_statistics_xlsx(client, superuser, citizen, ministry, onestop_setup, hostile):
    procedure, clerk = onestop_setup
    d = file_on_portal(citizen, procedure, clerk, hostile)
    client.force_login(superuser)
    r = client.get("/onestop/statistics/", {"year": d.received_at.year, "format": "xlsx"})
    assert inert_xlsx(r.content, hostile) == 1  # the procedure's row
    # the shares are numbers shown as percentages
    total = load_workbook(io.BytesIO(r.content)).worksheets[3]
    assert total["B5"].value == 1 and total["I5"].number_format == PERCENT


@pytest.mark.parametrize("hostile", HOSTILE)
def test_household_round_export(client, area, make_staff, hostile):
    from cchc.households import services
    from tests.households.conftest import add_household

    officer = make_staff("officer.a", area["a"], [(Role.POVERTY_OFFICER, area["a"], False)])
    chair = make_staff("chair.a", area["a"], [(Role.UNIT_LEADER, area["a"], False)])
    add_household(officer, area["a"], "H1", head_name=hostile, village=hostile)
    rnd = services.round_open(actor=officer, commune=area["a"], year=2025)
    services.round_classify(actor=officer, round=rnd)
    services.round_submit(actor=officer, round=rnd, board_note="ok")
    services.round_approve(actor=chair, round=rnd, decision="QĐ")
    client.force_login(officer)
    r = client.get(f"/households/rounds/{rnd.pk}/export/")
    assert inert_xlsx(r.content, hostile) >= 1
    client.force_login(chair)
    r = client.get(f"/households/stats/export/?area={area['a'].code}&year=2025")
    inert_xlsx(r.content, hostile)
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rates = [row[4] for row in ws.iter_rows(min_row=4) if isinstance(row[4].value, float | int)]
    assert rates and all(c.number_format == PERCENT for c in rates)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_households_cli_classify_csv(area, tmp_path, hostile):
    households = tmp_path / "h.csv"
    members = tmp_path / "m.csv"
    call_command(
        "households",
        "generate",
        "--households",
        "3",
        "--format",
        "csv",
        "--commune",
        f"{area['a'].code}:rural",
        "--out",
        str(tmp_path / "syn"),
        stdout=io.StringIO(),
    )
    h_text = (tmp_path / "syn" / "households.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(h_text)))
    code_col = rows[0].index("code")
    old_code = rows[1][code_col]
    rows[1][code_col] = hostile
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    households.write_text(buf.getvalue(), encoding="utf-8")
    m_text = (tmp_path / "syn" / "members.csv").read_text(encoding="utf-8")
    m_rows = list(csv.reader(io.StringIO(m_text)))
    col = m_rows[0].index("household_code")
    for r in m_rows[1:]:
        if r[col] == old_code:
            r[col] = hostile
    buf = io.StringIO()
    csv.writer(buf).writerows(m_rows)
    members.write_text(buf.getvalue(), encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command(
        "households",
        "classify",
        "--households",
        str(households),
        "--members",
        str(members),
        "--output",
        str(out),
        "--date",
        "2025-06-01",
        stdout=io.StringIO(),
    )
    assert inert_csv(out.read_bytes(), hostile) == 1


def survey_with_hostile_answers(officer, ministry, hostile, label=None):
    """A questionnaire imported from XLSForm (optionally with a hostile question label), a survey
    whose frame gives a hostile service, and a response imported with a hostile comment."""
    from cchc.surveys import services
    from tests.surveys.conftest import (
        PAR_FORM_CHOICES,
        PAR_FORM_SETTINGS,
        PAR_FORM_SURVEY,
        frame_csv,
        xlsform_bytes,
    )

    form = [list(r) for r in PAR_FORM_SURVEY]
    data = xlsform_bytes(form, PAR_FORM_CHOICES, PAR_FORM_SETTINGS)
    if label:  # typed in Excel as text (a sheet written by our exporter, so the cell is inert)
        form[-1][2] = label
        sheets = {"survey": form, "choices": PAR_FORM_CHOICES, "settings": PAR_FORM_SETTINGS}
        data = xlsx_bytes({name: (rows[0], rows[1:]) for name, rows in sheets.items()})
    q, _form = services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=data, file_name="par.xlsx"
    )
    s = services.survey_create(
        actor=officer, questionnaire=q, agency=ministry["ministry"], name="Khảo sát", par_cycle_code=""
    )
    services.group_save(actor=officer, survey=s, code="staff", name="Công chức", weight=1)
    services.quota_set(actor=officer, group=s.groups.get(code="staff"), subject=ministry["a"], size=1)
    services.frame_import(
        actor=officer,
        survey=s,
        data=frame_csv([("P1", "staff", ministry["a"].code, "Người 1", "p1@example.invalid", "")]),
        file_name="frame.csv",
    )
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["group", "subject", "service", "q_direction", "q_procedures", "complained", "comment"])
    w.writerow(["staff", ministry["a"].code, hostile, "4", "a", "no", hostile])
    services.responses_import(actor=officer, survey=s, data=buf.getvalue().encode(), file_name="r.csv")
    return q, s


@pytest.fixture
def survey_officer(ministry, make_staff):
    return make_staff("officer1", ministry["ministry"], [(Role.REFORM_OFFICER, ministry["ministry"], True)])


@pytest.mark.parametrize("hostile", HOSTILE)
def test_survey_responses_and_sipas_exports(client, survey_officer, ministry, hostile):
    _q, s = survey_with_hostile_answers(survey_officer, ministry, hostile)
    client.force_login(survey_officer)
    r = client.get(f"/surveys/{s.pk}/responses.xlsx")
    assert inert_xlsx(r.content, hostile) == 2  # the service and the comment
    r = client.get(f"/surveys/{s.pk}/sipas/", {"format": "xlsx", "by": "service"})
    assert inert_xlsx(r.content, hostile) == 1
    r = client.get(f"/surveys/{s.pk}/import/template.csv")
    inert_csv(r.content, hostile)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_xlsform_export_is_inert_and_reads_back(client, survey_officer, ministry, hostile):
    from cchc.surveys import xlsform

    q, _s = survey_with_hostile_answers(survey_officer, ministry, "ok", label=hostile)
    client.force_login(survey_officer)
    r = client.get(f"/surveys/questionnaires/{q.pk}/xlsform/")
    assert inert_xlsx(r.content, hostile) == 1
    parsed = xlsform.parse(r.content, file_name="again.xlsx")
    assert [x for x in parsed.questions if x.name == "comment"][0].labels["vi"] == hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_procedures_catalogue_export_is_inert_and_reads_back(client, superuser, ministry, hostile):
    from cchc.procedures import transfer
    from tests.portal.conftest import make_procedure

    p = make_procedure(superuser, ministry["a"])
    v = p.versions.get()
    v.applicants = hostile
    v.save(update_fields=["applicants"])
    client.force_login(superuser)
    r = client.get("/procedures/export.xlsx")
    assert inert_xlsx(r.content, hostile) == 1
    assert transfer.read_xlsx(r.content)[0]["applicants"] == hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_reform_register_export(client, ministry, make_staff, hostile):
    from cchc.reform import services

    officer = make_staff("officer", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])
    services.register_row_create(
        actor=officer,
        register="conditions",
        agency=ministry["a"],
        sector=hostile,
        text=hostile,
        legal_basis="L",
        status="kept",
    )
    client.force_login(officer)
    r = client.get("/reform/registers/conditions/", {"format": "xlsx"})
    assert inert_xlsx(r.content, hostile) == 2


@pytest.mark.parametrize("hostile", HOSTILE)
def test_parindex_methodology_ranking_and_cli(client, superuser, ministry, hostile):
    from cchc.org import services as org
    from cchc.parindex import methodology, services
    from tests.parindex.conftest import load_template
    from tests.parindex.test_workflow import fill_self

    m = load_template(superuser, "bo-noibo-khoi.yaml")
    item = m.items.order_by("position").first()
    item.guidance = hostile
    item.save(update_fields=["guidance"])
    data = methodology.export_xlsx(m)
    assert inert_xlsx(data, hostile) == 1
    assert methodology.read_xlsx(data)["items"][0]["guidance"] == hostile

    org.agency_rename(actor=superuser, agency=ministry["a"], name=hostile, effective_on=date(2018, 1, 1))
    cycle = services.cycle_create(
        actor=superuser, code="DV-2018", name=hostile, year=2018, methodology=m, owner=ministry["ministry"]
    )
    for key, block in (("a", "CUC"), ("b", "CUC"), ("vu", "VU")):
        services.subject_add(actor=superuser, cycle=cycle, agency=ministry[key], block=block)
    for s in cycle.subjects.all():
        fill_self(superuser, s)
    services.cycle_compute(actor=superuser, cycle=cycle)
    services.cycle_publish(actor=superuser, cycle=cycle)
    client.force_login(superuser)
    base = "/parindex/cycles/DV-2018/ranking/"
    assert inert_csv(client.get(base + "?format=csv").content, hostile) == 1
    xlsx = client.get(base + "?format=xlsx").content
    assert inert_xlsx(xlsx, hostile) >= 2  # the subject in both sheets (and the cycle in the title)
    out = io.StringIO()
    call_command("parindex", "--user", superuser.username, "cycles", stdout=out)
    assert inert_csv(out.getvalue(), hostile) == 1
    out = io.StringIO()
    call_command(
        "parindex",
        "--user",
        superuser.username,
        "ranking",
        "--cycle",
        "DV-2018",
        "--format",
        "csv",
        stdout=out,
    )
    assert inert_csv(out.getvalue(), hostile) == 1
