import json
from datetime import date
from decimal import Decimal

import pytest

from cchc.core.exceptions import ImportRejected
from cchc.core.models import AuditEvent
from cchc.org.models import Role
from cchc.procedures import selectors, services, transfer
from cchc.procedures.models import DossierComponent, Procedure, ProcedureVersion
from cchc.procedures.validation import clean_identity, clean_version

from .factories import version_data


def record(code, agency_code, **overrides):
    data = version_data()
    data.update(code=code, name=f"Thủ tục {code}", field="Việc làm", level="central", agency_code=agency_code)
    data.update(overrides)
    return json.loads(transfer.export_json([data]).decode())["procedures"][0]


def as_json(*records) -> bytes:
    return json.dumps({"procedures": list(records)}, ensure_ascii=False).encode()


def test_json_import_creates_procedures_and_versions(superuser, ministry):
    a = ministry["a"].code
    content = as_json(
        record("1.000001", a),
        record("1.000001", a, effective_from="2019-07-01", charge="50000"),
        record("1.000002", a, abolished_on="2020-01-01", abolished_by="NĐ 01/2019/NĐ-CP"),
    )
    result = transfer.catalog_import_file(actor=superuser, content=content, fmt="json")
    assert result == {"procedures_created": 2, "procedures_updated": 0, "versions_added": 3, "components": 6}
    p1 = selectors.procedure_get("1.000001")
    assert selectors.procedure_version_in_force(p1, date(2019, 6, 30)).charge == 100000
    assert selectors.procedure_version_in_force(p1, date(2019, 7, 1)).charge == 50000
    p2 = selectors.procedure_get("1.000002")
    assert p2.status == Procedure.Status.ABOLISHED
    assert selectors.procedure_version_in_force(p2, date(2020, 1, 1)) is None
    assert AuditEvent.objects.filter(action="procedures.catalog.import").count() == 1


def test_import_is_all_or_nothing_with_row_report(superuser, ministry):
    a = ministry["a"].code
    good = record("1.000001", a)
    bad_agency = record("1.000002", "000.99.99.X00")
    bad_component = record("1.000003", a)
    bad_component["components"][1]["name"] = ""
    bad_time = record("1.000004", a, processing_time_unit="weeks")
    with pytest.raises(ImportRejected) as exc:
        transfer.catalog_import_file(
            actor=superuser, content=as_json(good, bad_agency, bad_component, bad_time), fmt="json"
        )
    errors = {(e.row, e.field) for e in exc.value.errors}
    assert errors == {(2, "agency_code"), (3, "components[2].name"), (4, "processing_time_unit")}
    assert not Procedure.objects.exists()


def test_import_refuses_units_outside_scope(make_staff, ministry):
    officer = make_staff("a.officer", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], False)])
    content = as_json(record("1.000001", ministry["a"].code), record("1.000002", ministry["b"].code))
    with pytest.raises(ImportRejected) as exc:
        transfer.catalog_import_file(actor=officer, content=content, fmt="json")
    assert [(e.row, e.field) for e in exc.value.errors] == [(2, "agency_code")]
    assert not Procedure.objects.exists()


def test_import_adds_version_to_existing_and_refuses_older(superuser, ministry):
    services.procedure_create(
        actor=superuser,
        agency=ministry["a"],
        code="1.000001",
        name="Thủ tục",
        field="Việc làm",
        level="central",
        version=version_data(),
    )
    with pytest.raises(ImportRejected) as exc:
        transfer.catalog_import_file(
            actor=superuser, content=as_json(record("1.000001", ministry["a"].code)), fmt="json"
        )
    assert exc.value.errors[0].field == "effective_from"
    transfer.catalog_import_file(
        actor=superuser,
        fmt="json",
        content=as_json(record("1.000001", ministry["a"].code, effective_from="2020-01-01")),
    )
    versions = list(ProcedureVersion.objects.order_by("number").values_list("number", "effective_to"))
    assert versions == [(1, date(2019, 12, 31)), (2, None)]


def test_malformed_files_are_refused():
    with pytest.raises(ImportRejected):
        transfer.read_json(b"{not json")
    with pytest.raises(ImportRejected):
        transfer.read_json(b'{"procedures": 3}')
    with pytest.raises(ImportRejected):
        transfer.read_xlsx(b"not a workbook")


def test_excel_round_trip(superuser, ministry):
    a = ministry["a"].code
    transfer.catalog_import_file(
        actor=superuser,
        fmt="json",
        content=as_json(
            record("1.000001", a),
            record(
                "1.000001",
                a,
                effective_from="2019-07-01",
                processing_time_value="7.5",
                processing_time_unit="days",
            ),
            record(
                "2.000002",
                a,
                online_level="partial",
                online_partial_reason="Phải đối chiếu bản chính",
                channels=["in_person", "online"],
            ),
        ),
    )
    exported = transfer.export_records(Procedure.objects.all())
    assert len(exported) == 3
    from_xlsx = transfer.read_xlsx(transfer.export_xlsx(exported))
    from_json = transfer.read_json(transfer.export_json(exported))

    def cleaned(records):
        out = []
        for r in records:
            errors = {}
            out.append((clean_identity(r, errors), clean_version(r, errors), r.get("agency_code"), errors))
        return out

    assert cleaned(from_xlsx) == cleaned(from_json)
    assert cleaned(from_json)[1][1]["processing_time_value"] == Decimal("7.5")
    assert all(not c[3] for c in cleaned(from_json))


def test_excel_errors_name_sheet_and_row(superuser, ministry):
    import io

    from openpyxl import load_workbook

    a = ministry["a"].code
    xlsx = transfer.export_xlsx([record("1.000001", a), record("1.000002", a)])
    wb = load_workbook(io.BytesIO(xlsx))
    wb["components"]["A3"] = "9.999999"  # a component of an unknown procedure
    wb["procedures"]["B3"] = None  # name of the second procedure missing
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        transfer.read_xlsx(buf.getvalue())
    assert [(e.sheet, e.row, e.field) for e in exc.value.errors] == [("components", 3, "procedure_code")]
    wb["components"]["A3"] = "1.000001"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        transfer.catalog_import(actor=superuser, records=transfer.read_xlsx(buf.getvalue()))
    assert [(e.sheet, e.row, e.field) for e in exc.value.errors] == [("procedures", 3, "name")]
    assert "sheet procedures, row 3, column name" in str(exc.value)
    wb["procedures"]["B3"] = "Thủ tục hai"
    buf = io.BytesIO()
    wb.save(buf)
    result = transfer.catalog_import_file(actor=superuser, content=buf.getvalue(), fmt="xlsx")
    assert result["versions_added"] == 2 and DossierComponent.objects.count() == 4
    assert selectors.procedure_get("1.000002").name == "Thủ tục hai"


def test_import_cannot_move_a_procedure_out_of_another_unit(superuser, make_staff, ministry):
    services.procedure_create(
        actor=superuser,
        agency=ministry["b"],
        code="1.000001",
        name="Thủ tục của Cục B",
        field="Việc làm",
        level="central",
        version=version_data(),
    )
    officer = make_staff("a.officer", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], False)])
    content = as_json(record("1.000001", ministry["a"].code, effective_from="2020-01-01"))
    with pytest.raises(ImportRejected) as exc:
        transfer.catalog_import_file(actor=officer, content=content, fmt="json")
    assert [(e.row, e.field) for e in exc.value.errors] == [(1, "code")]
    assert selectors.procedure_get("1.000001").agency == ministry["b"]
