"""Outgoing and incoming documents in one platform: numbering, issue, internal delivery, the status
messages queued for an external sender, and the exchange endpoints with good and bad packages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cchc.core.exceptions import InvalidTransition
from cchc.edocs import edxml, exchange, services, signing
from cchc.edocs.models import Hop, IncomingDocument, NumberCounter, Package, Recipient, StatusEvent

from .conftest import PEER, draft, issued, pdf_upload

pytestmark = pytest.mark.django_db


def test_numbers_follow_issue_order_and_restart_each_year(edocs, monkeypatch):
    docs = [issued(edocs) for _ in range(3)]
    assert [d.number for d in docs] == [1, 2, 3]
    assert docs[0].code == "01/BTN-VP" and docs[2].code == "03/BTN-VP"
    assert docs[0].document_id == f"{edocs['ministry'].code},{docs[0].issued_on:%Y/%m/%d},01/BTN-VP"
    monkeypatch.setattr(services, "_local_today", lambda: date(timezone.now().year + 1, 1, 1))
    nxt = issued(edocs)
    assert (nxt.year, nxt.number) == (timezone.now().year + 1, 1)
    assert NumberCounter.objects.filter(register=edocs["register"]).count() == 2


def test_issue_needs_approval_and_the_clerk(edocs):
    doc = draft(edocs)
    with pytest.raises(InvalidTransition):
        services.outgoing_issue(actor=edocs["clerk"], document=doc)
    with pytest.raises(PermissionDenied):
        services.outgoing_approve(actor=edocs["clerk"], document=doc)
    services.outgoing_approve(actor=edocs["leader"], document=doc)
    with pytest.raises(PermissionDenied):
        services.outgoing_issue(actor=edocs["leader"], document=doc)


def test_draft_names_each_bad_field(edocs):
    with pytest.raises(ValidationError) as exc:
        services.outgoing_draft(
            actor=edocs["clerk"],
            agency=edocs["ministry"],
            register=edocs["register"],
            kind=edocs["kind"],
            notation="BAD SYMBOL",
            subject="",
            place="",
            signer_name="",
            signer_position="",
            recipients=["999.99.99.X99"],
        )
    fields = exc.value.message_dict
    assert {"notation", "subject", "place", "signer_name", "recipients"} <= set(fields)
    assert "999.99.99.X99" in " ".join(fields["recipients"])


def test_issue_signs_and_queues_a_package_and_delivers_internally(edocs):
    unit_a = edocs["units"]["a"]
    doc = issued(edocs, recipients=[PEER, unit_a.code], attachment=pdf_upload())
    package = Package.objects.get(kind=Package.Kind.DOCUMENT, to_code=PEER)
    data = bytes(package.payload)
    parsed = edxml.parse_package(data, expected_recipient=PEER)
    assert parsed.code == doc.code and parsed.subject == doc.subject
    assert (
        signing.verify_package(data, [edocs_ca_pem(edocs)], edocs["ministry"].code).org_code
        == edocs["ministry"].code
    )
    # the PDF carries the organisation's signature
    assert (
        signing.verify_pdf(parsed.attachments[0].data, [edocs_ca_pem(edocs)]).org_code
        == edocs["ministry"].code
    )
    # our own unit got it in its incoming register, and "arrived" came back to the outgoing document
    incoming = IncomingDocument.objects.get(agency=unit_a)
    assert incoming.arrival_number == 1 and incoming.source_id == doc.pk
    assert Recipient.objects.get(document=doc, org_code=unit_a.code).status_code == "01"
    assert Recipient.objects.get(document=doc, org_code=PEER).status_code == ""


def edocs_ca_pem(e):
    from cchc.edocs.models import TrustedCA

    return TrustedCA.objects.get().certificate_pem.encode()


# --- receiving ----------------------------------------------------------------------------------
def peer_package(
    e, ca_pair=None, *, to=None, document_id="000.00.00.G12,2026/12/01,15/BDT-VP", **kw
) -> bytes:
    pair = ca_pair or e_peer_pair(e)
    doc = edxml.EdxmlDocument(
        from_org=edxml.Organization(code=PEER, name="Bộ Đối tác"),
        to_orgs=(edxml.Organization(code=to or e["ministry"].code, name="Bộ Thử nghiệm"),),
        document_id=document_id,
        code_number="15",
        code_notation="BDT-VP",
        promulgation_place="Hà Nội",
        promulgation_date=date(2026, 12, 1),
        document_type=edxml.DocumentType(type=2, detail=18, name="Công văn"),
        subject=kw.get("subject", "Đề nghị phối hợp"),
        signer=edxml.Signer(full_name="Trần Văn B", position="Thứ trưởng"),
        attachments=kw.get("attachments", ()),
    )
    return signing.sign_package(edxml.build_package(doc), pair.key_pem, pair.cert_pem)


_PEER = {}


def e_peer_pair(e):
    return e["peer_pair"]


@pytest.fixture
def e(edocs, peer_pair):
    return {**edocs, "peer_pair": peer_pair}


def post(client, data: bytes, url="edocs:receive_package"):
    return client.post(reverse(url), data=data, content_type="application/xml")


def status_of(response) -> edxml.StatusMessage:
    return edxml.parse_status(response.content)


def test_a_signed_package_is_registered_once_and_arrived_is_answered(e, client):
    data = peer_package(e)
    r = post(client, data)
    assert r.status_code == 200
    answer = status_of(r)
    assert answer.status == edxml.StatusCode.ARRIVED and answer.from_org.code == e["ministry"].code
    signing.verify_package(r.content, [edocs_ca_pem(e)], e["ministry"].code)
    doc = IncomingDocument.objects.get()
    assert (doc.arrival_number, doc.code, doc.sender_code) == (1, "15/BDT-VP", PEER)
    assert doc.signature_subject and doc.signed_digitally
    # the same package again: still one registration, the same answer
    r2 = post(client, data)
    assert r2.status_code == 200 and status_of(r2).status == edxml.StatusCode.ARRIVED
    assert IncomingDocument.objects.count() == 1
    assert Hop.objects.filter(step="duplicate").count() == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><edXML>&lol3;</edXML>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML>&xxe;</edXML>"""


@pytest.mark.parametrize(
    "case",
    [
        "malformed",
        "billion_laughs",
        "xxe",
        "wrong_recipient",
        "tampered",
        "untrusted",
        "unsigned",
        "oversized",
    ],
)
def test_bad_packages_are_refused_with_a_status_and_nothing_registered(e, client, settings, case):
    from cchc.edocs import signing as sg

    if case == "malformed":
        data = b"<edXML><unclosed>"
    elif case == "billion_laughs":
        data = BILLION_LAUGHS
    elif case == "xxe":
        data = XXE
    elif case == "wrong_recipient":
        data = peer_package(e, to="000.00.00.H01")
    elif case == "tampered":
        data = peer_package(e).replace("Đề nghị phối hợp".encode(), "Đề nghị chuyển tiền".encode())
    elif case == "untrusted":
        other_ca = sg.generate_ca("Rogue CA")
        data = peer_package(e, sg.issue_agency_certificate(other_ca, PEER, "Giả mạo"))
    elif case == "unsigned":
        data = edxml.build_package(edxml.parse_package(peer_package(e)))
    else:
        settings.CCHC_EDOCS_MAX_ATTACHMENT_BYTES = 1000
        data = peer_package(
            e,
            attachments=(
                edxml.Attachment(name="big.pdf", content_type="application/pdf", data=b"%PDF" * 1000),
            ),
        )
    r = post(client, data)
    assert r.status_code == 400
    answer = status_of(r)
    assert answer.status == edxml.StatusCode.REFUSED and answer.description
    assert IncomingDocument.objects.count() == 0
    assert Hop.objects.filter(step="refused").count() == 1


def test_a_package_over_the_size_limit_is_refused_before_reading(e, client, settings):
    settings.CCHC_EDOCS_MAX_PACKAGE_BYTES = 500
    r = post(client, peer_package(e))
    assert r.status_code == 413 and status_of(r).status == edxml.StatusCode.REFUSED
    assert IncomingDocument.objects.count() == 0


def test_processing_sends_each_status_back_to_the_sender(e, client):
    post(client, peer_package(e))
    doc = IncomingDocument.objects.get()
    officer, unit_a = e["officer"], e["units"]["a"]
    services.incoming_assign(actor=e["leader"], document=doc, unit=unit_a, assignee=officer, working_days=5)
    doc.refresh_from_db()
    assert doc.due_at > timezone.now() + timedelta(days=4)  # five working days at least a week-ish ahead
    with pytest.raises(PermissionDenied):
        services.incoming_start(actor=e["clerk"], document=doc)
    services.incoming_start(actor=officer, document=doc)
    services.incoming_complete(actor=officer, document=doc, result="Đã trả lời bằng văn bản 20/BTN-VP")
    codes = [
        edxml.parse_status(bytes(p.payload)).status.value
        for p in Package.objects.filter(kind=Package.Kind.STATUS).order_by("id")
    ]
    assert codes == ["03", "04", "05", "06"]  # "01" went back in the answer to the package itself
    assert list(StatusEvent.objects.filter(incoming=doc).values_list("code", flat=True)) == [
        "01",
        "03",
        "04",
        "05",
        "06",
    ]


def test_statuses_from_a_recipient_update_our_document(e, client):
    doc = issued(e)
    pair = e["peer_pair"]

    def status(code, *, key=pair):
        msg = edxml.StatusMessage(
            from_org=edxml.Organization(code=PEER, name="Bộ Đối tác"),
            to_org=edxml.Organization(code=e["ministry"].code, name="Bộ Thử nghiệm"),
            document_id=doc.document_id,
            status=edxml.StatusCode(code),
            timestamp=timezone.now(),
        )
        return signing.sign_package(edxml.build_status(msg), key.key_pem, key.cert_pem)

    for code in ["01", "04", "03"]:  # out of order: the current status does not go back
        assert post(client, status(code), "edocs:receive_status").status_code == 200
    r = Recipient.objects.get(document=doc, org_code=PEER)
    assert r.status_code == "04"
    assert StatusEvent.objects.filter(outgoing=doc).count() == 3
    forged = status("06").replace(b"<edXML:StatusCode>06", b"<edXML:StatusCode>02")
    assert post(client, forged, "edocs:receive_status").status_code == 400
    assert Recipient.objects.get(pk=r.pk).status_code == "04"
    assert post(client, status("02"), "edocs:receive_status").status_code == 200  # a refusal always shows
    assert Recipient.objects.get(pk=r.pk).status_code == "02"


def test_outbox_retries_with_backoff_then_delivers(e):
    from cchc.edocs import transport

    issued(e)
    calls = []

    class Down:
        def send(self, payload, *, to, kind):
            calls.append(kind)
            raise ConnectionError("peer down")

    transport.register_adapter("test-down", Down())
    e["peer"].adapter = "test-down"
    e["peer"].save()
    result = exchange.outbox_flush()
    assert (result.sent, result.failed) == (0, 1)
    row = Package.objects.get()
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert exchange.outbox_flush().failed == 0  # not due yet
    Package.objects.update(next_attempt_at=timezone.now())
    exchange.outbox_flush()
    row.refresh_from_db()
    assert row.attempts == 2 and "peer down" in row.last_error
    assert Hop.objects.filter(step="failed").count() == 2
