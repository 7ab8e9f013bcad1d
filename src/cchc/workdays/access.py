from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission

# Viewing the calendar is open to every staff member (NavItem permission None).
MANAGE_CALENDAR = define_permission("workdays.manage", _("Manage the working-day calendar"), set())
