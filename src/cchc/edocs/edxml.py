"""edXML packages (QCVN 102:2016/BTTTT, Sửa đổi 1:2022): build and parse, with a fault per bad field.

Pure library layer: no models, no database. A document package is::

    <edXML:edXML>
      <edXML:edXMLEnvelope>
        <edXML:edXMLHeader>
          <edXML:MessageHeader>      From, To+, Code, PromulgationInfo, DocumentType, Subject, Content,
                                     SignerInfo, DueDate, ToPlaces, OtherInfo, ResponseFor, SteeringType,
                                     DocumentId (elements 1.1–1.14)
          <edXML:TraceHeaderList>    TraceHeader+ (OrganId, Timestamp), Bussiness
          <ds:Signature>             XML-DSig, enveloped (placeholder until signing.sign_package)
        <edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference xlink:href="cid:N">…
      <edXML:AttachmentEncoded><edXML:Attachment> ContentId, ContentTransferEncoded (base64) …

Untrusted input is parsed with defusedxml and any DTD is refused, so entity expansion
(billion laughs), external entities (XXE, local file reads) and external DTDs never run.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from xml.etree import ElementTree as StdET

import defusedxml
import defusedxml.ElementTree as SafeET
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from lxml import etree

# The regulation (and amendment) this module implements; records keep it with what they stored.
STANDARD = "QCVN 102:2016/BTTTT + SĐ1:2022"
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
NSMAP = {"edXML": NS, "xlink": XLINK, "ds": DSIG}

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# edXML timestamps carry no offset; the exchange runs on Vietnamese time.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# Agency identifiers (QĐ 20/2020/QĐ-TTg), e.g. 000.00.04.G18 or G09.20: dot-separated groups.
ORGAN_ID_RE = re.compile(r"^[0-9A-Z]{1,5}(\.[0-9A-Z]{1,5}){1,5}$")


# --- faults -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    code: str
    field: str
    message: str  # lazy translation: renders in the active language

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EdxmlError(ValueError):
    def __init__(self, faults):
        self.faults = list(faults)
        super().__init__("; ".join(str(f) for f in self.faults))

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.faults]


def _fault(code: str, field_name: str, template, **values) -> Fault:
    return Fault(code, field_name, format_lazy(template, field=field_name, **values))


MALFORMED = _("The package is not well-formed XML ({detail}).")
FORBIDDEN = _("The package declares a DTD or entities, which are refused for security.")
MISSING = _("Required element {field} is missing or empty.")
BAD_DATE = _("{field} is not a valid date (expected yyyy/MM/dd): “{value}”.")
BAD_TIMESTAMP = _("{field} is not a valid timestamp (expected yyyy/MM/dd HH:mm:ss): “{value}”.")
BAD_NUMBER = _("{field} must be a whole number: “{value}”.")
OUT_OF_RANGE = _("{field} must be between {low} and {high}: “{value}”.")
TOO_LONG = _("{field} is longer than {limit} characters.")
BAD_ORGAN_ID = _("{field} is not a valid agency identifier: “{value}”.")
DUPLICATE_RECIPIENT = _("{field} lists the agency {value} more than once.")
WRONG_RECIPIENT = _("The package is not addressed to this agency ({value}); recipients: {others}.")
TOO_LARGE = _("The package is {size} bytes, more than the {limit} allowed.")
ATTACHMENT_TOO_LARGE = _("{field} is {size} bytes, more than the {limit} allowed per attachment.")
BAD_BASE64 = _("{field} is not valid base64.")
ATTACHMENT_MISMATCH = _("{field}: the manifest lists {expected} but the package carries {actual}.")
SIZE_MISMATCH = _("{field}: the manifest states {expected} bytes but the attachment has {actual}.")
UNKNOWN_BUSINESS = _("{field} is not a known business document type: “{value}”.")
NEED_REFERENCE = _("{field} is required when the business document type is revoke, update or replace.")
BAD_STATUS = _("{field} is not a known status code: “{value}”.")
WRONG_ROOT = _("The root element is {value}, expected {field}.")


# --- code lists (QCVN 102 as used by the national axis; ◐ see docs/edocs.md) -------------------


class BusinessDocType(Enum):
    """BussinessDocType: what the package does to a document already sent."""

    NEW = "0"
    REVOKE = "1"
    UPDATE = "2"
    REPLACE = "3"

    @property
    def label(self):
        return BUSINESS_LABELS[self]


BUSINESS_LABELS = {
    BusinessDocType.NEW: pgettext_lazy("edXML business document type", "new document"),
    BusinessDocType.REVOKE: pgettext_lazy("edXML business document type", "revoke"),
    BusinessDocType.UPDATE: pgettext_lazy("edXML business document type", "update"),
    BusinessDocType.REPLACE: pgettext_lazy("edXML business document type", "replace"),
}


class StatusCode(Enum):
    """StatusCode of a status message (VPCP X-Road SDK mapping, reference §2.3)."""

    ARRIVED = "01"
    REFUSED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    PROCESSING = "05"
    COMPLETED = "06"
    WITHDRAWN = "13"
    CHANGE_AGREED = "15"
    CHANGE_REFUSED = "16"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    StatusCode.ARRIVED: pgettext_lazy("edXML status", "arrived"),
    StatusCode.REFUSED: pgettext_lazy("edXML status", "refused"),
    StatusCode.ACCEPTED: pgettext_lazy("edXML status", "accepted"),
    StatusCode.ASSIGNED: pgettext_lazy("edXML status", "assigned"),
    StatusCode.PROCESSING: pgettext_lazy("edXML status", "being processed"),
    StatusCode.COMPLETED: pgettext_lazy("edXML status", "completed"),
    StatusCode.WITHDRAWN: pgettext_lazy("edXML status", "withdrawn by the sender"),
    StatusCode.CHANGE_AGREED: pgettext_lazy("edXML status", "update, withdrawal or revocation agreed"),
    StatusCode.CHANGE_REFUSED: pgettext_lazy("edXML status", "update, withdrawal or revocation refused"),
}

# Length limits of the Bkav checker (reference §2.1), taken as characters.
LIMITS = {
    "OrganName": 200,
    "OrganAdd": 250,
    "Email": 100,
    "Telephone": 20,
    "Fax": 20,
    "CodeNumber": 11,
    "CodeNotation": 30,
    "Place": 50,
    "TypeName": 100,
    "Subject": 500,
    "Content": 500,
    "Competence": 100,
    "Position": 100,
    "FullName": 50,
    "ToPlace": 150,
    "SphereOfPromulgation": 100,
    "TyperNotation": 10,
    "Appendix": 250,
}


# --- the document ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    code: str  # mã định danh (QĐ 20/2020/QĐ-TTg)
    name: str
    in_charge: str = ""  # OrganizationInCharge: the superior body
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str = ""


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Signer:
    """SignerInfo: the authorised person (NĐ 30/2020 Điều 8: chức vụ, họ tên)."""

    full_name: str
    position: str
    competence: str = ""  # thẩm quyền ký, e.g. "KT. BỘ TRƯỞNG"


@dataclass(frozen=True)
class DocumentType:
    """DocumentType: Type is the appendix group (1 = A legal normative, 2 = B administrative, ❓),
    TypeDetail the index inside it (B18 = Công văn), TypeName the name."""

    type: int
    detail: int
    name: str


@dataclass(frozen=True)
class Trace:
    organ_id: str
    timestamp: datetime


@dataclass(frozen=True)
class Business:
    doc_type: BusinessDocType = BusinessDocType.NEW
    reason: str = ""
    # DocumentId of the document revoked, updated or replaced (required for those three).
    referenced_document_id: str = ""
    staff: StaffInfo | None = None
    paper: bool = False  # a paper copy follows


@dataclass(frozen=True)
class EdxmlDocument:
    from_org: Organization
    to_orgs: tuple[Organization, ...]
    document_id: str  # unique message id (1.14)
    code_number: str  # số
    code_notation: str  # ký hiệu
    promulgation_place: str
    promulgation_date: date
    document_type: DocumentType
    subject: str  # trích yếu
    signer: Signer
    content: str = ""
    priority: int = 0  # OtherInfo/Priority, 0 (ordinary) .. 4 (most urgent)
    steering_type: int = 0  # 0 = not a directive
    business: Business = field(default_factory=Business)
    due_date: date | None = None
    to_places: tuple[str, ...] = ()
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int = 0
    page_amount: int = 0
    appendixes: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    traces: tuple[Trace, ...] = ()  # filled by build_package when empty

    def __post_init__(self):
        # Callers may pass lists; keep the frozen value hashable.
        for name in ("to_orgs", "to_places", "appendixes", "attachments", "traces"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def code(self) -> str:
        return f"{self.code_number}/{self.code_notation}"


@dataclass(frozen=True)
class StatusMessage:
    from_org: Organization  # the agency reporting the status (the recipient of the document)
    to_org: Organization  # the sender of the document the status is about
    document_id: str
    status: StatusCode
    timestamp: datetime
    description: str = ""
    staff: StaffInfo | None = None
    code: str = ""  # số/ký hiệu of the document, when known
    promulgation_date: date | None = None


def default_document_id(from_code: str, promulgation_date: date, code_number: str, code_notation: str) -> str:
    """The DocumentId form one implementation uses: `{sender},{yyyy/MM/dd},{số}/{ký hiệu}` (❓)."""
    return f"{from_code},{promulgation_date.strftime(DATE_FORMAT)},{code_number}/{code_notation}"


# --- validation shared by build and parse -----------------------------------------------------------


def _check_text(faults, field_name, value, limit_key=None, required=False):
    if required and not (value or "").strip():
        faults.append(_fault("missing", field_name, MISSING))
        return
    limit = LIMITS.get(limit_key or field_name.rsplit("/", 1)[-1])
    if limit and value and len(value) > limit:
        faults.append(_fault("too_long", field_name, TOO_LONG, limit=limit))


def _check_org(faults, prefix, org: Organization):
    if not org.code:
        faults.append(_fault("missing", f"{prefix}/OrganId", MISSING))
    elif not ORGAN_ID_RE.match(org.code):
        faults.append(_fault("bad_organ_id", f"{prefix}/OrganId", BAD_ORGAN_ID, value=org.code))
    _check_text(faults, f"{prefix}/OrganName", org.name, required=True)
    _check_text(faults, f"{prefix}/OrganAdd", org.address)
    _check_text(faults, f"{prefix}/Email", org.email)
    _check_text(faults, f"{prefix}/Telephone", org.telephone)
    _check_text(faults, f"{prefix}/Fax", org.fax)


def _range(faults, field_name, value, low, high):
    if not low <= value <= high:
        faults.append(_fault("out_of_range", field_name, OUT_OF_RANGE, low=low, high=high, value=value))


def validate(doc: EdxmlDocument) -> list[Fault]:
    """Every fault of a document, in element order (empty when it may be sent)."""
    faults: list[Fault] = []
    _check_org(faults, "From", doc.from_org)
    if not doc.to_orgs:
        faults.append(_fault("missing", "To", MISSING))
    seen = set()
    for i, org in enumerate(doc.to_orgs, 1):
        _check_org(faults, f"To[{i}]", org)
        if org.code in seen:
            faults.append(
                _fault("duplicate_recipient", f"To[{i}]/OrganId", DUPLICATE_RECIPIENT, value=org.code)
            )
        seen.add(org.code)
    _check_text(faults, "Code/CodeNumber", doc.code_number, required=True)
    _check_text(faults, "Code/CodeNotation", doc.code_notation, required=True)
    _check_text(faults, "PromulgationInfo/Place", doc.promulgation_place, required=True)
    _check_text(faults, "DocumentType/TypeName", doc.document_type.name, required=True)
    _check_text(faults, "Subject", doc.subject, required=True)
    _check_text(faults, "Content", doc.content)
    _check_text(faults, "SignerInfo/Competence", doc.signer.competence)
    _check_text(faults, "SignerInfo/Position", doc.signer.position, required=True)
    _check_text(faults, "SignerInfo/FullName", doc.signer.full_name, required=True)
    for i, place in enumerate(doc.to_places, 1):
        _check_text(faults, f"ToPlaces/Place[{i}]", place, limit_key="ToPlace")
    _range(faults, "OtherInfo/Priority", doc.priority, 0, 4)
    _check_text(faults, "OtherInfo/SphereOfPromulgation", doc.sphere_of_promulgation)
    _check_text(faults, "OtherInfo/TyperNotation", doc.typer_notation)
    _range(faults, "OtherInfo/PromulgationAmount", doc.promulgation_amount, 0, 10**6)
    _range(faults, "OtherInfo/PageAmount", doc.page_amount, 0, 10**6)
    for i, appendix in enumerate(doc.appendixes, 1):
        _check_text(faults, f"OtherInfo/Appendixes/Appendix[{i}]", appendix, limit_key="Appendix")
    _range(faults, "SteeringType", doc.steering_type, 0, 99)
    _check_text(faults, "DocumentId", doc.document_id, required=True)
    if doc.business.doc_type is not BusinessDocType.NEW and not doc.business.referenced_document_id:
        faults.append(
            _fault("missing_reference", "Bussiness/BussinessDocumentInfo/DocumentId", NEED_REFERENCE)
        )
    for i, att in enumerate(doc.attachments, 1):
        _check_text(faults, f"Attachment[{i}]/AttachmentName", att.name, required=True)
        _check_text(faults, f"Attachment[{i}]/ContentType", att.content_type, required=True)
    return faults


# --- building -----------------------------------------------------------------------------------------


def _el(parent, name, text=None, ns=NS):
    node = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        node.text = str(text)
    return node


def _ts(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM_TZ)
    return value.astimezone(VIETNAM_TZ).strftime(TIMESTAMP_FORMAT)


def _org(parent, tag, org: Organization):
    node = _el(parent, tag)
    _el(node, "OrganId", org.code)
    _el(node, "OrganizationInCharge", org.in_charge)
    _el(node, "OrganName", org.name)
    _el(node, "OrganAdd", org.address)
    _el(node, "Email", org.email)
    _el(node, "Telephone", org.telephone)
    _el(node, "Fax", org.fax)
    _el(node, "Website", org.website)


def _staff(parent, staff: StaffInfo):
    node = _el(parent, "StaffInfo")
    _el(node, "Department", staff.department)
    _el(node, "Staff", staff.staff)
    _el(node, "Mobile", staff.mobile)
    _el(node, "Email", staff.email)


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_package(doc: EdxmlDocument) -> bytes:
    """The edXML package of a document; raises EdxmlError listing every fault first."""
    faults = validate(doc)
    if faults:
        raise EdxmlError(faults)
    root = etree.Element(f"{{{NS}}}edXML", nsmap=NSMAP)
    envelope = _el(root, "edXMLEnvelope")
    header = _el(envelope, "edXMLHeader")
    mh = _el(header, "MessageHeader")
    _org(mh, "From", doc.from_org)
    for org in doc.to_orgs:
        _org(mh, "To", org)
    code = _el(mh, "Code")
    _el(code, "CodeNumber", doc.code_number)
    _el(code, "CodeNotation", doc.code_notation)
    prom = _el(mh, "PromulgationInfo")
    _el(prom, "Place", doc.promulgation_place)
    _el(prom, "PromulgationDate", doc.promulgation_date.strftime(DATE_FORMAT))
    dtype = _el(mh, "DocumentType")
    _el(dtype, "Type", doc.document_type.type)
    _el(dtype, "TypeDetail", doc.document_type.detail)
    _el(dtype, "TypeName", doc.document_type.name)
    _el(mh, "Subject", doc.subject)
    _el(mh, "Content", doc.content)
    signer = _el(mh, "SignerInfo")
    _el(signer, "Competence", doc.signer.competence)
    _el(signer, "Position", doc.signer.position)
    _el(signer, "FullName", doc.signer.full_name)
    _el(mh, "DueDate", doc.due_date.strftime(DATE_FORMAT) if doc.due_date else "")
    places = _el(mh, "ToPlaces")
    for place in doc.to_places:
        _el(places, "Place", place)
    other = _el(mh, "OtherInfo")
    _el(other, "Priority", doc.priority)
    _el(other, "SphereOfPromulgation", doc.sphere_of_promulgation)
    _el(other, "TyperNotation", doc.typer_notation)
    _el(other, "PromulgationAmount", doc.promulgation_amount)
    _el(other, "PageAmount", doc.page_amount)
    appendixes = _el(other, "Appendixes")
    for appendix in doc.appendixes:
        _el(appendixes, "Appendix", appendix)
    _el(mh, "SteeringType", doc.steering_type)
    _el(mh, "DocumentId", doc.document_id)

    traces = _el(header, "TraceHeaderList")
    for trace in doc.traces or (Trace(doc.from_org.code, datetime.now(UTC)),):
        th = _el(traces, "TraceHeader")
        _el(th, "OrganId", trace.organ_id)
        _el(th, "Timestamp", _ts(trace.timestamp))
    business = _el(traces, "Bussiness")
    _el(business, "BussinessDocType", doc.business.doc_type.value)
    _el(business, "BussinessDocReason", doc.business.reason)
    info = _el(business, "BussinessDocumentInfo")
    _el(info, "DocumentId", doc.business.referenced_document_id)
    _el(business, "DocumentId", doc.document_id)
    _staff(business, doc.business.staff or StaffInfo())
    _el(business, "Paper", "1" if doc.business.paper else "0")
    # Where signing.sign_package puts the enveloped XML-DSig signature (signxml fills the placeholder).
    etree.SubElement(header, f"{{{DSIG}}}Signature", Id="placeholder")

    manifest = _el(_el(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _el(root, "AttachmentEncoded")
    for i, att in enumerate(doc.attachments, 1):
        ref = _el(manifest, "Reference")
        ref.set(f"{{{XLINK}}}href", f"cid:{i}")
        _el(ref, "AttachmentName", att.name)
        _el(ref, "Description", att.description)
        _el(ref, "ContentType", att.content_type)
        _el(ref, "ContentId", str(i))
        # Not in the implementations we saw: lets the receiver check each attachment's length.
        _el(ref, "Size", len(att.data))
        node = _el(encoded, "Attachment")
        _el(node, "ContentType", att.content_type)
        _el(node, "ContentId", str(i))
        _el(node, "Description", att.description)
        _el(node, "AttachmentName", att.name)
        _el(node, "ContentTransferEncoded", base64.b64encode(att.data).decode("ascii"))
    return _serialise(root)


def build_status(msg: StatusMessage) -> bytes:
    """A status message (MessageStatus) about a document received."""
    faults: list[Fault] = []
    _check_org(faults, "From", msg.from_org)
    _check_org(faults, "ResponseFor", msg.to_org)
    _check_text(faults, "ResponseFor/DocumentId", msg.document_id, required=True)
    if faults:
        raise EdxmlError(faults)
    root = etree.Element(f"{{{NS}}}Status", nsmap=NSMAP)
    header = _el(root, "Header")
    ms = _el(header, "MessageStatus")
    rf = _el(ms, "ResponseFor")
    _el(rf, "OrganId", msg.to_org.code)
    _el(rf, "OrganName", msg.to_org.name)
    _el(rf, "Code", msg.code)
    _el(rf, "PromulgationDate", msg.promulgation_date.strftime(DATE_FORMAT) if msg.promulgation_date else "")
    _el(rf, "DocumentId", msg.document_id)
    _org(ms, "From", msg.from_org)
    _el(ms, "StatusCode", msg.status.value)
    _el(ms, "Description", msg.description)
    _el(ms, "Timestamp", _ts(msg.timestamp))
    _staff(ms, msg.staff or StaffInfo())
    return _serialise(root)


# --- parsing ------------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


class _Reader:
    """Walks a parsed tree collecting faults instead of stopping at the first."""

    def __init__(self):
        self.faults: list[Fault] = []

    def node(self, parent, path: str, label: str, required=True):
        found = parent.find("/".join(_q(p) for p in path.split("/"))) if parent is not None else None
        if found is None and required:
            self.faults.append(_fault("missing", label, MISSING))
        return found

    def text(self, parent, path: str, label: str, required=False) -> str:
        found = parent.find("/".join(_q(p) for p in path.split("/"))) if parent is not None else None
        value = (found.text or "").strip() if found is not None else ""
        if required and not value:
            self.faults.append(_fault("missing", label, MISSING))
        return value

    def integer(self, parent, path, label, default=0) -> int:
        raw = self.text(parent, path, label)
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            self.faults.append(_fault("bad_number", label, BAD_NUMBER, value=raw))
            return default

    def date(self, parent, path, label, required=False) -> date | None:
        raw = self.text(parent, path, label, required=required)
        if not raw:
            return None
        try:
            return datetime.strptime(raw, DATE_FORMAT).date()
        except ValueError:
            self.faults.append(_fault("bad_date", label, BAD_DATE, value=raw))
            return None

    def timestamp(self, parent, path, label) -> datetime | None:
        raw = self.text(parent, path, label, required=True)
        if not raw:
            return None
        try:
            return datetime.strptime(raw, TIMESTAMP_FORMAT).replace(tzinfo=VIETNAM_TZ)
        except ValueError:
            self.faults.append(_fault("bad_date", label, BAD_TIMESTAMP, value=raw))
            return None

    def org(self, node, label) -> Organization:
        return Organization(
            code=self.text(node, "OrganId", f"{label}/OrganId", required=True),
            name=self.text(node, "OrganName", f"{label}/OrganName"),
            in_charge=self.text(node, "OrganizationInCharge", f"{label}/OrganizationInCharge"),
            address=self.text(node, "OrganAdd", f"{label}/OrganAdd"),
            email=self.text(node, "Email", f"{label}/Email"),
            telephone=self.text(node, "Telephone", f"{label}/Telephone"),
            fax=self.text(node, "Fax", f"{label}/Fax"),
            website=self.text(node, "Website", f"{label}/Website"),
        )

    def staff(self, node, label) -> StaffInfo | None:
        if node is None:
            return None
        staff = StaffInfo(
            department=self.text(node, "Department", f"{label}/Department"),
            staff=self.text(node, "Staff", f"{label}/Staff"),
            mobile=self.text(node, "Mobile", f"{label}/Mobile"),
            email=self.text(node, "Email", f"{label}/Email"),
        )
        return staff if any(vars(staff).values()) else None


def _safe_root(data: bytes, max_bytes: int, expected_root: str):
    """Size check, then a parse that refuses DTDs and entities (defusedxml)."""
    if len(data) > max_bytes:
        raise EdxmlError([_fault("too_large", "edXML", TOO_LARGE, size=len(data), limit=max_bytes)])
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise EdxmlError([_fault("forbidden_dtd", "edXML", FORBIDDEN)]) from None
    except StdET.ParseError as exc:
        raise EdxmlError([_fault("malformed", "edXML", MALFORMED, detail=str(exc))]) from None
    if root.tag != _q(expected_root):
        raise EdxmlError([_fault("wrong_root", f"edXML:{expected_root}", WRONG_ROOT, value=root.tag)])
    return root


def parse_package(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    expected_recipient: str | None = None,
) -> EdxmlDocument:
    """The document in an edXML package; raises EdxmlError listing every fault found.

    `expected_recipient`: the receiving agency's identifier, which must be among the To elements.
    The signature is not checked here (see signing.verify_package).
    """
    root = _safe_root(data, max_bytes, "edXML")
    r = _Reader()
    envelope = r.node(root, "edXMLEnvelope", "edXMLEnvelope")
    header = r.node(envelope, "edXMLHeader", "edXMLHeader")
    mh = r.node(header, "MessageHeader", "MessageHeader")
    if mh is None:
        raise EdxmlError(r.faults)

    from_org = r.org(r.node(mh, "From", "From"), "From")
    to_nodes = mh.findall(_q("To"))
    if not to_nodes:
        r.faults.append(_fault("missing", "To", MISSING))
    to_orgs = tuple(r.org(node, f"To[{i}]") for i, node in enumerate(to_nodes, 1))
    if expected_recipient and to_nodes and expected_recipient not in {o.code for o in to_orgs}:
        others = ", ".join(o.code for o in to_orgs)
        r.faults.append(
            _fault("wrong_recipient", "To/OrganId", WRONG_RECIPIENT, value=expected_recipient, others=others)
        )
    code = r.node(mh, "Code", "Code")
    prom = r.node(mh, "PromulgationInfo", "PromulgationInfo")
    dtype = r.node(mh, "DocumentType", "DocumentType")
    signer = r.node(mh, "SignerInfo", "SignerInfo")
    other = r.node(mh, "OtherInfo", "OtherInfo", required=False)
    promulgation_date = r.date(prom, "PromulgationDate", "PromulgationInfo/PromulgationDate", required=True)

    traces = []
    trace_list = r.node(header, "TraceHeaderList", "TraceHeaderList")
    business_node = None
    if trace_list is not None:
        for i, th in enumerate(trace_list.findall(_q("TraceHeader")), 1):
            label = f"TraceHeaderList/TraceHeader[{i}]"
            organ_id = r.text(th, "OrganId", f"{label}/OrganId", required=True)
            stamp = r.timestamp(th, "Timestamp", f"{label}/Timestamp")
            if stamp:
                traces.append(Trace(organ_id, stamp))
        business_node = trace_list.find(_q("Bussiness"))
    business = Business()
    if business_node is not None:
        raw_type = r.text(business_node, "BussinessDocType", "Bussiness/BussinessDocType") or "0"
        try:
            doc_type = BusinessDocType(raw_type)
        except ValueError:
            r.faults.append(
                _fault(
                    "unknown_business_type", "Bussiness/BussinessDocType", UNKNOWN_BUSINESS, value=raw_type
                )
            )
            doc_type = BusinessDocType.NEW
        business = Business(
            doc_type=doc_type,
            reason=r.text(business_node, "BussinessDocReason", "Bussiness/BussinessDocReason"),
            referenced_document_id=r.text(
                business_node,
                "BussinessDocumentInfo/DocumentId",
                "Bussiness/BussinessDocumentInfo/DocumentId",
            ),
            staff=r.staff(business_node.find(_q("StaffInfo")), "Bussiness/StaffInfo"),
            paper=r.text(business_node, "Paper", "Bussiness/Paper") == "1",
        )

    attachments = _read_attachments(r, root, envelope, max_attachment_bytes)
    doc_type = DocumentType(
        type=r.integer(dtype, "Type", "DocumentType/Type"),
        detail=r.integer(dtype, "TypeDetail", "DocumentType/TypeDetail"),
        name=r.text(dtype, "TypeName", "DocumentType/TypeName"),
    )
    appendix_node = other.find(_q("Appendixes")) if other is not None else None
    doc = EdxmlDocument(
        from_org=from_org,
        to_orgs=to_orgs,
        document_id=r.text(mh, "DocumentId", "DocumentId"),
        code_number=r.text(code, "CodeNumber", "Code/CodeNumber"),
        code_notation=r.text(code, "CodeNotation", "Code/CodeNotation"),
        promulgation_place=r.text(prom, "Place", "PromulgationInfo/Place"),
        promulgation_date=promulgation_date or date.min,
        document_type=doc_type,
        subject=r.text(mh, "Subject", "Subject"),
        content=r.text(mh, "Content", "Content"),
        signer=Signer(
            full_name=r.text(signer, "FullName", "SignerInfo/FullName"),
            position=r.text(signer, "Position", "SignerInfo/Position"),
            competence=r.text(signer, "Competence", "SignerInfo/Competence"),
        ),
        priority=r.integer(other, "Priority", "OtherInfo/Priority"),
        steering_type=r.integer(mh, "SteeringType", "SteeringType"),
        business=business,
        due_date=r.date(mh, "DueDate", "DueDate"),
        to_places=tuple((p.text or "").strip() for p in mh.findall(f"{_q('ToPlaces')}/{_q('Place')}")),
        sphere_of_promulgation=r.text(other, "SphereOfPromulgation", "OtherInfo/SphereOfPromulgation"),
        typer_notation=r.text(other, "TyperNotation", "OtherInfo/TyperNotation"),
        promulgation_amount=r.integer(other, "PromulgationAmount", "OtherInfo/PromulgationAmount"),
        page_amount=r.integer(other, "PageAmount", "OtherInfo/PageAmount"),
        appendixes=tuple((a.text or "").strip() for a in appendix_node.findall(_q("Appendix")))
        if appendix_node is not None
        else (),
        attachments=attachments,
        traces=tuple(traces),
    )
    # Field-level rules (required values, lengths, ranges), without repeating faults already found.
    reported = {f.field for f in r.faults}
    r.faults.extend(f for f in validate(doc) if f.field not in reported)
    if r.faults:
        raise EdxmlError(r.faults)
    return doc


def _read_attachments(r: _Reader, root, envelope, max_attachment_bytes) -> tuple[Attachment, ...]:
    manifest = r.node(envelope, "edXMLBody/edXMLManifest", "edXMLBody/edXMLManifest", required=False)
    refs = manifest.findall(_q("Reference")) if manifest is not None else []
    encoded = root.find(_q("AttachmentEncoded"))
    nodes = encoded.findall(_q("Attachment")) if encoded is not None else []
    if len(refs) != len(nodes):
        r.faults.append(
            _fault(
                "attachment_mismatch",
                "edXMLManifest/Reference",
                ATTACHMENT_MISMATCH,
                expected=len(refs),
                actual=len(nodes),
            )
        )
        return ()
    declared = {}
    for ref in refs:
        cid = (ref.get(f"{{{XLINK}}}href") or "").removeprefix("cid:") or r.text(
            ref, "ContentId", "ContentId"
        )
        declared[cid] = ref
    attachments = []
    for i, node in enumerate(nodes, 1):
        label = f"Attachment[{i}]"
        cid = r.text(node, "ContentId", f"{label}/ContentId", required=True)
        ref = declared.get(cid)
        if ref is None:
            r.faults.append(
                _fault(
                    "attachment_mismatch",
                    f"{label}/ContentId",
                    ATTACHMENT_MISMATCH,
                    expected=", ".join(declared),
                    actual=cid,
                )
            )
            continue
        raw = r.text(node, "ContentTransferEncoded", f"{label}/ContentTransferEncoded", required=True)
        # Checked before decoding, so a huge attachment is refused without allocating it twice.
        if len(raw) * 3 // 4 > max_attachment_bytes + 3:
            r.faults.append(
                _fault(
                    "attachment_too_large",
                    label,
                    ATTACHMENT_TOO_LARGE,
                    size=len(raw) * 3 // 4,
                    limit=max_attachment_bytes,
                )
            )
            continue
        try:
            data = base64.b64decode("".join(raw.split()), validate=True)
        except (binascii.Error, ValueError):
            r.faults.append(_fault("bad_base64", f"{label}/ContentTransferEncoded", BAD_BASE64))
            continue
        if len(data) > max_attachment_bytes:
            r.faults.append(
                _fault(
                    "attachment_too_large",
                    label,
                    ATTACHMENT_TOO_LARGE,
                    size=len(data),
                    limit=max_attachment_bytes,
                )
            )
            continue
        size = r.text(ref, "Size", f"{label}/Size")
        if size and size != str(len(data)):
            r.faults.append(
                _fault("size_mismatch", f"{label}/Size", SIZE_MISMATCH, expected=size, actual=len(data))
            )
        attachments.append(
            Attachment(
                name=r.text(node, "AttachmentName", f"{label}/AttachmentName")
                or r.text(ref, "AttachmentName", label),
                content_type=r.text(node, "ContentType", f"{label}/ContentType"),
                data=data,
                description=r.text(node, "Description", f"{label}/Description"),
            )
        )
    return tuple(attachments)


def parse_status(data: bytes, *, max_bytes: int = 1024 * 1024) -> StatusMessage:
    """A status message; raises EdxmlError listing every fault found."""
    root = _safe_root(data, max_bytes, "Status")
    r = _Reader()
    ms = r.node(root, "Header/MessageStatus", "MessageStatus")
    if ms is None:
        raise EdxmlError(r.faults)
    rf = r.node(ms, "ResponseFor", "ResponseFor")
    from_org = r.org(r.node(ms, "From", "From"), "From")
    to_org = Organization(
        code=r.text(rf, "OrganId", "ResponseFor/OrganId", required=True),
        name=r.text(rf, "OrganName", "ResponseFor/OrganName"),
    )
    raw_status = r.text(ms, "StatusCode", "StatusCode", required=True)
    status = None
    if raw_status:
        try:
            status = StatusCode(raw_status)
        except ValueError:
            r.faults.append(_fault("unknown_status", "StatusCode", BAD_STATUS, value=raw_status))
    stamp = r.timestamp(ms, "Timestamp", "Timestamp")
    msg_kwargs = dict(
        from_org=from_org,
        to_org=to_org,
        document_id=r.text(rf, "DocumentId", "ResponseFor/DocumentId", required=True),
        description=r.text(ms, "Description", "Description"),
        staff=r.staff(ms.find(_q("StaffInfo")), "StaffInfo"),
        code=r.text(rf, "Code", "ResponseFor/Code"),
        promulgation_date=r.date(rf, "PromulgationDate", "ResponseFor/PromulgationDate"),
    )
    if from_org.code and not ORGAN_ID_RE.match(from_org.code):
        r.faults.append(_fault("bad_organ_id", "From/OrganId", BAD_ORGAN_ID, value=from_org.code))
    if r.faults:
        raise EdxmlError(r.faults)
    return StatusMessage(status=status, timestamp=stamp, **msg_kwargs)
