"""Pages and API: public results, secrecy, exports, query counts, the scoring workflow over HTTP."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cchc.core.exports import DOCX_MIME, XLSX_MIME
from cchc.parindex import services
from cchc.parindex.models import Entry

from .test_workflow import fill_self

D = Decimal


@pytest.fixture
def computed(superuser, units_cycle):
    for s in units_cycle.subjects.all():
        fill_self(superuser, s)
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    return units_cycle


def test_results_are_public_only_once_published(client, superuser, computed):
    assert client.get("/parindex/cycles/DV-2018/ranking/").status_code == 404
    assert "DV-2018" not in client.get("/parindex/").content.decode()
    services.cycle_publish(actor=superuser, cycle=computed)
    page = client.get("/parindex/cycles/DV-2018/ranking/")
    assert page.status_code == 200 and "Cục A" in page.content.decode()
    assert client.get("/parindex/cycles/DV-2018/heatmap/").status_code == 200
    assert client.get("/parindex/cycles/DV-2018/subjects/000.00.01.G99/card/").status_code == 200
    assert "DV-2018" in client.get("/parindex/").content.decode()


def test_ranking_page_query_count_and_vietnamese(client, superuser, computed, django_assert_max_num_queries):
    services.cycle_publish(actor=superuser, cycle=computed)
    with django_assert_max_num_queries(12):
        page = client.get("/parindex/cycles/DV-2018/ranking/", HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    assert "Xếp hạng" in text and "95,00%" in text  # 76/80 → 95,00%


def test_exports(client, superuser, computed):
    services.cycle_publish(actor=superuser, cycle=computed)
    base = "/parindex/cycles/DV-2018/ranking/"
    csv = client.get(base + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "rank,subject_code,subject_name,points,index_percent,group"
    assert lines[1].startswith("1,000.00.01.G99,Cục A,76.00,95.00")
    assert client.get(base + "?format=xlsx")["Content-Type"] == XLSX_MIME
    assert client.get(base + "?format=pdf").content.startswith(b"%PDF")
    assert client.get(base + "?format=docx")["Content-Type"] == DOCX_MIME
    assert client.get(base + "?by=area:1").status_code == 200


def test_a_subject_cannot_open_another_subjects_sheet(client, units_cycle, officers):
    client.force_login(officers["b"])
    assert client.get("/parindex/cycles/DV-2018/subjects/000.00.02.G99/").status_code == 200
    assert client.get("/parindex/cycles/DV-2018/subjects/000.00.01.G99/").status_code == 404
    assert client.get("/parindex/cycles/DV-2018/subjects/000.00.01.G99/items/1.3/").status_code == 404
    api = APIClient()
    api.force_authenticate(officers["b"])
    assert api.get("/api/v1/parindex/cycles/DV-2018/subjects/000.00.01.G99/").status_code == 404
    r = api.post(
        "/api/v1/parindex/cycles/DV-2018/subjects/000.00.01.G99/entries/",
        {"item_code": "1.3", "stage": "self", "points": "4"},
        format="json",
    )
    assert r.status_code == 404 and not Entry.objects.exists()


def test_self_assessment_through_the_pages(client, units_cycle, officers):
    client.force_login(officers["a"])
    url = "/parindex/cycles/DV-2018/subjects/000.00.01.G99/items/1.3/"
    r = client.post(url, {"stage": "self", "points": "3,5", "comment": "Đủ báo cáo quý"})
    assert r.status_code == 302
    assert Entry.objects.get(item__code="1.3", stage="self").points == D("3.5")
    r = client.post(url, {"stage": "self", "points": "9"}, follow=True)  # above the maximum of 4
    assert "4" in r.content.decode() and Entry.objects.get(item__code="1.3").points == D("3.5")
    pdf = SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(url, {"form": "evidence", "stage": "self", "title": "Báo cáo quý IV", "file": pdf})
    assert units_cycle.subjects.get(agency__code="000.00.01.G99").evidence.count() == 1


def test_api_workflow_and_errors(superuser, units_cycle, officers, ministry):
    api = APIClient()
    api.force_authenticate(officers["a"])
    base = "/api/v1/parindex/cycles/DV-2018/"
    r = api.post(
        base + "subjects/000.00.01.G99/entries/",
        {"item_code": "1.2", "stage": "self", "value": "85"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["points"] == "2.5"
    r = api.post(
        base + "subjects/000.00.01.G99/entries/",
        {"item_code": "1.2", "stage": "self", "value": "abc"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = api.post(base + "do/compute/")
    assert r.status_code == 403
    r = api.post(
        base + "do/survey-points/",
        {"subject_code": "000.00.01.G99", "item_code": "5.3", "points": "3"},
        format="json",
    )
    assert r.status_code == 403
    admin = APIClient()
    admin.force_authenticate(superuser)
    r = admin.post(
        base + "do/survey-points/",
        {"subject_code": "000.00.01.G99", "item_code": "5.3", "points": "3.25"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["points"] == "3.25"
    assert admin.post(base + "do/compute/").json() == {"subjects": 3}
    r = admin.get(base + "ranking/?by=survey")
    assert r.json()["results"][0]["subject_code"] == "000.00.01.G99"
    assert APIClient().get(base + "ranking/").status_code in (401, 403, 404)


def test_scores_import_all_or_nothing(superuser, units_cycle):
    from cchc.core.exceptions import ImportRejected
    from cchc.parindex import imports

    good = (
        "subject_code,item_code,stage,points,value,comment\n"
        "000.00.01.G99,1.3,self,4,,\n000.00.01.G99,1.2,self,,100,\n000.00.03.G99,5.3,survey,2.5,,\n"
    )
    assert (
        imports.scores_import(actor=superuser, cycle=units_cycle, filename="s.csv", data=good.encode())[
            "rows"
        ]
        == 3
    )
    bad = (
        "subject_code,item_code,stage,points,value,comment\n"
        "000.00.02.G99,1.3,self,4,,\n000.00.02.G99,3.1,survey,1,,\n000.00.02.G99,1.3,self,99,,\n000.00.09.G99,1.3,self,1,,\n"
    )
    with pytest.raises(ImportRejected) as exc:
        imports.scores_import(actor=superuser, cycle=units_cycle, filename="s.csv", data=bad.encode())
    assert [(e.row, e.field) for e in exc.value.errors] == [
        (3, "item_code"),
        (4, "points"),
        (5, "subject_code"),
    ]
    assert not Entry.objects.filter(
        subject__agency__code="000.00.02.G99"
    ).exists()  # row 2 was valid, not kept


def test_cycle_page_for_manager_and_countdown(client, superuser, units_cycle):
    from datetime import timedelta

    from django.utils import timezone

    services.cycle_set_timeline(
        actor=superuser,
        cycle=units_cycle,
        self_deadline=timezone.now() + timedelta(days=3, hours=1),
        appraisal1_deadline=timezone.now() - timedelta(days=1),
    )
    client.force_login(superuser)
    text = client.get("/parindex/cycles/DV-2018/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "3 days left" in text or "còn 3 ngày" in text
    assert "locked" in text or "đã khóa" in text


def test_api_methodology_import_reports_rows(superuser):
    api = APIClient()
    api.force_authenticate(superuser)
    bad = SimpleUploadedFile(
        "m.yaml",
        b"code: X\nname: X\nlevel: ministry\nlegal_basis: QD\neffective_from: 2020-01-01\n"
        b"status: official\nmax_points: 10\nitems:\n- {code: '1', name: A, max_points: 9}\n",
    )
    r = api.post("/api/v1/parindex/methodologies/import/", {"file": bad}, format="multipart")
    assert r.status_code == 400 and r.json()["error"]["code"] == "import_rejected"
    assert r.json()["error"]["fields"]["rows"][0]["field"] == "max_points"
    r = api.get("/api/v1/parindex/methodologies/")
    assert r.status_code == 200 and r.json() == []  # nothing was imported


def test_scoring_sheet_query_count(client, superuser, computed, django_assert_max_num_queries):
    client.force_login(superuser)
    # 20 for the sheet itself; the five metric-bound items of the template compute their live
    # metric (one-stop, procedures, reform ×2, edocs) with a few queries each, however many rows
    with django_assert_max_num_queries(40):
        r = client.get("/parindex/cycles/DV-2018/subjects/000.00.01.G99/")
    assert r.status_code == 200


def test_manager_sets_deadlines_and_groups_on_the_cycle_page(client, superuser, units_cycle):
    client.force_login(superuser)
    r = client.post(
        "/parindex/cycles/DV-2018/do/timeline/",
        {
            "timeline-self_deadline": "2026-12-31T17:00",
            "timeline-groups": "Xuất sắc; 90\nTốt; 80,5\nCòn lại; 0",
        },
    )
    assert r.status_code == 302
    units_cycle.refresh_from_db()
    assert units_cycle.groups == [
        {"label": "Xuất sắc", "min": "90"},
        {"label": "Tốt", "min": "80.5"},
        {"label": "Còn lại", "min": "0"},
    ]
    assert units_cycle.self_deadline.year == 2026
    r = client.post(
        "/parindex/cycles/DV-2018/do/timeline/", {"timeline-groups": "no limit here"}, follow=True
    )
    assert "Line 1" in r.content.decode() or "Dòng 1" in r.content.decode()
