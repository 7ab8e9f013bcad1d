import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from cchc.core.metrics import Period
from cchc.core.models import AuditEvent
from cchc.org.models import Role
from cchc.procedures import services as procedures
from cchc.reform import selectors, services
from cchc.reform.models import BusinessCondition, SimplificationPlan

from ..procedures.factories import version_data


@pytest.fixture
def officer(make_staff, ministry):
    return make_staff("reform.a", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])


def decree(actor, agency, number="01/2018/NĐ-CP", issued=date(2018, 5, 1)):
    return services.register_row_create(
        actor=actor,
        register="documents",
        agency=agency,
        kind="decree",
        number=number,
        title="Nghị định sửa đổi điều kiện kinh doanh",
        status="issued",
        issued_on=issued,
    )


def test_cut_needs_the_issued_document_and_is_audited(officer, ministry):
    with pytest.raises(ValidationError) as exc:
        services.register_row_create(
            actor=officer,
            register="conditions",
            agency=ministry["a"],
            sector="Dịch vụ việc làm",
            text="Vốn pháp định 2 tỷ đồng",
            legal_basis="NĐ 52/2014",
            status="abolished",
        )
    assert "changed_by" in exc.value.message_dict
    draft = services.register_row_create(
        actor=officer,
        register="documents",
        agency=ministry["a"],
        kind="decree",
        title="Dự thảo",
        status="drafting",
    )
    with pytest.raises(ValidationError):
        services.register_row_create(
            actor=officer,
            register="conditions",
            agency=ministry["a"],
            sector="S",
            text="T",
            legal_basis="L",
            status="abolished",
            changed_by=draft,
        )
    row = services.register_row_create(
        actor=officer,
        register="conditions",
        agency=ministry["a"],
        sector="S",
        text="T",
        legal_basis="L",
        status="abolished",
        changed_by=decree(officer, ministry["a"]),
    )
    assert AuditEvent.objects.filter(action="reform.conditions.create", target_id=str(row.pk)).exists()


def test_registers_are_scoped_to_the_unit(officer, make_staff, ministry):
    with pytest.raises(PermissionDenied):
        decree(officer, ministry["b"])
    viewer = make_staff("viewer.b", ministry["b"], [(Role.VIEWER, ministry["b"], True)])
    with pytest.raises(PermissionDenied):
        decree(viewer, ministry["b"])


def test_cut_ratio_counts_by_document_issue_date(officer, ministry):
    a = ministry["a"]
    d2017 = decree(officer, a, "01/2017/NĐ-CP", date(2017, 6, 1))
    d2018 = decree(officer, a, "02/2018/NĐ-CP", date(2018, 6, 1))
    for i, (status, doc) in enumerate(
        [("abolished", d2017), ("simplified", d2018), ("abolished", d2018), ("kept", None)]
    ):
        services.register_row_create(
            actor=officer,
            register="conditions",
            agency=a,
            sector="S",
            text=f"Điều kiện {i}",
            legal_basis="L",
            status=status,
            changed_by=doc,
        )
    fig = selectors.business_conditions_cut(ministry["ministry"], Period.year(2018))
    assert (fig.num, fig.den) == (2, 3)  # the 2017 cut is no longer in the base
    fig = selectors.business_conditions_cut(ministry["b"], Period.year(2018))
    assert (fig.num, fig.den) == (0, 0)


def test_plan_rules(officer, ministry):
    proc = procedures.procedure_create(
        actor=officer,
        agency=ministry["a"],
        code="1.000001",
        name="Thủ tục",
        field="Việc làm",
        level="central",
        version=version_data(),
    )
    with pytest.raises(ValidationError) as exc:
        services.register_row_create(
            actor=officer,
            register="plans",
            agency=ministry["a"],
            procedure=proc,
            year=2018,
            action="simplify",
            status="enacted",
            time_before=Decimal(10),
            time_after=Decimal(12),
        )
    assert {"approved_by", "enacted_by", "time_after"} <= set(exc.value.message_dict)
    plan = services.register_row_create(
        actor=officer,
        register="plans",
        agency=ministry["a"],
        procedure=proc,
        year=2018,
        action="simplify",
        status="proposed",
    )
    services.register_row_update(
        actor=officer,
        row=plan,
        status="enacted",
        approved_by="QĐ 1/QĐ-TTg",
        approved_on=date(2018, 2, 1),
        enacted_by=decree(officer, ministry["a"]),
    )
    assert selectors.procedures_simplified(ministry["ministry"], Period.year(2018)).num == 1
    assert SimplificationPlan.objects.get().status == "enacted"


def test_register_pages(client, officer, ministry, django_assert_max_num_queries):
    d = decree(officer, ministry["a"])
    for i in range(30):
        services.register_row_create(
            actor=officer,
            register="conditions",
            agency=ministry["a"],
            sector="S",
            text=f"Điều kiện {i}",
            legal_basis="L",
            status="abolished" if i % 2 else "kept",
            changed_by=d if i % 2 else None,
        )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get("/reform/registers/conditions/", {"status": "abolished"})
    assert response.context["page"].paginator.count == 15
    xlsx = client.get("/reform/registers/conditions/", {"status": "abolished", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    # organisation and register title above the header, then the 15 rows
    assert (
        sheet.max_row == 18
        and sheet["A2"].value == "Điều kiện kinh doanh"
        and sheet["E4"].value == "Đã bãi bỏ"
    )
    response = client.post(
        "/reform/registers/conditions/new/",
        {
            "agency": ministry["a"].pk,
            "sector": "Dịch vụ",
            "text": "Mới",
            "legal_basis": "L",
            "status": "simplified",
        },
    )
    assert response.status_code == 200 and "changed_by" in response.context["form"].errors
    response = client.post(
        "/reform/registers/conditions/new/",
        {
            "agency": ministry["b"].pk,
            "sector": "Dịch vụ",
            "text": "Mới",
            "legal_basis": "L",
            "status": "kept",
        },
    )
    assert "agency" in response.context["form"].errors  # outside the officer's unit
    other = BusinessCondition.objects.create(agency=ministry["b"], sector="S", text="B", legal_basis="L")
    assert client.get(f"/reform/registers/conditions/{other.pk}/").status_code == 404


def test_dashboard_metric_drilldown_and_report_pages(client, officer, ministry):
    d = decree(officer, ministry["a"])
    for status in ("abolished", "kept", "kept"):
        services.register_row_create(
            actor=officer,
            register="conditions",
            agency=ministry["a"],
            sector="S",
            text=f"Điều kiện {status}",
            legal_basis="L",
            status=status,
            changed_by=d if status != "kept" else None,
        )
    client.force_login(officer)
    response = client.get("/reform/", {"agency": ministry["a"].code, "year": 2018})
    assert "1/3 (33,33%)" in response.content.decode()
    response = client.get(
        "/reform/metrics/reform.business_conditions_cut_ratio/",
        {"agency": ministry["a"].code, "start": "2018-01-01", "end": "2018-12-31"},
    )
    assert len(response.context["counted"]) == 1 and len(response.context["others"]) == 2
    response = client.get("/reform/report/", {"agency": ministry["a"].code, "year": 2018})
    assert response.status_code == 200 and "1/3 (33,33%)" in response.content.decode()


@override_settings(CCHC_JOBS_EAGER=True)
def test_report_download_runs_a_job(client, officer, ministry, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            "/reform/report/download/", {"agency": ministry["a"].code, "year": 2018, "format": "pdf"}
        )
    assert "/jobs/" in response["Location"]
    download = client.get(response["Location"] + "download/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_viewer_without_role_is_refused(client, make_staff, ministry):
    nobody = make_staff("nobody", ministry["a"])
    client.force_login(nobody)
    assert client.get("/reform/").status_code == 403
    assert client.get("/reform/registers/conditions/").status_code == 403


def test_cli_report(molisa_2018, tmp_path):
    out = tmp_path / "r.md"
    call_command(
        "reform",
        "report",
        "--agency",
        molisa_2018.code,
        "--year",
        "2018",
        "--format",
        "md",
        "--output",
        str(out),
    )
    assert "66/107 (61,68%)" in out.read_text()


def test_document_page_lists_what_it_changed_in_vietnamese(client, officer, ministry):
    d = decree(officer, ministry["a"])
    services.register_row_create(
        actor=officer,
        register="conditions",
        agency=ministry["a"],
        sector="Dịch vụ việc làm",
        text="Ký quỹ 300 triệu đồng",
        legal_basis="L",
        status="abolished",
        changed_by=d,
    )
    client.force_login(officer)
    body = client.get(f"/reform/documents/{d.pk}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Văn bản này đã thay đổi" in body and "Ký quỹ 300 triệu đồng" in body
    assert "Điều kiện kinh doanh (1)" in body
    dashboard = client.get("/reform/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Điều kiện kinh doanh được cắt giảm, đơn giản hóa" in dashboard
    assert (
        client.get("/reform/", HTTP_ACCEPT_LANGUAGE="vi").context["year"] == 2018
    )  # the latest year the registers hold
