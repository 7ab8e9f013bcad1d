"""Done when (service level): responses by token and a CSV of 1,000 more give the PAR cycle its survey
points, automatically; the points follow when answers change. The browser version is in test_browser_*."""

from decimal import Decimal

import pytest

from cchc.core.jobs import run_pending_jobs
from cchc.surveys import scoring, services
from cchc.surveys.models import Invitation, Response, ScoreRun

from .conftest import survey_points, thousand_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_points_flow_into_the_par_cycle_and_follow_changes(par_setup, superuser, settings):
    settings.CCHC_JOBS_EAGER = True
    survey, cycle, (ministry, other) = par_setup["survey"], par_setup["cycle"], par_setup["subjects"]
    invitations = list(
        Invitation.objects.filter(survey=survey, subject=ministry).order_by("group__code", "id")[:3]
    )
    for inv in invitations:
        services.response_submit(
            token=services.invitation_token(inv), raw={"q_direction": "5", "q_procedures": "a"}
        )
    points = survey_points(cycle, ministry)
    assert points == {
        "1.2": Decimal("3.500"),
        "3.2": Decimal("6.000"),
    }  # everyone fully satisfied: the maxima
    services.responses_import(
        actor=superuser, survey=survey, data=thousand_rows(par_setup["subjects"]), file_name="r.csv"
    )
    run = ScoreRun.objects.filter(survey=survey).first()
    assert run.response_count == 1003 and run.written_to_par
    after_import = survey_points(cycle, ministry)
    expected = scoring.compute(survey, {"1.2": Decimal("3.5"), "3.2": Decimal("6")})["results"][
        str(ministry.pk)
    ]
    assert after_import == {code: Decimal(v["points"]) for code, v in expected["items"].items()}
    assert after_import["1.2"] < Decimal("3.5") and set(survey_points(cycle, other)) == {"1.2", "3.2"}
    # A keying error corrected on one response moves the points.
    response = Response.objects.filter(
        survey=survey, subject=ministry, channel="import", answers__q_direction="1"
    ).first()
    services.response_correct(
        actor=superuser, response=response, raw={"q_direction": "5", "q_procedures": "a"}
    )
    assert survey_points(cycle, ministry)["1.2"] > after_import["1.2"]
    assert run_pending_jobs() == 0  # every change was scored right after it committed
