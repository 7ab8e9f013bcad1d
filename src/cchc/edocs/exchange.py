"""The exchange itself: our signing identity, edXML packages and status messages (edxml.py, signing.py),
the outbox of packages to peers and what happens when a package or a status message arrives.

Receiving a package: size limit → safe parse with every fault listed (edxml.parse_package refuses
DTDs/entities) → addressed to one of our units → signature checked against the trusted CAs and the
sender's identifier → registered once (dedupe on sender + DocumentId) → "arrived" sent back. Any
failure: nothing registered, a signed "refused" status with the faults is the answer.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.org.models import Agency

from . import edxml
from .models import AgencyCertificate, ExternalAgency, IncomingDocument, OutgoingDocument, Package, TrustedCA

log = logging.getLogger(__name__)


def key_dir() -> Path:
    """Private keys live on disk outside the database (never in dumps or backups of it)."""
    return Path(getattr(settings, "CCHC_EDOCS_KEY_DIR", "") or settings.DATA_DIR / "edocs-keys")


def max_package_bytes() -> int:
    return int(getattr(settings, "CCHC_EDOCS_MAX_PACKAGE_BYTES", 30 * 1024 * 1024))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "CCHC_EDOCS_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))


@dataclass(frozen=True)
class Identity:
    """Who signs for a unit: the nearest unit at or above it holding an active certificate."""

    agency: Agency
    certificate_pem: bytes
    key_pem: bytes

    @property
    def organization(self) -> edxml.Organization:
        return organization(self.agency)


def organization(agency: Agency) -> edxml.Organization:
    return edxml.Organization(code=agency.code, name=agency.name[:200])


class NoIdentity(Exception):
    pass


def certificate_for(agency: Agency) -> AgencyCertificate | None:
    ids = [*agency.ancestor_ids(), agency.pk]
    certs = {
        c.agency_id: c
        for c in AgencyCertificate.objects.filter(agency_id__in=ids, active=True)
        .select_related("agency")
        .order_by("not_after")
    }
    return next((certs[i] for i in reversed(ids) if i in certs), None)


def identity_for(agency: Agency) -> Identity:
    cert = certificate_for(agency)
    if cert is None:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            _("No signing certificate is installed for %(unit)s or a unit above it.") % {"unit": agency.name}
        )
    key = (key_dir() / cert.key_file).read_bytes()
    return Identity(cert.agency, cert.certificate_pem.encode(), key)


def trusted_ca_pems() -> list[bytes]:
    return [ca.certificate_pem.encode() for ca in TrustedCA.objects.filter(active=True)]


# --- building --------------------------------------------------------------------------------------
def _type_of(kind) -> edxml.DocumentType:
    detail = int("".join(ch for ch in kind.code if ch.isdigit()) or 0)
    return edxml.DocumentType(type=1 if kind.group == "A" else 2, detail=detail, name=kind.name)


def outgoing_package(doc: OutgoingDocument, recipients, identity: Identity) -> bytes:
    """The signed edXML package of an issued document, one for all its recipients."""
    from . import signing

    attachments = []
    if doc.attachment:
        with doc.attachment.open("rb") as f:
            attachments.append(
                edxml.Attachment(
                    name=f"{doc.number:02d}-{doc.notation.replace('/', '-')}.pdf",
                    content_type="application/pdf",
                    data=f.read(),
                    description=doc.subject[:200],
                )
            )
    package = edxml.build_package(
        edxml.EdxmlDocument(
            from_org=identity.organization,
            to_orgs=tuple(
                edxml.Organization(code=r.org_code, name=(r.agency or r.external).name[:200])
                for r in recipients
            ),
            document_id=doc.document_id,
            code_number=f"{doc.number:02d}",
            code_notation=doc.notation,
            promulgation_place=doc.place,
            promulgation_date=doc.issued_on,
            document_type=_type_of(doc.kind),
            subject=doc.subject,
            content=doc.content[:500],
            signer=edxml.Signer(
                full_name=doc.signer_name, position=doc.signer_position, competence=doc.signer_competence
            ),
            priority=int(doc.urgency),
            due_date=doc.due_date,
            promulgation_amount=doc.copies,
            typer_notation=doc.drafter_symbol,
            attachments=tuple(attachments),
        )
    )
    return signing.sign_package(package, identity.key_pem, identity.certificate_pem)


def sign_attachment(doc: OutgoingDocument, identity: Identity) -> None:
    """The organisation's digital signature on the PDF (NĐ 30 Điều 13), replacing the unsigned file."""
    from django.core.files.base import ContentFile

    from . import signing

    with doc.attachment.open("rb") as f:
        signed = signing.sign_pdf(f.read(), identity.key_pem, identity.certificate_pem)
    name = Path(doc.attachment.name).name
    doc.attachment.save(name, ContentFile(signed), save=False)


def status_message(incoming: IncomingDocument, code: str, description: str, staff: str, at) -> bytes:
    """A signed status message from the receiving unit to the sender of `incoming`."""
    from . import signing

    identity = identity_for(incoming.agency)
    return _signed_status(
        identity,
        edxml.Organization(
            code=incoming.sender_code, name=incoming.sender_name[:200] or incoming.sender_code
        ),
        incoming.document_id,
        code,
        description,
        staff,
        at,
        code_text=incoming.code,
        promulgation_date=incoming.promulgation_date,
        signing=signing,
    )


def _signed_status(
    identity, to_org, document_id, code, description, staff, at, *, signing=None, **extra
) -> bytes:
    if signing is None:
        from . import signing
    msg = edxml.StatusMessage(
        from_org=identity.organization,
        to_org=to_org,
        document_id=document_id,
        status=edxml.StatusCode(code),
        timestamp=at,
        description=description[:500],
        staff=edxml.StaffInfo(staff=staff) if staff else None,
        code=extra.get("code_text", ""),
        promulgation_date=extra.get("promulgation_date"),
    )
    return signing.sign_package(edxml.build_status(msg), identity.key_pem, identity.certificate_pem)


# --- the outbox ------------------------------------------------------------------------------------
def queue(kind: str, document_id: str, to_code: str, payload: bytes, *, status: str = "") -> Package | None:
    """Queue a package in the caller's transaction; a package already queued (same document, peer
    and status) is not queued twice."""
    from .services import hop

    key = "|".join(filter(None, [kind, to_code, status, document_id]))[:250]
    if Package.objects.filter(key=key).exists():
        return None
    row = Package.objects.create(
        kind=kind,
        key=key,
        to_code=to_code,
        document_id=document_id,
        payload=payload,
        next_attempt_at=timezone.now(),
    )
    hop(document_id, "out", f"queued {status or kind}"[:20], to_code)
    return row


@dataclass
class FlushResult:
    sent: int = 0
    refused: int = 0  # delivered, refused by the peer with a status message: not retried
    failed: int = 0  # will be tried again
    given_up: int = 0


MAX_ATTEMPTS = 12
RECORD_CHUNK = 25  # outcomes written per transaction while the batch is still being sent
_POOL = None


def _pool():
    """Threads that carry packages (kept, so their kept-alive connections to peers are reused)."""
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(int(getattr(settings, "CCHC_EDOCS_SEND_THREADS", 8)), "edocs-send")
    return _POOL


def outbox_flush(*, limit: int = 200) -> FlushResult:
    """Send up to `limit` due packages, leased like the e-mail outbox (core.outbox) so that two workers
    never send the same row and a dead worker's rows go again after the lease (at least once: the
    receiver deduplicates)."""
    from cchc.core.outbox import claim_due, retry_delay

    from .transport import adapter_for

    result = FlushResult()
    now = timezone.now()
    rows = claim_due(Package, now=now, limit=limit, lease=timedelta(minutes=5))
    if not rows:
        return result
    peers = {p.code: p for p in ExternalAgency.objects.filter(code__in={r.to_code for r in rows})}
    for row in rows:
        row.attempts += 1

    cas = trusted_ca_pems()

    def send(row):
        """Deliver one package and check the signed answer, in a sending thread: the answer's
        signature is checked while other packages are still on the wire (no database access here)."""
        peer = peers.get(row.to_code)
        try:
            if peer is None or not peer.active:
                raise LookupError(f"no active peer {row.to_code}")
            receipt = adapter_for(peer).send(bytes(row.payload), to=peer, kind=row.kind)
        except Exception as exc:  # network, peer down, 5xx: try again later
            return None, exc, None
        answer = None
        if row.kind == Package.Kind.DOCUMENT and receipt.body:
            try:  # the peer answers a document with a status message (arrived or refused)
                answer = status_check(receipt.body, cas=cas, peer=peer)
            except Exception as err:
                log.warning("status in the answer to package %s not applied: %s", row.pk, err)
        return receipt, None, answer

    def record(done):
        """What happened to a chunk of the batch, in one transaction (one commit, and a fixed number of
        statements, not a few per package)."""
        from .models import Hop

        hops, answers = [], []
        for row, (receipt, exc, answer) in done:
            if exc is not None:
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.next_attempt_at = None
                    result.given_up += 1
                    log.error("edocs package %s to %s given up: %s", row.pk, row.to_code, row.last_error)
                else:
                    row.next_attempt_at = now + retry_delay(row.attempts, unit=timedelta(seconds=30))
                    result.failed += 1
                step, detail = "failed", row.last_error
            else:
                row.sent_at, row.next_attempt_at, row.last_error = timezone.now(), None, ""
                row.receipt = receipt.body.decode("utf-8", "replace")[:20000]
                if receipt.accepted:
                    result.sent += 1
                    step = "delivered"
                else:
                    result.refused += 1
                    step = "refused"
                detail = receipt.detail
                if answer is not None:
                    answers.append(answer)
            hops.append(
                Hop(
                    document_id=row.document_id[:200],
                    direction="out",
                    step=step,
                    peer=row.to_code[:40],
                    detail=detail[:4000],
                )
            )
        with transaction.atomic():
            Hop.objects.bulk_create(hops)
            status_record_many(answers)
            Package.objects.bulk_update(
                [row for row, _ in done], ["attempts", "sent_at", "next_attempt_at", "last_error", "receipt"]
            )

    # Packages go out several at a time (the peer's answer takes most of the time); the outcomes are
    # written in chunks as they come back, while the rest of the batch is still being sent, so the
    # peer is not left idle while we write.
    done = []
    for row, outcome in zip(rows, _pool().map(send, rows), strict=True):
        done.append((row, outcome))
        if len(done) >= RECORD_CHUNK:
            record(done)
            done = []
    if done:
        record(done)
    return result


# --- receiving -------------------------------------------------------------------------------------
@dataclass
class Outcome:
    accepted: bool
    answer: bytes  # the signed status message to return to the sender
    incoming: IncomingDocument | None = None
    faults: list[str] | None = None


def _our_recipient(doc: edxml.EdxmlDocument) -> Agency | None:
    codes = [o.code for o in doc.to_orgs]
    return Agency.objects.filter(code__in=codes, valid_to__isnull=True).order_by("path").first()


def _refusal(faults: list[str], data_doc, our: Agency | None) -> bytes:
    """A signed "refused" status listing the faults, signed by the addressed unit if we know it, else
    by any unit of ours with a certificate (the sender may not have named one of ours)."""
    cert = certificate_for(our) if our is not None else None
    if cert is None:
        cert = (
            AgencyCertificate.objects.filter(active=True)
            .select_related("agency")
            .order_by("agency__path")
            .first()
        )
    if cert is None:
        return b""
    identity = identity_for(cert.agency)
    # an unreadable package has no sender or identifier we could name: placeholders say so
    to_org = data_doc.from_org if data_doc is not None else edxml.Organization(code="0.0", name="?")
    return _signed_status(
        identity,
        to_org,
        data_doc.document_id if data_doc is not None else "(unreadable)",
        "02",
        "\n".join(faults)[:500],
        "",
        timezone.now(),
    )


def package_receive(data: bytes, *, token: str = "") -> Outcome:
    """Everything a received package goes through; see the module docstring."""
    from . import signing
    from .services import incoming_receive, incoming_refused

    doc, our = None, None
    try:
        doc = edxml.parse_package(
            data, max_bytes=max_package_bytes(), max_attachment_bytes=max_attachment_bytes()
        )
    except edxml.EdxmlError as exc:
        faults = [str(f) for f in exc.faults]
        with transaction.atomic():
            incoming_refused(document_id="", sender_code="", faults=faults)
        return Outcome(False, _refusal(faults, None, None), faults=faults)
    faults = []
    our = _our_recipient(doc)
    if our is None:
        faults.append(
            _("The package is not addressed to this platform (recipients: %(codes)s).")
            % {"codes": ", ".join(o.code for o in doc.to_orgs)}
        )
    peer = ExternalAgency.objects.filter(code=doc.from_org.code).first()
    if peer is not None and peer.token and token != peer.token:
        faults.append(_("The exchange token of %(code)s does not match.") % {"code": doc.from_org.code})
    signer = ""
    if not faults:
        try:
            info = signing.verify_package(data, trusted_ca_pems(), doc.from_org.code)
            signer = getattr(info, "subject", "") or str(info)
        except signing.SignatureError as exc:
            faults.append(_("The signature is not valid: %(reason)s") % {"reason": exc.message})
    if faults:
        with transaction.atomic():
            incoming_refused(document_id=doc.document_id, sender_code=doc.from_org.code, faults=faults)
        return Outcome(False, _refusal(faults, doc, our), faults=faults)
    fields = {
        "sender_code": doc.from_org.code,
        "sender_name": doc.from_org.name[:300],
        "document_id": doc.document_id[:200],
        "code_number": doc.code_number,
        "notation": doc.code_notation,
        "kind_name": doc.document_type.name[:100],
        "subject": doc.subject[:500],
        "promulgation_date": doc.promulgation_date,
        "signer_name": doc.signer.full_name[:100],
        "signed_digitally": True,
        "reply_due": doc.due_date,
    }
    # its own transaction, after the file is written: the write lock is held for the rows only
    incoming, created = incoming_receive(agency=our, fields=fields, package=data, signer=signer)
    # signed after the commit: the RSA signature is not made while the database write lock is held
    answer = status_message(incoming, "01", "", "", timezone.now())
    return Outcome(True, answer, incoming)


def status_check(data: bytes, *, token: str = "", cas=None, peer=None) -> edxml.StatusMessage:
    """A status message, parsed safely and signed by the recipient it claims to come from.
    Raises EdxmlError / SignatureError / PermissionError when it must be refused. No writes.

    `peer`: the peer we posted to, when this is its answer on our own connection (no token to check,
    and no query: the outbox checks answers in its sending threads)."""
    from . import signing

    msg = edxml.parse_status(data)
    if peer is None and token:
        peer = ExternalAgency.objects.filter(code=msg.from_org.code).first()
        if peer is not None and peer.token and token != peer.token:
            raise PermissionError("token")
    signing.verify_package(data, cas if cas is not None else trusted_ca_pems(), msg.from_org.code)
    return msg


def status_record(msg: edxml.StatusMessage) -> bool:
    """Apply a checked status message (in the caller's transaction)."""
    return status_record_many([msg])[0]


def status_record_many(msgs: list[edxml.StatusMessage]) -> list[bool]:
    """Apply checked status messages (in the caller's transaction): the statuses, one hop each and one
    audit event per applied status, in a fixed number of statements."""
    from cchc.core.audit import audit_event, audit_record_many

    from .models import Hop
    from .services import STATUS_RECEIVED, status_apply_many

    applied = status_apply_many(
        [
            (
                m.document_id,
                m.from_org.code,
                m.status.value,
                m.description,
                m.timestamp,
                m.staff.staff if m.staff else "",
            )
            for m in msgs
        ]
    )
    Hop.objects.bulk_create(
        [
            Hop(
                document_id=m.document_id[:200],
                direction="in",
                step=f"status {m.status.value}",
                peer=m.from_org.code[:40],
                detail="" if ok else "unknown document",
            )
            for m, ok in zip(msgs, applied, strict=True)
        ]
    )
    audit_record_many(
        [
            audit_event(
                STATUS_RECEIVED,
                target_type="edocs.outgoingdocument",
                target_id=m.document_id[:100],
                target_label=m.from_org.code,
                after={"status": m.status.value},
            )
            for m, ok in zip(msgs, applied, strict=True)
            if ok
        ]
    )
    return applied


def status_receive(data: bytes, *, token: str = "") -> bool:
    """A recipient's status message about a document we sent: checked, then applied."""
    msg = status_check(data, token=token)
    with transaction.atomic():
        return status_record(msg)
