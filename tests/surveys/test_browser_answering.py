"""Done when, end to end: an imported XLSForm, a drawn sample, three respondents answering in the browser
with their tokens (one saving and resuming), a CSV of 1,000 more, and the PAR cycle's survey points."""

from decimal import Decimal

import pytest

from cchc.surveys import services
from cchc.surveys.models import Invitation, Response
from tests.browser_support import login

from .conftest import survey_points, thousand_rows

pytestmark = pytest.mark.browser


def test_three_respondents_answer_by_token_and_points_reach_the_par_cycle(
    page, par_setup, superuser, settings
):
    settings.CCHC_JOBS_EAGER = True
    survey, cycle, (ministry, _other) = par_setup["survey"], par_setup["cycle"], par_setup["subjects"]
    invitations = list(
        Invitation.objects.filter(survey=survey, subject=ministry).order_by("group__code", "id")[:3]
    )
    tokens = [services.invitation_token(inv) for inv in invitations]
    page.set_viewport_size({"width": 390, "height": 844})  # a phone

    # Respondent 1 saves half-way, leaves, and resumes with the same link.
    page.goto(f"/surveys/r/{tokens[0]}/")
    assert page.locator("h1").inner_text() == "Khảo sát CCHC"
    page.check("input[name=q_direction][value='4']")
    page.click("button[name=save]")
    assert "đã được lưu" in page.locator("[role=status]").inner_text()
    page.goto(f"/surveys/r/{tokens[0]}/")
    assert page.is_checked("input[name=q_direction][value='4']")
    page.click("button[name=submit]")  # procedures still missing
    assert page.locator("#q_procedures-error").inner_text() != ""
    page.get_by_label("Rất tốt").check()
    page.click("button[name=submit]")
    assert page.locator("h1").inner_text() == "Cảm ơn"

    # Respondent 2 types the printed code; respondent 3 says they complained, which reveals a follow-up.
    page.goto("/surveys/r/")
    page.fill("#code", tokens[1].upper())
    page.click("main button[type=submit]")
    page.check("input[name=q_direction][value='5']")
    page.check("input[name=q_procedures][value='a']")
    page.click("button[name=submit]")
    assert page.locator("h1").inner_text() == "Cảm ơn"
    page.goto(f"/surveys/r/{tokens[2]}/")
    page.check("input[name=complained][value='yes']")
    page.click("button[name=save]")
    page.check("input[name=q_feedback][value='5']")
    page.check("input[name=q_direction][value='3']")
    page.check("input[name=q_procedures][value='b']")
    page.click("button[name=submit]")
    assert page.locator("h1").inner_text() == "Cảm ơn"

    # A used link cannot answer again.
    page.goto(f"/surveys/r/{tokens[1]}/")
    assert "không dùng được" in page.locator("h1").inner_text()
    assert Response.objects.filter(survey=survey, channel="web").count() == 3
    # leaders: (0,75 + 1)/2 ... the three answers are 4, 5, 3 → fractions 0,75; 1; 0,5.
    first = survey_points(cycle, ministry)
    assert set(first) == {"1.2", "3.2"}

    services.responses_import(
        actor=superuser, survey=survey, data=thousand_rows(par_setup["subjects"]), file_name="more.csv"
    )
    after = survey_points(cycle, ministry)
    assert after != first and Decimal(0) < after["1.2"] < Decimal("3.5")

    # The computation is visible to the PAR staff.
    login(page, "root")
    page.goto(f"/surveys/{survey.pk}/scores/")
    text = page.locator("main").inner_text()
    assert "1.003" in text and "Bộ Thử nghiệm" in text
    assert f"{after['1.2']:.3f}".replace(".", ",") in text
