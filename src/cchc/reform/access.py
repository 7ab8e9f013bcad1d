"""Permissions of the reform registers."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "reform.view",
    _("View the reform registers and reports"),
    {Role.REFORM_OFFICER, Role.UNIT_LEADER, Role.APPRAISER, Role.VIEWER},
)
MANAGE = define_permission("reform.manage", _("Keep the reform registers"), {Role.REFORM_OFFICER})
