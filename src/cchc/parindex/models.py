"""PAR index (Chỉ số CCHC): methodologies as versioned data, assessment cycles, scores, results.

A methodology (bộ chỉ số) is the effective-dated legal rule: its tree of items, maxima and scoring
rules. A cycle keeps the methodology version it was run with, so results always say which rule
applied. Points are Decimal; rounding happens only when shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency

# Published scores carry up to five decimals (e.g. 13,75474 under 1149/QĐ-BNV): stored exactly, rounded
# only when shown. Input with more decimals is refused (rules.dec), never silently rounded.
POINT_PLACES = 5
VALUE_PLACES = 4
POINTS = {"max_digits": 12, "decimal_places": POINT_PLACES}


class Methodology(TimeStampedModel):
    """Bộ chỉ số: one version of an index's criteria tree, keyed to its governing decision."""

    class Level(models.TextChoices):
        MINISTRY = "ministry", _("Ministries and ministerial-level agencies")
        PROVINCE = "province", _("Provinces")
        UNIT = "unit", _("Units of a ministry")

    class Status(models.TextChoices):
        OFFICIAL = "official", _("Official (complete from the legal text)")
        PARTIAL = "partial", _("Partly official; placeholders to be filled from the official annex")
        PLACEHOLDER = "placeholder", _("Placeholder (not from an official text)")

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("assessed level"), max_length=10, choices=Level.choices)
    legal_basis = models.CharField(
        _("legal basis"), max_length=300, help_text=_("governing decision, e.g. 1149/QĐ-BNV ngày 30/12/2020")
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    status_note = models.TextField(_("what is official and what is a placeholder"), blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    bonus_cap = models.DecimalField(_("bonus points cap"), default=0, **POINTS)
    penalty_cap = models.DecimalField(_("penalty points cap"), default=0, **POINTS)

    class Meta:
        verbose_name = _("methodology (bộ chỉ số)")
        verbose_name_plural = _("methodologies")
        ordering = ["-effective_from", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"


class Block(models.Model):
    """Khối: a group of subjects with its own maximum (e.g. Tổng cục 100, Cục 80, Vụ 70)."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="blocks")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), **POINTS)

    class Meta:
        verbose_name = _("block (khối)")
        ordering = ["-max_points", "code"]
        constraints = [models.UniqueConstraint(fields=["methodology", "code"], name="parindex_block_code")]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """Lĩnh vực / tiêu chí / tiêu chí thành phần: a node of the tree. Only leaves are scored."""

    class Assessment(models.TextChoices):
        SELF = "self", _("Self-assessed and appraised")
        SURVEY = "survey", _("Sociological survey")
        METRIC = "metric", _("Computed from a platform metric, appraised")

    class Rule(models.TextChoices):
        ENTERED = "entered", _("Points entered")
        BANDS = "bands", _("Bands on a ratio")
        YES_NO = "yes_no", _("Yes / no")
        FORMULA = "formula", _("Formula over metrics")

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.TextField(_("name"))
    position = models.PositiveIntegerField(pgettext_lazy("ordering", "position"))
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    assessment = models.CharField(
        _("assessed by"), max_length=10, choices=Assessment.choices, default=Assessment.SELF
    )
    rule = models.CharField(_("scoring rule"), max_length=10, choices=Rule.choices, default=Rule.ENTERED)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    metric = models.CharField(_("platform metric"), max_length=100, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    exemptible = models.BooleanField(_("may be exempted"), default=False)
    blocks = models.JSONField(
        _("blocks it applies to"), default=list, blank=True, help_text=_("empty: every block")
    )
    official = models.BooleanField(_("from the official text"), default=False)
    guidance = models.TextField(_("guidance"), blank=True)

    class Meta:
        verbose_name = _("criterion (tiêu chí)")
        verbose_name_plural = _("criteria")
        ordering = ["methodology", "position"]
        constraints = [models.UniqueConstraint(fields=["methodology", "code"], name="parindex_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def area_code(self) -> str:
        return self.code.split(".")[0]


class Cycle(TimeStampedModel):
    """Kỳ đánh giá: one run of an index over a set of subjects, with its timeline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PUBLISHED = "published", _("Published")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    year = models.PositiveIntegerField(_("index year"))
    methodology = models.ForeignKey(
        Methodology, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("methodology")
    )
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous cycle"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    self_deadline = models.DateTimeField(_("self-assessment deadline"), null=True, blank=True)
    appraisal1_deadline = models.DateTimeField(_("appraisal round 1 deadline"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("explanation deadline"), null=True, blank=True)
    appraisal2_deadline = models.DateTimeField(_("appraisal round 2 deadline"), null=True, blank=True)
    survey_deadline = models.DateTimeField(_("survey points deadline"), null=True, blank=True)
    # [{"code": "A", "label": "...", "min": "90"}, …] from the highest limit down.
    groups = models.JSONField(_("ranking groups"), default=list, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo) data"), default=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment cycle")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Subject(models.Model):
    """Đối tượng đánh giá: a ministry, province or unit assessed in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="subjects")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed unit")
    )
    block = models.CharField(_("block"), max_length=30, blank=True)
    ranked = models.BooleanField(_("in the common ranking"), default=True)
    self_submitted_at = models.DateTimeField(_("self-assessment submitted"), null=True, blank=True)
    explanation_submitted_at = models.DateTimeField(_("explanation submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessed subject")
        ordering = ["cycle", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="parindex_subject_once")]

    def __str__(self) -> str:
        return str(self.agency)


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    APPRAISAL1 = "appraisal1", _("Appraisal round 1")
    EXPLANATION = "explanation", _("Explanation (giải trình)")
    APPRAISAL2 = "appraisal2", _("Appraisal round 2")
    SURVEY = "survey", _("Survey points")


class Entry(models.Model):
    """The current points (or explanation) of one subject for one item at one stage."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    value = models.DecimalField(
        _("entered value"),
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=VALUE_PLACES,
        help_text=_("the ratio or yes/no answer the points were derived from"),
    )
    points = models.DecimalField(_("points"), null=True, blank=True, **POINTS)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score entry")
        constraints = [
            models.UniqueConstraint(fields=["subject", "item", "stage"], name="parindex_entry_once")
        ]


class EntryHistory(models.Model):
    """Every value an entry ever had, oldest first (the history shown beside each score)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    value = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=VALUE_PLACES)
    points = models.DecimalField(null=True, blank=True, **POINTS)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject", "item", "stage"])]


class Evidence(models.Model):
    """Tài liệu kiểm chứng: a checked file or a link to a record on the platform."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="parindex/evidence/", blank=True)
    link = models.CharField(_("link to a platform record"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        ordering = ["id"]


class Exemption(models.Model):
    """An item that does not apply to a subject: it leaves the denominator."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="exemptions")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("exemption")
        constraints = [models.UniqueConstraint(fields=["subject", "item"], name="parindex_exemption_once")]


class Adjustment(models.Model):
    """Điểm thưởng / điểm trừ, capped by the methodology."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("Bonus points")
        PENALTY = "penalty", _("Penalty points")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.DecimalField(_("points"), **POINTS)
    reason = models.CharField(_("reason"), max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bonus or penalty")
        ordering = ["id"]


class AppraiserAssignment(models.Model):
    """Who appraises what: a person for a subject, an area, or both (empty = all)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appraisers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("appraiser")
    )
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("assessed", "subject"),
    )
    area_code = models.CharField(_("area"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("appraiser assignment")


class Reopening(models.Model):
    """A stage reopened after its deadline, for one subject or all, until a time."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reopenings")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    until = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class Result(models.Model):
    """The computed result of one subject in a cycle (replaced on every computation)."""

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="result")
    points = models.DecimalField(_("points"), **POINTS)
    max_points = models.DecimalField(_("applicable maximum"), **POINTS)
    index = models.DecimalField(_("index (%)"), max_digits=12, decimal_places=6)
    appraised_points = models.DecimalField(_("appraised points"), **POINTS)
    survey_points = models.DecimalField(_("survey points"), **POINTS)
    self_points = models.DecimalField(_("self-assessed points"), **POINTS)
    bonus = models.DecimalField(_("bonus"), **POINTS)
    penalty = models.DecimalField(_("penalty"), **POINTS)
    # {"1": ["8.5", "9"], …}: points and applicable maximum per area, as strings (exact)
    areas = models.JSONField(default=dict)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    group = models.CharField(_("group"), max_length=60, blank=True)

    class Meta:
        ordering = ["rank", "subject__agency__code"]
