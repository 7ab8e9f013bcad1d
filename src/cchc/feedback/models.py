"""Feedback (phản ánh, kiến nghị — PAKN) from citizens and businesses about dossiers and procedures.

A citizen or business files it in the portal; the unit that handles the dossier or the procedure
receives it and must answer within a number of working days fixed by the effective-dated `FeedbackRule`
in force at receipt (kept on the feedback). A complaint about the officers' conduct also gets a verdict,
upheld or not; an upheld one about a dossier is recorded on the dossier (TT 01/2018 index 7). Whether
feedback was handled on time feeds index 8 through the metric `feedback.on_time_rate`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.org.models import Agency


class FeedbackRule(models.Model):
    """The effective-dated time limit for answering feedback. The number is not in the project's legal
    reference: each row's `note` says what must be verified before relying on it."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    effective_from = models.DateField(_("effective from"), unique=True)
    answer_working_days = models.PositiveSmallIntegerField(
        _("working days to answer"), help_text=_("counted from the day of receipt")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("confidence of the number and what to verify"))

    class Meta:
        verbose_name = _("feedback rule")
        verbose_name_plural = _("feedback rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CONDUCT = "conduct", _("Complaint about an officer's conduct")
    PROCEDURE = "procedure", _("Feedback on a procedure or regulation")
    OTHER = "other", _("Other feedback")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received, being handled")
    ANSWERED = "answered", _("Answered")


class Verdict(models.TextChoices):
    UPHELD = "upheld", _("Upheld (the complaint is justified)")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Feedback(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("filed by"),
    )
    dossier = models.ForeignKey(
        "onestop.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("dossier"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("procedure"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("unit handling it")
    )
    subject = models.CharField(_("subject"), max_length=300)
    content = models.TextField(_("content"))
    officer_name = models.CharField(
        _("officer concerned"),
        max_length=200,
        blank=True,
        help_text=_("for a complaint about conduct, if known"),
    )
    received_at = models.DateTimeField(_("received at"))
    rule = models.ForeignKey(
        FeedbackRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("feedback rule"),
        help_text=_("fixed at receipt"),
    )
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reply = models.TextField(_("reply"), blank=True)
    verdict = models.CharField(
        pgettext_lazy("complaint", "verdict"), max_length=12, choices=Verdict.choices, blank=True
    )
    handled_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    on_time = models.BooleanField(_("answered on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="feedback_queue_idx"),
            models.Index(fields=["agency", "received_at"], name="feedback_period_idx"),
            models.Index(fields=["filed_by", "-received_at"], name="feedback_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """PAKN-YYMMDD-<id>: quoted in replies and notifications."""
        if not (self.pk and self.received_at):
            return "PAKN"
        return f"PAKN-{timezone.localtime(self.received_at):%y%m%d}-{self.pk:05d}"

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.RECEIVED and self.due_at < timezone.now()
