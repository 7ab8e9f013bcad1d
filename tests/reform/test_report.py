from django.contrib.auth import get_user_model

from cchc.core.metrics import Period, get_metric
from cchc.reform import report, services
from cchc.reform.models import BusinessCondition, LegalDocument


def test_2018_report_reproduces_the_reported_figures(molisa_2018):
    rep = report.build_report(molisa_2018, 2018)
    text = report.to_markdown(rep)
    assert rep.title == "Báo cáo kết quả công tác CCHC năm 2018"
    assert (
        "Ban hành 06 nghị định và 03 thông tư cắt giảm, đơn giản hóa 66/107 (61,68%) điều kiện kinh doanh."
        in text
    )
    assert "Bãi bỏ, đơn giản hóa 116 thủ tục hành chính (bãi bỏ 36, đơn giản hóa 80)." in text
    assert "Cắt giảm 19/32 (59,38%) sản phẩm, hàng hóa thuộc diện kiểm tra chuyên ngành." in text
    assert "Hoàn thành 12/12 (100,00%) đề án" in text
    assert "đều đạt và vượt kế hoạch: 3/3 (100,00%)" in text
    assert (
        "Giảm 01 đơn vị; giải thể, sáp nhập 10 phòng thuộc 03 đơn vị (Vụ Kế hoạch - Tài chính, Vụ Pháp chế, Vụ Tổ chức cán bộ)"
        in text
    )


def test_every_figure_is_a_metric_with_its_records(molisa_2018):
    period = Period.year(2018)
    values = {
        name: get_metric(name).value(molisa_2018, period)
        for name in (
            "reform.business_conditions_cut_ratio",
            "reform.inspection_items_cut_ratio",
            "reform.procedures_simplified_count",
            "reform.work_programme_completion_rate",
            "reform.targets_met_ratio",
            "reform.units_reduced_count",
            "reform.divisions_dissolved_count",
            "procedures.fully_online_share",
        )
    }
    assert (
        values["reform.business_conditions_cut_ratio"].numerator,
        values["reform.business_conditions_cut_ratio"].denominator,
    ) == (66, 107)
    assert (
        get_metric("reform.business_conditions_cut_ratio").display(
            values["reform.business_conditions_cut_ratio"]
        )
        == "66/107 (61,68%)"
    )
    assert (
        get_metric("reform.inspection_items_cut_ratio").display(values["reform.inspection_items_cut_ratio"])
        == "19/32 (59,38%)"
    )
    assert values["reform.procedures_simplified_count"].value == 116
    assert values["reform.work_programme_completion_rate"].value == 100
    assert values["reform.targets_met_ratio"].value == 100
    assert values["reform.units_reduced_count"].value == 1
    assert values["reform.divisions_dissolved_count"].value == 10
    assert values["reform.business_conditions_cut_ratio"].records_url.startswith(
        "/reform/metrics/reform.business_conditions_cut_ratio/"
    )


def test_changing_one_register_row_changes_the_report(molisa_2018):
    admin = get_user_model().objects.get(username="admin")
    kept = BusinessCondition.objects.filter(status="kept").first()
    decree = LegalDocument.objects.filter(kind="decree").first()
    services.register_row_update(actor=admin, row=kept, status="abolished", changed_by=decree)
    text = report.to_markdown(report.build_report(molisa_2018, 2018))
    assert "67/107 (62,62%)" in text
    assert "66/107" not in text


def test_files_render(molisa_2018):
    rep = report.build_report(molisa_2018, 2018)
    assert report.to_pdf(rep).startswith(b"%PDF")
    docx = report.to_docx(rep)
    assert docx.startswith(b"PK")
    import io

    from docx import Document

    body = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "66/107 (61,68%)" in body
    assert any(shape for shape in Document(io.BytesIO(docx)).inline_shapes)  # the chart


def test_every_page_renders_on_the_demo_registers(client, molisa_2018, django_assert_max_num_queries):
    from cchc.reform.metrics import DRILLS
    from cchc.reform.registers import REGISTERS

    client.force_login(get_user_model().objects.get(username="reform.officer"))
    response = client.get("/reform/")
    assert response.context["year"] == 2018 and "66/107 (61,68%)" in response.content.decode()
    for key in REGISTERS:
        with django_assert_max_num_queries(12):
            assert client.get(f"/reform/registers/{key}/", {"year": 2018}).status_code == 200
    for name in DRILLS:
        response = client.get(
            f"/reform/metrics/{name}/",
            {"agency": molisa_2018.code, "start": "2018-01-01", "end": "2018-12-31"},
        )
        assert response.status_code == 200, name
    drill = client.get(
        "/reform/metrics/reform.inspection_items_cut_ratio/",
        {"agency": molisa_2018.code, "start": "2018-01-01", "end": "2018-12-31"},
    )
    assert (len(drill.context["counted"]), len(drill.context["others"])) == (19, 13)
    body = client.get("/reform/report/", {"agency": molisa_2018.code, "year": 2018}).content.decode()
    assert "Báo cáo kết quả công tác CCHC năm 2018" in body and "<svg" in body
    document = LegalDocument.objects.filter(kind="circular").first()
    assert (
        "Sản phẩm, hàng hóa kiểm tra chuyên ngành"
        in client.get(f"/reform/documents/{document.pk}/").content.decode()
    )
