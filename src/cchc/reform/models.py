"""Reform registers (sổ theo dõi cải cách hành chính). Every figure of the annual reform report
is counted from these rows, so every figure can be checked record by record.

A register row belongs to the unit responsible for it (`agency`); reports for a ministry count
the ministry and every unit below it. What changed a row (a decree, a circular) is a
LegalDocument, and the date that places a change in a year is that document's issue date.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency


class LegalDocument(TimeStampedModel):
    """Văn bản quy phạm pháp luật drafted, submitted or issued by the ministry."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        ORDINANCE = "ordinance", _("Ordinance")
        DECREE = "decree", _("Decree")
        PM_DECISION = "pm_decision", _("Prime Minister's decision")
        CIRCULAR = "circular", _("Circular")
        DECISION = "decision", _("Minister's decision")

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Being drafted")
        SUBMITTED = "submitted", _("Submitted")
        ISSUED = "issued", _("Issued")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafting unit")
    )
    kind = models.CharField(_("document type"), max_length=12, choices=Kind.choices)
    number = models.CharField(
        _("number"), max_length=100, blank=True, help_text=_("e.g. 140/2018/NĐ-CP; empty until issued")
    )
    title = models.CharField(_("title"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFTING)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip() if self.number else self.title


class BusinessCondition(TimeStampedModel):
    """Điều kiện đầu tư kinh doanh: one condition of a regulated business line."""

    class Status(models.TextChoices):
        KEPT = "kept", _("Kept")
        SIMPLIFIED = "simplified", _("Simplified")
        ABOLISHED = "abolished", _("Abolished")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("managing unit")
    )
    sector = models.CharField(
        _("business line"), max_length=300, help_text=_("Ngành, nghề đầu tư kinh doanh có điều kiện")
    )
    text = models.TextField(_("condition"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.KEPT)
    changed_by = models.ForeignKey(
        LegalDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_conditions",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("business condition")
        verbose_name_plural = _("business conditions")
        ordering = ["sector", "id"]

    def __str__(self) -> str:
        return f"{self.sector}: {self.text[:80]}"


class InspectionItem(TimeStampedModel):
    """Sản phẩm, hàng hóa thuộc diện kiểm tra chuyên ngành."""

    class Status(models.TextChoices):
        KEPT = "kept", _("Still inspected")
        CUT = "cut", _("Cut")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("managing unit")
    )
    name = models.CharField(_("product or goods"), max_length=500)
    hs_code = models.CharField(_("HS code"), max_length=20, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default=Status.KEPT)
    changed_by = models.ForeignKey(
        LegalDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_items",
        verbose_name=_("cut by"),
    )

    class Meta:
        verbose_name = _("specialised-inspection item")
        verbose_name_plural = _("specialised-inspection items")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class SimplificationPlan(TimeStampedModel):
    """Phương án đơn giản hóa: what to do with one procedure, and how far it got."""

    class Action(models.TextChoices):
        ABOLISH = "abolish", _("Abolish")
        SIMPLIFY = "simplify", _("Simplify")
        KEEP = "keep", _("Keep")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        ENACTED = "enacted", _("Enacted")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="simplification_plans",
        verbose_name=_("procedure"),
    )
    year = models.PositiveSmallIntegerField(_("plan year"))
    action = models.CharField(
        pgettext_lazy("simplification plan", "action"), max_length=10, choices=Action.choices
    )
    changes = models.TextField(_("what changes"), blank=True)
    components_removed = models.PositiveSmallIntegerField(_("dossier components removed"), default=0)
    time_before = models.DecimalField(
        _("processing time before (days)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    time_after = models.DecimalField(
        _("processing time after (days)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost_before = models.DecimalField(
        _("compliance cost before (VND)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost_after = models.DecimalField(
        _("compliance cost after (VND)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    approved_by = models.CharField(_("approving decision"), max_length=300, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    enacted_by = models.ForeignKey(
        LegalDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="simplification_plans",
        verbose_name=_("enacted by"),
    )

    class Meta:
        verbose_name = _("simplification plan")
        verbose_name_plural = _("simplification plans")
        ordering = ["-year", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "year"], name="one_plan_per_procedure_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.procedure.code} ({self.year})"


class WorkProgrammeTask(TimeStampedModel):
    """A task of the Government's (or the Prime Minister's) work programme assigned to the ministry."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit in charge")
    )
    year = models.PositiveSmallIntegerField(_("programme year"))
    title = models.CharField(_("project or task"), max_length=500)
    deadline = models.DateField(_("deadline for submission"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    document = models.ForeignKey(
        LegalDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_programme_tasks",
        verbose_name=_("resulting document"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("work programme task")
        verbose_name_plural = _("work programme tasks")
        ordering = ["-year", "deadline", "id"]

    def __str__(self) -> str:
        return self.title

    def is_done(self) -> bool:
        return self.submitted_on is not None

    def is_late(self, today) -> bool:
        """Submitted after the deadline, or not submitted and the deadline has passed."""
        return (self.submitted_on or today) > self.deadline


class SocioEconomicTarget(TimeStampedModel):
    """A socio-economic target assigned by the National Assembly or the Government, with its result."""

    class Comparison(models.TextChoices):
        AT_MOST = "at_most", _("at most")
        AT_LEAST = "at_least", _("at least")

    class Body(models.TextChoices):
        NATIONAL_ASSEMBLY = "national_assembly", _("National Assembly")
        GOVERNMENT = "government", _("Government")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit in charge")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("indicator"), max_length=300)
    assigned_by = models.CharField(
        _("assigned by"), max_length=20, choices=Body.choices, default=Body.NATIONAL_ASSEMBLY
    )
    resolution = models.CharField(
        _("resolution"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the National Assembly's resolution on the socio-economic plan"),
    )
    unit = models.CharField(_("unit of measure"), max_length=30, default="%")
    comparison = models.CharField(_("target is"), max_length=8, choices=Comparison.choices)
    target = models.DecimalField(
        pgettext_lazy("socio-economic target", "target"), max_digits=12, decimal_places=2
    )
    actual = models.DecimalField(_("result"), max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source of the result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("socio-economic target")
        verbose_name_plural = _("socio-economic targets")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "name"], name="one_target_per_indicator_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return (
            self.actual <= self.target
            if self.comparison == self.Comparison.AT_MOST
            else self.actual >= self.target
        )
