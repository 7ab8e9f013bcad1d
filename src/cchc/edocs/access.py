"""Who may do what with documents. The văn thư (document clerk) registers, numbers, dispatches and
receives; leaders approve and assign; processing officers handle what they were assigned."""

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
MANAGE = define_permission("edocs.manage", _("Manage registers, peers and certificates"), {Role.ADMIN})
