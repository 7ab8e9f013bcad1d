"""Pages and API answers that may hold personal data say `Cache-Control: no-store` (issue 14)."""

from django.urls import reverse

from tests.households.conftest import add_household, area, officer  # noqa: F401 (fixtures)


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_household_record_is_not_stored(client, officer, area):  # noqa: F811
    household = add_household(officer, area["a"], "HH-1")
    client.force_login(officer)
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200 and _no_store(response)
    assert "private" in response.headers["Cache-Control"]


def test_api_answers_are_not_stored_signed_in_or_not(client, officer):  # noqa: F811
    assert _no_store(client.get(reverse("api-procedures")))
    client.force_login(officer)
    assert _no_store(client.get(reverse("households:list")))
    assert _no_store(client.get(reverse("api-procedures")))


def test_anonymous_pages_with_a_session_are_not_stored(client, db):
    session = client.session
    session["portal_tracked"] = {}
    session.save()
    assert _no_store(client.get(reverse("portal:track")))


def test_public_pages_of_a_visitor_without_session_stay_cacheable(client, db):
    response = client.get(reverse("portal:track"))
    assert response.status_code == 200 and not _no_store(response)
