"""Sociological surveys (điều tra xã hội học) and the satisfaction index (SIPAS).

A questionnaire (bảng hỏi) is versioned: a published version never changes; editing makes a new
version. A survey round (đợt khảo sát) uses one questionnaire version, defines respondent groups
(nhóm đối tượng) with quotas per assessed unit, draws a seeded sample from a respondent frame and
issues one-time tokens. Responses carry no link to the token or the person: the token's hash is
kept only in UsedToken, which has no reference to the response.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency


def pick_label(labels: dict, lang: str | None = None) -> str:
    """The label in the current language, else Vietnamese, else English, else any."""
    lang = (lang or get_language() or "vi")[:2]
    for key in (lang, "vi", "en"):
        if labels.get(key):
            return labels[key]
    return next((v for v in labels.values() if v), "")


class Questionnaire(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(
        _("code"), max_length=80, help_text=_("the XLSForm form_id; shared by all versions")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    titles = models.JSONField(_("title"), default=dict, help_text=_("per language: {'vi': …, 'en': …}"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("owning unit")
    )
    source_file = models.CharField(_("imported from"), max_length=255, blank=True)
    allow_choice_duplicates = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("questionnaire (bảng hỏi)")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return pick_label(self.titles) or self.code

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Question(models.Model):
    """One row of the XLSForm survey sheet, groups included (begin_group / end_group)."""

    class Kind(models.TextChoices):
        SELECT_ONE = "select_one", _("Single choice")
        SELECT_MULTIPLE = "select_multiple", _("Multiple choice")
        LIKERT = "likert", _("Likert scale")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal")
        TEXT = "text", _("Text")
        DATE = "date", _("Date")
        NOTE = "note", _("Note")
        BEGIN_GROUP = "begin_group", _("Group start")
        END_GROUP = "end_group", _("Group end")
        HIDDEN = "hidden", _("Not asked (calculated or metadata)")

    class Aspect(models.TextChoices):
        ACCESS = "access", _("Access to the service")
        PROCEDURES = "procedures", _("Administrative procedures")
        OFFICIALS = "officials", _("Civil servants handling the case")
        RESULTS = "results", _("Service results")
        FEEDBACK = "feedback", _("Handling of feedback and complaints")
        OVERALL = "overall", _("Overall satisfaction")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(pgettext_lazy("ordering", "position"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    xlsform_type = models.CharField(
        _("XLSForm type"),
        max_length=120,
        blank=True,
        help_text=_("the type as written in the imported form, kept for export"),
    )
    list_name = models.CharField(_("choice list"), max_length=100, blank=True)
    or_other = models.BooleanField(_("“or other” allowed"), default=False)
    labels = models.JSONField(_("label"), default=dict)
    hints = models.JSONField(_("hint"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    relevant = models.CharField(_("relevant when"), max_length=500, blank=True)
    choice_filter = models.CharField(_("choice filter"), max_length=500, blank=True)
    appearance = models.CharField(_("appearance"), max_length=100, blank=True)
    par_item = models.CharField(
        _("PAR index item"),
        max_length=40,
        blank=True,
        help_text=_("code of the PAR sub-criterion this answer scores"),
    )
    aspect = models.CharField(_("SIPAS aspect"), max_length=20, choices=Aspect.choices, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="other XLSForm columns, kept for export")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_position")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return pick_label(self.labels)

    @property
    def hint(self) -> str:
        return pick_label(self.hints)

    @property
    def is_answerable(self) -> bool:
        return self.kind not in (self.Kind.NOTE, self.Kind.BEGIN_GROUP, self.Kind.END_GROUP, self.Kind.HIDDEN)

    @property
    def choice_key(self) -> str:
        """Which list the choices come from: external selects read the external_choices sheet."""
        external = self.xlsform_type.lower().startswith("select_one_external")
        return f"external:{self.list_name}" if external else self.list_name

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SELECT_ONE, self.Kind.SELECT_MULTIPLE, self.Kind.LIKERT)


class Choice(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="choices")
    list_name = models.CharField(_("choice list"), max_length=100)
    position = models.PositiveIntegerField(pgettext_lazy("ordering", "position"))
    name = models.CharField(_("value"), max_length=100)
    labels = models.JSONField(_("label"), default=dict)
    score = models.DecimalField(
        _("score (% of the item's points)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("e.g. 100, 60, 20, 0; empty: numeric values scale linearly"),
    )
    filters = models.JSONField(default=dict, blank=True, help_text="extra columns used by choice filters")
    external = models.BooleanField(default=False, help_text="from the external_choices sheet")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["questionnaire", "list_name", "position"]

    def __str__(self) -> str:
        return f"{self.list_name}:{self.name}"

    @property
    def label(self) -> str:
        return pick_label(self.labels) or self.name


class Survey(TimeStampedModel):
    """Đợt khảo sát: one fieldwork round with one questionnaire version."""

    class Kind(models.TextChoices):
        PAR = "par", _("PAR index sociological survey (ĐTXHH)")
        SIPAS = "sipas", _("Satisfaction survey (SIPAS)")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAR)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("questionnaire")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("conducting unit")
    )
    par_cycle_code = models.CharField(
        _("PAR index cycle"),
        max_length=40,
        blank=True,
        help_text=_("code of the PAR cycle that receives the survey points"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARING)
    sample_seed = models.BigIntegerField(_("sampling seed"), null=True, blank=True)
    satisfied_from = models.PositiveSmallIntegerField(
        _("satisfied from"),
        default=4,
        help_text=_("on a 1–5 scale, answers at or above this value count as satisfied (SIPAS)"),
    )
    token_salt = models.CharField(max_length=32, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("also the actor of automatic score updates"),
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) data"), default=False)

    class Meta:
        verbose_name = _("survey round (đợt khảo sát)")
        verbose_name_plural = _("survey rounds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class RespondentGroup(models.Model):
    """Nhóm đối tượng khảo sát, e.g. lãnh đạo vụ/cục, công chức, sở/ngành, người dân/doanh nghiệp."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=3,
        default=Decimal("1"),
        help_text=_("relative weight of this group's average in the item score"),
    )

    class Meta:
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")
        ordering = ["survey", "code"]
        constraints = [models.UniqueConstraint(fields=["survey", "code"], name="group_code_per_survey")]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many respondents of a group to sample for one assessed unit (stratum)."""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="quotas")
    subject = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed unit")
    )
    size = models.PositiveIntegerField(_("sample size"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["group", "subject"], name="quota_per_stratum")]


class FrameEntry(models.Model):
    """One person of the uploaded respondent frame (danh sách chọn mẫu). Personal data."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="frame")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("respondent id"), max_length=60)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    service = models.CharField(_("service used"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("frame entry")
        verbose_name_plural = _("respondent frame")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["survey", "external_id"], name="frame_id_per_survey")]


class Invitation(models.Model):
    """Phiếu mời: a sampled person and the hash of their one-time token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    frame_entry = models.OneToOneField(
        FrameEntry, null=True, on_delete=models.CASCADE, related_name="invitation"
    )
    service = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]


class Draft(models.Model):
    """Answers saved before submission (save and resume). Deleted when the response is submitted."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)


class UsedToken(models.Model):
    """A token that has answered. Keyed by hash only: no time, no order, no link to the response."""

    token_hash = models.CharField(max_length=64, primary_key=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")


class ImportBatch(TimeStampedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class Response(models.Model):
    """Phiếu trả lời. Anonymous: group, assessed unit and day only; answers keyed by question name."""

    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        PAPER = "paper", _("Paper, typed in")
        IMPORT = "import", _("Imported file")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, related_name="responses")
    subject = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed unit")
    )
    service = models.CharField(_("service"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_on = models.DateField(_("submitted on"))
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "subject", "group"])]


class ScoreRun(models.Model):
    """One computation of survey points: its inputs, every intermediate average, and its results."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="score_runs")
    computed_at = models.DateTimeField(auto_now_add=True)
    response_count = models.PositiveIntegerField()
    inputs_digest = models.CharField(max_length=64, help_text="SHA-256 of the responses and parameters used")
    parameters = models.JSONField(default=dict)
    results = models.JSONField(default=dict)
    written_to_par = models.BooleanField(default=False)

    class Meta:
        ordering = ["-computed_at", "-id"]
