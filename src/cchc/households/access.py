"""Permissions and audit event types of the household registry.

Household data is personal data: a commune poverty officer holds the role in the commune's agency
(no subtree) and sees only that commune; a province department may hold VIEWER with the subtree.
"""

from django.utils.translation import gettext_lazy as _

from cchc.core.audit import event_type
from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "households.view", _("View household records"), {Role.POVERTY_OFFICER, Role.UNIT_LEADER, Role.VIEWER}
)
EDIT = define_permission(
    "households.edit", _("Enter household forms and run review rounds"), {Role.POVERTY_OFFICER}
)
APPROVE = define_permission(
    "households.approve", _("Approve the poor-household list (commune chairperson)"), {Role.UNIT_LEADER}
)
STATS = define_permission(
    "households.stats",
    _("View poverty statistics"),
    {Role.POVERTY_OFFICER, Role.UNIT_LEADER, Role.VIEWER, Role.REFORM_OFFICER},
)

HOUSEHOLD_CREATED = event_type("households.household.create", _("Household registered"))
HOUSEHOLD_UPDATED = event_type("households.household.update", _("Household form updated"))
HOUSEHOLD_VIEWED = event_type("households.household.view", _("Household record viewed"))
MEMBER_ADDED = event_type("households.member.add", _("Household member added"))
MEMBER_UPDATED = event_type("households.member.update", _("Household member changed"))
MEMBER_REMOVED = event_type("households.member.remove", _("Household member removed"))
ROUND_OPENED = event_type("households.round.open", _("Review round opened"))
ROUND_CLASSIFIED = event_type("households.round.classify", _("Review round classified"))
ROUND_SUBMITTED = event_type("households.round.submit", _("Review round submitted for approval"))
ROUND_RETURNED = event_type("households.round.return", _("Review round returned for corrections"))
ROUND_APPROVED = event_type("households.round.approve", _("Poor-household list approved"))
ROUND_EXPORTED = event_type("households.round.export", _("Poor-household list exported"))
IMPORTED = event_type("households.import.run", _("Households imported"))
APPLICATION_RECEIVED = event_type("households.application.receive", _("In-year application received"))
APPLICATION_DECIDED = event_type("households.application.decide", _("In-year application decided"))
