"""Who may do what with documents. The văn thư (document clerk) registers, numbers, dispatches and
receives, and keeps its units' certificates and registers; leaders approve and assign; processing
officers handle what they were assigned; the administrator sets the peers and trusted CAs."""

from django.utils.translation import gettext_lazy as _

from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "edocs.view",
    _("View the document registers"),
    {Role.DOCUMENT_CLERK, Role.UNIT_LEADER, Role.PROCESSING_OFFICER, Role.VIEWER},
)
DRAFT = define_permission(
    "edocs.draft",
    _("Draft outgoing documents"),
    {Role.DOCUMENT_CLERK, Role.PROCESSING_OFFICER, Role.UNIT_LEADER},
)
APPROVE = define_permission("edocs.approve", _("Approve outgoing documents"), {Role.UNIT_LEADER})
ISSUE = define_permission(
    "edocs.issue", _("Number, sign and dispatch outgoing documents"), {Role.DOCUMENT_CLERK}
)
RECEIVE = define_permission("edocs.receive", _("Register incoming documents"), {Role.DOCUMENT_CLERK})
ASSIGN = define_permission(
    "edocs.assign", _("Assign incoming documents"), {Role.UNIT_LEADER, Role.DOCUMENT_CLERK}
)
PROCESS = define_permission(
    "edocs.process", _("Process incoming documents"), {Role.PROCESSING_OFFICER, Role.UNIT_LEADER}
)
# The văn thư keeps the unit's signing certificate and its registers (NĐ 30/2020 Điều 33: the clerk
# manages the seal and the device holding the agency's signature key), within the units of its role.
MANAGE_EXCHANGE = define_permission(
    "edocs.manage_exchange",
    _("Manage the exchange: the units' certificates and registers"),
    {Role.DOCUMENT_CLERK},
)
# Peers and trusted certification authorities hold for every unit of the platform: the administrator's.
MANAGE = define_permission(
    "edocs.manage", _("Manage exchange peers and trusted certification authorities"), {Role.ADMIN}
)
