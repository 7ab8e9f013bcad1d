from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _summary(user):
    from cchc.core.formatting import format_number

    from .models import Procedure

    return [
        (
            _("Procedures in force"),
            format_number(Procedure.objects.filter(status=Procedure.Status.ACTIVE).count()),
        )
    ]


class ProceduresConfig(AppConfig):
    name = "cchc.procedures"
    label = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self):
        from cchc.core.metrics import register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import jobs, metrics, services  # noqa: F401  (registers the import job and audit events)

        register_nav(
            NavItem(
                key="procedures",
                label=_("Administrative procedures"),
                url_name="procedures:catalog",
                permission=None,
                order=20,
                summary=_summary,
                public=True,
                description=_("The public catalogue of procedures, versioned, with search."),
            )
        )
        register_metric(metrics.FULLY_ONLINE_SHARE)
        register_metric(metrics.ACTIVE_COUNT)
