"""Real signatures: XML-DSig over edXML packages and PAdES over PDF files, and every way they fail."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from reportlab.pdfgen import canvas

from cchc.edocs.edxml import build_package, parse_package
from cchc.edocs.signing import (
    SignatureError,
    generate_ca,
    issue_agency_certificate,
    sign_package,
    sign_pdf,
    verify_package,
    verify_pdf,
)

from .test_edxml import MINISTRY, PROVINCE, make_doc

# Key generation is the slow part: one CA and a few certificates for the whole module.


@pytest.fixture(scope="module")
def ca():
    # Valid since last year, so certificates can be checked as of a past moment.
    return generate_ca("CA thử nghiệm Chính phủ", not_before=datetime.now(UTC) - timedelta(days=365))


@pytest.fixture(scope="module")
def ministry_cert(ca):
    return issue_agency_certificate(ca, MINISTRY.code, MINISTRY.name)


@pytest.fixture(scope="module")
def signed(ministry_cert):
    return sign_package(build_package(make_doc()), ministry_cert.key_pem, ministry_cert.cert_pem)


def test_certificate_carries_the_agency_identifier(ca, ministry_cert):
    cert = ministry_cert.certificate
    assert cert.issuer == ca.certificate.subject
    assert "2.5.4.5=000.00.04.G18" in cert.subject.rfc4514_string()  # serialNumber


def test_signed_package_verifies_and_still_parses(ca, signed):
    info = verify_package(signed, [ca.cert_pem], MINISTRY.code)
    assert (info.org_code, info.org_name) == (MINISTRY.code, MINISTRY.name)
    assert b"<ds:SignatureValue>" in signed and b'Id="placeholder"' not in signed
    assert b"rsa-sha256" in signed
    assert parse_package(signed, expected_recipient=PROVINCE.code) == make_doc()


def test_expected_org_defaults_to_the_from_agency(ca, signed):
    assert verify_package(signed, [ca.cert_pem]).org_code == MINISTRY.code


def test_unsigned_package_is_refused(ca):
    with pytest.raises(SignatureError) as excinfo:
        verify_package(build_package(make_doc()), [ca.cert_pem])
    assert excinfo.value.code == "missing"


@pytest.mark.parametrize(
    "old,new",
    [
        ("V/v báo cáo kết quả".encode(), "V/v hủy kết quả".encode()),  # the subject
        (b"<edXML:CodeNumber>125<", b"<edXML:CodeNumber>126<"),  # the number
        (b"JVBERi0xLjcK", b"JVBERi0xLjgK"),  # an attachment's bytes, outside the header
    ],
    ids=["subject", "number", "attachment"],
)
def test_tampering_after_signing_is_detected(ca, signed, old, new):
    assert old in signed
    with pytest.raises(SignatureError) as excinfo:
        verify_package(signed.replace(old, new), [ca.cert_pem])
    assert excinfo.value.code == "tampered"


def test_tampered_signature_value_is_detected(ca, signed):
    start = signed.index(b"<ds:SignatureValue>") + len(b"<ds:SignatureValue>")
    flipped = b"A" if signed[start + 10 : start + 11] != b"A" else b"B"
    with pytest.raises(SignatureError) as excinfo:
        verify_package(signed[: start + 10] + flipped + signed[start + 11 :], [ca.cert_pem])
    assert excinfo.value.code == "tampered"


def test_certificate_swapped_for_the_sending_agency_is_detected(ca, ministry_cert):
    """Signed with another agency's key, then the ministry's certificate put in KeyInfo."""
    province = issue_agency_certificate(ca, PROVINCE.code, PROVINCE.name)
    forged = sign_package(build_package(make_doc()), province.key_pem, province.cert_pem)
    start = forged.index(b"<ds:X509Certificate>") + len(b"<ds:X509Certificate>")
    end = forged.index(b"</ds:X509Certificate>")
    forged = forged[:start] + b"".join(ministry_cert.cert_pem.strip().splitlines()[1:-1]) + forged[end:]
    with pytest.raises(SignatureError) as excinfo:
        verify_package(forged, [ca.cert_pem])
    assert excinfo.value.code == "tampered"


def test_signature_from_another_agency_is_refused(ca):
    province = issue_agency_certificate(ca, PROVINCE.code, PROVINCE.name)
    forged = sign_package(build_package(make_doc()), province.key_pem, province.cert_pem)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(forged, [ca.cert_pem])
    assert excinfo.value.code == "wrong_org"
    assert PROVINCE.code in str(excinfo.value.message) and MINISTRY.code in str(excinfo.value.message)


def test_untrusted_ca_is_refused(signed):
    with pytest.raises(SignatureError) as excinfo:
        verify_package(signed, [generate_ca("CA khác").cert_pem])
    assert excinfo.value.code == "untrusted"


def test_self_made_certificate_with_the_right_identifier_is_refused(ca):
    rogue_ca = generate_ca("CA thử nghiệm Chính phủ")  # same name, different key
    rogue = issue_agency_certificate(rogue_ca, MINISTRY.code, MINISTRY.name)
    forged = sign_package(build_package(make_doc()), rogue.key_pem, rogue.cert_pem)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(forged, [ca.cert_pem])
    assert excinfo.value.code == "untrusted"


def test_expired_certificate_is_refused(ca):
    old = issue_agency_certificate(
        ca, MINISTRY.code, MINISTRY.name, valid_days=30, not_before=datetime.now(UTC) - timedelta(days=60)
    )
    xml = sign_package(build_package(make_doc()), old.key_pem, old.cert_pem)
    with pytest.raises(SignatureError) as excinfo:
        verify_package(xml, [ca.cert_pem])
    assert excinfo.value.code == "expired"
    # It was valid then: verifying as of a moment inside the period succeeds.
    assert verify_package(xml, [ca.cert_pem], when=datetime.now(UTC) - timedelta(days=45))


def test_signature_moved_out_of_the_package_is_refused(ca, signed):
    start = signed.index(b"<ds:Signature")
    end = signed.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    with pytest.raises(SignatureError) as excinfo:
        verify_package(signed[:start] + signed[end:], [ca.cert_pem])
    assert excinfo.value.code == "missing"


def test_entities_are_refused_before_signature_checking(ca):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(SignatureError) as excinfo:
        verify_package(evil, [ca.cert_pem])
    assert excinfo.value.code == "malformed"


def test_signing_twice_is_refused(ministry_cert, signed):
    with pytest.raises(SignatureError):
        sign_package(signed, ministry_cert.key_pem, ministry_cert.cert_pem)


# --- PDF -----------------------------------------------------------------------------------------


def small_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0, invariant=1)  # same bytes every call
    page.drawString(72, 760, "Cong van so 125/BNV-CCHC")
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(ministry_cert):
    return sign_pdf(small_pdf(), ministry_cert.key_pem, ministry_cert.cert_pem, "Phát hành văn bản", "Hà Nội")


def test_signed_pdf_verifies(ca, signed_pdf):
    info = verify_pdf(signed_pdf, [ca.cert_pem])
    assert info.org_code == MINISTRY.code
    assert abs(info.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert signed_pdf.startswith(small_pdf()[:-10])  # incremental update: the original bytes stay


def test_tampered_pdf_is_refused(ca, signed_pdf):
    tampered = signed_pdf.replace(b"Cong van so 125", b"Cong van so 126")
    assert tampered != signed_pdf
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(tampered, [ca.cert_pem])
    assert excinfo.value.code == "tampered"


def test_content_appended_after_signing_is_refused(ca, signed_pdf):
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(signed_pdf + b"\n% appended\n", [ca.cert_pem])
    assert excinfo.value.code == "tampered"


def test_unsigned_pdf_and_untrusted_ca_are_refused(ca, signed_pdf):
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(small_pdf(), [ca.cert_pem])
    assert excinfo.value.code == "missing"
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(signed_pdf, [generate_ca("CA khác").cert_pem])
    assert excinfo.value.code == "untrusted"


def test_expired_certificate_on_pdf_is_refused(ca):
    old = issue_agency_certificate(
        ca, MINISTRY.code, MINISTRY.name, valid_days=30, not_before=datetime.now(UTC) - timedelta(days=60)
    )
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(sign_pdf(small_pdf(), old.key_pem, old.cert_pem), [ca.cert_pem])
    assert excinfo.value.code == "expired"


def test_person_then_agency_signatures(ca, signed_pdf):
    """NĐ 30/2020: the authorised person signs, then the agency; both signatures stay valid."""
    agency = issue_agency_certificate(ca, PROVINCE.code, PROVINCE.name)
    twice = sign_pdf(signed_pdf, agency.key_pem, agency.cert_pem, "Ký số của cơ quan", "Bắc Ninh")
    assert verify_pdf(twice, [ca.cert_pem]).org_code == PROVINCE.code


def test_pdf_changed_then_countersigned_is_refused(ca, signed_pdf):
    """A later revision that rewrites the page, even when someone trusted signs it afterwards."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 760 Td (999) Tj ET")
    )
    writer.update_container(page)
    changed = io.BytesIO()
    writer.write(changed)
    province = issue_agency_certificate(ca, PROVINCE.code, PROVINCE.name)
    for data in (changed.getvalue(), sign_pdf(changed.getvalue(), province.key_pem, province.cert_pem)):
        with pytest.raises(SignatureError) as excinfo:
            verify_pdf(data, [ca.cert_pem])
        assert excinfo.value.code == "tampered"


def test_pdf_signer_of_an_expected_agency(ca, signed_pdf):
    province = issue_agency_certificate(ca, PROVINCE.code, PROVINCE.name)
    twice = sign_pdf(signed_pdf, province.key_pem, province.cert_pem)
    assert verify_pdf(twice, [ca.cert_pem], expected_org_code=MINISTRY.code).org_code == MINISTRY.code
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(signed_pdf, [ca.cert_pem], expected_org_code=PROVINCE.code)
    assert excinfo.value.code == "wrong_org"


def test_garbage_is_not_a_pdf(ca):
    with pytest.raises(SignatureError) as excinfo:
        verify_pdf(b"not a pdf at all", [ca.cert_pem])
    assert excinfo.value.code == "malformed"
