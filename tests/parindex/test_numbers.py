"""Number fidelity: published scores with 4–5 decimals stay exact end to end; more precise input is
refused (service, page, API, CSV, methodology), never silently rounded. CSV delimiters. YAML keys."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from cchc.core.exceptions import ImportRejected
from cchc.core.formatting import format_percent, percent
from cchc.parindex import imports, methodology, reports, services
from cchc.parindex.models import Entry, Result, Stage

from .test_workflow import fill_self

D = Decimal
X, Y = "000.00.00.G99", "000.00.00.G98"  # the two ministries of `ministries_cycle`


def survey(actor, cycle, agency, code, points):
    return services.survey_points_record(
        actor=actor, cycle=cycle, subject=agency, item_code=code, points=points
    )


@pytest.fixture
def published_examples(superuser, ministries_cycle, ministry, second_ministry):
    """1149/QĐ-BNV: area 1 at 8,7874 of 9 and area 2 at 13,75474 of 16,5 for X; Y just under X."""
    for s in ministries_cycle.subjects.all():
        fill_self(superuser, s)  # 63,5 appraised points each
    survey(superuser, ministries_cycle, ministry["ministry"], "1.2", "3,2874")  # area 1 = 8,7874
    survey(superuser, ministries_cycle, ministry["ministry"], "2.2", "3,25474")  # area 2 = 13,75474
    survey(superuser, ministries_cycle, second_ministry, "1.2", "3,28496")
    survey(superuser, ministries_cycle, second_ministry, "2.2", "3,25")
    services.cycle_compute(actor=superuser, cycle=ministries_cycle)
    return ministries_cycle


def test_published_scores_are_stored_and_summed_exactly(published_examples):
    e = Entry.objects.get(subject__agency__code=X, item__code="2.2", stage=Stage.SURVEY)
    assert e.points == D("3.25474")
    r = Result.objects.get(subject__agency__code=X)
    assert r.areas["1"] == ["8.78740", "9.00000"] or D(r.areas["1"][0]) == D("8.7874")
    assert D(r.areas["2"][0]) == D("13.75474")
    assert r.points == D("70.04214") and r.survey_points == D("6.54214")
    # the area percentage as shown: 8,7874/9 = 97,6377…% → 97,64% (8,787 would have shown 97,63%)
    assert format_percent(percent(D(r.areas["1"][0]), D(r.areas["1"][1]))) == "97,64%"
    areas, rows = reports.heatmap(published_examples)
    cells = {row.subject.agency.code: c for row, c in rows}
    assert format_percent(cells[X][0][2]) == "97,64%"


def test_ties_use_the_exact_points(published_examples):
    """Y has 70,03496 (shown 70,03%); stored with 3 decimals it would become 70,035 → 70,04%, tied."""
    r = {x.subject.agency.code: x for x in Result.objects.select_related("subject__agency")}
    assert r[Y].points == D("70.03496")
    assert (r[X].rank, r[Y].rank) == (1, 2)


@pytest.mark.parametrize("typed", ["3,287401", "3.287401", D("3.287401"), 3.287401])
def test_too_precise_survey_points_are_refused(superuser, ministries_cycle, ministry, typed):
    with pytest.raises(ValidationError) as exc:
        survey(superuser, ministries_cycle, ministry["ministry"], "1.2", typed)
    assert "points" in exc.value.message_dict and "5" in exc.value.message_dict["points"][0]
    assert not Entry.objects.filter(item__code="1.2").exists()


def test_trailing_zeros_are_not_extra_precision(superuser, ministries_cycle, ministry):
    e = survey(superuser, ministries_cycle, ministry["ministry"], "1.2", "3.2874000")
    assert e.points == D("3.2874")


def test_too_precise_entry_is_refused_by_service_page_and_api(client, superuser, ministries_cycle):
    subject = ministries_cycle.subjects.get(agency__code=X)
    with pytest.raises(ValidationError) as exc:
        services.entry_record(
            actor=superuser, subject=subject, item_code="1.1", stage=Stage.SELF, points="5,123456"
        )
    assert list(exc.value.message_dict) == ["points"]
    client.force_login(superuser)
    page = client.post(
        f"/parindex/cycles/BO-2020/subjects/{X}/items/1.1/",
        {"stage": "self", "points": "5,123456", "value": "", "comment": ""},
        follow=True,
    )
    assert "5,123456" in page.content.decode() and not Entry.objects.exists()
    api = APIClient()
    api.force_authenticate(superuser)
    r = api.post(
        f"/api/v1/parindex/cycles/BO-2020/subjects/{X}/entries/",
        {"item_code": "1.1", "stage": "self", "points": "5.123456"},
        format="json",
    )
    assert r.status_code == 400 and "points" in r.json()["error"]["fields"]
    r = api.post(
        "/api/v1/parindex/cycles/BO-2020/do/survey-points/",
        {"subject_code": X, "item_code": "1.2", "points": "3.287401"},
        format="json",
    )
    assert r.status_code == 400 and "points" in r.json()["error"]["fields"]
    assert not Entry.objects.exists()
    r = api.post(
        "/api/v1/parindex/cycles/BO-2020/do/survey-points/",
        {"subject_code": X, "item_code": "2.2", "points": "3.25474"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["points"] == "3.25474"


def test_csv_import_keeps_five_decimals_and_refuses_six(superuser, ministries_cycle):
    ok = f"subject_code;item_code;stage;points;value;comment\n{X};2.2;survey;3,25474;;\n"
    imports.scores_import(actor=superuser, cycle=ministries_cycle, filename="s.csv", data=ok.encode())
    assert Entry.objects.get(item__code="2.2").points == D("3.25474")
    bad = (
        f"subject_code;item_code;stage;points;value;comment\n{X};1.2;survey;1;;\n{X};2.2;survey;3,254741;;\n"
    )
    with pytest.raises(ImportRejected) as exc:
        imports.scores_import(actor=superuser, cycle=ministries_cycle, filename="s.csv", data=bad.encode())
    assert [(e.row, e.field) for e in exc.value.errors] == [(3, "points")]
    assert not Entry.objects.filter(item__code="1.2").exists()  # nothing half-imported


def test_methodology_refuses_too_precise_maxima(superuser):
    doc = (
        "code: X\nname: X\nlevel: ministry\nlegal_basis: QD\neffective_from: 2020-01-01\n"
        "status: official\nmax_points: 10\nitems:\n- {code: '1', name: A, max_points: 9.999999}\n"
    )
    with pytest.raises(ImportRejected) as exc:
        methodology.validate(methodology.read_yaml(doc))
    assert any(e.field == "max_points" and e.row == 1 and "5" in e.message for e in exc.value.errors)


# ---- CSV delimiters and rows with too many fields ----------------------------------------------------------


def scores(cycle, actor, text):
    return imports.scores_import(actor=actor, cycle=cycle, filename="s.csv", data=text.encode("utf-8-sig"))


def test_semicolon_csv_with_comma_decimals(superuser, units_cycle):
    """What Excel writes in a Vietnamese locale."""
    text = "subject_code;item_code;stage;points;value;comment\r\n000.00.01.G99;1.3;self;3,5;;Đủ, đúng hạn\r\n"
    assert scores(units_cycle, superuser, text)["rows"] == 1
    e = Entry.objects.get(item__code="1.3")
    assert e.points == D("3.5") and e.comment == "Đủ, đúng hạn"


def test_quoted_comma_decimal_in_a_comma_csv(superuser, units_cycle):
    text = 'subject_code,item_code,stage,points,value,comment\n000.00.01.G99,1.3,self,"3,5",,\n'
    scores(units_cycle, superuser, text)
    assert Entry.objects.get(item__code="1.3").points == D("3.5")


def test_unquoted_comma_decimal_in_a_comma_csv_is_a_row_error_not_3(superuser, units_cycle):
    text = (
        "subject_code,item_code,stage,points,value,comment\n"
        "000.00.01.G99,1.1,self,,1,\n"
        "000.00.01.G99,1.3,self,3,5,,\n"
    )
    with pytest.raises(ImportRejected) as exc:
        scores(units_cycle, superuser, text)
    assert [(e.row, e.field) for e in exc.value.errors] == [(3, "7")]
    assert "7" in exc.value.errors[0].message and "6" in exc.value.errors[0].message
    assert not Entry.objects.exists()


def test_semicolon_row_with_too_many_fields_is_a_row_error(superuser, units_cycle):
    text = "subject_code;item_code;stage;points;value;comment\n000.00.01.G99;1.3;self;3;;ok;extra\n"
    with pytest.raises(ImportRejected) as exc:
        scores(units_cycle, superuser, text)
    assert [(e.row, e.field) for e in exc.value.errors] == [(2, "7")]


def test_short_rows_read_as_empty_fields(superuser, units_cycle):
    text = "subject_code;item_code;stage;points;value;comment\n000.00.01.G99;1.3;self;4\n"
    assert scores(units_cycle, superuser, text)["rows"] == 1


# ---- methodology YAML: names with commas, unknown keys -------------------------------------------------------


@pytest.mark.parametrize("path", methodology.template_files(), ids=lambda p: p.name)
def test_shipped_templates_keep_names_with_commas(superuser, path):
    clean = methodology.validate(methodology.read_yaml(path.read_bytes()), allow_unavailable_metrics=True)
    assert clean["items"][0]["name"] == "Công tác chỉ đạo, điều hành cải cách hành chính"


def test_unquoted_name_with_a_comma_is_refused():
    doc = "code: X\nitems:\n- {code: '1', name: Công tác chỉ đạo, điều hành cải cách hành chính, max_points: 9}\n"
    with pytest.raises(ImportRejected) as exc, translation.override("en"):
        methodology.read_yaml(doc)
    (e,) = exc.value.errors
    assert e.field == "điều hành cải cách hành chính" and "quoted" in e.message and "items › 1" in e.message


def test_typo_in_a_key_is_refused_naming_key_and_path():
    doc = (
        "code: X\nmax_point: 10\nitems:\n- code: '1'\n  name: A\n  max_points: 9\n  children:\n"
        "  - {code: '1.1', name: B, max_points: 9, asessment: survey}\n"
        "blocks:\n- {code: TC, name: T, maxpoints: 1}\n"
    )
    with pytest.raises(ImportRejected) as exc:
        methodology.read_yaml(doc)
    found = {(e.sheet, e.field): e.message for e in exc.value.errors}
    assert set(found) == {("methodology", "max_point"), ("items", "asessment"), ("blocks", "maxpoints")}
    assert "items › 1 › 1.1" in found[("items", "asessment")]
    assert "assessment" in found[("items", "asessment")]  # the suggestion


def test_xlsx_unknown_column_is_refused(superuser):
    from cchc.core.exports import xlsx_bytes

    data = xlsx_bytes(
        {
            "methodology": (["field", "value"], [["code", "X"], ["max_points", 10]]),
            "items": (["code", "name", "max_points", "asessment"], [["1", "A", 10, "self"]]),
        }
    )
    with pytest.raises(ImportRejected) as exc:
        methodology.read_xlsx(data)
    assert [(e.sheet, e.row, e.field) for e in exc.value.errors] == [("items", 1, "asessment")]
