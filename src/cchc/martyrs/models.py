"""Martyrs (liệt sĩ), their graves (mộ liệt sĩ) and martyrs' cemeteries (nghĩa trang liệt sĩ), the place
names they were recorded under, and the requests families send (docs/martyrs.md).

Places: a martyr's home town is kept as written ("nguyên quán") and resolved to the GSO code of its
province (and commune when known). `PlaceName` holds every name a province had, with dates and what it
merged into, so a 1970s name ("Hà Nam Ninh", "Hà Tây") and a 2025 merger ("Thái Bình" → Hưng Yên)
still find today's unit; communes come from org's effective-dated AdministrativeArea rows.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.core.models import TimeStampedModel
from cchc.org.models import Agency


class PlaceName(models.Model):
    """One name of one province-level unit for a period (tên đơn vị hành chính theo thời kỳ)."""

    code = models.CharField(_("GSO code"), max_length=10, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200, db_index=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("last day; empty while in force")
    )
    merged_into = models.CharField(
        _("merged into (code)"),
        max_length=10,
        blank=True,
        help_text=_("the unit it became part of after its last day"),
    )
    decision = models.CharField(_("decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        ordering = ["name", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "name"], name="martyrs_place_code_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .text import name_key

        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class Cemetery(TimeStampedModel):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        DISTRICT = "district", pgettext_lazy("cemetery level", "District")
        COMMUNE = "commune", pgettext_lazy("cemetery level", "Commune")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("managing level"), max_length=10, choices=Level.choices)
    province_code = models.CharField(_("province (GSO code)"), max_length=10)
    address = models.CharField(_("address"), max_length=500)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    manager = models.CharField(_("managed by"), max_length=300, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="martyr_cemeteries", verbose_name=_("responsible unit")
    )
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("martyrs' cemetery")
        verbose_name_plural = _("martyrs' cemeteries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Martyr(TimeStampedModel):
    """Liệt sĩ: one recognised martyr. Dates may be partial (a year, a month and year)."""

    full_name = models.CharField(_("full name"), max_length=200)
    aliases = models.CharField(_("other names"), max_length=300, blank=True, help_text=_("separated by ;"))
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    native_place = models.CharField(_("home town (as recorded)"), max_length=300, blank=True)
    native_province_code = models.CharField(
        _("home province (GSO codes)"),
        max_length=20,
        blank=True,
        help_text=_("several for a former province now split"),
    )
    native_commune_code = models.CharField(_("home commune (GSO code)"), max_length=10, blank=True)
    residence = models.CharField(_("place of residence"), max_length=300, blank=True)
    enlisted_year = models.PositiveSmallIntegerField(_("year of enlistment"), null=True, blank=True)
    military_unit = models.CharField(_("unit"), max_length=300, blank=True)
    rank = models.CharField(pgettext_lazy("military", "rank"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    death_year = models.PositiveSmallIntegerField(_("year of sacrifice"), null=True, blank=True)
    death_month = models.PositiveSmallIntegerField(_("month of sacrifice"), null=True, blank=True)
    death_day = models.PositiveSmallIntegerField(_("day of sacrifice"), null=True, blank=True)
    death_place = models.CharField(_("place of sacrifice"), max_length=300, blank=True)
    certificate_number = models.CharField(
        _("certificate number (Tổ quốc ghi công)"), max_length=50, blank=True
    )
    certificate_year = models.PositiveSmallIntegerField(_("certificate year"), null=True, blank=True)
    # Personal data of living people: shown only to staff who handle requests, every view audited.
    next_of_kin = models.CharField(_("next of kin and contact"), max_length=500, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="martyrs", verbose_name=_("responsible unit")
    )
    # Optimistic locking of the edit page: raised by every change to the record or its grave, so the
    # second of two officers editing the same record is refused instead of silently overwriting.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("martyr")
        verbose_name_plural = _("martyrs")
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def death_date_display(self) -> str:
        if not self.death_year:
            return ""
        if self.death_month and self.death_day:
            return f"{self.death_day:02d}/{self.death_month:02d}/{self.death_year}"
        if self.death_month:
            return f"{self.death_month:02d}/{self.death_year}"
        return str(self.death_year)


class SearchName(models.Model):
    """The search table: one row per name of a martyr (the main name and each alias), with the keys the
    search service matches (text.py) and the fields it narrows by. Written with the martyr."""

    martyr = models.ForeignKey(Martyr, on_delete=models.CASCADE, related_name="search_names")
    name_key = models.CharField(max_length=200)
    family_key = models.CharField(max_length=40)
    given_key = models.CharField(max_length=40)
    birth_year = models.PositiveSmallIntegerField(null=True)
    province_code = models.CharField(max_length=20, blank=True)
    is_alias = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Covering (every column the search reads): index-only scans, no heap page per candidate.
            models.Index(
                fields=["name_key", "birth_year", "province_code", "is_alias", "martyr"],
                name="martyrs_sn_key_year",
            ),
            models.Index(fields=["given_key", "family_key", "birth_year"], name="martyrs_sn_given_family"),
        ]


class NameToken(models.Model):
    """The vocabulary of name syllables (keys): query words are corrected against it (typos)."""

    token = models.CharField(max_length=40, unique=True)


class Grave(TimeStampedModel):
    class Info(models.TextChoices):
        FULL = "full", _("Full information")
        PARTIAL = "partial", _("Partly missing")
        NONE = "none", _("No information (unknown martyr)")

    cemetery = models.ForeignKey(
        Cemetery, on_delete=models.PROTECT, related_name="graves", verbose_name=_("cemetery")
    )
    zone = models.CharField(_("zone / plot"), max_length=30, blank=True)
    row = models.CharField(pgettext_lazy("grave", "row"), max_length=20, blank=True)
    number = models.CharField(_("grave number"), max_length=20, blank=True)
    martyr = models.OneToOneField(
        Martyr,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grave",
        verbose_name=_("martyr"),
    )
    headstone = models.CharField(_("headstone text"), max_length=300, blank=True)
    info = models.CharField(_("information"), max_length=10, choices=Info.choices, default=Info.FULL)
    identified_at = models.DateField(_("identified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("martyr grave")
        verbose_name_plural = _("martyr graves")
        ordering = ["cemetery", "zone", "row", "number", "id"]
        indexes = [models.Index(fields=["cemetery", "info"], name="martyrs_grave_cem_info")]

    def __str__(self) -> str:
        where = " · ".join(p for p in (self.zone, self.row, self.number) if p)
        return f"{self.cemetery} – {where}" if where else str(self.cemetery)

    @property
    def is_identified(self) -> bool:
        return self.martyr_id is not None


class RequestRule(models.Model):
    """The effective-dated time limit for answering a family's request (working days)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    effective_from = models.DateField(_("effective from"), unique=True)
    answer_working_days = models.PositiveSmallIntegerField(_("working days to answer"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request answer rule")
        verbose_name_plural = _("request answer rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


def new_tracking_code() -> str:
    """LS- and 10 characters without look-alikes (0/O, 1/I): unguessable, read over the phone."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "LS-" + "".join(secrets.choice(alphabet) for _ in range(10))


class Request(models.Model):
    """A family's or the public's request: find a grave, correct a record, tell about an unknown grave,
    or receive documents (by post through the postal service, or by e-mail / in person)."""

    class Kind(models.TextChoices):
        GRAVE_SEARCH = "grave_search", _("Find a martyr's grave")
        CORRECTION = "correction", _("Correct a record")
        UNIDENTIFIED = "unidentified", _("Information on an unidentified grave")
        DOCUMENTS = "documents", _("Request documents (extract of a record)")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("By e-mail / online")
        POSTAL = "postal", _("By post (postal service)")
        IN_PERSON = "in_person", _("Collected in person")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("martyrs", "Received")
        IN_REVIEW = "in_review", _("Being verified")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", pgettext_lazy("martyrs", "Not accepted")

    code = models.CharField(_("tracking code"), max_length=20, unique=True, default=new_tracking_code)
    kind = models.CharField(pgettext_lazy("martyrs", "request"), max_length=15, choices=Kind.choices)
    martyr = models.ForeignKey(
        Martyr, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    grave = models.ForeignKey(Grave, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    cemetery = models.ForeignKey(
        Cemetery, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    martyr_name = models.CharField(_("martyr's name"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    # The requester's contact: personal data, shown only to handling staff (audited).
    requester_name = models.CharField(_("your full name"), max_length=200)
    relation = models.CharField(_("relation to the martyr"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL
    )
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="martyr_requests",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="martyr_requests", verbose_name=_("handling unit")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    rule = models.ForeignKey(RequestRule, null=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reply = models.TextField(_("reply"), blank=True)
    postal_item = models.CharField(_("postal item number"), max_length=40, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    on_time = models.BooleanField(_("answered on time"), null=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("martyr information request")
        verbose_name_plural = _("martyr information requests")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="martyrs_req_queue")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.IN_REVIEW)


class RequestEvent(models.Model):
    """The request's public history (what the requester sees when following it by code)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Request.Status.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
