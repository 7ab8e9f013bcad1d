"""Dossiers (hồ sơ TTHC) and their life cycle under the one-stop mechanism (NĐ 61/2018, NĐ 118/2025).

A dossier keeps every raw fact the evaluation regimes need (docs/onestop.md): the times of receipt,
each status change (DossierEvent), each pause for supplementation or payment (DossierPause), each
hand-over between units (DossierStep, the custody log of Mẫu 05), the procedure version and the
one-stop rule set in force at receipt. The legal deadline (restarted after a complete supplement)
and the QĐ 766 evaluation deadline (pauses subtracted) are both kept.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency


class RuleSet(models.Model):
    """Bộ quy định một cửa: the effective-dated numbers of the one-stop decree in force.

    NĐ 61/2018 (from 21/6/2018) and NĐ 118/2025 (from 01/7/2025). The numbers of 118/2025 are those
    of 61/2018 until its article texts are verified (marked in `note`).
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    effective_from = models.DateField(_("effective from"), unique=True)
    cutoff_hour = models.PositiveSmallIntegerField(
        _("cut-off hour"),
        default=15,
        help_text=_("received after this hour → counts from the next working day"),
    )
    supplement_request_days = models.PositiveSmallIntegerField(
        _("days to request supplementation"), default=3, help_text=_("working days after receipt")
    )
    apology_days_before_due = models.PositiveSmallIntegerField(
        _("apology at least … days before due"), default=1
    )
    reschedules_allowed = models.PositiveSmallIntegerField(_("re-schedulings allowed"), default=1)
    # TT 01/2018 Điều 13 index 5: share (%) of dossiers appraised and approved at the one-stop unit
    # that scores 2, by the level of the receiving agency.
    desk_resolution_share_central = models.PositiveSmallIntegerField(
        _("index 5: share resolved at the desk, ministry/province (%)"), default=20
    )
    desk_resolution_share_district = models.PositiveSmallIntegerField(
        _("index 5: share resolved at the desk, district (%)"), default=50
    )
    desk_resolution_share_commune = models.PositiveSmallIntegerField(
        _("index 5: share resolved at the desk, commune (%)"), default=100
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("confidence of each number and what to verify")
    )

    class Meta:
        verbose_name = _("one-stop rule set")
        verbose_name_plural = _("one-stop rule sets")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class Channel(models.IntegerChoices):
    """Kênh thực hiện / HinhThuc (DVCQG codes)."""

    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class Status(models.IntegerChoices):
    """Trạng thái hồ sơ: 0 is our draft; 1–10 are the national codes (TrangThaiHoSo) used with DVCQG."""

    DRAFT = 0, _("Draft (not submitted)")
    SUBMITTED = 1, _("Newly registered")
    ACCEPTED = 2, _("Accepted")
    REFUSED = 3, _("Not accepted")
    PROCESSING = 4, _("Being processed")
    SUPPLEMENT = 5, _("Supplementation requested")
    PAYMENT = 6, _("Financial obligation requested")
    WITHDRAWN = 7, _("Withdrawn at the applicant's request")
    STOPPED = 8, _("Processing stopped")
    DONE = 9, _("Processed")
    RETURNED = 10, _("Result returned")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)
TERMINAL_STATUSES = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.DONE, Status.RETURNED)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Resolved (result issued)")
    REFUSED = "refused", _("Refused after appraisal (Mẫu 03)")


class Dossier(TimeStampedModel):
    code = models.CharField(
        _("dossier code"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("<agency code>-YYMMDD-XXXX (TT 01/2018 Điều 19); empty while a draft"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
        help_text=_("the version in force at receipt"),
    )
    rule_set = models.ForeignKey(
        RuleSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("one-stop rule set"),
        help_text=_("fixed at receipt"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossiers_received", verbose_name=_("receiving agency")
    )
    handling_unit = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_handled",
        verbose_name=_("unit holding the dossier"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_assigned",
        verbose_name=_("officer handling the dossier"),
    )
    # Applicant (người nộp hồ sơ): the account, if any, and the facts written on the forms.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("applicant account"),
    )
    applicant_kind = models.PositiveSmallIntegerField(
        _("applicant type"),
        default=1,
        choices=[(1, _("Citizen")), (2, pgettext_lazy("applicant", "Organisation"))],
    )
    applicant_name = models.CharField(_("applicant name"), max_length=300, blank=True)
    applicant_identity = models.CharField(_("identity number / tax code"), max_length=30, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    note = models.TextField(_("content of the request"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("received at"), null=True, blank=True, help_text=_("time of acceptance (Mẫu 01, item 4)")
    )
    processing_days = models.DecimalField(
        _("legal processing time"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("from the procedure version at receipt"),
    )
    processing_unit = models.CharField(_("unit of the processing time"), max_length=12, blank=True)
    first_due_at = models.DateTimeField(_("first due date"), null=True, blank=True)
    legal_due_at = models.DateTimeField(
        _("legal due date"),
        null=True,
        blank=True,
        help_text=_("restarts after a complete supplement (NĐ 61/2018 Điều 19.4)"),
    )
    evaluation_due_at = models.DateTimeField(
        _("due date for evaluation"),
        null=True,
        blank=True,
        help_text=_("first due date plus paused working days (QĐ 766)"),
    )
    due_at = models.DateTimeField(
        _("appointment for the result"),
        null=True,
        blank=True,
        help_text=_("the date promised to the applicant (after an apology, the new one)"),
    )
    finished_at = models.DateTimeField(_("processing finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplementation requests"), default=0)
    paused_working_days = models.PositiveIntegerField(_("paused working days"), default=0)
    processing_working_days = models.IntegerField(
        _("working days used"),
        null=True,
        blank=True,
        help_text=_("from receipt to end of processing, pauses subtracted"),
    )
    on_time = models.BooleanField(_("on time (legal)"), null=True, blank=True)
    on_time_evaluation = models.BooleanField(_("on time (QĐ 766)"), null=True, blank=True)
    step_score = models.PositiveSmallIntegerField(
        _("hand-overs score (TT 01/2018 index 2)"),
        null=True,
        blank=True,
        help_text=_("2 every hand-over early, 1 none late, 0 some late; kept as steps complete"),
    )
    conduct_complaints_upheld = models.PositiveSmallIntegerField(
        _("upheld complaints about conduct"),
        default=0,
        help_text=_("complaints about the officers' conduct found to be justified (TT 01/2018 index 7)"),
    )
    refusal_reason = models.TextField(_("reasons for refusal / stop / withdrawal"), blank=True)
    fee_amount = models.DecimalField(
        _("fee due (VND)"), max_digits=14, decimal_places=0, default=Decimal("0")
    )
    paid_amount = models.DecimalField(_("paid (VND)"), max_digits=14, decimal_places=0, default=Decimal("0"))
    paid_online = models.BooleanField(_("paid online"), default=False)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    has_e_result = models.BooleanField(_("electronic result"), default=False)
    idempotency_key = models.CharField(
        _("submission key"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text=_("sent with an online submission so a double submit creates one dossier"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("optimistic locking"))
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        indexes = [
            # Work queues: a unit's / an officer's open dossiers by due date.
            models.Index(fields=["handling_unit", "status", "due_at"], name="onestop_queue_unit_idx"),
            models.Index(fields=["assignee", "status", "due_at"], name="onestop_queue_officer_idx"),
            models.Index(fields=["agency", "status", "due_at"], name="onestop_queue_desk_idx"),
            # Statistics by period, per receiving agency and per procedure.
            models.Index(fields=["agency", "received_at"], name="onestop_stats_agency_idx"),
            models.Index(fields=["procedure", "received_at"], name="onestop_stats_proc_idx"),
            models.Index(fields=["received_at"], name="onestop_stats_period_idx"),
            models.Index(fields=["applicant", "-created_at"], name="onestop_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.code or _("Draft #%(id)s") % {"id": self.pk}

    @property
    def processing_unit_label(self) -> str:
        """The unit of the processing time as people say it ("ngày làm việc"), not its code."""
        from cchc.procedures.models import TimeUnit

        return str(dict(TimeUnit.choices).get(self.processing_unit, self.processing_unit))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in (Status.SUPPLEMENT, Status.PAYMENT)


class DossierCodeCounter(models.Model):
    """The last sequence number given at an agency on a day (XXXX of the dossier code)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="onestop_code_counter_day")]


class DossierFile(models.Model):
    class Purpose(models.TextChoices):
        SUBMISSION = "submission", _("Submitted component")
        SUPPLEMENT = "supplement", _("Supplement")
        RESULT = "result", _("Electronic result")
        FORM = "form", _("Issued form")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="files", verbose_name=_("dossier")
    )
    component_code = models.CharField(_("component code"), max_length=40, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.SUBMISSION
    )
    file = models.FileField(_("file"), upload_to="onestop/", max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    replaced = models.BooleanField(_("replaced by a newer file"), default=False)

    class Meta:
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")
        ordering = ["dossier", "component_code", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.component_code or self.purpose} ({self.kind})"


class DossierEvent(models.Model):
    """Lịch sử xử lý: one line of the dossier's history (every status change and action)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier")
    )
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.PositiveSmallIntegerField(
        _("from status"), choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(
        _("to status"), choices=Status.choices, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier history")
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="onestop_event_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


class DossierPause(models.Model):
    """A stop of the clock: waiting for the applicant's supplement (Mẫu 02) or payment."""

    class Reason(models.TextChoices):
        SUPPLEMENT = "supplement", _("Supplementation requested (Mẫu 02)")
        PAYMENT = "payment", _("Financial obligation")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("dossier")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    items = models.JSONField(
        _("what to supplement and why"), default=list, blank=True, help_text=_("list of {component, reason}")
    )
    note = models.TextField(_("note"), blank=True)
    working_days = models.PositiveIntegerField(_("working days paused"), null=True, blank=True)
    before_acceptance = models.BooleanField(_("requested before acceptance"), default=False)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(ended_at__isnull=True), name="onestop_one_open_pause"
            )
        ]


class DossierStep(models.Model):
    """A hand-over in the custody log (Phiếu kiểm soát quá trình giải quyết hồ sơ, Mẫu 05)."""

    class Kind(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        CONSULTATION = "consultation", _("Consultation")
        TRANSFER = "transfer", _("Inter-agency transfer")
        APPROVAL = "approval", _("Leader approval")
        RETURN = "return", _("Return to the one-stop unit")

    class Verdict(models.TextChoices):
        EARLY = "early", _("Before the deadline")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("dossier")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
        verbose_name=_("officer"),
    )
    task = models.TextField(_("task"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    quota_days = models.PositiveSmallIntegerField(_("time quota (working days)"))
    due_at = models.DateTimeField(_("step due"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("completed by"),
    )
    answer = models.TextField(_("result / answer"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices, blank=True)

    class Meta:
        verbose_name = _("custody step")
        verbose_name_plural = _("custody log")
        ordering = ["dossier", "handed_over_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "completed_at"], name="onestop_step_officer_idx"),
            models.Index(fields=["unit", "completed_at"], name="onestop_step_unit_idx"),
        ]


class Apology(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): at most one per dossier."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="apology", verbose_name=_("dossier")
    )
    reason = models.TextField(_("reason for the delay"))
    old_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
