"""Electronic document exchange (liên thông văn bản điện tử): registers, outgoing and incoming
documents, status messages, agency certificates, peers and the exchange outbox.

Numbering follows NĐ 30/2020 Điều 15: a number per (register, year), from 01 on 1 January, unique
within the year. `NumberCounter` is the row locked while a number is taken; the unique constraints on
the documents are the last guard. Document types are effective-dated data (QCVN 102 SĐ1:2022 appendix):
a document keeps the type row it was issued under.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.org.models import Agency

from . import search


def _with_search_text(kwargs: dict, searched: tuple[str, ...]) -> None:
    """A save limited to some fields also writes search_text when one of them is searched."""
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) & set(searched):
        kwargs["update_fields"] = [*fields, "search_text"]


class DocumentKind(models.Model):
    """Loại văn bản (QCVN 102 SĐ1:2022 appendix: group A legal normative, group B administrative)."""

    code = models.CharField(_("code"), max_length=10, help_text=_("e.g. B18 for an official letter"))
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=10, help_text=_("e.g. CV, QĐ, TB"))
    group = models.CharField(_("group"), max_length=1, choices=[("A", "A"), ("B", "B")])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["group", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="edocs_kind_code_from")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUTGOING = "out", _("Outgoing documents")
    INCOMING = "in", _("Incoming documents")


class Register(models.Model):
    """Sổ đăng ký văn bản of a unit: one sequence of numbers per year (secret documents and each legal
    normative type keep their own register)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    secret = models.BooleanField(_("secret documents"), default=False)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        ordering = ["agency__path", "direction", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "direction", "code"], name="edocs_register_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.short_name or self.agency.name}"


class NumberCounter(models.Model):
    """The last number taken in a register in a year; locked (SELECT … FOR UPDATE) while a number is
    taken, so two clerks issuing at the same moment get consecutive numbers."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"], name="edocs_counter_year")]


class ExternalAgency(models.Model):
    """Another agency we exchange with, known by its identifier code (QĐ 20/2020), and how to reach it."""

    code = models.CharField(_("identifier code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    endpoint_url = models.URLField(
        _("exchange address"),
        blank=True,
        help_text=_("base address of its platform, e.g. https://vanban.example.gov.vn"),
    )
    adapter = models.CharField(_("exchange channel"), max_length=20, default="https")
    token = models.CharField(_("shared token"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("external agency")
        verbose_name_plural = _("external agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TrustedCA(models.Model):
    """A certification authority whose certificates we accept on signed packages."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("trusted certification authority")
        verbose_name_plural = _("trusted certification authorities")

    def __str__(self) -> str:
        return self.name


class AgencyCertificate(models.Model):
    """The signing certificate of one of our units. The private key is NOT in the database: it is a
    file under DATA_DIR/edocs-keys (mode 0600), so database dumps and backups never carry it; the
    row keeps its file name (see docs/edocs.md)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    key_file = models.CharField(_("private key file"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("valid from"), null=True)
    not_after = models.DateTimeField(_("valid until"), null=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency certificate")
        verbose_name_plural = _("agency certificates")
        ordering = ["agency__path", "-not_after"]

    def __str__(self) -> str:
        return f"{self.agency} – {self.subject}"


class Urgency(models.TextChoices):
    NORMAL = "0", _("Normal")
    URGENT = "1", _("Urgent")
    VERY_URGENT = "2", _("Very urgent")
    FLASH = "3", _("Flash")


class OutgoingDocument(models.Model):
    """Văn bản đi: drafted, approved, then issued (numbered, signed, dispatched)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="+", verbose_name=_("register")
    )
    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(_("year"), null=True)
    number = models.PositiveIntegerField(_("number"), null=True)
    notation = models.CharField(
        _("reference symbol"),
        max_length=30,
        help_text=_("ký hiệu, e.g. BNV-VP (type and body abbreviations)"),
    )
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    place = models.CharField(_("place of issue"), max_length=50)
    issued_on = models.DateField(_("issued on"), null=True)
    signer_name = models.CharField(_("signed by"), max_length=50)
    signer_position = models.CharField(_("signer's position"), max_length=100)
    signer_competence = models.CharField(_("signing competence"), max_length=100, blank=True)
    urgency = models.CharField(_("urgency"), max_length=1, choices=Urgency.choices, default=Urgency.NORMAL)
    due_date = models.DateField(_("reply due"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    drafter_symbol = models.CharField(_("drafter's symbol"), max_length=10, blank=True)
    attachment = models.FileField(_("document file (PDF)"), upload_to="edocs/out/%Y/", blank=True)
    document_id = models.CharField(
        _("document identifier"), max_length=200, null=True, blank=True, unique=True
    )
    signed_digitally = models.BooleanField(_("signed digitally"), default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True)
    # the words the register search matches (edocs/search.py); kept by save()
    search_text = models.TextField(editable=False, default="")

    SEARCHED = ("number", "notation", "subject", "document_id")

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "number"], name="edocs_out_number_unique")
        ]
        indexes = [
            models.Index(fields=["agency", "-issued_on"], name="edocs_out_agency_idx"),
            models.Index(fields=["register", "-year", "-number"], name="edocs_out_register_idx"),
            models.Index(fields=["-year", "-number", "-id"], name="edocs_out_order_idx"),
        ]

    def __str__(self) -> str:
        return self.code or str(_("Draft"))

    def save(self, *args, **kwargs):
        self.search_text = search.outgoing_words(self)
        _with_search_text(kwargs, self.SEARCHED)
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        """Số, ký hiệu as printed: numbers below 10 with a leading 0 (NĐ 30 Phụ lục I)."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}"


class Recipient(models.Model):
    """Nơi nhận: one of our units, or an external agency (by identifier code). `status_code` is the
    latest status message it sent back (QCVN 102: 01 arrived … 06 completed)."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external = models.ForeignKey(
        ExternalAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_code = models.CharField(_("identifier code"), max_length=40)
    status_code = models.CharField(_("status"), max_length=2, blank=True)
    status_at = models.DateTimeField(_("status at"), null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "org_code"], name="edocs_recipient_once")]

    def __str__(self) -> str:
        return str(self.agency or self.external or self.org_code)

    @property
    def name(self) -> str:
        return (self.agency or self.external).name if (self.agency_id or self.external_id) else self.org_code


class StatusCode(models.TextChoices):
    """QCVN 102 status messages (codes per the VPCP axis client, see docs/edocs.md)."""

    ARRIVED = "01", _("Arrived")
    REFUSED = "02", _("Refused")
    ACCEPTED = "03", _("Accepted (registered)")
    ASSIGNED = "04", _("Assigned")
    PROCESSING = "05", _("Being processed")
    COMPLETED = "06", _("Completed")


class IncomingDocument(models.Model):
    """Văn bản đến: registered with an arrival number per (register, year), assigned with a deadline."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        PROCESSING = "processing", _("Being processed")
        COMPLETED = "completed", _("Completed")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="+", verbose_name=_("register")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    arrival_number = models.PositiveIntegerField(_("arrival number"))
    received_at = models.DateTimeField(_("received at"))
    electronic = models.BooleanField(_("received electronically"), default=True)
    sender_code = models.CharField(_("sender's identifier"), max_length=40)
    sender_name = models.CharField(_("sender"), max_length=300)
    document_id = models.CharField(_("document identifier"), max_length=200)
    code_number = models.CharField(_("number"), max_length=11)
    notation = models.CharField(_("reference symbol"), max_length=30)
    kind_name = models.CharField(_("type"), max_length=100, blank=True)
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)
    promulgation_date = models.DateField(_("issued on"), null=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signature_subject = models.CharField(_("verified signature of"), max_length=300, blank=True)
    signed_digitally = models.BooleanField(_("signed digitally"), default=False)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    package = models.FileField(_("package (edXML)"), upload_to="edocs/in/%Y/", blank=True)
    source = models.ForeignKey(
        OutgoingDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="set when the sender is one of our own units (delivered without the network)",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    assigned_unit = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned unit"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("processing due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    result_note = models.TextField(_("result"), blank=True)
    # the words the register search matches (edocs/search.py); kept by save()
    search_text = models.TextField(editable=False, default="")

    SEARCHED = ("code_number", "notation", "subject", "sender_name", "sender_code", "document_id")

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["-year", "-arrival_number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "arrival_number"], name="edocs_in_number_unique"
            ),
            # the same package received twice is registered once
            models.UniqueConstraint(fields=["agency", "sender_code", "document_id"], name="edocs_in_once"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="edocs_in_queue_idx"),
            models.Index(fields=["agency", "-received_at"], name="edocs_in_agency_idx"),
            models.Index(fields=["register", "-year", "-arrival_number"], name="edocs_in_register_idx"),
            # the register's order across units: a search for a common word reads it in order
            models.Index(fields=["-year", "-arrival_number", "-id"], name="edocs_in_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number} – {self.code}"

    def save(self, *args, **kwargs):
        self.search_text = search.incoming_words(self)
        _with_search_text(kwargs, self.SEARCHED)
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        return f"{self.code_number}/{self.notation}" if self.code_number else self.notation

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.COMPLETED and self.due_at is not None and self.due_at < timezone.now()
        )


class StatusEvent(models.Model):
    """A status message sent or received about a document: the timeline shown on its page."""

    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, on_delete=models.CASCADE, related_name="statuses"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, on_delete=models.CASCADE, related_name="statuses"
    )
    org_code = models.CharField(_("from"), max_length=40)
    code = models.CharField(_("status"), max_length=2, choices=StatusCode.choices)
    description = models.TextField(_("description"), blank=True)
    at = models.DateTimeField(_("at"))
    staff = models.CharField(_("staff"), max_length=200, blank=True)

    class Meta:
        # timestamps in status messages have whole seconds: in a tie the workflow order (01 < 03 < 04
        # < 05 < 06) decides, not the order in which concurrent deliveries arrived
        ordering = ["at", "code", "id"]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.org_code})"


class Package(models.Model):
    """The exchange outbox (and record) of packages we send: a document or a status message to one
    peer. Claimed with a lease and retried with backoff, like the e-mail outbox (core.mail)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        STATUS = "status", _("Status message")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(
        max_length=250, unique=True, help_text="document id + recipient (+ status): queued once"
    )
    to_code = models.CharField(_("to"), max_length=40)
    document_id = models.CharField(_("document identifier"), max_length=200, db_index=True)
    payload = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, db_index=True)
    sent_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)
    receipt = models.TextField(blank=True, help_text="what the peer answered")

    class Meta:
        verbose_name = _("exchange package")
        verbose_name_plural = _("exchange packages")
        # what waits for a peer (the peers page counts it per row)
        indexes = [models.Index(fields=["to_code", "sent_at"], name="edocs_package_peer_idx")]


class Hop(models.Model):
    """One step of a package's journey (queued, sent, refused by the peer, received, verified,
    registered…): the audit trail per hop. Append-only by convention; written by the services."""

    document_id = models.CharField(max_length=200, db_index=True)
    direction = models.CharField(max_length=3, choices=[("out", "out"), ("in", "in")])
    step = models.CharField(max_length=20)
    peer = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        # a peer's last exchange step (the peers page reads it per row)
        indexes = [models.Index(fields=["peer", "-at"], name="edocs_hop_peer_idx")]
