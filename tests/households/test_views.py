import pytest
from django.core.management import call_command

from cchc.households import services
from cchc.households.models import Household

from .conftest import add_household

pytestmark = pytest.mark.django_db


def approve(officer, chair, commune, year):
    rnd = services.round_open(actor=officer, commune=commune, year=year)
    services.round_classify(actor=officer, round=rnd)
    services.round_submit(actor=officer, round=rnd, board_note="ok")
    services.round_approve(actor=chair, round=rnd, decision="QĐ")
    return rnd


def test_pages_render_in_vietnamese(client, officer, area):
    call_command("i18n_compile", verbosity=0)
    add_household(officer, area["a"], "VN1")
    client.force_login(officer)
    page = client.get("/households/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cơ sở dữ liệu hộ nghèo" in page and "Đợt rà soát" in page
    standards = client.get("/households/standards/").content.decode()
    assert "chưa xác nhận" in standards  # unconfirmed cut-offs are shown as such
    assert "Mức sống trung bình chỉ áp dụng cho" in standards and "diêm nghiệp" in standards


def test_household_list_queries_do_not_grow(client, officer, area, django_assert_max_num_queries):
    for i in range(30):
        add_household(officer, area["a"], f"Q{i}", members=3)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get("/households/list/").status_code == 200


def test_round_page_and_export(client, officer, chair, area, django_assert_max_num_queries):
    for i in range(20):
        add_household(officer, area["a"], f"R{i}", members=2, income_per_person=1_000_000 + i * 100_000)
    rnd = approve(officer, chair, area["a"], 2025)
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        page = client.get(f"/households/rounds/{rnd.pk}/")
    assert page.status_code == 200 and "R0" in page.content.decode()
    export = client.get(f"/households/rounds/{rnd.pk}/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_province_dashboard(
    client, superuser, officer, chair, area, make_staff, django_assert_max_num_queries
):
    from cchc.org.models import Role

    for i in range(10):
        add_household(
            officer,
            area["a"],
            f"D{i}",
            members=2,
            income_per_person=600_000 + i * 200_000,
            latrine="none",
            water_source="surface",
            floor_area=10 if i % 2 else 40,
        )
    approve(officer, chair, area["a"], 2024)
    services.household_update(
        actor=officer, household=Household.objects.get(code="D1"), income_per_person=9_000_000
    )
    approve(officer, chair, area["a"], 2025)
    viewer = make_staff("province.viewer", area["province"], [(Role.VIEWER, area["province"], True)])
    client.force_login(viewer)
    with django_assert_max_num_queries(20):
        response = client.get(f"/households/stats/?area={area['province'].code}&year=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 3  # communes, indicators, change between years
    assert "UBND Xã Nông Thôn" in html and "M0" in html
    assert "Hộ thoát nghèo" in html  # D1 escaped poverty between the two rounds
    at_k = client.get(f"/households/stats/?area={area['province'].code}&year=2025&k=1/12").content.decode()
    assert "k = 0,0833" in at_k  # any cut-off
    # the viewer sees statistics but no household's personal data outside a role that allows it
    assert client.get("/households/list/").status_code == 200


def test_officer_cannot_open_stats_of_another_province(client, officer, area):
    client.force_login(officer)
    assert client.get("/households/stats/?area=000.00.00.H01").status_code == 404


def test_api_masks_lists_and_audits_detail(client, officer, area):
    from cchc.core.models import AuditEvent

    h = add_household(officer, area["a"], "API1")
    client.force_login(officer)
    data = client.get("/api/v1/households/households/").json()
    assert data["results"][0]["members"][0]["identity_number"].endswith("100")
    assert "001080000100" not in str(data)
    detail = client.get(f"/api/v1/households/households/{h.pk}/").json()
    assert detail["members"][0]["identity_number"] == "001080000100"
    assert AuditEvent.objects.filter(action="households.household.view", target_id=str(h.pk)).exists()
    assert len(client.get("/api/v1/households/standards/").json()) == 3


def test_web_import_runs_as_a_job(client, officer, area, settings, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.households.generate import generate, to_import_tables

    settings.CCHC_JOBS_EAGER = True
    h, m = to_import_tables(generate(3, seed=5, communes=((area["a"].code, "rural"),)))
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/households/import/",
            {
                "households": SimpleUploadedFile("h.csv", h.to_csv(index=False).encode()),
                "members": SimpleUploadedFile("m.csv", m.to_csv(index=False).encode()),
            },
        )
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Household.objects.filter(commune=area["a"]).count() == 3
    assert not any((settings.MEDIA_ROOT / "households" / "imports").iterdir())  # uploads removed


def test_in_year_application_through_the_pages(client, officer, chair, area):
    from cchc.households.models import InYearApplication

    h = add_household(officer, area["a"], "IY1", income_per_person=800_000)
    client.force_login(officer)
    assert client.post(f"/households/{h.pk}/applications/", {"kind": "join"}).status_code == 302
    app = InYearApplication.objects.get(household=h)
    page = client.get("/households/applications/").content.decode()
    assert "IY1" in page and f"households/applications/{app.pk}/decide/" not in page  # officer cannot decide
    client.force_login(chair)
    client.post(f"/households/applications/{app.pk}/decide/", {"accept": "0", "reason": ""})
    app.refresh_from_db()
    assert app.status == "pending"  # a refusal without reasons is refused
    client.post(f"/households/applications/{app.pk}/decide/", {"accept": "1"})
    app.refresh_from_db()
    assert app.status == "accepted" and app.classification.category == "near_poor"


def test_stats_export(client, officer, chair, area):
    add_household(officer, area["a"], "X1", income_per_person=500_000)
    approve(officer, chair, area["a"], 2025)
    client.force_login(chair)
    response = client.get(f"/households/stats/export/?area={area['a'].code}&year=2025")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get(f"/households/stats/export/?area={area['b'].code}&year=2025").status_code == 404


def test_web_import_with_errors_shows_the_report(
    client, officer, area, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.core.models import Job
    from cchc.households.generate import generate, to_import_tables

    settings.CCHC_JOBS_EAGER = True
    h, m = to_import_tables(generate(2, seed=5, communes=((area["a"].code, "rural"),)))
    h.loc[0, "income_per_person"] = "-1"
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/households/import/",
            {
                "households": SimpleUploadedFile("h.csv", h.to_csv(index=False).encode()),
                "members": SimpleUploadedFile("m.csv", m.to_csv(index=False).encode()),
            },
        )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "row 2, column income_per_person: income is negative" in job.error
    assert "row 2" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert not Household.objects.exists()


def test_livelihood_is_entered_on_the_form_and_decides_the_middle_band(client, officer, area):
    """NĐ 07/2021: the same income makes a farming household "middle" and a trading one not."""
    call_command("i18n_compile", verbosity=0)
    h = add_household(officer, area["a"], "LV1", income_per_person=1_800_000)
    client.force_login(officer)
    form = client.get(f"/households/{h.pk}/edit/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ngành nghề sinh sống chính" in form and "Diêm nghiệp" in form
    data = {f: getattr(h, f) for f in services.HOUSEHOLD_EDITABLE}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    for livelihood, category in (("fishery", "middle"), ("other", "none")):
        response = client.post(f"/households/{h.pk}/edit/", {**data, "livelihood": livelihood})
        assert response.status_code == 302, response.content.decode()[:2000]
        h.refresh_from_db()
        assert h.livelihood == livelihood
        rnd = services.round_open(
            actor=officer, commune=area["a"], year=2025 if category == "middle" else 2024
        )
        services.round_classify(actor=officer, round=rnd)
        assert rnd.classifications.get(household=h).category == category
    page = client.get(f"/households/{h.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ngành nghề sinh sống chính" in page
