"""Permissions and audit event types of the martyrs module.

Search, record and cemetery pages are public. Staff work is scoped to the responsible unit (a Sở or
the Cục Người có công, with its subtree). Requesters' and next-of-kin contact data is personal data:
only staff who handle requests see it, and every view is audited.
"""

from django.utils.translation import gettext_lazy as _

from cchc.core.audit import event_type
from cchc.org.access import define_permission
from cchc.org.models import Role

VIEW = define_permission(
    "martyrs.view",
    _("View martyr records, requests and statistics"),
    {Role.MARTYRS_OFFICER, Role.UNIT_LEADER, Role.VIEWER},
)
HANDLE = define_permission(
    "martyrs.handle", _("Handle families' requests (sees their contact data)"), {Role.MARTYRS_OFFICER}
)
EDIT = define_permission("martyrs.edit", _("Import and correct martyr records"), {Role.MARTYRS_OFFICER})
EXPORT = define_permission(
    "martyrs.export", _("Export martyr records"), {Role.MARTYRS_OFFICER, Role.UNIT_LEADER}
)

REQUEST_FILED = event_type("martyrs.request.file", _("Martyr information request filed"))
REQUEST_REVIEW = event_type("martyrs.request.review", _("Martyr information request taken up"))
REQUEST_ANSWERED = event_type("martyrs.request.answer", _("Martyr information request answered"))
REQUEST_REJECTED = event_type("martyrs.request.reject", _("Martyr information request not accepted"))
CONTACT_VIEWED = event_type("martyrs.contact.view", _("Requester or next-of-kin contact viewed"))
IMPORTED = event_type("martyrs.import.run", _("Martyr records imported"))
EXPORTED = event_type("martyrs.export.run", _("Martyr records exported"))
GRAVE_IDENTIFIED = event_type("martyrs.grave.identify", _("Grave identified"))
MARTYR_UPDATED = event_type("martyrs.martyr.update", _("Martyr record corrected"))
GRAVE_UPDATED = event_type("martyrs.grave.update", _("Martyr's grave recorded or corrected"))
