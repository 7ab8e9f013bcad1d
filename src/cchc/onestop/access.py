"""Who may do what with dossiers. Handling a dossier is scoped to units; personal data of the
applicant is shown only to officers who handle that dossier (see `handles`)."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission, has_perm
from cchc.org.models import Role

RECEIVE = define_permission("onestop.receive", _("Receive dossiers and return results"), {Role.ONESTOP_CLERK})
PROCESS = define_permission("onestop.process", _("Process dossiers"), {Role.PROCESSING_OFFICER})
APPROVE = define_permission("onestop.approve", _("Route, approve and stop dossiers"), {Role.UNIT_LEADER})
VIEW = define_permission(
    "onestop.view", _("View dossier queues"), {Role.ONESTOP_CLERK, Role.PROCESSING_OFFICER, Role.UNIT_LEADER}
)
COMPLAINT = define_permission(
    "onestop.complaint_record",
    _("Record verdicts on complaints about dossiers"),
    {Role.UNIT_LEADER, Role.REFORM_OFFICER},
)
STATS = define_permission(
    "onestop.stats",
    _("View one-stop statistics"),
    {Role.UNIT_LEADER, Role.REFORM_OFFICER, Role.VIEWER, Role.ONESTOP_CLERK},
)
# Mẫu 06 lists every applicant's name, address and phone: only the desk and the unit's leaders.
BOOK = define_permission(
    "onestop.book", _("Keep the dossier tracking book (Mẫu 06)"), {Role.ONESTOP_CLERK, Role.UNIT_LEADER}
)
RULES = define_permission("onestop.rules", _("Edit the one-stop rule sets"), {Role.REFORM_OFFICER})


def may_manage_rule_sets(user) -> bool:
    """Rule sets apply to every dossier, so the permission must be held at a top-level unit (the
    ministry), not only in a department."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and user.is_active:
        return True
    from cchc.org.models import Agency

    return any(
        has_perm(user, RULES, a) for a in Agency.objects.filter(parent__isnull=True, valid_to__isnull=True)
    )


def handles(user, dossier) -> bool:
    """Whether the user handles this dossier: its receiving desk, an officer of its custody log,
    or a leader of a unit that held it. Only they may see the applicant's personal data."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if has_perm(user, RECEIVE, dossier.agency):
        return True
    if dossier.assignee_id == user.pk:
        return True
    steps = list(dossier.steps.values_list("assignee_id", "unit_id"))
    if any(a == user.pk for a, _u in steps):
        return True
    from cchc.org.models import Agency

    units = Agency.objects.filter(pk__in={u for _a, u in steps} | ({dossier.handling_unit_id} - {None}))
    return any(has_perm(user, APPROVE, u) for u in units)
