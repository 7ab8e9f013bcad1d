"""The catalogue of administrative procedures (thủ tục hành chính, TTHC), versioned.

A Procedure is the stable identity (code, name, field, level, implementing agency). Everything
NĐ 63/2010 Điều 8 requires of a procedure lives on a ProcedureVersion, effective-dated, so that a
dossier can keep the version in force when it was received. Abolished procedures keep their
history: their last version gets an end date and the procedure the status "abolished".
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.core.formatting import format_number
from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency

from .text import normalise


class Level(models.TextChoices):
    """Cấp thực hiện: the level of government that resolves the procedure."""

    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class Channel(models.TextChoices):
    """Cách thức thực hiện."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("Public postal service")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")


class OnlineLevel(models.TextChoices):
    """Mức độ dịch vụ công trực tuyến (NĐ 42/2022, NĐ 224/2026 Điều 14)."""

    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")


class Procedure(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        ABOLISHED = "abolished", _("Abolished")

    code = models.CharField(
        _("procedure code"),
        max_length=40,
        unique=True,
        help_text=_("Mã TTHC as published on the National Database, e.g. 1.001234; kept as given"),
    )
    name = models.CharField(_("procedure name"), max_length=500)
    field = models.CharField(_("field"), max_length=200, help_text=_("Lĩnh vực, e.g. Việc làm"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("implementing agency")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    abolished_by = models.CharField(_("abolishing document"), max_length=300, blank=True)
    # Normalised (no diacritics, lower case, đ→d) code, name, field and agency name: searched with LIKE.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["code"]
        indexes = [models.Index(fields=["field"]), models.Index(fields=["status", "level"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def refresh_search_text(self, agency_name: str | None = None) -> None:
        agency_name = agency_name if agency_name is not None else self.agency.name
        self.search_text = normalise(" ".join([self.code, self.name, self.field, agency_name]))


class ProcedureVersion(models.Model):
    """One effective-dated content of a procedure: every component of NĐ 63/2010 Điều 8."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("last day; empty while in force")
    )
    steps = models.JSONField(_("steps"), default=list, help_text=_("Trình tự thực hiện, one step per item"))
    channels = models.JSONField(_("channels"), default=list, help_text=_("Cách thức thực hiện"))
    processing_time_value = models.DecimalField(
        _("processing time"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    processing_time_unit = models.CharField(
        _("processing time unit"), max_length=12, choices=TimeUnit.choices
    )
    fee = models.DecimalField(
        _("fee (phí), VND"),
        max_digits=14,
        decimal_places=0,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    charge = models.DecimalField(
        _("charge (lệ phí), VND"),
        max_digits=14,
        decimal_places=0,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_note = models.TextField(_("fees and charges: notes"), blank=True)
    applicants = models.TextField(_("applicants"), help_text=_("Đối tượng thực hiện"))
    result = models.TextField(_("result"), help_text=_("Kết quả thực hiện"))
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    online_partial_reason = models.TextField(
        _("reason the service is only partly online"),
        blank=True,
        help_text=_("Required when partly online (NĐ 224/2026 Điều 14)"),
    )
    publication_decision = models.CharField(
        _("publication decision"),
        max_length=300,
        blank=True,
        help_text=_("Quyết định công bố: number and date"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    posted_at_desk_on = models.DateField(
        _("posted at the one-stop desks on"),
        null=True,
        blank=True,
        help_text=_("Niêm yết: the day the procedure was posted at the receiving desks"),
    )
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number"),
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="procedure_version_effective_from"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="procedure_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.effective_from:%d/%m/%Y})"

    @classmethod
    def in_force_on(cls, day):
        return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))

    @property
    def processing_time_text(self) -> str:
        """'15 ngày làm việc', '7,5 ngày': decimals only when the value has them."""
        value = self.processing_time_value
        places = 0 if value == value.to_integral_value() else 2 if (value * 10) % 1 else 1
        return f"{format_number(value, places)} {self.get_processing_time_unit_display()}"


class LegalBasis(models.Model):
    """Căn cứ pháp lý: a legal document a version rests on, with its effective date."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="legal_basis",
        verbose_name=_("procedure version"),
    )
    number = models.CharField(_("document number"), max_length=100, help_text=_("e.g. 61/2018/NĐ-CP"))
    title = models.CharField(_("document title"), max_length=500, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.number


class DossierComponent(models.Model):
    """Thành phần hồ sơ: one document the applicant hands in, with its form (mẫu đơn, tờ khai)."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("procedure version"),
    )
    code = models.CharField(_("component code"), max_length=40)
    name = models.CharField(_("component name"), max_length=500)
    required = models.BooleanField(_("required"), default=True)
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    form_name = models.CharField(_("form name"), max_length=300, blank=True, help_text=_("e.g. Mẫu số 03"))
    form_template = models.FileField(_("form template"), upload_to="procedures/forms/", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="dossier_component_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
