"""Methodology import/export: shipped templates, YAML and Excel, row-by-row errors, all-or-nothing."""

from decimal import Decimal

import pytest
import yaml

from cchc.core.exceptions import ImportRejected
from cchc.core.models import AuditEvent
from cchc.parindex import methodology, services
from cchc.parindex.models import Item, Methodology

from .conftest import load_template


@pytest.mark.parametrize(
    "name, status, survey",
    [
        ("bnv-1149-bo.yaml", "partial", Decimal("36.5")),
        ("bnv-876-bo.yaml", "placeholder", Decimal("31.5")),
        ("bnv-2948-tinh.yaml", "partial", Decimal(0)),
        ("bo-noibo-khoi.yaml", "placeholder", Decimal(4)),
    ],
)
def test_shipped_templates_load_with_legal_basis_and_status(superuser, name, status, survey):
    m = load_template(superuser, name)
    assert m.legal_basis and m.status == status and m.status_note
    assert sum(i.max_points for i in m.items.filter(assessment="survey")) == survey
    assert sum(i.max_points for i in m.items.filter(parent__isnull=True, blocks=[])) <= 100


def test_unknown_metric_rejected_unless_allowed(superuser, monkeypatch):
    from cchc.core import metrics

    monkeypatch.setattr(metrics, "METRICS", {})  # as on a platform where no module supplies them yet
    data = (methodology.TEMPLATE_DIR / "bo-noibo-khoi.yaml").read_bytes()
    with pytest.raises(ImportRejected) as exc:
        services.methodology_import(actor=superuser, filename="x.yaml", data=data)
    messages = [e.message for e in exc.value.errors if e.field == "metric"]
    assert all(
        any(n in m for m in messages)
        for n in (
            "onestop.on_time_rate",
            "procedures.fully_online_share",
            "reform.business_conditions_cut_ratio",
            "edocs.electronic_share",
        )
    )
    assert not Methodology.objects.exists()
    services.methodology_import(actor=superuser, filename="x.yaml", data=data, allow_unavailable_metrics=True)


@pytest.mark.parametrize("path", sorted(methodology.TEMPLATE_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_metric_a_shipped_template_names_is_supplied(superuser, path):
    """With every module installed, a shipped methodology computes each metric item (none shows
    "unavailable"): its metric names are the ones the modules register."""
    services.methodology_import(actor=superuser, filename=path.name, data=path.read_bytes())


def bad_doc():
    return {
        "code": "BAD",
        "name": "Bad",
        "level": "ministry",
        "legal_basis": "QĐ thử",
        "effective_from": "2020-01-01",
        "status": "placeholder",
        "max_points": 20,
        "items": [
            {
                "code": "1",
                "name": "A",
                "max_points": 10,
                "children": [
                    {"code": "1.1", "name": "a", "max_points": 4},
                    {"code": "1.2", "name": "b", "max_points": 5},
                ],
            },  # 9 ≠ 10
            {"code": "1", "name": "dup", "max_points": 1},  # duplicate
            {"code": "2", "name": "B", "max_points": None},  # missing maximum
            {"code": "3", "name": "C", "max_points": 2, "assessment": "metric", "metric": "nowhere.metric"},
            {
                "code": "4",
                "name": "D",
                "max_points": 2,
                "rule": "formula",
                "rule_params": {"expression": "__import__('os')"},
            },
        ],
    }


def test_yaml_errors_name_each_row_and_nothing_is_imported(superuser):
    with pytest.raises(ImportRejected) as exc:
        services.methodology_import(
            actor=superuser, filename="bad.yaml", data=yaml.safe_dump(bad_doc()).encode()
        )
    found = {(e.row, e.field) for e in exc.value.errors}
    assert (1, "max_points") in found  # 1.1 + 1.2 ≠ 1
    assert (4, "code") in found  # duplicate "1"
    assert (5, "max_points") in found  # missing
    assert (6, "metric") in found  # unknown metric
    assert (7, "rule_params") in found  # unsafe formula
    assert not Methodology.objects.exists() and not Item.objects.exists()
    assert not AuditEvent.objects.filter(action="parindex.methodology.import").exists()


def test_excel_round_trip_and_excel_errors(superuser):
    m = load_template(superuser, "bo-noibo-khoi.yaml")
    data = methodology.export_xlsx(m)
    doc = methodology.read_xlsx(data)
    doc["header"]["code"] = "BO-NOIBO-KHOI-2"
    clean = methodology.validate(doc, allow_unavailable_metrics=True)
    copy = methodology.create(clean)
    assert list(copy.items.values_list("code", "max_points", "rule", "rule_params", "blocks")) == list(
        m.items.values_list("code", "max_points", "rule", "rule_params", "blocks")
    )
    assert list(copy.blocks.values_list("code", "max_points")) == list(
        m.blocks.values_list("code", "max_points")
    )
    # Break one row: a child maximum no longer adds up; the error names the sheet and the row.
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb["items"]["C3"] = 4  # row 3 is 1.1 (3 points)
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ImportRejected) as exc:
        services.methodology_import(
            actor=superuser, filename="m.xlsx", data=buf.getvalue(), allow_unavailable_metrics=True
        )
    assert any(e.sheet == "items" and e.row == 2 and e.field == "max_points" for e in exc.value.errors)


def test_yaml_export_reimports_identically(superuser):
    m = load_template(superuser, "bnv-1149-bo.yaml")
    text = methodology.export_yaml(m).replace("BNV-1149-BO", "BNV-1149-BO-COPY")
    copy = services.methodology_import(actor=superuser, filename="c.yaml", data=text.encode())
    assert copy.items.count() == m.items.count() == 21
    assert copy.status_note == m.status_note
