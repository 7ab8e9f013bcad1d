"""XLSForm import and export: real-world samples, malformed forms, round trip, command line."""

from pathlib import Path

import pytest
from django.core.management import call_command

from cchc.core.exceptions import ImportRejected
from cchc.surveys import services, xlsform
from cchc.surveys.answers import FormSpec, clean_answers
from cchc.surveys.models import Choice, Question, Questionnaire

from .conftest import PAR_FORM_CHOICES, PAR_FORM_SETTINGS, PAR_FORM_SURVEY, xlsform_bytes

FIXTURES = Path("/work/shared/fixtures/xlsform")
pytestmark = pytest.mark.django_db


def _import(officer, ministry, name):
    data = (FIXTURES / name).read_bytes()
    return services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=data, file_name=name
    )


@pytest.mark.parametrize(
    "name, questions",
    [
        ("case_insensitivity.xlsx", ["q1", "q2", "q3"]),
        ("choice_filter_test.xlsx", ["state", "county", "city"]),
        ("group.xlsx", ["family_name", "father", "phone_number", "age", ""]),
        ("specify_other.xlsx", ["sex"]),
        ("text_and_integer.xlsx", ["your_name", "your_age"]),
        ("yes_or_no_question.xlsx", ["good_day"]),
    ],
)
def test_real_world_samples_import(officer, ministry, name, questions):
    q, form = _import(officer, ministry, name)
    assert list(q.questions.order_by("position").values_list("name", flat=True)) == questions
    assert q.status == Questionnaire.Status.PUBLISHED and q.version == 1


def test_upper_case_sheets_external_choices_and_extra_sheets(officer, ministry):
    q, form = _import(officer, ministry, "case_insensitivity.xlsx")
    assert q.code == "YesNo" and q.titles == {"en": "Yes or no"}
    assert set(form.ignored_sheets) == {"ENTITIES", "OSM"}
    spec = FormSpec.load(q)
    q1, q2, q3 = spec.questions
    assert [c.name for c in spec.choices_for(q1, {})] == ["n1-c", "n2-c"]
    # select_one_external reads the external_choices sheet, filtered by its YES_NO column.
    assert [c.name for c in spec.choices_for(q2, {"q1": "yes"})] == ["n1-e", "n2-e"]
    assert spec.choices_for(q2, {"q1": "no"}) == []
    assert q3.kind == Question.Kind.TEXT and q3.xlsform_type == "osm c1"
    assert q1.labels == {"en": "Are you good?"}


def test_choice_filter_cascades(officer, ministry):
    q, _ = _import(officer, ministry, "choice_filter_test.xlsx")
    spec = FormSpec.load(q)
    answers, errors = clean_answers(
        spec, {"state": "texas", "county": "cameron", "city": "harlingen"}, final=True
    )
    assert errors == {} and answers["city"] == "harlingen"
    _, errors = clean_answers(spec, {"state": "washington", "county": "cameron"}, final=True)
    assert "county" in errors  # Cameron is a Texas county
    county = spec.questions[1]
    # "king" is listed under both states (allow_choice_duplicates) and is offered once.
    assert [c.name for c in spec.choices_for(county, {"state": "washington"})] == ["king", "pierce"]


def test_or_other_needs_the_other_text(officer, ministry):
    q, _ = _import(officer, ministry, "specify_other.xlsx")
    spec = FormSpec.load(q)
    answers, errors = clean_answers(spec, {"sex": "other", "sex_other": "không nói"}, final=True)
    assert errors == {} and answers == {"sex": "other", "sex_other": "không nói"}
    _, errors = clean_answers(spec, {"sex": "other"}, final=True)
    assert "sex" in errors


def test_group_and_types(officer, ministry):
    q, _ = _import(officer, ministry, "group.xlsx")
    kinds = list(q.questions.order_by("position").values_list("kind", flat=True))
    assert kinds == ["text", "begin_group", "text", "integer", "end_group"]
    spec = FormSpec.load(q)
    _, errors = clean_answers(spec, {"age": "4.5"}, final=True)
    assert "age" in errors


def test_malformed_form_names_sheet_row_and_column_and_imports_nothing(officer, ministry):
    survey = [
        ["type", "name", "label"],
        ["select_one missing_list", "q1", "A"],  # row 2: unknown list
        ["frobnicate", "q2", "B"],  # row 3: unknown type
        ["text", "q1", "C"],  # row 4: duplicate name
        ["text", "", "D"],  # row 5: no name
        ["begin group", "g", "E"],  # row 6: never closed
        ["select_one yn", "q3", "F"],
    ]
    choices = [["list_name", "name", "label", "score"], ["yn", "yes", "Có", "150"], ["yn", "yes", "Có", ""]]
    with pytest.raises(ImportRejected) as exc:
        services.questionnaire_import_xlsform(
            actor=officer,
            agency=ministry["ministry"],
            data=xlsform_bytes(survey, choices),
            file_name="bad.xlsx",
        )
    found = {(e.sheet, e.row, e.field) for e in exc.value.errors}
    assert {
        ("survey", 2, "type"),
        ("survey", 3, "type"),
        ("survey", 4, "name"),
        ("survey", 5, "name"),
        ("survey", 6, "type"),
        ("choices", 2, "score"),
        ("choices", 3, "name"),
    } <= found
    assert "sheet survey, row 3, column type" in str(exc.value)
    assert not Questionnaire.objects.exists() and not Choice.objects.exists()


def test_missing_survey_sheet_and_not_a_workbook(officer, ministry):
    with pytest.raises(ImportRejected) as exc:
        services.questionnaire_import_xlsform(
            actor=officer,
            agency=ministry["ministry"],
            data=xlsform_bytes([["a"]], None, sheet_names=("Sheet1",)),
            file_name="x.xlsx",
        )
    assert exc.value.errors[0].sheet == "survey"
    with pytest.raises(ImportRejected):
        services.questionnaire_import_xlsform(
            actor=officer, agency=ministry["ministry"], data=b"not excel", file_name="x.xlsx"
        )


def test_par_item_only_on_scorable_questions(officer, ministry):
    survey = [["type", "name", "label", "par_item"], ["text", "q1", "A", "1.2"]]
    with pytest.raises(ImportRejected) as exc:
        services.questionnaire_import_xlsform(
            actor=officer, agency=ministry["ministry"], data=xlsform_bytes(survey, None), file_name="x.xlsx"
        )
    assert (exc.value.errors[0].row, exc.value.errors[0].field) == (2, "par_item")


def test_export_round_trip_and_versions(officer, ministry, questionnaire):
    data = xlsform.export(questionnaire)
    again, form = services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=data, file_name="again.xlsx"
    )
    assert again.code == questionnaire.code and again.version == 2
    fields = ("name", "kind", "labels", "required", "relevant", "list_name", "par_item", "aspect")
    assert list(again.questions.order_by("position").values(*fields)) == list(
        questionnaire.questions.order_by("position").values(*fields)
    )
    assert list(
        again.choices.order_by("list_name", "position").values("list_name", "name", "labels", "score")
    ) == list(
        questionnaire.choices.order_by("list_name", "position").values("list_name", "name", "labels", "score")
    )
    assert again.titles == {"vi": "Khảo sát CCHC", "en": "PAR survey"}


def test_builder_versions_and_publishing(officer, ministry):
    q = services.questionnaire_create(
        actor=officer, agency=ministry["ministry"], code="sipas", titles={"vi": "SIPAS"}
    )
    services.question_add(
        actor=officer,
        questionnaire=q,
        kind=Question.Kind.LIKERT,
        name="access",
        labels={"vi": "Tiếp cận dịch vụ", "en": "Access"},
        required=True,
        aspect="access",
        choices=[(str(v), {"vi": str(v)}, None) for v in range(1, 6)],
        par_item="1.2",
    )
    services.question_add(
        actor=officer, questionnaire=q, kind=Question.Kind.TEXT, name="comment", labels={"vi": "Góp ý"}
    )
    services.question_move(actor=officer, question=q.questions.get(name="comment"), up=True)
    assert list(q.questions.order_by("position").values_list("name", flat=True)) == ["comment", "access"]
    services.questionnaire_publish(actor=officer, questionnaire=q)
    from cchc.core.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.question_add(actor=officer, questionnaire=q, kind="text", name="late", labels={"vi": "x"})
    v2 = services.questionnaire_new_version(actor=officer, questionnaire=q)
    assert v2.version == 2 and v2.is_editable and v2.questions.count() == 2 and v2.choices.count() == 5
    parsed = xlsform.parse(xlsform.export(v2), file_name="x.xlsx")
    assert [p.kind for p in parsed.questions] == ["text", "likert"]


def test_command_line_import_prints_what_it_created(officer, ministry, tmp_path, capsys):
    path = tmp_path / "par.xlsx"
    path.write_bytes(xlsform_bytes(PAR_FORM_SURVEY, PAR_FORM_CHOICES, PAR_FORM_SETTINGS))
    call_command(
        "surveys", "--as", "officer1", "import-xlsform", str(path), "--agency", ministry["ministry"].code
    )
    out = capsys.readouterr().out
    assert "par_survey v1" in out and "q_direction [likert]" in out and "PAR item 1.2" in out
    assert "relevant: ${complained} = 'yes'" in out
    assert Questionnaire.objects.filter(code="par_survey").count() == 1


def test_command_line_rejects_malformed_with_exit_code(officer, ministry, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsform_bytes([["type", "name"], ["nonsense", "q"]], None))
    with pytest.raises(SystemExit) as exc:
        call_command(
            "surveys", "--as", "officer1", "import-xlsform", str(path), "--agency", ministry["ministry"].code
        )
    assert exc.value.code == 1
    assert "sheet survey, row 2, column type" in capsys.readouterr().err
    assert not Questionnaire.objects.exists()
