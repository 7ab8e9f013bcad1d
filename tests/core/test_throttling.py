"""The API's throttles are applied (issue 14: 150 of 150 anonymous requests passed) and registration
is limited per client address; past the limit comes 429, in the API's JSON error format."""

import pytest
from django.urls import reverse


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def test_anonymous_api_requests_beyond_the_rate_get_429_in_the_error_format(client, db, rates):
    rates(anon="5/minute")
    url = reverse("api-procedures")
    statuses = [client.get(url, REMOTE_ADDR="198.51.100.7").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert response.json()["error"]["code"] == "throttled"
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200  # per client address


def test_the_default_anonymous_rate_stops_a_flood(client, db):
    url = reverse("api-procedures")
    statuses = [client.get(url).status_code for _ in range(150)]
    assert statuses.count(200) == 60 and statuses[-1] == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_counter(client, db, rates):
    rates(anon="2/minute")
    url = reverse("api-procedures")
    statuses = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 429, 429]


def test_signed_in_users_have_their_own_rate(client, ministry, make_staff, rates):
    rates(user="3/minute")
    client.force_login(make_staff("reader", ministry["a"]))
    url = reverse("api-procedures")
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_token_endpoint_is_throttled_per_address(client, db, rates):
    rates(token="3/minute")
    url = reverse("api-token")
    statuses = [
        client.post(url, {"username": "nobody", "password": f"guess-{i}"}).status_code for i in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
    assert client.post(url, {"username": "x", "password": "y"}).json()["error"]["code"] == "throttled"


def _register(client, n, addr="198.51.100.20"):
    return client.post(
        reverse("accounts:register"),
        {
            "kind": "citizen",
            "full_name": f"Người Dùng {n}",
            "email": f"user{n}@example.invalid",
            "username": f"user{n}",
            "password": "x-Strong-Pass-2026",
        },
        REMOTE_ADDR=addr,
    )


def test_registration_is_limited_per_client_address(client, db, settings):
    settings.CCHC_REGISTER_PER_IP_HOUR = 2
    assert [_register(client, n).status_code for n in range(2)] == [302, 302]
    client.logout()
    refused = _register(client, 3)
    assert refused.status_code == 429
    assert "Quá nhiều" in refused.content.decode()
    assert _register(client, 4, addr="198.51.100.21").status_code == 302
