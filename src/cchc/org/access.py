"""Who may do what, where. Deny by default.

Apps declare permissions with the roles that grant them:
    RECEIVE = define_permission("onestop.receive", _("Receive dossiers"), {Role.ONESTOP_CLERK})
A role assignment holds in its unit, and in every unit below it when `include_subtree` is set.
The administrator role grants every permission within its scope; superusers hold all of them.
Services call `require_perm(user, PERM, agency)`; lists filter with `scope_q(user, PERM, "unit")`.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Agency, Role, RoleAssignment


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    roles: frozenset

    def __str__(self) -> str:
        return self.code


PERMISSIONS: dict[str, Permission] = {}


def define_permission(code: str, label, roles) -> Permission:
    perm = Permission(code, label, frozenset(roles) | {Role.ADMIN})
    PERMISSIONS[code] = perm
    return perm


def _perm(perm) -> Permission:
    if isinstance(perm, Permission):
        return perm
    try:
        return PERMISSIONS[perm]
    except KeyError:
        raise LookupError(f"undeclared permission {perm!r}") from None


@dataclass(frozen=True)
class Grant:
    role: str
    agency_id: int
    path: str
    include_subtree: bool


def grants(user) -> list[Grant]:
    """The user's role assignments in force today, read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_cchc_grants", None)
    if cached is None:
        today = date.today()
        rows = (
            RoleAssignment.objects.filter(user_id=user.pk, agency__valid_to__isnull=True)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .values_list("role", "agency_id", "agency__path", "include_subtree")
        )
        cached = [Grant(*row) for row in rows]
        user._cchc_grants = cached
    return cached


def _covers(grant: Grant, agency: Agency) -> bool:
    return grant.agency_id == agency.pk or (grant.include_subtree and agency.path.startswith(grant.path))


def has_perm(user, perm, agency: Agency | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    perm = _perm(perm)
    relevant = [g for g in grants(user) if g.role in perm.roles]
    if agency is None:
        return bool(relevant)
    return any(_covers(g, agency) for g in relevant)


def require_perm(user, perm, agency: Agency | None = None) -> None:
    if not has_perm(user, perm, agency):
        perm = _perm(perm)
        where = _(" in %(unit)s") % {"unit": agency} if agency is not None else ""
        raise PermissionDenied(
            _("You do not have the permission “%(perm)s”%(where)s.") % {"perm": perm.label, "where": where}
        )


def scope_q(user, perm, field: str = "agency") -> Q:
    """A filter for rows whose `field` (a foreign key to Agency) lies where the user holds `perm`."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    perm = _perm(perm)
    q = Q(pk__in=[])
    for g in grants(user):
        if g.role not in perm.roles:
            continue
        q |= (
            Q(**{f"{field}__path__startswith": g.path})
            if g.include_subtree
            else Q(**{f"{field}_id": g.agency_id})
        )
    return q


def agencies_with_perm(user, perm):
    """Agencies where the user holds `perm` (for choosing a unit in forms and filters)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Agency.objects.all()
    perm = _perm(perm)
    q = Q(pk__in=[])
    for g in grants(user):
        if g.role in perm.roles:
            q |= Q(path__startswith=g.path) if g.include_subtree else Q(pk=g.agency_id)
    return Agency.objects.filter(q)


def visible_nav_items(user, items) -> list:
    if not getattr(user, "is_authenticated", False):
        return [i for i in items if i.public]
    if getattr(user, "kind", "staff") != "staff":
        return [i for i in items if i.public]
    return [i for i in items if i.permission is None or has_perm(user, i.permission)]


# Permissions of the organisation module itself.
VIEW_ORG = define_permission("org.view", gettext_lazy("View the organisation tree"), set(Role))
MANAGE_ORG = define_permission("org.manage", gettext_lazy("Manage units and restructuring"), set())
VIEW_PEOPLE = define_permission(
    "org.view_people", gettext_lazy("View people and their roles"), {Role.UNIT_LEADER, Role.REFORM_OFFICER}
)
MANAGE_PEOPLE = define_permission(
    "org.manage_people", gettext_lazy("Manage people and role assignments"), set()
)
VIEW_AUDIT = define_permission("core.view_audit", gettext_lazy("View the audit log"), {Role.UNIT_LEADER})
