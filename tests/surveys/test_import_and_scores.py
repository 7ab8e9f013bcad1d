"""Response import (all-or-nothing), the scoring scheme and the satisfaction index."""

from decimal import Decimal

import pytest
from django.test import override_settings

from cchc.core.exceptions import ImportRejected
from cchc.surveys import scoring, services
from cchc.surveys.models import ImportBatch, Response

pytestmark = pytest.mark.django_db
D = Decimal


def responses_csv(
    rows,
    header=(
        "group",
        "subject",
        "service",
        "q_direction",
        "q_procedures",
        "complained",
        "q_feedback",
        "q_officials",
        "age",
    ),
):
    lines = [",".join(header)] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_import_of_a_thousand_rows(officer, ministry, survey):
    rows = [
        (
            "leaders" if i % 2 else "staff",
            ministry["a" if i % 3 else "b"].code,
            "",
            str(1 + i % 5),
            "abcd"[i % 4],
            "yes" if i % 7 == 0 else "no",
            str(1 + i % 5) if i % 7 == 0 else "",
            "",
            str(20 + i % 40),
        )
        for i in range(1000)
    ]
    batch = services.responses_import(
        actor=officer, survey=survey, data=responses_csv(rows), file_name="r.csv"
    )
    assert batch.rows == 1000 and Response.objects.filter(survey=survey, channel="import").count() == 1000
    first = Response.objects.filter(batch=batch).order_by("id").first()
    assert first.answers == {
        "q_direction": "1",
        "q_procedures": "a",
        "complained": "yes",
        "q_feedback": "1",
        "age": 20,
    }


def test_import_rejects_bad_cells_and_writes_nothing(officer, ministry, survey):
    rows = [
        ("staff", ministry["a"].code, "", "3", "a", "no", "", "", "30"),
        ("staff", ministry["a"].code, "", "9", "a", "no", "", "", "x"),  # row 3: bad Likert, bad age
        ("chiefs", "nope", "", "3", "", "no", "", "", "30"),
    ]  # row 4: group, subject, required answer
    with pytest.raises(ImportRejected) as exc:
        services.responses_import(actor=officer, survey=survey, data=responses_csv(rows), file_name="r.csv")
    assert {(e.row, e.field) for e in exc.value.errors} == {
        (3, "q_direction"),
        (3, "age"),
        (4, "group"),
        (4, "subject"),
        (4, "q_procedures"),
    }
    assert not Response.objects.exists() and not ImportBatch.objects.exists()
    with pytest.raises(ImportRejected) as exc:
        services.responses_import(
            actor=officer, survey=survey, data=b"group,subject,colour\nstaff,x,red\n", file_name="r.csv"
        )
    assert (exc.value.errors[0].row, exc.value.errors[0].field) == (1, "colour")


def _answer(officer, survey, group, subject, direction, procedures, n=1):
    for _i in range(n):
        services.response_enter(
            actor=officer,
            survey=survey,
            group=survey.groups.get(code=group),
            subject=subject,
            raw={"q_direction": str(direction), "q_procedures": procedures},
        )


def test_scoring_scheme_by_hand(officer, ministry, survey):
    a = ministry["a"]
    _answer(officer, survey, "leaders", a, 5, "a")  # direction 1,00; procedures 1,00
    _answer(officer, survey, "leaders", a, 4, "b")  # 0,75; 0,60
    _answer(officer, survey, "staff", a, 1, "d")  # 0,00; 0,00
    data = scoring.compute(survey, {"1.2": D("3.5"), "3.2": D("6")})
    item = data["results"][str(a.pk)]["items"]["1.2"]
    assert item["groups"] == {"leaders": {"n": 2, "mean": 0.875}, "staff": {"n": 1, "mean": 0.0}}
    # (2 × 0,875 + 1 × 0) / 3 = 0,583333… → 3,5 × 0,583333… = 2,041666… → 2,04167 (five decimals)
    assert item["points"] == "2.04167"
    # (2 × 0,80 + 1 × 0) / 3 = 0,5333… → 6 × 0,5333… = 3,2 → 3,20000
    assert data["results"][str(a.pk)]["items"]["3.2"]["points"] == "3.20000"
    again = scoring.compute(survey, {"1.2": D("3.5"), "3.2": D("6")})
    assert again["digest"] == data["digest"]  # reproducible
    _answer(officer, survey, "staff", a, 5, "a")
    changed = scoring.compute(survey, {"1.2": D("3.5"), "3.2": D("6")})
    assert changed["digest"] != data["digest"]
    assert (
        changed["results"][str(a.pk)]["items"]["1.2"]["points"] == "2.62500"
    )  # staff mean (0 + 1)/2 = 0,5: 3,5 × (2×0,875 + 0,5)/3


def test_satisfaction_index_and_small_groups(officer, ministry, survey):
    a, b = ministry["a"], ministry["b"]
    for direction in (5, 4, 4, 2, 1, 5):
        _answer(officer, survey, "staff", a, direction, "a")
    _answer(officer, survey, "staff", b, 5, "a", n=2)
    table = scoring.satisfaction(survey).set_index("subject_id")
    assert table.loc[a.pk, "n"] == 6
    assert table.loc[a.pk, "access"] == pytest.approx(400 / 6)  # 4 of 6 answered 4 or 5
    shown = scoring.suppress_small(table.reset_index()).set_index("subject_id")
    assert shown.loc[b.pk, "access"] is None and shown.loc[a.pk, "access"] == pytest.approx(400 / 6)
    with override_settings(CCHC_SURVEY_MIN_GROUP=2):
        assert scoring.suppress_small(table.reset_index()).set_index("subject_id").loc[b.pk, "access"] == 100


def test_xlsx_responses_with_numbers_and_multiple_choice_cells(officer, ministry, survey):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["group", "subject", "q_direction", "q_procedures", "age", "comment"])
    ws.append(["leaders", ministry["a"].code, 5, "a", 41, "Tốt"])
    ws.append(["staff", ministry["b"].code, 3, "c", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    batch = services.responses_import(actor=officer, survey=survey, data=buf.getvalue(), file_name="r.xlsx")
    answers = list(Response.objects.filter(batch=batch).order_by("id").values_list("answers", flat=True))
    assert answers == [
        {"q_direction": "5", "q_procedures": "a", "age": 41, "comment": "Tốt"},
        {"q_direction": "3", "q_procedures": "c"},
    ]
