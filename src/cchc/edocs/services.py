"""Writes to the document registers: drafting, approval, issue (numbering, signing, dispatch), receipt,
registration, assignment and processing of incoming documents, and the status messages that follow.

One transaction and one audit event per call. Packages to other agencies are queued in the exchange
outbox (`Package`) in the caller's transaction and delivered by `cchc worker` (see transport.py), so a
rolled-back issue never leaves a package behind, and a request never waits for a peer.
"""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type
from cchc.core.exceptions import InvalidTransition
from cchc.org.access import has_perm, require_perm
from cchc.org.models import Agency
from cchc.workdays.engine import to_local
from cchc.workdays.selectors import calendar

from .access import APPROVE, ASSIGN, DRAFT, ISSUE, MANAGE, MANAGE_EXCHANGE, PROCESS, RECEIVE
from .models import (
    Direction,
    DocumentKind,
    ExternalAgency,
    Hop,
    IncomingDocument,
    NumberCounter,
    OutgoingDocument,
    Package,
    Recipient,
    Register,
    StatusCode,
    StatusEvent,
)

DRAFTED = event_type("edocs.draft", gettext_lazy("Outgoing document drafted"))
SUBMITTED = event_type("edocs.submit", gettext_lazy("Outgoing document submitted for approval"))
APPROVED = event_type("edocs.approve", gettext_lazy("Outgoing document approved"))
ISSUED = event_type("edocs.issue", gettext_lazy("Outgoing document numbered and issued"))
ARRIVED = event_type("edocs.arrive", gettext_lazy("Incoming document arrived"))
REFUSED = event_type("edocs.refuse", gettext_lazy("Incoming package refused"))
REGISTERED = event_type("edocs.register", gettext_lazy("Incoming document registered"))
ASSIGNED = event_type("edocs.assign", gettext_lazy("Incoming document assigned"))
PROCESSING = event_type("edocs.process", gettext_lazy("Incoming document being processed"))
COMPLETED = event_type("edocs.complete", gettext_lazy("Incoming document completed"))
STATUS_RECEIVED = event_type("edocs.status", gettext_lazy("Status message received"))


def hop(document_id: str, direction: str, step: str, peer: str, detail: str = "") -> Hop:
    """One line of a package's audit trail (append-only)."""
    return Hop.objects.create(
        document_id=document_id[:200], direction=direction, step=step, peer=peer[:40], detail=detail[:4000]
    )


# --- numbering (NĐ 30/2020 Điều 15) ----------------------------------------------------------------
def next_number(register: Register, year: int) -> int:
    """Take the next number of `register` in `year` (01 on 1 January). The counter row is locked until
    the caller's transaction ends, so concurrent issues get consecutive, distinct numbers; a lost race
    to create the year's row is retried by get_or_create, and the documents' unique constraints are the
    last guard."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the issuing transaction")
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(register=register, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def kind_in_force(code: str, on: date) -> DocumentKind | None:
    return (
        DocumentKind.objects.filter(code=code, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .order_by("-valid_from")
        .first()
    )


def _local_today() -> date:
    return to_local(timezone.now()).date()


# --- outgoing -------------------------------------------------------------------------------------
def _recipients(codes: list[str], own: Agency) -> list[tuple[str, Agency | None, ExternalAgency | None]]:
    found, errors = [], []
    for code in dict.fromkeys(c.strip() for c in codes if c and c.strip()):
        agency = Agency.objects.filter(code=code, valid_to__isnull=True).first()
        external = None if agency else ExternalAgency.objects.filter(code=code, active=True).first()
        if agency is None and external is None:
            errors.append(_("No unit or external agency has the identifier %(code)s.") % {"code": code})
        elif agency is not None and agency.pk == own.pk:
            errors.append(_("A document is not sent to its own issuing unit (%(code)s).") % {"code": code})
        else:
            found.append((code, agency, external))
    if errors:
        raise ValidationError({"recipients": errors})
    if not found:
        raise ValidationError({"recipients": _("Name at least one recipient.")})
    return found


@transaction.atomic
def outgoing_draft(
    *,
    actor,
    agency: Agency,
    register: Register,
    kind: DocumentKind,
    notation: str,
    subject: str,
    place: str,
    signer_name: str,
    signer_position: str,
    recipients: list[str],
    content: str = "",
    signer_competence: str = "",
    urgency: str = "0",
    due_date: date | None = None,
    attachment=None,
) -> OutgoingDocument:
    """A new outgoing document in draft, with its recipients (our units or external agencies by code)."""
    require_perm(actor, DRAFT, agency)
    errors = {}
    if register.agency_id != agency.pk or register.direction != Direction.OUTGOING:
        errors["register"] = _("Choose an outgoing register of the issuing unit.")
    notation = (notation or "").strip().upper()
    if not notation or " " in notation or len(notation) > 30:
        errors["notation"] = _("The reference symbol is required, at most 30 characters, without spaces.")
    if not (subject or "").strip():
        errors["subject"] = _("The subject (trích yếu) is required.")
    if not (place or "").strip():
        errors["place"] = _("The place of issue is required.")
    if not (signer_name or "").strip() or not (signer_position or "").strip():
        errors["signer_name"] = _("Give the signer's name and position.")
    try:
        found = _recipients(recipients, agency)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    doc = OutgoingDocument(
        agency=agency,
        register=register,
        kind=kind,
        notation=notation,
        subject=subject.strip()[:500],
        content=(content or "").strip(),
        place=place.strip()[:50],
        signer_name=signer_name.strip()[:50],
        signer_position=signer_position.strip()[:100],
        signer_competence=(signer_competence or "").strip()[:100],
        urgency=urgency,
        due_date=due_date,
        drafted_by=actor,
    )
    if attachment is not None:
        from cchc.core.files import safe_upload_name, validate_upload

        checked = validate_upload(attachment, allowed={"pdf"})
        doc.attachment.save(safe_upload_name("edocs/out", checked.extension), attachment, save=False)
    doc.save()
    Recipient.objects.bulk_create(
        [Recipient(document=doc, org_code=code, agency=a, external=e) for code, a, e in found]
    )
    audit_record(DRAFTED, actor=actor, target=doc, agency_id=agency.pk, after={"subject": doc.subject})
    return doc


def _locked(doc: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "kind", "register")
        .get(pk=doc.pk)
    )


@transaction.atomic
def outgoing_submit(*, actor, document: OutgoingDocument) -> OutgoingDocument:
    doc = _locked(document)
    require_perm(actor, DRAFT, doc.agency)
    if doc.status != OutgoingDocument.Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be submitted for approval."))
    doc.status = OutgoingDocument.Status.SUBMITTED
    doc.save(update_fields=["status"])
    audit_record(SUBMITTED, actor=actor, target=doc, agency_id=doc.agency_id)
    return doc


@transaction.atomic
def outgoing_approve(*, actor, document: OutgoingDocument) -> OutgoingDocument:
    doc = _locked(document)
    require_perm(actor, APPROVE, doc.agency)
    if doc.status not in (OutgoingDocument.Status.DRAFT, OutgoingDocument.Status.SUBMITTED):
        raise InvalidTransition(_("This document was already approved."))
    doc.status, doc.approved_by = OutgoingDocument.Status.APPROVED, actor
    doc.save(update_fields=["status", "approved_by"])
    audit_record(APPROVED, actor=actor, target=doc, agency_id=doc.agency_id)
    return doc


def document_identifier(org_code: str, issued_on: date, number: int, notation: str) -> str:
    """QCVN 102 DocumentId as one implementation writes it: `{sender},{YYYY/MM/DD},{number}/{notation}`
    (format unverified, see docs/edocs.md; unique per sender because số/ký hiệu are unique per year)."""
    return f"{org_code},{issued_on:%Y/%m/%d},{number:02d}/{notation}"


@transaction.atomic
def outgoing_issue(*, actor, document: OutgoingDocument) -> OutgoingDocument:
    """Văn thư: take the number, date the document, sign it (PDF and package) with the unit's
    certificate, deliver it to our own units and queue a package for each external agency."""
    from . import exchange

    doc = _locked(document)
    require_perm(actor, ISSUE, doc.agency)
    if doc.status != OutgoingDocument.Status.APPROVED:
        raise InvalidTransition(_("A document is issued after it was approved."))
    identity = exchange.identity_for(doc.agency)
    today = _local_today()
    doc.year, doc.issued_on, doc.issued_at = today.year, today, timezone.now()
    doc.number = next_number(doc.register, doc.year)
    doc.document_id = document_identifier(identity.agency.code, today, doc.number, doc.notation)
    doc.status, doc.issued_by = OutgoingDocument.Status.ISSUED, actor
    if doc.attachment:
        exchange.sign_attachment(doc, identity)
    doc.signed_digitally = True
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:  # the unique constraint caught a number taken outside the counter
        raise InvalidTransition(
            _("The number %(code)s is already taken in this register; try again.") % {"code": doc.code}
        ) from None
    recipients = list(doc.recipients.select_related("agency", "external"))
    package = exchange.outgoing_package(doc, recipients, identity)
    for r in recipients:
        if r.agency_id:
            incoming_deliver_internal(doc, r, package)
        else:
            exchange.queue(Package.Kind.DOCUMENT, doc.document_id, r.org_code, package)
    audit_record(
        ISSUED,
        actor=actor,
        target=doc,
        agency_id=doc.agency_id,
        after={
            "code": doc.code,
            "document_id": doc.document_id,
            "recipients": [r.org_code for r in recipients],
        },
    )
    return doc


# --- incoming -------------------------------------------------------------------------------------
def incoming_register_for(agency: Agency) -> Register:
    reg = (
        Register.objects.filter(agency=agency, direction=Direction.INCOMING, secret=False)
        .order_by("code")
        .first()
    )
    if reg is None:
        reg, _ = Register.objects.get_or_create(
            agency=agency, direction=Direction.INCOMING, code="VBDEN", defaults={"name": "Sổ văn bản đến"}
        )
    return reg


def _arrive(agency: Agency, fields: dict, now) -> IncomingDocument:
    """Register an arrived document with the next arrival number of the unit's incoming register
    (numbers continuous in the year, NĐ 30 Điều 22). Automatic: the system function numbers it."""
    register = incoming_register_for(agency)
    year = to_local(now).year
    return IncomingDocument.objects.create(
        agency=agency,
        register=register,
        year=year,
        arrival_number=next_number(register, year),
        received_at=now,
        **fields,
    )


def incoming_deliver_internal(
    doc: OutgoingDocument, recipient: Recipient, package: bytes
) -> IncomingDocument:
    """A recipient that is one of our units gets the document without the network (same database)."""
    from django.core.files.base import ContentFile

    now = timezone.now()
    incoming = _arrive(
        recipient.agency,
        {
            "sender_code": doc.agency.code,
            "sender_name": doc.agency.name,
            "document_id": doc.document_id,
            "code_number": f"{doc.number:02d}",
            "notation": doc.notation,
            "kind_name": doc.kind.name,
            "subject": doc.subject,
            "promulgation_date": doc.issued_on,
            "signer_name": doc.signer_name,
            "signed_digitally": doc.signed_digitally,
            "reply_due": doc.due_date,
            "source": doc,
        },
        now,
    )
    incoming.package.save(f"{incoming.pk}.edxml", ContentFile(package), save=True)
    hop(doc.document_id, "in", "delivered", recipient.org_code, "internal")
    _status(incoming, StatusCode.ARRIVED, "")
    return incoming


def _status(
    incoming: IncomingDocument, code: str, description: str, staff: str = "", *, queue: bool = True
) -> None:
    """Record a status of an incoming document and tell the sender: directly when the sender is one of
    our units, else by a signed status message in the exchange outbox (`queue=False`: the caller
    answers with it at once, as the receive endpoint does with "arrived")."""
    from . import exchange

    now = timezone.now()
    StatusEvent.objects.create(
        incoming=incoming,
        org_code=incoming.agency.code,
        code=code,
        description=description,
        at=now,
        staff=staff,
    )
    if incoming.source_id:
        status_apply(incoming.source.document_id, incoming.agency.code, code, description, now, staff)
        return
    if not queue:
        return
    message = exchange.status_message(incoming, code, description, staff, now)
    exchange.queue(Package.Kind.STATUS, incoming.document_id, incoming.sender_code, message, status=code)


def incoming_receive(
    *, agency: Agency, fields: dict, package: bytes, signer: str
) -> tuple[IncomingDocument, bool]:
    """An electronic document that passed every check arrives: registered once (a second copy of the
    same package returns the first registration), "arrived" sent back to the sender.
    Returns (document, created).

    The package file is written before the caller's transaction takes the database's write lock
    (SQLite: one writer at a time), and named by its registration in the same INSERT: no second
    UPDATE. A file whose registration does not commit is swept by `cchc files_clean` (orphans)."""
    from django.core.files.base import ContentFile

    now = timezone.now()
    existing = IncomingDocument.objects.filter(
        agency=agency, sender_code=fields["sender_code"], document_id=fields["document_id"]
    ).first()
    if existing is not None:
        hop(
            fields["document_id"],
            "in",
            "duplicate",
            fields["sender_code"],
            f"already registered as {existing.pk}",
        )
        return existing, False
    field = IncomingDocument._meta.get_field("package")
    name = field.storage.save(
        field.generate_filename(None, f"{uuid.uuid4().hex}.edxml"), ContentFile(package)
    )
    try:
        with transaction.atomic():
            incoming = _arrive(agency, {**fields, "signature_subject": signer[:300], "package": name}, now)
            hop(
                incoming.document_id,
                "in",
                "registered",
                incoming.sender_code,
                f"arrival number {incoming.arrival_number}",
            )
            _status(incoming, StatusCode.ARRIVED, "", queue=False)  # the receive endpoint answers with it
            audit_record(
                ARRIVED,
                target=incoming,
                agency_id=agency.pk,
                after={
                    "document_id": incoming.document_id,
                    "from": incoming.sender_code,
                    "signed_by": signer[:200],
                },
            )
    except IntegrityError:  # received twice at the same moment: the other copy won
        field.storage.delete(name)
        existing = IncomingDocument.objects.get(
            agency=agency, sender_code=fields["sender_code"], document_id=fields["document_id"]
        )
        hop(
            fields["document_id"],
            "in",
            "duplicate",
            fields["sender_code"],
            f"already registered as {existing.pk}",
        )
        return existing, False
    return incoming, True


def incoming_refused(*, document_id: str, sender_code: str, faults: list[str]) -> None:
    """A package that failed a check: nothing registered; the refusal is kept in the trail and audit."""
    hop(document_id or "?", "in", "refused", sender_code or "?", "; ".join(faults))
    audit_record(
        REFUSED,
        target_type="edocs.package",
        target_id=(document_id or "?")[:100],
        target_label=(sender_code or "?")[:300],
        after={"faults": faults[:20]},
    )


def _locked_incoming(doc: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "source")
        .get(pk=doc.pk)
    )


def _staff(actor) -> str:
    return (getattr(actor, "full_name", "") or actor.get_username())[:200]


@transaction.atomic
def incoming_accept(*, actor, document: IncomingDocument) -> IncomingDocument:
    """The clerk has checked authenticity and integrity (NĐ 30 Điều 21): "accepted" goes to the sender."""
    doc = _locked_incoming(document)
    require_perm(actor, RECEIVE, doc.agency)
    if doc.statuses.filter(code=StatusCode.ACCEPTED).exists():
        raise InvalidTransition(_("This document was already accepted."))
    _status(doc, StatusCode.ACCEPTED, "", _staff(actor))
    audit_record(REGISTERED, actor=actor, target=doc, agency_id=doc.agency_id)
    return doc


@transaction.atomic
def incoming_assign(
    *, actor, document: IncomingDocument, unit: Agency, assignee=None, working_days: int
) -> IncomingDocument:
    """Assign to a unit (and optionally a person) with a deadline N working days from now, computed by
    the working-day engine. Accepts the document first if the clerk had not."""
    doc = _locked_incoming(document)
    require_perm(actor, ASSIGN, doc.agency)
    if doc.status == IncomingDocument.Status.COMPLETED:
        raise InvalidTransition(_("A completed document is not assigned again."))
    if not unit.path.startswith(doc.agency.path):
        raise ValidationError({"unit": _("Assign to the receiving unit or a unit below it.")})
    if assignee is not None and not has_perm(assignee, PROCESS, unit):
        raise ValidationError({"assignee": _("This person may not process documents in that unit.")})
    if not 0 < working_days <= 90:
        raise ValidationError({"working_days": _("Give between 1 and 90 working days.")})
    if not doc.statuses.filter(code=StatusCode.ACCEPTED).exists():
        _status(doc, StatusCode.ACCEPTED, "", _staff(actor))
    doc.assigned_unit, doc.assignee = unit, assignee
    doc.due_at = calendar().add_working_days(timezone.now(), working_days, apply_cutoff=False)
    doc.status = IncomingDocument.Status.ASSIGNED
    doc.save(update_fields=["assigned_unit", "assignee", "due_at", "status"])
    who = assignee.full_name if assignee is not None else unit.name
    _status(doc, StatusCode.ASSIGNED, who, _staff(actor))
    audit_record(
        ASSIGNED,
        actor=actor,
        target=doc,
        agency_id=doc.agency_id,
        after={
            "unit": unit.code,
            "assignee": getattr(assignee, "pk", None),
            "due_at": doc.due_at.isoformat(),
        },
    )
    return doc


def _may_process(actor, doc: IncomingDocument) -> None:
    if doc.assignee_id and doc.assignee_id == actor.pk:
        return
    require_perm(actor, PROCESS, doc.assigned_unit or doc.agency)


@transaction.atomic
def incoming_start(*, actor, document: IncomingDocument) -> IncomingDocument:
    doc = _locked_incoming(document)
    _may_process(actor, doc)
    if doc.status != IncomingDocument.Status.ASSIGNED:
        raise InvalidTransition(_("Processing starts on an assigned document."))
    doc.status = IncomingDocument.Status.PROCESSING
    doc.save(update_fields=["status"])
    _status(doc, StatusCode.PROCESSING, "", _staff(actor))
    audit_record(PROCESSING, actor=actor, target=doc, agency_id=doc.agency_id)
    return doc


@transaction.atomic
def incoming_complete(*, actor, document: IncomingDocument, result: str = "") -> IncomingDocument:
    doc = _locked_incoming(document)
    _may_process(actor, doc)
    if doc.status not in (IncomingDocument.Status.ASSIGNED, IncomingDocument.Status.PROCESSING):
        raise InvalidTransition(_("Only an assigned document being processed can be completed."))
    if doc.status == IncomingDocument.Status.ASSIGNED:
        _status(doc, StatusCode.PROCESSING, "", _staff(actor))
    doc.status, doc.completed_at, doc.result_note = (
        IncomingDocument.Status.COMPLETED,
        timezone.now(),
        result.strip(),
    )
    doc.save(update_fields=["status", "completed_at", "result_note"])
    _status(doc, StatusCode.COMPLETED, result.strip()[:500], _staff(actor))
    audit_record(COMPLETED, actor=actor, target=doc, agency_id=doc.agency_id)
    return doc


# --- statuses coming back -------------------------------------------------------------------------
ORDER = {c: i for i, c in enumerate(["01", "03", "04", "05", "06"])}


@transaction.atomic
def status_apply(document_id: str, from_code: str, code: str, description: str, at, staff: str = "") -> bool:
    """A recipient told us what happened to a document we sent. Stored once per (recipient, code); the
    recipient's current status only moves forward: messages arrive out of order (retries, and the
    sender's outbox posts several at once), so the recipient's row is locked while it is compared.
    False when no document we sent matches."""
    return status_apply_many([(document_id, from_code, code, description, at, staff)])[0]


def status_apply_many(statuses: list[tuple]) -> list[bool]:
    """`status_apply` for several (document_id, from_code, code, description, at, staff), in the
    caller's transaction, with a fixed number of statements whatever their number (the exchange
    outbox applies its peers' answers a chunk at a time). Applied in order, as one by one would."""
    if not statuses:
        return []
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return status_apply_many(statuses)
    ids = {s[0] for s in statuses}
    docs = {d.document_id: d for d in OutgoingDocument.objects.filter(document_id__in=ids)}
    recipients = {
        (r.document_id, r.org_code): r
        for r in Recipient.objects.select_for_update()
        .filter(document__in=docs.values(), org_code__in={s[1] for s in statuses})
        .order_by("id")
    }
    seen = set(
        StatusEvent.objects.filter(
            outgoing__in=docs.values(), org_code__in={s[1] for s in statuses}
        ).values_list("outgoing_id", "org_code", "code")
    )
    events, changed, applied = [], {}, []
    for document_id, from_code, code, description, at, staff in statuses:
        doc = docs.get(document_id)
        recipient = doc and recipients.get((doc.pk, from_code))
        if recipient is None:
            applied.append(False)
            continue
        if (doc.pk, from_code, code) not in seen:
            seen.add((doc.pk, from_code, code))
            events.append(
                StatusEvent(
                    outgoing=doc,
                    org_code=from_code,
                    code=code,
                    description=description[:2000],
                    at=at,
                    staff=staff[:200],
                )
            )
        current = recipient.status_code
        if code == StatusCode.REFUSED.value or not current or ORDER.get(code, -1) > ORDER.get(current, -1):
            recipient.status_code, recipient.status_at = code, at
            changed[recipient.pk] = recipient
        applied.append(True)
    StatusEvent.objects.bulk_create(events)
    Recipient.objects.bulk_update(list(changed.values()), ["status_code", "status_at"])
    return applied


@transaction.atomic
def incoming_refused_atomic(**kwargs) -> None:
    incoming_refused(**kwargs)


# --- configuration: peers, certificates, trusted CAs, registers ----------------------------------
# The pages (views.py) and `cchc edocs_setup` both call these: one way to do each thing.
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def validate_identifier(code: str, field: str = "code") -> str:
    """An agency identifier as the edXML packages carry it (QĐ 20/2020: dot-separated groups)."""
    from .edxml import ORGAN_ID_RE

    code = (code or "").strip().upper()
    if not ORGAN_ID_RE.match(code):
        raise ValidationError(
            {
                field: _(
                    "The identifier code “%(code)s” is not valid: groups of letters and digits "
                    "separated by dots, e.g. 000.00.00.G12."
                )
                % {"code": code}
            }
        )
    return code


def validate_endpoint(url: str, field: str = "endpoint_url") -> str:
    """The peer's platform address: https, or plain http only to this machine (tests, a local
    relay); blank while the peer is not connected yet (its packages wait in the outbox)."""
    from urllib.parse import urlsplit

    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        host, parts = "", None
    if parts is None or not host or parts.query or parts.fragment or parts.username:
        raise ValidationError({field: _("The exchange address is not a valid web address.")})
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK_HOSTS):
        raise ValidationError(
            {field: _("The exchange address must start with https:// (plain http only to this machine).")}
        )
    return url.rstrip("/")


# events recorded before the typed ones below keep their label in the audit log
CONFIGURED = event_type("edocs.configure", gettext_lazy("Exchange configuration changed"))
PEER_SAVED = event_type("edocs.peer_save", gettext_lazy("Exchange peer saved"))
PEER_DEACTIVATED = event_type("edocs.peer_deactivate", gettext_lazy("Exchange peer deactivated"))
CERT_INSTALLED = event_type("edocs.cert_install", gettext_lazy("Unit certificate installed"))
CERT_DEACTIVATED = event_type("edocs.cert_deactivate", gettext_lazy("Unit certificate deactivated"))
CA_ADDED = event_type("edocs.ca_add", gettext_lazy("Trusted certification authority added"))
CA_DEACTIVATED = event_type(
    "edocs.ca_deactivate", gettext_lazy("Trusted certification authority deactivated")
)
REGISTER_CREATED = event_type("edocs.register_create", gettext_lazy("Document register created"))


@transaction.atomic
def peer_save(
    *,
    actor,
    code: str,
    name: str,
    endpoint_url: str = "",
    token: str | None = None,
    active: bool = True,
    peer: ExternalAgency | None = None,
    new: bool = False,
) -> ExternalAgency:
    """Create or update an external agency (by its identifier code, or `peer` when editing one;
    `new` refuses a code already known). `token` None keeps the shared token it has; "" removes it.
    The token is never logged."""
    require_perm(actor, MANAGE)
    errors = {}
    try:
        code = validate_identifier(peer.code if peer is not None else code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    name = (name or "").strip()
    if not name:
        errors["name"] = _("The agency's name is required.")
    try:
        endpoint_url = validate_endpoint(endpoint_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors and Agency.objects.filter(code=code).exists():
        errors["code"] = _("%(code)s is one of our own units, not an external agency.") % {"code": code}
    if errors:
        raise ValidationError(errors)
    row = (
        ExternalAgency.objects.select_for_update().get(pk=peer.pk)
        if peer is not None
        else ExternalAgency.objects.select_for_update().filter(code=code).first()
    )
    if new and row is not None:
        raise ValidationError(
            {"code": _("An external agency with this identifier code exists already: edit it.")}
        )
    before = {"name": row.name, "endpoint_url": row.endpoint_url, "active": row.active} if row else None
    row = row or ExternalAgency(code=code)
    row.name, row.endpoint_url, row.active = name[:300], endpoint_url, active
    if token is not None:
        row.token = token.strip()[:200]
    row.save()
    audit_record(
        PEER_SAVED,
        actor=actor,
        target=row,
        before=before,
        after={"code": row.code, "name": row.name, "endpoint_url": row.endpoint_url, "active": row.active},
    )
    return row


@transaction.atomic
def peer_deactivate(*, actor, peer: ExternalAgency) -> ExternalAgency:
    """No new document is addressed to it; packages queued for it wait in the outbox (the worker sends
    only to active peers) until it is active again."""
    require_perm(actor, MANAGE)
    row = ExternalAgency.objects.select_for_update().get(pk=peer.pk)
    if not row.active:
        raise InvalidTransition(_("This agency is already inactive."))
    row.active = False
    row.save(update_fields=["active"])
    audit_record(PEER_DEACTIVATED, actor=actor, target=row, after={"code": row.code})
    return row


@transaction.atomic
def register_create(
    *,
    actor,
    agency: Agency,
    direction: str,
    code: str,
    name: str,
    secret: bool = False,
    exist_ok: bool = False,
) -> Register:
    """A register (sổ đăng ký) of a unit; its numbers restart at 01 each year (NumberCounter).
    `exist_ok`: return the register with that code instead of refusing (setup, demo)."""
    require_perm(actor, MANAGE_EXCHANGE, agency)
    errors = {}
    code, name = (code or "").strip().upper(), (name or "").strip()
    if direction not in Direction.values:
        errors["direction"] = _("Choose outgoing or incoming.")
    if not code or len(code) > 20 or " " in code:
        errors["code"] = _("The register code is required, at most 20 characters, without spaces.")
    if not name:
        errors["name"] = _("The register's name is required.")
    if errors:
        raise ValidationError(errors)
    existing = Register.objects.filter(agency=agency, direction=direction, code=code).first()
    if existing is not None:
        if exist_ok:
            return existing
        raise ValidationError(
            {
                "code": _("%(unit)s already has a register with the code %(code)s.")
                % {"unit": agency, "code": code}
            }
        )
    reg = Register.objects.create(
        agency=agency, direction=direction, code=code, name=name[:200], secret=secret
    )
    audit_record(
        REGISTER_CREATED,
        actor=actor,
        target=reg,
        agency_id=agency.pk,
        after={"code": code, "name": reg.name, "direction": direction, "secret": secret},
    )
    return reg


def _trusted_cas():
    from cryptography import x509

    from .models import TrustedCA

    certs = []
    for pem in TrustedCA.objects.filter(active=True).values_list("certificate_pem", flat=True):
        certs.extend(x509.load_pem_x509_certificates(pem.encode()))
    return certs


def _write_key(key_pem: bytes, agency: Agency) -> str:
    """The private key in a new file under the key folder, readable by this account only (0600,
    whatever the umask); returns its name. Never in the database, never shown again."""
    import os
    import uuid

    from . import exchange

    folder = exchange.key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{agency.code}-{uuid.uuid4().hex[:12]}.key.pem"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, key_pem)
    finally:
        os.close(fd)
    return name


@transaction.atomic
def certificate_install(*, actor, agency: Agency, cert_pem: bytes, key_pem: bytes):
    """Install (or replace) a unit's signing certificate after checking that the key belongs to it,
    that it names the unit's identifier code (subject serialNumber), that it is valid today and that
    it chains to an active trusted CA — as every peer will check it. The private key goes to a file
    (mode 0600) under the key folder, not into the database; the unit's previous certificate is
    deactivated."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from . import signing
    from .models import AgencyCertificate

    require_perm(actor, MANAGE_EXCHANGE, agency)
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (ValueError, TypeError):
        raise ValidationError({"certificate": _("The certificate is not a PEM certificate file.")}) from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise ValidationError(
            {
                "private_key": _(
                    "The private key is protected by a password: upload it without one, or as PKCS#12."
                )
            }
        ) from None
    except (ValueError, signing.UnsupportedAlgorithm):
        raise ValidationError({"private_key": _("The private key is not a PEM private key file.")}) from None
    if key.public_key().public_numbers() != cert.public_key().public_numbers():
        raise ValidationError({"private_key": _("The private key does not belong to the certificate.")})
    info = signing.signer_info(cert)
    if info.org_code != agency.code:
        raise ValidationError(
            {
                "certificate": _(
                    "The certificate names the identifier %(cert)s (serialNumber), not %(unit)s of the chosen unit."
                )
                % {"cert": info.org_code or "—", "unit": agency.code}
            }
        )
    try:
        signing.check_chain(cert, _trusted_cas())
    except signing.SignatureError as exc:
        raise ValidationError({"certificate": str(exc.message)}) from None
    name = _write_key(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        agency,
    )
    AgencyCertificate.objects.filter(agency=agency, active=True).update(active=False)
    row = AgencyCertificate.objects.create(
        agency=agency,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_file=name,
        subject=info.subject[:300],
        not_before=info.not_before,
        not_after=info.not_after,
    )
    audit_record(
        CERT_INSTALLED,
        actor=actor,
        target=row,
        agency_id=agency.pk,
        after={
            "subject": info.subject,
            "serial": format(info.serial_number, "x"),
            "sha256": info.fingerprint_sha256,
        },
    )
    return row


def certificate_install_pkcs12(*, actor, agency: Agency, data: bytes, password: str):
    """The same, from a PKCS#12 (.p12/.pfx) file as CAs hand them out."""
    from . import signing

    try:
        pair = signing.load_pkcs12(data, password)
    except signing.SignatureError as exc:
        raise ValidationError({"pkcs12": str(exc.message)}) from None
    return certificate_install(actor=actor, agency=agency, cert_pem=pair.cert_pem, key_pem=pair.key_pem)


@transaction.atomic
def certificate_deactivate(*, actor, certificate):
    """Stop signing with it (its key file stays, so documents already signed keep their proof)."""
    from .models import AgencyCertificate

    row = AgencyCertificate.objects.select_for_update().select_related("agency").get(pk=certificate.pk)
    require_perm(actor, MANAGE_EXCHANGE, row.agency)
    if not row.active:
        raise InvalidTransition(_("This certificate is already inactive."))
    row.active = False
    row.save(update_fields=["active"])
    audit_record(
        CERT_DEACTIVATED, actor=actor, target=row, agency_id=row.agency_id, after={"subject": row.subject}
    )
    return row


@transaction.atomic
def trusted_ca_add(*, actor, name: str, cert_pem: bytes):
    """Trust a certification authority: its certificate must be a CA certificate (basicConstraints
    CA) valid today. Adding one already known makes it active again."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from . import signing
    from .models import TrustedCA

    require_perm(actor, MANAGE)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("The name is required.")
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (ValueError, TypeError):
        raise ValidationError(
            {**errors, "certificate": _("The certificate is not a PEM certificate file.")}
        ) from None
    if not signing.is_ca(cert):
        errors["certificate"] = _(
            "This is not a CA certificate (its basicConstraints do not say CA): trust the authority that issued it."
        )
    else:
        try:
            signing.check_validity(cert)
        except signing.SignatureError as exc:
            errors["certificate"] = str(exc.message)
    if errors:
        raise ValidationError(errors)
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    row, created = TrustedCA.objects.get_or_create(certificate_pem=pem, defaults={"name": name[:200]})
    if not created and row.active:
        return row
    row.active, row.name = True, name[:200]
    row.save(update_fields=["active", "name"])
    audit_record(
        CA_ADDED,
        actor=actor,
        target=row,
        after={
            "name": row.name,
            "subject": cert.subject.rfc4514_string(),
            "sha256": signing.signer_info(cert).fingerprint_sha256,
        },
    )
    return row


@transaction.atomic
def trusted_ca_deactivate(*, actor, ca):
    """Packages signed under it are refused from now on; certificates it issued cannot be installed."""
    from .models import TrustedCA

    require_perm(actor, MANAGE)
    row = TrustedCA.objects.select_for_update().get(pk=ca.pk)
    if not row.active:
        raise InvalidTransition(_("This certification authority is already inactive."))
    row.active = False
    row.save(update_fields=["active"])
    audit_record(CA_DEACTIVATED, actor=actor, target=row, after={"name": row.name})
    return row


@transaction.atomic
def incoming_register_paper(
    *,
    actor,
    agency: Agency,
    sender_name: str,
    code_number: str,
    notation: str,
    subject: str,
    promulgation_date: date | None = None,
    sender_code: str = "",
) -> IncomingDocument:
    """The clerk registers a document that came on paper (or by e-mail, unsigned): the same register
    and arrival numbers as electronic ones; it counts as not exchanged electronically."""
    import uuid

    require_perm(actor, RECEIVE, agency)
    errors = {}
    if not (sender_name or "").strip():
        errors["sender_name"] = _("Name the sending agency.")
    if not (subject or "").strip():
        errors["subject"] = _("The subject (trích yếu) is required.")
    if len(code_number or "") > 11 or len(notation or "") > 30:
        errors["notation"] = _("The number is at most 11 characters and the symbol at most 30.")
    if errors:
        raise ValidationError(errors)
    doc = _arrive(
        agency,
        {
            "electronic": False,
            "sender_code": (sender_code or "").strip()[:40],
            "sender_name": sender_name.strip()[:300],
            "document_id": f"paper:{uuid.uuid4().hex}",
            "code_number": (code_number or "").strip(),
            "notation": (notation or "").strip().upper(),
            "subject": subject.strip()[:500],
            "promulgation_date": promulgation_date,
        },
        timezone.now(),
    )
    StatusEvent.objects.create(
        incoming=doc, org_code=agency.code, code=StatusCode.ACCEPTED, at=doc.received_at
    )
    audit_record(REGISTERED, actor=actor, target=doc, agency_id=agency.pk, after={"paper": True})
    return doc
