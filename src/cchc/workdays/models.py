from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel


class CalendarOverride(TimeStampedModel):
    """Điều chỉnh lịch làm việc: a day the administrator declares off or working, with its document.

    The `holidays` package (VN) is the default calendar; an override corrects it for one day — an
    extra day off (nghỉ bù, a bridging day) or a swapped Saturday that becomes a working day (làm bù).
    It is effective-dated: it applies from `effective_from` (when the document was issued) until it
    is revoked, so a deadline computed before the document existed can be explained afterwards.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off (holiday, compensatory or bridging day)")
        WORKING_DAY = "working_day", _("Working day (swapped Saturday or Sunday)")

    day = models.DateField(_("day"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. Nghỉ bù Quốc khánh, Làm bù cho ngày 02/5")
    )
    source_document = models.CharField(
        _("source document"), max_length=300, help_text=_("number, date and issuer of the deciding document")
    )
    effective_from = models.DateField(_("in force from"), help_text=_("date the document was issued"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-day"]
        constraints = [
            # At most one override in force per day; revoked rows stay as history.
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(revoked_on__isnull=True),
                name="workdays_one_active_override_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}: {self.name}"
