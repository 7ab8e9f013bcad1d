"""Poor-household registry (CSDL hộ nghèo, hộ cận nghèo).

Poverty standards are data: a `PovertyStandard` with its income thresholds per area setting and its
indicators, each carrying a deprivation rule (see rules.py) over household and member fields. A
classification stores the standard it was computed under, so a later standard never rewrites it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.models import TimeStampedModel
from cchc.org.models import AdministrativeArea, Agency


class Category(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    MIDDLE = "middle", _("Middle living standard")
    NONE = "none", _("Not poor or near-poor")


class PovertyStandard(models.Model):
    """Chuẩn nghèo đa chiều: one period's standard, effective-dated."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    valid_from = models.DateField(_("applies from"))
    valid_to = models.DateField(_("applies until"), null=True, blank=True)
    deprivation_cutoff = models.PositiveSmallIntegerField(
        _("deprivation cut-off (indicators)"),
        help_text=_("A household at or below the income line is poor with at least this many deprivations."),
    )
    points_per_indicator = models.PositiveSmallIntegerField(_("points per indicator"), default=10)
    notes = models.TextField(_("notes and unconfirmed points"), blank=True)
    # Which households the middle living standard band applies to (rules.py grammar); empty = all.
    # NĐ 07/2021 limits it to households living from agriculture, forestry, fishery or salt-making.
    middle_rule = models.JSONField(_("middle living standard applies to (rule)"), null=True, blank=True)
    middle_rule_text = models.CharField(_("middle living standard applies to"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return self.name


class IncomeThreshold(models.Model):
    """Ngưỡng thu nhập (VND per person per month) for one area setting of a standard.

    `auto_poor_line` is the lower band of QĐ 59/2015 (poor whatever the deprivations); the later
    standards have none. `income_line` is the line at or below which a household is poor (with
    enough deprivations) or near-poor. `middle_line` is the top of the middle living standard band.
    """

    standard = models.ForeignKey(PovertyStandard, on_delete=models.CASCADE, related_name="thresholds")
    setting = models.CharField(_("urban/rural"), max_length=5, choices=AdministrativeArea.Setting.choices)
    auto_poor_line = models.PositiveIntegerField(
        _("poverty line (poor regardless of deprivations)"), null=True, blank=True
    )
    income_line = models.PositiveIntegerField(_("income line (poor / near-poor)"))
    middle_line = models.PositiveIntegerField(
        _("upper line of the middle living standard"), null=True, blank=True
    )
    confirmed = models.BooleanField(_("confirmed against the legal text"), default=True)

    class Meta:
        verbose_name = _("income threshold")
        verbose_name_plural = _("income thresholds")
        constraints = [models.UniqueConstraint(fields=["standard", "setting"], name="threshold_per_setting")]


class Indicator(models.Model):
    """Chỉ số đo lường mức độ thiếu hụt: one indicator with its deprivation rule (rules.py)."""

    standard = models.ForeignKey(PovertyStandard, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("no."))
    code = models.SlugField(_("code"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=100)
    name = models.CharField(pgettext_lazy("poverty", "indicator"), max_length=200)
    cutoff_text = models.TextField(_("deprivation cut-off"))
    rule = models.JSONField(_("deprivation rule"))
    confirmed = models.BooleanField(_("cut-off confirmed against the legal text"), default=False)
    source_note = models.CharField(_("source note"), max_length=500, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("poverty", "indicator")
        verbose_name_plural = _("indicators")
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_per_standard")
        ]

    def __str__(self) -> str:
        return self.name


class WaterSource(models.TextChoices):
    PIPED = "piped", _("Piped water")
    DRILLED_WELL = "drilled_well", _("Drilled well")
    PROTECTED_WELL = "protected_well", _("Protected dug well")
    PROTECTED_SPRING = "protected_spring", _("Protected spring")
    RAINWATER = "rainwater", _("Rainwater")
    BOTTLED = "bottled", _("Bottled water")
    UNPROTECTED = "unprotected", _("Unprotected well or spring")
    SURFACE = "surface", _("River, lake, pond")
    OTHER = "other", _("Other")


class Latrine(models.TextChoices):
    SEPTIC = "septic", _("Septic or semi-septic tank")
    POUR_FLUSH = "pour_flush", _("Pour-flush")
    DOUBLE_VAULT = "double_vault", _("Double-vault composting")
    VENTILATED_PIT = "ventilated_pit", _("Ventilated improved pit")
    UNIMPROVED = "unimproved", _("Unimproved pit or hanging latrine")
    NONE = "none", _("No latrine")


class Livelihood(models.TextChoices):
    """The household's main livelihood (ngành nghề sinh sống chính), as recorded by the commune officer."""

    NOT_RECORDED = "", _("Not recorded")
    AGRICULTURE = "agriculture", _("Agriculture (nông nghiệp)")
    FORESTRY = "forestry", _("Forestry (lâm nghiệp)")
    FISHERY = "fishery", _("Fishery (ngư nghiệp)")
    SALT_MAKING = "salt_making", _("Salt-making (diêm nghiệp)")
    OTHER = "other", _("Other (industry, trade, services, wages, pensions …)")


class Household(TimeStampedModel):
    """Hộ gia đình: the household form (phiếu) as last entered by the commune."""

    code = models.CharField(_("household code"), max_length=30, unique=True)
    commune = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("commune"),
        limit_choices_to={"type": "commune"},
    )
    village = models.CharField(_("village (thôn, tổ dân phố)"), max_length=120, blank=True)
    head_name = models.CharField(_("head of household"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    income_per_person = models.PositiveIntegerField(_("income per person (VND/month)"))
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=7, decimal_places=1)
    wall_durable = models.BooleanField(_("walls of durable material"), default=True)
    column_durable = models.BooleanField(_("columns of durable material"), default=True)
    roof_durable = models.BooleanField(_("roof of durable material"), default=True)
    water_source = models.CharField(_("drinking water source"), max_length=20, choices=WaterSource.choices)
    latrine = models.CharField(_("latrine"), max_length=20, choices=Latrine.choices)
    uses_telecom = models.BooleanField(_("a member uses a phone or internet subscription"), default=True)
    uses_internet = models.BooleanField(_("a member uses the internet"), default=True)
    uses_digital_services = models.BooleanField(_("a member uses public digital services"), default=False)
    has_information_device = models.BooleanField(_("owns a TV, radio, computer or smartphone"), default=True)
    hears_loudspeaker = models.BooleanField(_("hears the commune loudspeaker system"), default=True)
    treats_waste = models.BooleanField(_("domestic waste collected or treated hygienically"), default=True)
    livelihood = models.CharField(
        _("main livelihood"),
        max_length=12,
        choices=Livelihood.choices,
        blank=True,
        help_text=_(
            "Decides whether the middle living standard applies (NĐ 07/2021: "
            "agriculture, forestry, fishery and salt-making households only)."
        ),
    )
    is_synthetic = models.BooleanField(_("synthetic (demo or test) record"), default=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["commune_id", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (THCS)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (THPT)")
    VOCATIONAL = "vocational", _("Vocational certificate or diploma")
    HIGHER = "higher", _("College or university")


class Work(models.TextChoices):
    CONTRACT = "contract", _("Employed with a labour contract")
    NO_CONTRACT = "no_contract", _("Wage work without a labour contract")
    SELF_EMPLOYED = "self_employed", _("Self-employed or farming")
    UNEMPLOYED = "unemployed", _("Unemployed, looking for work")
    NOT_WORKING = "not_working", _("Not in the labour force")


class SocialProtectionGroup(models.TextChoices):
    """Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng, Điều 5 NĐ 20/2021/NĐ-CP (clause numbers)."""

    NONE = "", _("None")
    ORPHAN = "1", _("1. Child under 16 without a source of nurture")
    ORPHAN_STUDENT = "2", _("2. Person from 16 in group 1 still in education")
    HIV_POOR = "3", _("3. Person with HIV/AIDS in a poor household")
    SINGLE_PARENT = "4", _("4. Poor single parent raising children")
    ELDERLY = "5", _("5. Elderly person")
    DISABILITY = "6", _("6. Child or person with disabilities")
    CHILD_UNDER_3 = "7", _("7. Child under 3 in a poor or near-poor household of a disadvantaged commune")


class Member(models.Model):
    """Thành viên hộ."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    identity_number = models.CharField(_("identity number"), max_length=12, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=50)
    has_disability = models.BooleanField(_("person with disabilities"), default=False)
    health_insurance = models.BooleanField(_("has health insurance"), default=True)
    in_school = models.BooleanField(_("attending school"), default=False)
    behind_grade = models.BooleanField(_("not at the grade right for their age"), default=False)
    education = models.CharField(_("highest education completed"), max_length=20, choices=Education.choices)
    work = models.CharField(_("work"), max_length=20, choices=Work.choices)
    ill_untreated = models.BooleanField(_("was ill and did not seek medical care"), default=False)
    malnourished = models.BooleanField(_("stunted or underweight (child)"), default=False)
    social_protection = models.CharField(
        _("social-protection beneficiary (NĐ 20/2021)"),
        max_length=2,
        choices=SocialProtectionGroup.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household_id", "birth_date", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def identity_masked(self) -> str:
        return mask_identity(self.identity_number)


def mask_identity(number: str) -> str:
    """Show only the last 3 digits of a citizen identity number in lists."""
    if not number:
        return ""
    return "•" * (len(number) - 3) + number[-3:]


class ReviewRound(TimeStampedModel):
    """Đợt rà soát hộ nghèo định kỳ hằng năm of one commune, from entry to the approved list."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: forms being entered")
        SUBMITTED = "submitted", _("Reviewed by the commune board, awaiting approval")
        APPROVED = "approved", _("Approved by the commune chairperson and published")

    commune = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="poverty_rounds", verbose_name=_("commune")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reference_date = models.DateField(
        _("reference date"), help_text=_("ages and the standard are taken on this day")
    )
    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("poverty standard")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    board_note = models.TextField(_("minutes of the commune board"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    decision = models.CharField(_("approval decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "commune__name"]
        constraints = [models.UniqueConstraint(fields=["commune", "year"], name="one_round_per_commune_year")]

    def __str__(self) -> str:
        return f"{self.commune} – {self.year}"


class Movement(models.TextChoices):
    STAYED_POOR = "stayed_poor", _("Still poor")
    NEWLY_POOR = "newly_poor", _("Newly poor (phát sinh)")
    RE_POOR = "re_poor", _("Fell back into poverty (tái nghèo)")
    ESCAPED_POOR = "escaped_poor", _("Escaped poverty (thoát nghèo)")
    NEWLY_NEAR_POOR = "newly_near_poor", _("Newly near-poor")
    ESCAPED_NEAR_POOR = "escaped_near_poor", _("Escaped near-poverty (thoát cận nghèo)")
    UNCHANGED = "unchanged", _("Unchanged")


class Classification(models.Model):
    """One household's result under one standard: the category, the score and the deprived indicators.

    Written by a review round (`round` set) or by an in-year decision; never recomputed in place.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="classifications")
    round = models.ForeignKey(
        ReviewRound, null=True, blank=True, on_delete=models.CASCADE, related_name="classifications"
    )
    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, related_name="+", verbose_name=_("poverty standard")
    )
    reference_date = models.DateField(_("reference date"))
    setting = models.CharField(_("urban/rural"), max_length=5, choices=AdministrativeArea.Setting.choices)
    income_per_person = models.PositiveIntegerField(_("income per person (VND/month)"))
    category = models.CharField(_("classification"), max_length=10, choices=Category.choices, db_index=True)
    deprivation_count = models.PositiveSmallIntegerField(_("deprived indicators"))
    deprivation_score = models.PositiveSmallIntegerField(_("deprivation score (points)"))
    deprived = models.JSONField(_("deprived indicators"), default=list)
    movement = models.CharField(
        _("movement since the last round"), max_length=20, choices=Movement.choices, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["-reference_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="one_result_per_round")]


class InYearApplication(TimeStampedModel):
    """Rà soát thường xuyên: a household's request during the year, decided within 7 working days."""

    class Kind(models.TextChoices):
        JOIN = "join", _("Recognition as poor or near-poor (phát sinh)")
        LEAVE = "leave", _("Leaving the list (thoát nghèo, thoát cận nghèo)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", pgettext_lazy("poverty", "Accepted")
        REFUSED = "refused", _("Refused")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(_("request"), max_length=5, choices=Kind.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(
        _("to be decided by"), help_text=_("7 working days after receipt (TT 14/2018)")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reasons (required for a refusal)"), blank=True)
    classification = models.OneToOneField(
        Classification, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )

    class Meta:
        verbose_name = _("in-year application")
        verbose_name_plural = _("in-year applications")
        ordering = ["-received_at", "-id"]
