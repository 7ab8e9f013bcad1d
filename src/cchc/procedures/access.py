"""Permissions of the procedure catalogue. The public catalogue itself needs none."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission
from cchc.org.models import Role

MANAGE = define_permission("procedures.manage", _("Manage the procedure catalogue"), {Role.REFORM_OFFICER})
