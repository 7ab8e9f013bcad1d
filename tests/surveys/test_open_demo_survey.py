"""Issue 11: the demo has an open survey whose respondent link works; invitation codes come in
batches by unit and group; a respondent's validation errors name the question."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.org import demo as org_demo
from cchc.surveys import demo, services
from cchc.surveys.models import Survey


@pytest.fixture
def demo_survey(superuser):
    org_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    return Survey.objects.get(name=demo.OPEN_SURVEY), out.getvalue()


def test_demo_has_an_open_survey_with_a_working_respondent_link(client, demo_survey):
    survey, printed = demo_survey
    assert survey.status == Survey.Status.OPEN and survey.is_synthetic
    assert survey.invitations.count() == 30  # 3 units × 2 groups × 5
    link = re.search(r"/surveys/r/([a-z0-9]+)/", printed).group(0)
    page = client.get(link)
    assert page.status_code == 200 and "Tiếp cận dịch vụ" in page.content.decode()
    demo.load(io.StringIO())  # loading again adds nothing
    assert Survey.objects.filter(name=demo.OPEN_SURVEY).count() == 1


def test_staff_page_shows_the_respondent_link(client, demo_survey):
    survey, _printed = demo_survey
    client.force_login(get_user_model().objects.get(username="admin"))
    html = client.get(reverse("surveys:survey", args=[survey.pk])).content.decode()
    assert "http://testserver/surveys/r/" in html
    assert reverse("surveys:invitations", args=[survey.pk]) in html
    closed = Survey.objects.get(name__startswith="SIPAS 2018")
    assert (
        "http://testserver/surveys/r/"
        not in client.get(reverse("surveys:survey", args=[closed.pk])).content.decode()
    )


def test_invitation_codes_in_batches_by_unit_and_group(client, demo_survey):
    survey, _printed = demo_survey
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("surveys:invitations", args=[survey.pk])
    html = client.get(url).content.decode()
    assert html.count('<tr><td><a href="?unit=') == 6  # one row per batch
    # page 1 holds 24 of the 30 cards: units of 10, 10 and 4 cards, each under its group headings
    assert html.count('<h2 id="unit-') == 3 and html.count("<h3>") == 5
    unit = survey.invitations.order_by("subject__code").last().subject
    one = client.get(url, {"unit": unit.code, "group": "businesses"}).content.decode()
    assert one.count('class="card invitation"') == 5 and unit.name in one
    event = AuditEvent.objects.filter(action="surveys.frame.view").order_by("-id").first()
    assert event.after["unit"] == unit.code and event.after["group"] == "businesses"


def test_respondent_errors_name_the_question(client, demo_survey):
    survey, _printed = demo_survey
    token = services.invitation_token(survey.invitations.first())
    page = client.post(
        reverse("surveys:answer", args=[token]), {"sat_access": "9", "submit": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    summary = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert 'href="#field-sat_access"' in summary and "Tiếp cận dịch vụ" in summary
    assert 'href="#field-sat_overall"' in summary  # required, unanswered
    assert 'href="#field-suggestion"' not in summary  # optional


def test_invitations_page_query_count(client, demo_survey, django_assert_max_num_queries):
    survey, _printed = demo_survey
    client.force_login(get_user_model().objects.get(username="admin"))
    with django_assert_max_num_queries(20):
        page = client.get(reverse("surveys:invitations", args=[survey.pk]))
    assert page.content.decode().count('class="card invitation"') == 24
