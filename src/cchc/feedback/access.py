"""Who may see and answer feedback. Scoped to the unit that handles it (and, with include_subtree, its
subtree), like dossiers. The applicant sees only their own feedback."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "feedback.view",
    _("View feedback (PAKN)"),
    {Role.UNIT_LEADER, Role.REFORM_OFFICER, Role.ONESTOP_CLERK, Role.VIEWER},
)
HANDLE = define_permission(
    "feedback.handle",
    _("Answer feedback and give verdicts on complaints"),
    {Role.UNIT_LEADER, Role.REFORM_OFFICER},
)
