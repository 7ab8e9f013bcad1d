"""What the citizen side of the platform keeps beside onestop's dossiers: online payments,
notifications, one-time tracking codes and the citizens' ratings of the service."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """One attempt to pay a dossier's fee online (thanh toán trực tuyến) through a payment gateway."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payment gateway")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired (no answer from the gateway in time)")

    reference = models.CharField(
        _("payment reference"),
        max_length=40,
        unique=True,
        help_text=_("our order number, sent to the gateway and signed in its answer"),
    )
    dossier = models.ForeignKey(
        "onestop.Dossier", on_delete=models.PROTECT, related_name="portal_payments", verbose_name=_("dossier")
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_payments",
        verbose_name=_("payer"),
    )
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    description = models.CharField(_("content of the payment"), max_length=250)
    gateway = models.CharField(_("payment gateway"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_reference = models.CharField(_("gateway transaction number"), max_length=80, blank=True)
    failure_reason = models.CharField(_("reason of failure"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    gateway_answer = models.JSONField(_("signed answer of the gateway"), null=True, blank=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["-created_at"]
        constraints = [
            # A fee is collected once: a second success for the same dossier is refused by the database.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status="succeeded"),
                name="portal_payment_one_success_per_dossier",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="portal_payment_pending_idx")]

    def __str__(self) -> str:
        return self.reference


class Notification(models.Model):
    """An in-app message (thông báo) to a signed-in applicant, e.g. on a status change of a dossier."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="portal_notifications",
        verbose_name=_("recipient"),
    )
    dossier = models.ForeignKey(
        "onestop.Dossier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_notifications",
        verbose_name=_("dossier"),
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("content"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="portal_notif_unread_idx")]

    def __str__(self) -> str:
        return self.subject


class TrackingCode(models.Model):
    """A one-time code (mã xác thực) e-mailed to the applicant to follow a dossier without an account.
    Only a salted hash is stored; it expires and allows a few attempts."""

    dossier = models.ForeignKey(
        "onestop.Dossier",
        on_delete=models.CASCADE,
        related_name="portal_tracking_codes",
        verbose_name=_("dossier"),
    )
    sent_to = models.EmailField(_("sent to"))
    code_hash = models.CharField(_("hash of the code"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracking code")
        verbose_name_plural = _("tracking codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class ServiceRating(models.Model):
    """The applicant's evaluation (đánh giá) of how the dossier was handled, on the citizen evaluation
    criteria in force when the rating was given (NĐ 61/2018 Điều 31; see portal/rating.py)."""

    dossier = models.OneToOneField(
        "onestop.Dossier", on_delete=models.PROTECT, related_name="portal_rating", verbose_name=_("dossier")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="portal_ratings",
        verbose_name=_("rated by"),
    )
    criteria_version = models.CharField(_("criteria version"), max_length=40)
    satisfied = models.BooleanField(_("satisfied"), help_text=_("no criterion was rated poor"))
    comment = models.TextField(_("other comments"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.criteria_version}"


class RatingScore(models.Model):
    """One criterion of a rating, scored 2 (good) / 1 (as required) / 0 (poor) like TT 01/2018 Điều 13."""

    rating = models.ForeignKey(
        ServiceRating, on_delete=models.CASCADE, related_name="scores", verbose_name=_("rating")
    )
    criterion = models.CharField(_("criterion"), max_length=40)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("rating score")
        verbose_name_plural = _("rating scores")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="portal_rating_score_unique"),
            models.CheckConstraint(condition=Q(score__lte=2), name="portal_rating_score_0_2"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}={self.score}"


class EFormField(models.Model):
    """One field of the electronic form (tờ khai điện tử) of a procedure version (see portal/eforms.py)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        TEXTAREA = "textarea", _("Long text")
        EMAIL = "email", _("E-mail")
        DATE = "date", _("Date")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")

    version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.CASCADE,
        related_name="eform_fields",
        verbose_name=_("procedure version"),
    )
    code = models.CharField(_("field code"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("one per line, for choice fields"))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("e-form field")
        verbose_name_plural = _("e-form fields")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="portal_eform_field_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]
