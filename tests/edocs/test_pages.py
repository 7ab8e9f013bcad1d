"""Register pages: scoped lists with a bounded number of queries, search, export, and only the buttons
the user may use."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.org.models import Role

from .conftest import PEER, draft, issued

pytestmark = pytest.mark.django_db


def test_outgoing_register_query_count_does_not_grow(edocs, client):
    client.force_login(edocs["clerk"])
    issued(edocs)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("edocs:outgoing")).status_code == 200
    for _ in range(5):
        issued(edocs)
    with CaptureQueriesContext(connection) as many:
        r = client.get(reverse("edocs:outgoing"))
    assert len(many) == len(few)
    assert "06/BTN-VP" in r.content.decode()


def test_incoming_register_query_count_and_search(edocs, client):
    from cchc.edocs import services

    unit_a = edocs["units"]["a"]
    client.force_login(edocs["clerk"])
    issued(edocs, recipients=[unit_a.code], subject="Kế hoạch cải cách hành chính")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("edocs:incoming"))
    for i in range(4):
        issued(edocs, recipients=[unit_a.code], subject=f"Báo cáo số {i}")
    doc = services.IncomingDocument.objects.order_by("id").first()
    services.incoming_assign(
        actor=edocs["leader"], document=doc, unit=unit_a, assignee=edocs["officer"], working_days=3
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("edocs:incoming")).status_code == 200
    assert len(many) == len(few)
    page = client.get(reverse("edocs:incoming"), {"q": "cải cách"}).content.decode()
    assert "Kế hoạch cải cách" in page and "Báo cáo số 1" not in page


def test_export_neutralises_formulas(edocs, client):
    from openpyxl import load_workbook

    client.force_login(edocs["clerk"])
    issued(edocs, subject='=HYPERLINK("http://evil")')
    r = client.get(reverse("edocs:outgoing"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert '\'=HYPERLINK("http://evil")' in [c.value for c in cells]


def test_buttons_follow_permissions(edocs, client, make_staff):
    doc = draft(edocs)
    viewer = make_staff("viewer1", edocs["ministry"], [(Role.VIEWER, edocs["ministry"], True)])
    client.force_login(viewer)
    page = client.get(reverse("edocs:outgoing_detail", args=[doc.pk])).content.decode()
    assert 'value="approve"' not in page and 'value="submit"' not in page
    assert reverse("edocs:outgoing_new") not in client.get(reverse("edocs:outgoing")).content.decode()
    client.force_login(edocs["leader"])
    page = client.get(reverse("edocs:outgoing_detail", args=[doc.pk])).content.decode()
    assert 'value="approve"' in page and 'value="issue"' not in page
    client.post(reverse("edocs:outgoing_detail", args=[doc.pk]), {"action": "approve"})
    client.force_login(edocs["clerk"])
    page = client.get(reverse("edocs:outgoing_detail", args=[doc.pk])).content.decode()
    assert 'value="issue"' in page
    client.post(reverse("edocs:outgoing_detail", args=[doc.pk]), {"action": "issue"})
    page = client.get(reverse("edocs:outgoing_detail", args=[doc.pk])).content.decode()
    assert "01/BTN-VP" in page and PEER in page


def test_outside_the_scope_is_not_found(edocs, client, make_staff):
    issued(edocs, recipients=[edocs["units"]["a"].code])
    from cchc.edocs.models import IncomingDocument

    incoming = IncomingDocument.objects.get()
    other = make_staff("other", edocs["units"]["b"], [(Role.DOCUMENT_CLERK, edocs["units"]["b"], False)])
    client.force_login(other)
    assert client.get(reverse("edocs:incoming_detail", args=[incoming.pk])).status_code == 404
    assert "BTN-VP" not in client.get(reverse("edocs:incoming")).content.decode()
    client.force_login(edocs["root"])  # a superuser sees every register
    assert "BTN-VP" in client.get(reverse("edocs:incoming")).content.decode()


def test_statistics_and_metrics(edocs, client):
    from django.utils import timezone

    from cchc.core.metrics import Period, get_metric

    issued(edocs)
    client.force_login(edocs["clerk"])
    assert client.get(reverse("edocs:statistics")).status_code == 200
    value = get_metric("edocs.signed_share").value(edocs["ministry"], Period.year(timezone.localdate().year))
    assert (value.numerator, value.denominator) == (1, 1)


def test_annual_reform_report_states_the_exchange_figures(edocs):
    from django.utils import timezone

    from cchc.reform.report import build_report

    issued(edocs)
    year = timezone.localdate().year
    report = build_report(edocs["ministry"], year, "en")
    text = " ".join(p for s in report.sections for p in s.paragraphs)
    assert "1/1 (100%) were exchanged as electronic documents" in text.replace(",00%", "%")
    summary = report.sections[-1].tables[0].rows
    assert any(row[0] == "Documents signed digitally" and row[1] == "1/1" for row in summary)


def test_a_paper_document_is_registered_and_lowers_the_electronic_share(edocs, client):
    from django.utils import timezone

    from cchc.core.metrics import Period, get_metric
    from cchc.edocs.models import IncomingDocument

    issued(edocs)
    client.force_login(edocs["clerk"])
    assert reverse("edocs:incoming_paper") in client.get(reverse("edocs:incoming")).content.decode()
    r = client.post(
        reverse("edocs:incoming_paper"),
        {
            "agency": edocs["ministry"].pk,
            "sender_name": "UBND tỉnh X",
            "code_number": "12",
            "notation": "ubnd-vp",
            "promulgation_date": "01/12/2026",
            "subject": "Đề nghị hỗ trợ",
        },
    )
    doc = IncomingDocument.objects.get()
    assert (
        r.status_code == 302 and not doc.electronic and doc.code == "12/UBND-VP" and doc.arrival_number == 1
    )
    value = get_metric("edocs.electronic_share").value(
        edocs["ministry"], Period.year(timezone.localdate().year)
    )
    assert (value.numerator, value.denominator) == (1, 2)
