"""Real published XLSForms (pyxform's test data, BSD-2-Clause; see fixtures/xlsforms/README.md) import
without failure; columns the web form does not use are kept and reported; more of the XLSForm spec."""

from pathlib import Path

import pytest

from cchc.surveys import services, xlsform
from cchc.surveys.answers import FormSpec
from cchc.surveys.models import Question

from .conftest import xlsform_bytes

K = Question.Kind
CORPUS = Path(__file__).parent / "fixtures" / "xlsforms"
FORMS = sorted(p.name for p in CORPUS.glob("*.xlsx"))
pytestmark = pytest.mark.django_db

# A few facts per form: code, number of rows kept, label languages, some question kinds.
FACTS = {
    "attribute_columns_test.xlsx": {
        "code": "Spec_test",
        "languages": {"en", "zh"},
        "kinds": {K.NOTE, K.HIDDEN},
    },
    "xlsform_spec_test.xlsx": {"code": "Spec_test", "kinds": {K.BEGIN_GROUP, K.SELECT_MULTIPLE, K.DATE}},
    "flat_xlsform_test.xlsx": {"code": "Flat_test"},
    "or_other.xlsx": {"questions": ["fav_color", "fav_pastel"], "unsupported": {"choices": ["pastel"]}},
    "pull_data.xlsx": {"questions": ["fruit", "note_fruite"], "kinds": {K.HIDDEN, K.NOTE}},
    "text_and_integer_xlsx.xlsx": {"questions": ["your_name", "your_age"], "languages": {"en"}},
    "survey_no_name.xlsx": {"questions": ["state"]},
    "extra_sheet_names.xlsx": {"ignored": {"my_sheet", "stettings"}},
    "select_one_external.xlsx": {"unsupported": {"external_choices": ["state", "county"]}},
    "duplicate_columns.xlsx": {"warning": "label"},
    "choice_filter_test.xlsx": {"questions": ["state", "county", "city"]},
}


def test_the_corpus_is_broad():
    assert 15 <= len(FORMS) <= 30
    assert (CORPUS / "LICENSE").exists() and "BSD" in (CORPUS / "README.md").read_text()


@pytest.mark.parametrize("name", FORMS)
def test_every_published_form_imports(officer, ministry, name):
    data = (CORPUS / name).read_bytes()
    q, parsed = services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=data, file_name=name
    )
    assert q.pk and q.questions.count() == len(parsed.questions) > 0
    spec = FormSpec.load(q)  # the respondent form can be built from it
    assert spec.questions
    facts = FACTS.get(name, {})
    names = [n for n in q.questions.order_by("position").values_list("name", flat=True)]
    if "code" in facts:
        assert q.code == facts["code"]
    if "questions" in facts:
        assert names == facts["questions"]
    if "languages" in facts:
        assert facts["languages"] <= set(parsed.languages)
    if "kinds" in facts:
        assert facts["kinds"] <= {p.kind for p in parsed.questions}
    if "ignored" in facts:
        assert set(parsed.ignored_sheets) == facts["ignored"]
    for sheet, columns in facts.get("unsupported", {}).items():
        assert parsed.unsupported_columns[sheet] == columns
        assert any(all(c in w for c in columns) for w in parsed.warnings)
    if "warning" in facts:
        assert any(f"“{facts['warning']}”" in w for w in parsed.warnings)


def test_media_and_constraint_columns_are_kept_on_the_question(officer, ministry):
    q, parsed = services.questionnaire_import_xlsform(
        actor=officer,
        agency=ministry["ministry"],
        data=(CORPUS / "attribute_columns_test.xlsx").read_bytes(),
        file_name="attribute_columns_test.xlsx",
    )
    kept = {k for extra in q.questions.values_list("extra", flat=True) for k in extra}
    assert {"constraint", "calculation", "media::video", "image"} <= kept
    assert {"constraint", "media::video"} <= set(parsed.unsupported_columns["survey"])


def test_more_of_the_spec(officer, ministry):
    """Language columns “label::English (en)”, a repeat nested in a group, notes, calculate, media
    columns, a settings sheet with a leading blank row and extra keys, choices with extra columns."""
    en, vi = "label::English (en)", "label::Tiếng Việt (vi)"
    survey = [
        [
            "type",
            "name",
            en,
            vi,
            "hint::English (en)",
            "media::image",
            "calculation",
            "repeat_count",
            "Relevance",
        ],
        ["begin group", "household", "Household", "Hộ gia đình", "", "", "", "", ""],
        ["note", "intro", "Welcome", "Xin chào", "", "logo.png", "", "", ""],
        ["integer", "size", "Members", "Số người", "how many", "", "", "", ""],
        ["begin repeat", "member", "Member", "Thành viên", "", "", "", "${size}", ""],
        ["text", "member_name", "Name", "Họ tên", "", "", "", "", ""],
        ["select_one yn", "works", "Works?", "Có việc làm?", "", "", "", "", "${size} > 0"],
        ["end repeat", "", "", "", "", "", "", "", ""],
        ["calculate", "total", "", "", "", "", "count(${member})", "", ""],
        ["end group", "", "", "", "", "", "", "", ""],
    ]
    choices = [
        ["list_name", "name", en, vi, "media::image", "colour"],
        ["yn", "1", "Yes", "Có", "yes.png", "green"],
        ["yn", "0", "No", "Không", "no.png", "red"],
    ]
    settings = [
        [None, None, None],
        ["form_title", "form_id", "version", "default_language", "style"],
        ["Khảo sát hộ", "ho_gia_dinh", "2026120601", "Tiếng Việt (vi)", "pages"],
    ]
    data = xlsform_bytes(survey, choices, settings)
    parsed = xlsform.parse(data, file_name="ho.xlsx")
    by_name = {q.name: q for q in parsed.questions}
    assert parsed.form_id == "ho_gia_dinh" and parsed.titles == {"vi": "Khảo sát hộ"}
    assert by_name["intro"].labels == {"en": "Welcome", "vi": "Xin chào"} and by_name["intro"].kind == K.NOTE
    assert by_name["size"].hints == {"en": "how many"}
    assert by_name["works"].relevant == "${size} > 0"  # “Relevance” is an alias of relevant
    assert [q.kind for q in parsed.questions].count(K.BEGIN_GROUP) == 2
    assert by_name["total"].kind == K.HIDDEN and by_name["total"].extra["calculation"] == "count(${member})"
    assert by_name["member"].extra["repeat_count"] == "${size}"
    assert parsed.unsupported_columns == {
        "survey": ["media::image", "calculation", "repeat_count"],
        "choices": ["media::image", "colour"],
    }
    yes = next(c for c in parsed.choices if c.name == "1")
    assert yes.labels == {"en": "Yes", "vi": "Có"} and yes.filters == {"colour": "green"}
    q, _ = services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=data, file_name="ho.xlsx"
    )
    assert q.questions.count() == 9


def test_an_unclosed_repeat_is_still_an_error_naming_the_row():
    from cchc.core.exceptions import ImportRejected

    data = xlsform_bytes([["type", "name", "label"], ["begin repeat", "r", "R"], ["text", "t", "T"]], None)
    with pytest.raises(ImportRejected) as exc:
        xlsform.parse(data, file_name="x.xlsx")
    assert [(e.row, e.field) for e in exc.value.errors] == [(2, "type")]
