"""Writes to the reform registers. One pair of services serves all six registers (described in
registers.py): each checks `reform.manage` in the row's unit, validates the row with its rules,
runs in one transaction and writes one audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.org.access import require_perm
from cchc.org.models import Agency

from .access import MANAGE
from .models import (
    BusinessCondition,
    InspectionItem,
    LegalDocument,
    SimplificationPlan,
    SocioEconomicTarget,
    WorkProgrammeTask,
)
from .registers import REGISTERS

EVENTS = {
    key: (
        event_type(
            f"reform.{key}.create", format_lazy("{}: {}", gettext_lazy("Reform register row added"), r.label)
        ),
        event_type(
            f"reform.{key}.update",
            format_lazy("{}: {}", gettext_lazy("Reform register row changed"), r.label),
        ),
    )
    for key, r in REGISTERS.items()
}


def _issued(document: LegalDocument | None) -> bool:
    return (
        document is not None
        and document.status == LegalDocument.Status.ISSUED
        and document.issued_on is not None
    )


def validate_row(row) -> None:
    """Rules across fields (a cut needs the issued document that made it, …). Raises ValidationError."""
    errors = {}
    if isinstance(row, LegalDocument):
        if row.status == LegalDocument.Status.ISSUED and not (row.number and row.issued_on):
            errors["issued_on"] = _("An issued document needs its number and issue date.")
        if row.status == LegalDocument.Status.SUBMITTED and not row.submitted_on:
            errors["submitted_on"] = _("A submitted document needs its submission date.")
        if row.effective_from and row.issued_on and row.effective_from < row.issued_on:
            errors["effective_from"] = _("A document cannot take effect before it is issued.")
    elif isinstance(row, (BusinessCondition, InspectionItem)):
        changed = row.status != row.Status.KEPT
        if changed and not _issued(row.changed_by):
            errors["changed_by"] = _("Name the issued document that made this change.")
        if not changed and row.changed_by_id:
            errors["changed_by"] = _("A row that was not changed cannot name a changing document.")
    elif isinstance(row, SimplificationPlan):
        if row.status in (row.Status.APPROVED, row.Status.ENACTED) and not (
            row.approved_by and row.approved_on
        ):
            errors["approved_by"] = _("An approved plan needs the approving decision and its date.")
        if row.status == row.Status.ENACTED:
            if row.action == row.Action.KEEP:
                errors["action"] = _("A plan to keep a procedure has nothing to enact.")
            if not _issued(row.enacted_by):
                errors["enacted_by"] = _("An enacted plan needs the issued document that enacted it.")
        elif row.enacted_by_id:
            errors["enacted_by"] = _("Only an enacted plan names an enacting document.")
        if row.time_after is not None and row.time_before is not None and row.time_after > row.time_before:
            errors["time_after"] = _("A simplification cannot lengthen the processing time.")
    elif isinstance(row, WorkProgrammeTask):
        if row.deadline and row.deadline.year != row.year and row.deadline.year != row.year + 1:
            errors["deadline"] = _("The deadline must fall in the programme year (or early the next year).")
    elif isinstance(row, SocioEconomicTarget):
        if row.actual is not None and not row.source:
            errors["source"] = _("Say where the result comes from.")
    if errors:
        raise ValidationError(errors)


def _save(row) -> None:
    row.full_clean()
    validate_row(row)
    row.save()


@transaction.atomic
def register_row_create(*, actor, register: str, agency: Agency, **fields):
    """Add a row to a register ('documents', 'plans', 'conditions', 'inspection', 'tasks', 'targets')."""
    spec = REGISTERS[register]
    require_perm(actor, MANAGE, agency)
    unknown = set(fields) - set(spec.fields)
    if unknown:
        raise TypeError(f"unknown fields for {register}: {', '.join(sorted(unknown))}")
    row = spec.model(agency=agency, **fields)
    _save(row)
    audit_record(EVENTS[register][0], actor=actor, target=row, agency_id=agency.pk, after=snapshot(row))
    return row


@transaction.atomic
def register_row_update(*, actor, row, **fields):
    """Change fields of a register row (moving it to another unit needs the permission in both)."""
    register = next(key for key, spec in REGISTERS.items() if isinstance(row, spec.model))
    spec = REGISTERS[register]
    require_perm(actor, MANAGE, row.agency)
    unknown = set(fields) - set(spec.fields) - {"agency"}
    if unknown:
        raise TypeError(f"unknown fields for {register}: {', '.join(sorted(unknown))}")
    if "agency" in fields:
        require_perm(actor, MANAGE, fields["agency"])
    row = spec.model.objects.select_for_update().get(pk=row.pk)
    before = snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    _save(row)
    audit_record(
        EVENTS[register][1],
        actor=actor,
        target=row,
        agency_id=row.agency_id,
        before=before,
        after=snapshot(row),
    )
    return row
