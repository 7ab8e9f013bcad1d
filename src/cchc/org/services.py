"""Writes to the organisation registry: units, restructuring, people and roles.

Every function checks permission, runs in one transaction and writes one audit event.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot

from .access import MANAGE_ORG, MANAGE_PEOPLE, require_perm
from .models import Agency, AgencyChange, Role, RoleAssignment

AGENCY_CREATED = event_type("org.agency.create", gettext_lazy("Unit established"))
AGENCY_RENAMED = event_type("org.agency.rename", gettext_lazy("Unit renamed"))
AGENCY_MOVED = event_type("org.agency.move", gettext_lazy("Unit moved"))
AGENCY_DISSOLVED = event_type("org.agency.dissolve", gettext_lazy("Unit dissolved"))
AGENCY_MERGED = event_type("org.agency.merge", gettext_lazy("Unit merged"))
ROLE_ASSIGNED = event_type("org.role.assign", gettext_lazy("Role assigned"))
ROLE_REVOKED = event_type("org.role.revoke", gettext_lazy("Role revoked"))
USER_CREATED = event_type("accounts.user.create", gettext_lazy("Account created"))
USER_UPDATED = event_type("accounts.user.update", gettext_lazy("Account changed"))


def _set_path(agency: Agency) -> None:
    prefix = agency.parent.path if agency.parent_id else "/"
    agency.path = f"{prefix}{agency.pk}/"


@transaction.atomic
def agency_create(
    *,
    actor,
    code: str,
    name: str,
    type: str,
    parent: Agency | None = None,
    short_name: str = "",
    area=None,
    valid_from: date,
    decision: str = "",
    record_change: bool = True,
) -> Agency:
    """Establish a unit. `record_change=False` registers an existing unit without a restructuring event."""
    require_perm(actor, MANAGE_ORG, parent)
    if Agency.objects.filter(code=code).exists():
        raise ValidationError({"code": _("The identifier code %(code)s is already used.") % {"code": code}})
    if parent is not None and not parent.is_active:
        raise ValidationError(
            {"parent": _("%(unit)s has ended; it cannot receive new units.") % {"unit": parent}}
        )
    agency = Agency(
        code=code,
        name=name,
        short_name=short_name,
        type=type,
        parent=parent,
        area=area,
        valid_from=valid_from,
        path="/",
    )
    agency.full_clean(exclude=["path"])
    agency.save()
    _set_path(agency)
    agency.save(update_fields=["path"])
    if record_change:
        AgencyChange.objects.create(
            agency=agency,
            kind=AgencyChange.Kind.CREATED,
            effective_on=valid_from,
            decision=decision,
            parent_at_change=parent,
            new_value=name,
            recorded_by=_user(actor),
        )
    audit_record(AGENCY_CREATED, actor=actor, target=agency, agency_id=agency.pk, after=snapshot(agency))
    return agency


@transaction.atomic
def agency_rename(
    *, actor, agency: Agency, name: str, short_name: str | None = None, effective_on: date, decision: str = ""
) -> Agency:
    require_perm(actor, MANAGE_ORG, agency)
    before = snapshot(agency)
    AgencyChange.objects.create(
        agency=agency,
        kind=AgencyChange.Kind.RENAMED,
        effective_on=effective_on,
        decision=decision,
        parent_at_change=agency.parent,
        old_value=agency.name,
        new_value=name,
        recorded_by=_user(actor),
    )
    agency.name = name
    if short_name is not None:
        agency.short_name = short_name
    agency.save(update_fields=["name", "short_name", "updated_at"])
    audit_record(
        AGENCY_RENAMED, actor=actor, target=agency, agency_id=agency.pk, before=before, after=snapshot(agency)
    )
    return agency


@transaction.atomic
def agency_move(
    *, actor, agency: Agency, new_parent: Agency, effective_on: date, decision: str = ""
) -> Agency:
    require_perm(actor, MANAGE_ORG, agency)
    require_perm(actor, MANAGE_ORG, new_parent)
    if new_parent.path.startswith(agency.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or a unit below it.")})
    before = snapshot(agency)
    old_path = agency.path
    AgencyChange.objects.create(
        agency=agency,
        kind=AgencyChange.Kind.MOVED,
        effective_on=effective_on,
        decision=decision,
        parent_at_change=agency.parent,
        old_value=str(agency.parent or ""),
        new_value=str(new_parent),
        recorded_by=_user(actor),
    )
    agency.parent = new_parent
    _set_path(agency)
    agency.save(update_fields=["parent", "path", "updated_at"])
    for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk):
        child.path = agency.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])
    audit_record(
        AGENCY_MOVED, actor=actor, target=agency, agency_id=agency.pk, before=before, after=snapshot(agency)
    )
    return agency


def _end(
    actor, agency: Agency, kind, event, effective_on: date, decision: str, successor: Agency | None
) -> Agency:
    require_perm(actor, MANAGE_ORG, agency)
    if not agency.is_active:
        raise ValidationError(_("%(unit)s has already ended.") % {"unit": agency})
    if agency.children.filter(valid_to__isnull=True).exists():
        raise ValidationError(
            _("%(unit)s still has active units below it; end or move them first.") % {"unit": agency}
        )
    before = snapshot(agency)
    AgencyChange.objects.create(
        agency=agency,
        kind=kind,
        effective_on=effective_on,
        decision=decision,
        parent_at_change=agency.parent,
        successor=successor,
        old_value=agency.name,
        recorded_by=_user(actor),
    )
    agency.valid_to = effective_on
    agency.save(update_fields=["valid_to", "updated_at"])
    RoleAssignment.objects.filter(agency=agency, valid_to__isnull=True).update(valid_to=effective_on)
    audit_record(
        event,
        actor=actor,
        target=agency,
        agency_id=agency.pk,
        before=before,
        after={**snapshot(agency), "successor": successor.pk if successor else None},
    )
    return agency


@transaction.atomic
def agency_dissolve(*, actor, agency: Agency, effective_on: date, decision: str = "") -> Agency:
    """Giải thể: the unit ends; its history stays."""
    return _end(actor, agency, AgencyChange.Kind.DISSOLVED, AGENCY_DISSOLVED, effective_on, decision, None)


@transaction.atomic
def agency_merge(*, actor, agency: Agency, into: Agency, effective_on: date, decision: str = "") -> Agency:
    """Sáp nhập: the unit ends and its functions pass to `into`."""
    if into.pk == agency.pk or not into.is_active:
        raise ValidationError({"into": _("Choose another unit that is still active.")})
    require_perm(actor, MANAGE_ORG, into)
    return _end(actor, agency, AgencyChange.Kind.MERGED, AGENCY_MERGED, effective_on, decision, into)


@transaction.atomic
def role_assign(
    *,
    actor,
    user,
    role: str,
    agency: Agency,
    include_subtree: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    require_perm(actor, MANAGE_PEOPLE, agency)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if user.kind != user.Kind.STAFF:
        raise ValidationError(_("Roles are for staff accounts only."))
    assignment, _created = RoleAssignment.objects.update_or_create(
        user=user,
        role=role,
        agency=agency,
        defaults={"include_subtree": include_subtree, "valid_from": valid_from, "valid_to": valid_to},
    )
    audit_record(ROLE_ASSIGNED, actor=actor, target=user, agency_id=agency.pk, after=snapshot(assignment))
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require_perm(actor, MANAGE_PEOPLE, assignment.agency)
    before = snapshot(assignment)
    user, agency_id = assignment.user, assignment.agency_id
    assignment.delete()
    audit_record(ROLE_REVOKED, actor=actor, target=user, agency_id=agency_id, before=before)


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    full_name: str,
    unit: Agency,
    email: str = "",
    position: str = "",
    password: str | None = None,
    is_synthetic: bool = False,
):
    require_perm(actor, MANAGE_PEOPLE, unit)
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    user = User(
        username=username,
        full_name=full_name,
        unit=unit,
        email=email,
        position=position,
        kind=User.Kind.STAFF,
        is_synthetic=is_synthetic,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        USER_CREATED,
        actor=actor,
        target=user,
        agency_id=unit.pk,
        after=snapshot(user, ["username", "full_name", "unit", "email", "position", "kind"]),
    )
    return user


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
