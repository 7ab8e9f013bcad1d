"""Digital signatures of exchanged documents (NĐ 30/2020 Điều 5, 13; QCVN 102 Signature element).

- Test CA and agency certificates made with `cryptography`; the agency identifier (mã định danh) is
  the subject's serialNumber, so a verifier can tell that the signer is the From agency.
- edXML packages: enveloped XML-DSig, RSA-SHA256, made and checked by `signxml`; the chain up to a
  trusted CA, validity dates and the signer's agency are checked here with `cryptography`.
- PDF files: PAdES signatures made and validated by `pyHanko` against the trusted CAs only.
"""

import base64
import functools
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import defusedxml
import defusedxml.ElementTree as SafeET
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from lxml import etree
from signxml import DigestAlgorithm, InvalidInput, SignatureMethod, XMLSigner, XMLVerifier, methods
from signxml import InvalidSignature as XmlInvalidSignature
from signxml.exceptions import InvalidDigest, SignXMLException

from .edxml import DSIG, NS

KEY_SIZE = 2048


class SignatureError(ValueError):
    def __init__(self, code: str, message):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


NO_SIGNATURE = _("The package carries no digital signature.")
TAMPERED = _("The signature does not match the content: the package was changed after signing.")
MALFORMED = _("The signature cannot be read ({detail}).")
UNTRUSTED = _("The signer's certificate ({subject}) was not issued by a trusted certification authority.")
EXPIRED = _("The signer's certificate ({subject}) is not valid on {when}: valid from {start} to {end}.")
WRONG_ORG = _("The certificate belongs to agency {actual}, but the package is sent by {expected}.")
NO_ORG = _("The signer's certificate names no agency identifier (serialNumber).")
PDF_UNSIGNED = _("The PDF file carries no digital signature.")
PDF_TAMPERED = _("The PDF file was changed after it was signed.")
PDF_UNREADABLE = _("The PDF file cannot be read ({detail}).")
PKCS12_PASSWORD = _("The PKCS#12 file cannot be opened: the password is wrong or the file is damaged.")
PKCS12_INCOMPLETE = _("The PKCS#12 file must hold both the certificate and its private key.")


# --- certificates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    key_pem: bytes
    cert_pem: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


@dataclass(frozen=True)
class SignerInfo:
    org_code: str  # subject serialNumber: the agency identifier
    org_name: str  # subject O
    subject: str
    issuer: str
    serial_number: int
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    signed_at: datetime | None = None  # claimed signing time (PDF), when the signature carries one


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def generate_ca(name: str, *, valid_days: int = 3650, not_before: datetime | None = None) -> KeyPair:
    """A self-signed certification authority (for tests and an isolated deployment's own CA)."""
    key = _new_key()
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, name)]
    )
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(_key_pem(key), cert.public_bytes(serialization.Encoding.PEM))


def issue_agency_certificate(
    ca: KeyPair, org_code: str, org_name: str, valid_days: int = 730, *, not_before: datetime | None = None
) -> KeyPair:
    """An agency's signing certificate: serialNumber = agency identifier, O = CN = agency name."""
    ca_key = serialization.load_pem_private_key(ca.key_pem, password=None)
    ca_cert = ca.certificate
    key = _new_key()
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name),
            x509.NameAttribute(NameOID.COMMON_NAME, org_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, org_code),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: the agency stands by what it signs
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return KeyPair(_key_pem(key), cert.public_bytes(serialization.Encoding.PEM))


def _name_value(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def signer_info(cert: x509.Certificate, signed_at: datetime | None = None) -> SignerInfo:
    return SignerInfo(
        org_code=_name_value(cert.subject, NameOID.SERIAL_NUMBER),
        org_name=_name_value(cert.subject, NameOID.ORGANIZATION_NAME),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial_number=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        signed_at=signed_at,
    )


def _load_cas(trusted_ca_pems) -> list[x509.Certificate]:
    certs = []
    for pem in trusted_ca_pems:
        certs.extend(x509.load_pem_x509_certificates(pem if isinstance(pem, bytes) else pem.encode()))
    return certs


def is_ca(cert: x509.Certificate) -> bool:
    """A certification authority's certificate (basicConstraints CA:TRUE), not an end entity's."""
    return _has_bc(cert) and cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def load_pkcs12(data: bytes, password: str) -> KeyPair:
    """The certificate and private key in a PKCS#12 (.p12/.pfx) file, as PEM."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, (password or "").encode() or None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SignatureError("pkcs12", PKCS12_PASSWORD) from None
    if key is None or cert is None:
        raise SignatureError("pkcs12", PKCS12_INCOMPLETE)
    return KeyPair(_key_pem(key), cert.public_bytes(serialization.Encoding.PEM))


def check_validity(cert: x509.Certificate, when: datetime | None = None):
    """Raise SignatureError("expired") unless `cert` is valid `when` (now by default)."""
    _check_validity(cert, when or datetime.now(UTC))


def _check_validity(cert: x509.Certificate, when: datetime):
    if not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc:
        raise SignatureError(
            "expired",
            format_lazy(
                EXPIRED,
                subject=cert.subject.rfc4514_string(),
                when=when.strftime("%d/%m/%Y"),
                start=cert.not_valid_before_utc.strftime("%d/%m/%Y"),
                end=cert.not_valid_after_utc.strftime("%d/%m/%Y"),
            ),
        )


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    constraints = (
        issuer.extensions.get_extension_for_class(x509.BasicConstraints).value if _has_bc(issuer) else None
    )
    return bool(constraints and constraints.ca)


def _has_bc(cert) -> bool:
    try:
        cert.extensions.get_extension_for_class(x509.BasicConstraints)
        return True
    except x509.ExtensionNotFound:
        return False


def check_chain(cert: x509.Certificate, trusted: list[x509.Certificate], intermediates=(), when=None):
    """Raise SignatureError unless `cert` chains to a trusted CA and every link is valid `when`."""
    when = when or datetime.now(UTC)
    untrusted = SignatureError("untrusted", format_lazy(UNTRUSTED, subject=cert.subject.rfc4514_string()))
    current = cert
    for _depth in range(6):
        _check_validity(current, when)
        anchor = next((ca for ca in trusted if _issued_by(current, ca)), None)
        if anchor is not None:
            _check_validity(anchor, when)
            return
        step = next((ca for ca in intermediates if ca != current and _issued_by(current, ca)), None)
        if step is None:
            raise untrusted
        current = step
    raise untrusted


# --- edXML (XML-DSig) ------------------------------------------------------------------------------------


def sign_package(xml_bytes: bytes, key_pem: bytes, cert_pem: bytes) -> bytes:
    """The package with an enveloped RSA-SHA256 signature over the whole document, in edXMLHeader."""
    root = etree.fromstring(xml_bytes, parser=_parser())
    placeholder = root.find(f".//{{{DSIG}}}Signature")
    if placeholder is None:
        header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
        etree.SubElement(header if header is not None else root, f"{{{DSIG}}}Signature", Id="placeholder")
    elif placeholder.get("Id") != "placeholder" or len(placeholder):
        raise SignatureError("already_signed", format_lazy(MALFORMED, detail="Signature"))
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
    )
    signed = signer.sign(
        root, key=_private_key(key_pem), cert=cert_pem.decode() if isinstance(cert_pem, bytes) else cert_pem
    )
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


@functools.lru_cache(maxsize=8)
def _private_key(key_pem: bytes):
    # Loading checks the RSA key's consistency, which costs ~100 ms: an agency signs with one or
    # two keys, so each is loaded once per process.
    return serialization.load_pem_private_key(key_pem, password=None)


def _parser():
    # Our own packages only (sign_package); untrusted input goes through defusedxml first.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def verify_package(
    xml_bytes: bytes, trusted_ca_pems, expected_org_code: str | None = None, *, when: datetime | None = None
) -> SignerInfo:
    """Who signed the package, after checking that the signature covers the whole unchanged document,
    the certificate chains to a trusted CA and is valid, and belongs to the sending agency.

    `expected_org_code` defaults to the package's From/OrganId.
    """
    try:
        # defusedxml refuses DTDs and entities before signxml's parser sees the bytes.
        tree = SafeET.fromstring(xml_bytes, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (defusedxml.DefusedXmlException, SafeET.ParseError) as exc:
        raise SignatureError("malformed", format_lazy(MALFORMED, detail=type(exc).__name__)) from None
    sig = tree.find(f".//{{{DSIG}}}Signature/{{{DSIG}}}SignatureValue")
    if sig is None or not (sig.text or "").strip():
        raise SignatureError("missing", NO_SIGNATURE)
    if expected_org_code is None:
        node = tree.find(
            f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader/{{{NS}}}MessageHeader/{{{NS}}}From/{{{NS}}}OrganId"
        )
        expected_org_code = (node.text or "").strip() if node is not None else ""

    certs_b64 = [c.text for c in tree.iter(f"{{{DSIG}}}X509Certificate") if c.text]
    if not certs_b64:
        raise SignatureError("malformed", format_lazy(MALFORMED, detail="X509Certificate"))
    embedded = [x509.load_der_x509_certificate(_b64(c)) for c in certs_b64]
    try:
        result = XMLVerifier().verify(xml_bytes, x509_cert=embedded[0])
    except (XmlInvalidSignature, InvalidDigest):
        raise SignatureError("tampered", TAMPERED) from None
    except (InvalidInput, SignXMLException) as exc:
        raise SignatureError("malformed", format_lazy(MALFORMED, detail=str(exc)[:200])) from None
    # The one reference must be the whole document (URI=""), so no part of the package is unsigned.
    if (
        result.signed_xml is None
        or etree.QName(result.signed_xml).localname != etree.QName(tree.tag).localname
    ):
        raise SignatureError("tampered", TAMPERED)

    cert = embedded[0]
    check_chain(cert, _load_cas(trusted_ca_pems), intermediates=embedded[1:], when=when)
    info = signer_info(cert)
    if not info.org_code:
        raise SignatureError("wrong_org", NO_ORG)
    if expected_org_code and info.org_code != expected_org_code:
        raise SignatureError(
            "wrong_org", format_lazy(WRONG_ORG, actual=info.org_code, expected=expected_org_code)
        )
    return info


def _b64(text: str) -> bytes:
    return base64.b64decode("".join(text.split()))


# --- PDF (pyHanko) -------------------------------------------------------------------------------------------


def sign_pdf(
    pdf_bytes: bytes, key_pem: bytes, cert_pem: bytes, reason: str = "", location: str = ""
) -> bytes:
    """The PDF with an added PAdES signature (incremental update, the original bytes untouched)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    _, _, cert_der = asn1_pem.unarmor(cert_pem)
    _, _, key_der = asn1_pem.unarmor(key_pem)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    name = f"Signature{len(_embedded_signatures(pdf_bytes)) + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=name, reason=reason or None, location=location or None, md_algorithm="sha256"
    )
    out = signers.PdfSigner(meta, signer=signer, new_field_spec=fields.SigFieldSpec(name)).sign_pdf(writer)
    return out.getvalue()


def _embedded_signatures(pdf_bytes: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures


def verify_pdf(
    pdf_bytes: bytes, trusted_ca_pems, *, expected_org_code: str | None = None, when: datetime | None = None
) -> SignerInfo:
    """The last signer of the PDF (or the last one of `expected_org_code`), after checking every
    signature is intact and chains to a trusted CA, that revisions after a signature only add
    signatures or form data, and that the last one covers the whole file (nothing appended)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = _embedded_signatures(pdf_bytes)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SignatureError("malformed", format_lazy(PDF_UNREADABLE, detail=str(exc)[:200])) from None
    if not signatures:
        raise SignatureError("missing", PDF_UNSIGNED)
    trusted = _load_cas(trusted_ca_pems)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trusted]
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=when or datetime.now(UTC)
    )
    info = None
    for index, embedded in enumerate(signatures):
        try:
            status = validate_pdf_signature(embedded, context)
        except (SignatureValidationError, PdfError, ValueError) as exc:
            raise SignatureError("tampered", format_lazy(PDF_UNREADABLE, detail=str(exc)[:200])) from None
        # docmdp_ok is False when a later revision changed more than form fields and signatures.
        if not status.intact or not status.valid or status.docmdp_ok is False:
            raise SignatureError("tampered", PDF_TAMPERED)
        cert = x509.load_der_x509_certificate(status.signing_cert.dump())
        if not status.trusted:
            # Say why: an expired certificate from a trusted CA, or no trusted CA at all.
            check_chain(cert, trusted, when=when)
            raise SignatureError("untrusted", format_lazy(UNTRUSTED, subject=cert.subject.rfc4514_string()))
        last = index == len(signatures) - 1
        if last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            raise SignatureError("tampered", PDF_TAMPERED)
        current = signer_info(cert, signed_at=status.signer_reported_dt)
        if expected_org_code is None or current.org_code == expected_org_code:
            info = current
    if info is None:
        actual = ", ".join(
            sorted(
                {
                    signer_info(x509.load_der_x509_certificate(s.signer_cert.dump())).org_code
                    for s in signatures
                }
            )
        )
        raise SignatureError("wrong_org", format_lazy(WRONG_ORG, actual=actual, expected=expected_org_code))
    return info
