"""The REST API: token authentication, one error format, pagination, OpenAPI schema."""

from rest_framework.authtoken.models import Token

from cchc.org.models import Role


def test_unauthenticated_requests_get_the_error_format(client, db):
    response = client.get("/api/v1/org/agencies/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Authentication credentials were not provided."}
    }


def test_token_is_issued_for_credentials_and_authenticates(client, ministry, make_staff):
    make_staff(
        "system", ministry["a"], [(Role.VIEWER, ministry["ministry"], True)], password="Sys-Pass-2026!"
    )
    token = client.post("/api/v1/token/", {"username": "system", "password": "Sys-Pass-2026!"}).json()[
        "token"
    ]
    response = client.get("/api/v1/org/agencies/?page_size=2", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6 and len(body["results"]) == 2 and body["next"]
    assert body["results"][0]["code"] == "000.00.00.G99"


def test_bad_input_names_the_field(client, ministry, make_staff):
    user = make_staff("system", ministry["a"], [(Role.VIEWER, ministry["ministry"], True)])
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    response = client.get(
        "/api/v1/org/agencies/000.00.00.G99/restructuring/?start=hôm-qua&end=2018-12-31", **auth
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "start" in error["fields"]


def test_permission_denied_uses_the_same_format(client, ministry, make_staff, citizen):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=citizen).key}"}
    response = client.get("/api/v1/org/agencies/", **auth)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_restructuring_endpoint(client, ministry, make_staff, superuser):
    from datetime import date

    from cchc.org.services import agency_dissolve

    agency_dissolve(actor=superuser, agency=ministry["a1"], effective_on=date(2018, 6, 1))
    user = make_staff("system", ministry["a"], [(Role.VIEWER, ministry["ministry"], True)])
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}
    body = client.get(
        "/api/v1/org/agencies/000.00.00.G99/restructuring/?start=2018-01-01&end=2018-12-31", **auth
    ).json()
    assert body["divisions_ended"] == 1 and body["division_parents"][0]["code"] == "000.00.01.G99"


def test_openapi_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "https://" not in docs
