from datetime import date

from rest_framework.test import APIClient

from cchc.org.models import Role
from cchc.reform.models import BusinessCondition


def test_register_api_writes_through_services_and_is_scoped(make_staff, ministry):
    officer = make_staff("reform.a", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])
    api = APIClient()
    api.force_authenticate(officer)
    doc = api.post(
        "/api/v1/reform/registers/documents/",
        {
            "agency": ministry["a"].code,
            "kind": "decree",
            "number": "01/2018/NĐ-CP",
            "title": "Nghị định",
            "status": "issued",
            "issued_on": "2018-05-01",
        },
        format="json",
    )
    assert doc.status_code == 201, doc.json()
    bad = api.post(
        "/api/v1/reform/registers/conditions/",
        {"agency": ministry["a"].code, "sector": "S", "text": "T", "legal_basis": "L", "status": "abolished"},
        format="json",
    )
    assert bad.status_code == 400 and "changed_by" in bad.json()["error"]["fields"]
    ok = api.post(
        "/api/v1/reform/registers/conditions/",
        {
            "agency": ministry["a"].code,
            "sector": "S",
            "text": "T",
            "legal_basis": "L",
            "status": "abolished",
            "changed_by": doc.json()["id"],
        },
        format="json",
    )
    assert ok.status_code == 201
    outside = api.post(
        "/api/v1/reform/registers/conditions/",
        {"agency": ministry["b"].code, "sector": "S", "text": "T", "legal_basis": "L"},
        format="json",
    )
    assert outside.status_code == 403
    other = BusinessCondition.objects.create(agency=ministry["b"], sector="S", text="B", legal_basis="L")
    assert api.get(f"/api/v1/reform/registers/conditions/{other.pk}/").status_code == 404
    assert api.get("/api/v1/reform/registers/conditions/").json()["count"] == 1

    value = api.get(
        "/api/v1/reform/metrics/reform.business_conditions_cut_ratio/",
        {"agency": ministry["a"].code, "start": date(2018, 1, 1), "end": date(2018, 12, 31)},
    ).json()
    assert value["display"] == "1/1 (100,00%)"
    assert APIClient().get("/api/v1/reform/registers/conditions/").status_code in (401, 403)
