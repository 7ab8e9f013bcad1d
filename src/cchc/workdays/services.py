"""Writes to the working-day calendar: overrides recorded and revoked with their documents."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.org.access import require_perm

from .access import MANAGE_CALENDAR
from .models import CalendarOverride

OVERRIDE_RECORDED = event_type("workdays.override.record", gettext_lazy("Calendar override recorded"))
OVERRIDE_REVOKED = event_type("workdays.override.revoke", gettext_lazy("Calendar override revoked"))


@transaction.atomic
def override_record(
    *, actor, day: date, kind: str, name: str, source_document: str, effective_from: date | None = None
) -> CalendarOverride:
    """Declare `day` a day off or a working day, citing the deciding document."""
    require_perm(actor, MANAGE_CALENDAR)
    if kind not in CalendarOverride.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of override: %(kind)s.") % {"kind": kind}})
    if not (source_document or "").strip():
        raise ValidationError({"source_document": _("Cite the document that decides this change.")})
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the override a name.")})
    existing = CalendarOverride.objects.select_for_update().filter(day=day, revoked_on__isnull=True).first()
    if existing is not None:
        raise ValidationError(
            {
                "day": _("%(day)s already has an override in force (%(name)s); revoke it first.")
                % {"day": day.strftime("%d/%m/%Y"), "name": existing.name}
            }
        )
    override = CalendarOverride(
        day=day,
        kind=kind,
        name=name.strip(),
        source_document=source_document.strip(),
        effective_from=effective_from or date.today(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    override.full_clean()
    override.save()
    audit_record(OVERRIDE_RECORDED, actor=actor, target=override, after=snapshot(override))
    return override


@transaction.atomic
def override_revoke(
    *, actor, override: CalendarOverride, reason: str, revoked_on: date | None = None
) -> CalendarOverride:
    require_perm(actor, MANAGE_CALENDAR)
    override = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    if override.revoked_on is not None:
        raise ValidationError(_("This override was already revoked."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for revoking the override.")})
    before = snapshot(override)
    override.revoked_on = revoked_on or date.today()
    override.revoked_reason = reason.strip()
    override.save(update_fields=["revoked_on", "revoked_reason", "updated_at"])
    audit_record(OVERRIDE_REVOKED, actor=actor, target=override, before=before, after=snapshot(override))
    return override
