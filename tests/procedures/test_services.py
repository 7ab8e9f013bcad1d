from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.models import AuditEvent
from cchc.org.models import Role
from cchc.procedures import selectors, services
from cchc.procedures.models import Procedure

from .factories import version_data


@pytest.fixture
def officer(make_staff, ministry):
    return make_staff("proc.officer", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])


def make(actor, agency, code="1.000001", name="Cấp giấy phép hoạt động dịch vụ việc làm", **version):
    return services.procedure_create(
        actor=actor,
        agency=agency,
        code=code,
        name=name,
        field="Việc làm",
        level="central",
        version=version_data(**version),
    )


def test_create_keeps_every_component_and_audits(officer, ministry):
    proc = make(officer, ministry["a"])
    version = selectors.procedure_version_in_force(proc, date(2018, 3, 1))
    assert version.number == 1
    assert version.charge == Decimal("100000")
    assert [c.code for c in version.components.all()] == ["TP1", "TP2"]
    assert version.legal_basis.get().effective_from == date(2018, 6, 21)
    assert proc.search_text == "1.000001 cap giay phep hoat dong dich vu viec lam viec lam cuc a"
    assert AuditEvent.objects.filter(action="procedures.procedure.create", target_id=str(proc.pk)).exists()


def test_reform_officer_outside_unit_is_refused(make_staff, ministry):
    other = make_staff("b.officer", ministry["b"], [(Role.REFORM_OFFICER, ministry["b"], False)])
    with pytest.raises(PermissionDenied):
        make(other, ministry["a"])
    viewer = make_staff("viewer", ministry["a"], [(Role.VIEWER, ministry["a"], True)])
    with pytest.raises(PermissionDenied):
        make(viewer, ministry["a"])
    assert not Procedure.objects.exists()


def test_incomplete_content_names_each_field(officer, ministry):
    with pytest.raises(ValidationError) as exc:
        make(
            officer,
            ministry["a"],
            code="bad code!",
            steps=[],
            channels=["fax"],
            online_level="partial",
            processing_time_unit="weeks",
            fee="-5",
            components=[{"code": "X", "name": ""}, {"code": "X", "name": "b"}],
            legal_basis=[],
        )
    fields = exc.value.message_dict
    for key in (
        "code",
        "steps",
        "channels",
        "online_partial_reason",
        "processing_time_unit",
        "fee",
        "components[1].name",
        "components[2].code",
        "legal_basis",
    ):
        assert key in fields, key
    assert not Procedure.objects.exists()


def test_duplicate_code_refused(officer, ministry):
    make(officer, ministry["a"])
    with pytest.raises(ValidationError) as exc:
        make(officer, ministry["a"])
    assert "code" in exc.value.message_dict


def test_fully_online_needs_online_channel(officer, ministry):
    with pytest.raises(ValidationError) as exc:
        make(officer, ministry["a"], channels=["in_person"], online_level="full")
    assert "channels" in exc.value.message_dict


def test_version_in_force_follows_effective_dates_and_abolition(officer, ministry):
    proc = make(officer, ministry["a"])
    v2 = services.procedure_version_add(
        actor=officer,
        procedure=proc,
        effective_from=date(2019, 7, 1),
        processing_time_value=Decimal("10"),
        components=[{"code": "TP1", "name": "Đơn đề nghị", "copies": 1}],
        change_note="Cắt giảm thời gian và thành phần hồ sơ",
    )
    assert v2.number == 2
    assert v2.legal_basis.count() == 1  # carried over
    assert selectors.procedure_version_in_force(proc, date(2019, 6, 30)).number == 1
    assert selectors.procedure_version_in_force(proc, date(2019, 7, 1)).number == 2
    assert selectors.procedure_version_in_force(proc, datetime(2020, 1, 1, 8, 0)).number == 2
    assert selectors.procedure_version_in_force(proc, date(2017, 12, 31)) is None

    services.procedure_abolish(
        actor=officer, procedure=proc, effective_on=date(2021, 1, 1), document="Nghị định 01/2020/NĐ-CP"
    )
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.ABOLISHED
    assert selectors.procedure_version_in_force(proc, date(2020, 12, 31)).number == 2
    assert selectors.procedure_version_in_force(proc, date(2021, 1, 1)) is None
    assert selectors.procedure_get(proc.code) == proc  # history stays
    with pytest.raises(ValidationError):
        services.procedure_version_add(actor=officer, procedure=proc, effective_from=date(2022, 1, 1))


def test_version_must_start_after_latest(officer, ministry):
    proc = make(officer, ministry["a"])
    with pytest.raises(ValidationError) as exc:
        services.procedure_version_add(actor=officer, procedure=proc, effective_from=date(2018, 1, 1))
    assert "effective_from" in exc.value.message_dict


def test_diff_lists_changed_fields_and_components(officer, ministry):
    proc = make(officer, ministry["a"])
    services.procedure_version_add(
        actor=officer,
        procedure=proc,
        effective_from=date(2019, 7, 1),
        processing_time_value=Decimal("10"),
        charge=Decimal("50000"),
        components=[
            {"code": "TP1", "name": "Đơn đề nghị cấp giấy phép", "copies": 1, "form_name": "Mẫu số 01"}
        ],
    )
    old, new = proc.versions.order_by("number")
    diff = selectors.version_diff(old, new)
    assert [(c.old, c.new) for c in diff if c.old == "15.00"] == [("15.00", "10.00")]
    removed = [c for c in diff if c.label.endswith("TP2")]
    assert removed and removed[0].new == "" and "Bản sao" in removed[0].old
    assert [c for c in diff if c.old == "100000" and c.new == "50000"]


def test_form_template_upload_is_checked(officer, ministry):
    pdf = SimpleUploadedFile("mau-01.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    proc = make(officer, ministry["a"], components=[{"code": "TP1", "name": "Đơn", "form_template": pdf}])
    comp = selectors.procedure_version_in_force(proc, date(2018, 1, 1)).components.get()
    assert comp.form_template.name.startswith("procedures/forms/") and comp.form_template.name.endswith(
        ".pdf"
    )
    exe = SimpleUploadedFile("mau.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError):
        make(
            officer,
            ministry["a"],
            code="1.000002",
            components=[{"code": "TP1", "name": "Đơn", "form_template": exe}],
        )


def test_search_ignores_diacritics_and_filters(officer, ministry):
    make(officer, ministry["a"])
    make(
        officer,
        ministry["b"] if False else ministry["a"],
        code="2.000002",
        name="Đăng ký hợp đồng lao động",
        online_level="partial",
        online_partial_reason="Cần đối chiếu bản gốc",
        channels=["in_person", "online"],
    )
    assert [p.code for p in selectors.procedure_search("thu tuc")] == []
    assert [p.code for p in selectors.procedure_search("giay phep")] == ["1.000001"]
    assert [p.code for p in selectors.procedure_search("DANG KY")] == ["2.000002"]
    assert [p.code for p in selectors.procedure_search("đăng ký lao")] == ["2.000002"]
    assert [p.code for p in selectors.procedure_search("", online_level="full", on=date(2019, 1, 1))] == [
        "1.000001"
    ]
    assert selectors.procedure_search("", agency=ministry["b"]).count() == 0
    assert selectors.procedure_search("", agency=ministry["ministry"].code).count() == 2
