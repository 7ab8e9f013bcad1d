from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _summary(user):
    from cchc.core.formatting import format_number

    from . import selectors

    qs = selectors.incoming_register(user)
    return [
        (_("Incoming documents open"), format_number(qs.exclude(status="completed").count())),
        (_("Incoming documents overdue"), format_number(selectors.overdue_filter(qs).count())),
    ]


class EdocsConfig(AppConfig):
    name = "cchc.edocs"
    label = "edocs"
    verbose_name = _("Electronic documents")

    def ready(self):
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav
        from cchc.core.outbox import register_outbox

        from . import access, exchange, selectors, services  # noqa: F401  (permissions and audit events)

        register_outbox("edocs", exchange.outbox_flush)
        register_nav(
            NavItem(
                "edocs",
                _("Documents (văn bản đi/đến)"),
                "edocs:incoming",
                access.VIEW.code,
                _("Outgoing and incoming documents, electronic exchange with other agencies, statuses."),
                50,
                summary=_summary,
            )
        )
        register_metric(
            Metric(
                "edocs.electronic_share",
                _("Documents exchanged electronically"),
                "percent",
                selectors.electronic_share_metric,
                _(
                    "Outgoing documents issued and incoming documents received in the period that were sent or received as electronic documents."
                ),
            )
        )
        register_metric(
            Metric(
                "edocs.signed_share",
                _("Documents signed digitally"),
                "percent",
                selectors.signed_share_metric,
                _(
                    "Outgoing documents issued and incoming documents received in the period that carry a verified digital signature."
                ),
            )
        )
