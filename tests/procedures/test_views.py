import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cchc.org.models import Role
from cchc.procedures import services, transfer
from cchc.procedures.models import Procedure

from .factories import version_data


@pytest.fixture
def catalogue(superuser, ministry):
    for i in range(30):
        services.procedure_create(
            actor=superuser,
            agency=ministry["a"],
            code=f"1.{i:06d}",
            name=f"Cấp giấy phép số {i}" if i % 2 else f"Đăng ký thỏa ước {i}",
            field="Việc làm" if i % 3 else "Lao động",
            level="central",
            version=version_data(),
        )
    proc = Procedure.objects.get(code="1.000001")
    services.procedure_version_add(
        actor=superuser,
        procedure=proc,
        effective_from=date(2019, 1, 1),
        charge=Decimal("50000"),
        change_note="Giảm lệ phí",
    )
    return ministry


def test_public_catalog_search_is_diacritic_insensitive(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/procedures/", {"q": "dang ky thoa uoc"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15
    assert "Đăng ký thỏa ước 0" in response.content.decode()
    assert client.get("/procedures/", {"agency": catalogue["b"].code}).context["page"].paginator.count == 0
    assert client.get("/procedures/", {"agency": catalogue["a"].code}).context["page"].paginator.count == 30
    response = client.get("/procedures/", {"q": "giấy phép", "field": "Lao động"})
    assert {p.code for p in response.context["page"]} == {
        "1.000003",
        "1.000009",
        "1.000015",
        "1.000021",
        "1.000027",
    }


def test_catalog_renders_vietnamese(client, catalogue):
    response = client.get("/procedures/", HTTP_ACCEPT_LANGUAGE="vi")
    body = response.content.decode()
    assert "Thủ tục hành chính" in body
    assert "Tìm kiếm" in body


def test_detail_shows_version_in_force_and_diff(client, catalogue):
    response = client.get("/procedures/tthc/1.000001/")
    assert response.status_code == 200
    assert response.context["version"].number == 2
    body = response.content.decode()
    assert "50.000" in body and "Mẫu số 01" in body
    old = client.get("/procedures/tthc/1.000001/", {"v": 1})
    assert old.context["version"].number == 1
    diff = client.get("/procedures/tthc/1.000001/diff/", {"from": 1, "to": 2})
    assert [(c.old, c.new) for c in diff.context["changes"] if c.old == "100000"] == [("100000", "50000")]
    assert client.get("/procedures/tthc/9.999999/").status_code == 404


def test_import_page_requires_reform_officer(client, make_staff, catalogue):
    viewer = make_staff("viewer", catalogue["a"], [(Role.VIEWER, catalogue["a"], True)])
    client.force_login(viewer)
    assert client.get("/procedures/manage/").status_code == 403
    assert client.get("/procedures/export.json").status_code == 403
    client.logout()
    assert client.get("/procedures/manage/").status_code == 302  # to sign-in


@override_settings(CCHC_JOBS_EAGER=True)
def test_import_through_the_web_runs_as_job(
    client, make_staff, catalogue, django_capture_on_commit_callbacks
):
    officer = make_staff("officer", catalogue["a"], [(Role.REFORM_OFFICER, catalogue["a"], True)])
    client.force_login(officer)
    record = transfer.export_records(Procedure.objects.filter(code="1.000002"))[0]
    record.update(code="3.000001", name="Thủ tục nhập từ tệp", agency_code=catalogue["a"].code)
    upload = SimpleUploadedFile(
        "catalog.json", transfer.export_json([record]), content_type="application/json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/procedures/manage/", {"file": upload})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Procedure.objects.filter(code="3.000001").exists()

    bad = dict(record, code="3.000002", agency_code=catalogue["b"].code, steps=[])
    upload = SimpleUploadedFile("catalog.json", transfer.export_json([bad]), content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/procedures/manage/", {"file": upload})
    job_page = client.get(response["Location"]).content.decode()
    assert "row 1" in job_page and "agency_code" in job_page and "steps" in job_page
    assert not Procedure.objects.filter(code="3.000002").exists()


def test_export_downloads(client, superuser, catalogue):
    client.force_login(superuser)
    data = json.loads(client.get("/procedures/export.json", {"history": "1"}).content)
    assert len(data["procedures"]) == 31
    response = client.get("/procedures/export.xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_api_search_and_version_at_date(client, catalogue):
    data = client.get("/api/v1/procedures/", {"q": "giay phep so 1"}).json()
    assert data["count"] >= 1 and data["results"][0]["code"].startswith("1.0000")
    detail = client.get("/api/v1/procedures/1.000001/", {"at": "2018-06-01"}).json()
    assert detail["version"]["number"] == 1 and detail["version"]["charge"] == "100000"
    assert client.get("/api/v1/procedures/1.000001/", {"at": "2017-01-01"}).json()["version"] is None
    assert client.get("/api/v1/procedures/9.9/").status_code == 404


def test_officer_records_a_version_and_an_abolition(client, make_staff, catalogue):
    officer = make_staff("officer", catalogue["a"], [(Role.REFORM_OFFICER, catalogue["a"], True)])
    outsider = make_staff("outsider", catalogue["b"], [(Role.REFORM_OFFICER, catalogue["b"], True)])
    client.force_login(outsider)
    assert client.get("/procedures/tthc/1.000002/new-version/").status_code == 403
    client.force_login(officer)
    assert (
        "Ghi nhận phiên bản mới"
        in client.get("/procedures/tthc/1.000002/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    )
    form = {
        "effective_from": "2020-01-01",
        "processing_time_value": "10",
        "processing_time_unit": "working_days",
        "fee": "0",
        "charge": "0",
        "channels": ["in_person", "online"],
        "online_level": "full",
        "remove_components": ["TP2"],
        "change_note": "Bỏ bản sao giấy chứng nhận",
    }
    response = client.post("/procedures/tthc/1.000002/new-version/", form)
    assert response.status_code == 302
    proc = Procedure.objects.get(code="1.000002")
    latest = proc.versions.order_by("-number").first()
    assert latest.number == 2 and [c.code for c in latest.components.all()] == ["TP1"] and latest.charge == 0
    response = client.post(
        "/procedures/tthc/1.000002/new-version/",
        dict(form, effective_from="2019-01-01", remove_components=[]),
    )
    assert "effective_from" in response.context["form"].errors  # must start after version 2
    response = client.post(
        "/procedures/tthc/1.000002/abolish/", {"effective_on": "2021-01-01", "document": "NĐ 1/2020/NĐ-CP"}
    )
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.000002").status == "abolished"
