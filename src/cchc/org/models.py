from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel


class AgencyType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry / ministerial-level agency")
    GENERAL_DEPARTMENT = "general_department", _("General department (Tổng cục)")
    DEPARTMENT = "department", _("Department (Cục)")
    VU = "vu", _("Department (Vụ)")
    OFFICE = "office", _("Office (Văn phòng)")
    INSPECTORATE = "inspectorate", _("Inspectorate (Thanh tra)")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit (đơn vị sự nghiệp)")
    DIVISION = "division", _("Division (Phòng)")
    PROVINCE = "province", _("Provincial People's Committee")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department (Sở)")
    DISTRICT = "district", _("District People's Committee")
    COMMUNE = "commune", _("Commune People's Committee")


class AdministrativeArea(models.Model):
    """Đơn vị hành chính: province → (district →) commune, effective-dated.

    Before 1/7/2025 communes sit under districts; after the 2025 reform under provinces directly.
    Both shapes coexist: a commune row is valid for a date range and points at its parent then.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    class Setting(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    code = models.CharField(_("code"), max_length=10, help_text=_("GSO administrative unit code"))
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    setting = models.CharField(_("urban/rural"), max_length=5, choices=Setting.choices, default=Setting.RURAL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("last day; empty while in force")
    )

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="area_code_valid_from")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def valid_on(cls, day):
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Agency(TimeStampedModel):
    """Cơ quan, đơn vị: a node of the organisation tree, effective-dated.

    `path` is the materialised path of ids ("/1/4/17/"), so a unit's subtree is one indexed
    prefix query. History is never deleted: a dissolved unit gets `valid_to` and an AgencyChange.
    """

    code = models.CharField(
        _("identifier code"),
        max_length=40,
        unique=True,
        help_text=_("Electronic identifier (QĐ 20/2020/QĐ-TTg), e.g. 000.00.04.G18"),
    )
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=AgencyType.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    area = models.ForeignKey(
        AdministrativeArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("administrative area"),
    )
    valid_from = models.DateField(_("established on"))
    valid_to = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency / unit")
        verbose_name_plural = _("agencies and units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    @classmethod
    def valid_on(cls, day):
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class AgencyChange(models.Model):
    """A restructuring event (sắp xếp tổ chức bộ máy) decided by a document."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Established")
        MERGED = "merged", _("Merged into another unit")
        DISSOLVED = "dissolved", _("Dissolved")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved under another unit")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="changes", verbose_name=_("unit")
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"), db_index=True)
    decision = models.CharField(
        _("decision"), max_length=200, blank=True, help_text=_("number and date of the deciding document")
    )
    parent_at_change = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("parent unit at the time"),
    )
    successor = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
        verbose_name=_("successor unit"),
    )
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("restructuring event")
        verbose_name_plural = _("restructuring events")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.agency} ({self.effective_on:%d/%m/%Y})"


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REFORM_OFFICER = "reform_officer", _("Unit reform officer")
    APPRAISER = "appraiser", _("Appraiser")
    ONESTOP_CLERK = "onestop_clerk", _("One-stop clerk")
    PROCESSING_OFFICER = "processing_officer", _("Processing officer")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    POVERTY_OFFICER = "poverty_officer", _("Commune poverty officer")
    MARTYRS_OFFICER = "martyrs_officer", _("Martyrs records officer")
    DOCUMENT_CLERK = "document_clerk", _("Document clerk (văn thư)")
    VIEWER = "viewer", _("Viewer")


class RoleAssignment(TimeStampedModel):
    """A role a staff member holds in one unit (and, if asked, in all units below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit")
    )
    include_subtree = models.BooleanField(_("also units below"), default=False)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="unique_role_per_unit"),
        ]

    def __str__(self) -> str:
        scope = _(" and units below") if self.include_subtree else ""
        return f"{self.get_role_display()} – {self.agency}{scope}"
