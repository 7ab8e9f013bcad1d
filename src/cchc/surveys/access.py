"""Permissions of the survey module (deny by default; ADMIN always included)."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "surveys.view",
    _("View surveys and their results"),
    {Role.REFORM_OFFICER, Role.UNIT_LEADER, Role.APPRAISER, Role.VIEWER, Role.ONESTOP_CLERK},
)
MANAGE = define_permission(
    "surveys.manage", _("Build questionnaires, run surveys, draw samples"), {Role.REFORM_OFFICER}
)
ENTER = define_permission(
    "surveys.enter",
    _("Type in paper questionnaires and import responses"),
    {Role.REFORM_OFFICER, Role.ONESTOP_CLERK},
)
VIEW_FRAME = define_permission(
    "surveys.view_frame",
    _("See the respondent frame and print invitations (personal data)"),
    {Role.REFORM_OFFICER},
)
