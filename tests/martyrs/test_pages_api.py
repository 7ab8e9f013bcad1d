"""Public pages (search with reasons, record, cemetery with its SVG map) and the API."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_search_record_and_cemetery_pages(client, hung, namesakes):
    body = client.get(reverse("martyrs:home"), {"q": "nguyen van hung 1948 thai binh"}).content.decode()
    assert reverse("martyrs:martyr", args=[hung.pk]) in body and "1948" in body
    record = client.get(reverse("martyrs:martyr", args=[hung.pk])).content.decode()
    assert "Hưng Yên" in record and "08/1972" in record  # merged province named; partial date shown
    cemetery = client.get(reverse("martyrs:cemetery", args=[hung.grave.cemetery_id])).content.decode()
    assert (
        "<svg" in cemetery
        and "Trường Sa" in cemetery
        and "http"
        not in cemetery.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")
    )
    assert "style=" not in cemetery  # strict CSP: no inline styles


@pytest.mark.django_db
def test_nav_shows_staff_entry_only_with_the_role(client, officer, citizen):
    home = client.get(reverse("martyrs:home")).content.decode()
    assert reverse("martyrs:staff") not in home
    client.force_login(officer)
    assert reverse("martyrs:staff") in client.get(reverse("martyrs:home")).content.decode()


@pytest.mark.django_db
def test_api_search_public_and_requests_scoped(client, hung, officer, outsider):
    from cchc.martyrs import services

    r = client.get("/api/v1/martyrs/search/", {"q": "nguyen van hugn 1948 thai binh"})
    assert r.status_code == 200 and r.json()["results"][0]["id"] == hung.pk
    services.request_file(
        kind="documents", martyr=hung, content="x", requester_name="y", email="secret@example.invalid"
    )
    assert client.get("/api/v1/martyrs/requests/").status_code in (401, 403)
    client.force_login(outsider)
    assert client.get("/api/v1/martyrs/requests/").json()["count"] == 0
    client.force_login(officer)
    data = client.get("/api/v1/martyrs/requests/").json()
    assert data["count"] == 1 and "secret@example.invalid" not in str(data)
