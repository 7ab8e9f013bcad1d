"""Who may do what in the PAR index. Deny by default.

- managing cycles, methodologies, bonus/penalty, survey points and publication: the administrator
  role where the cycle is run (its owner unit);
- self-assessment and explanation: reform officers of the assessed unit;
- appraisal: appraisers, and only for the subjects/areas they are assigned to;
- viewing: staff see their own unit's subjects before publication (a subject never sees another
  subject's self-assessment before publication); everybody sees published results.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission, has_perm
from cchc.org.models import Role

MANAGE = define_permission("parindex.manage", _("Manage PAR index cycles and methodologies"), set())
SELF_ASSESS = define_permission(
    "parindex.self_assess", _("Self-assess and explain PAR index scores"), {Role.REFORM_OFFICER}
)
APPRAISE = define_permission("parindex.appraise", _("Appraise PAR index scores"), {Role.APPRAISER})
VIEW = define_permission("parindex.view", _("View the PAR index"), set(Role))


def can_manage(user, cycle) -> bool:
    return has_perm(user, MANAGE, cycle.owner)


def is_assigned(user, subject, area_code: str | None = None) -> bool:
    """Assigned to appraise this subject (and, when given, this area)."""
    if not has_perm(user, APPRAISE):
        return False
    qs = subject.cycle.appraisers.filter(user_id=user.pk).filter(Q(subject__isnull=True) | Q(subject=subject))
    if area_code is not None:
        qs = qs.filter(Q(area_code="") | Q(area_code=area_code))
    return qs.exists()


def can_see_subject(user, subject) -> bool:
    """Before publication: the subject's own staff, its appraisers and the cycle's managers."""
    if subject.cycle.is_published:
        return True
    return (
        has_perm(user, VIEW, subject.agency) or can_manage(user, subject.cycle) or is_assigned(user, subject)
    )
