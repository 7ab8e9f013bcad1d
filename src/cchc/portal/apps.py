from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cchc.portal"
    label = "portal"
    verbose_name = _("Public services portal")

    def ready(self):
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav
        from cchc.onestop.signals import dossier_status_changed

        from . import selectors
        from .receivers import on_dossier_status_changed

        register_nav(
            NavItem(
                "portal",
                _("Online public services"),
                "portal:home",
                None,
                _("File dossiers online, pay fees, follow their status and rate the service."),
                order=5,
                public=True,
            )
        )
        # Applicants are told of every status change (NĐ 224/2026 Điều 15.1.g).
        dossier_status_changed.connect(on_dossier_status_changed, dispatch_uid="portal.notify_status_change")
        from django.db.models.signals import post_delete, post_save

        from cchc.procedures.models import DossierComponent, Procedure, ProcedureVersion

        from .models import EFormField

        for model in (Procedure, ProcedureVersion, DossierComponent, EFormField):  # what online filing reads
            for signal in (post_save, post_delete):
                signal.connect(
                    selectors.filing_cache_clear,
                    sender=model,
                    dispatch_uid=f"portal.filing_cache.{model.__name__}",
                )
        register_metric(
            Metric(
                "portal.satisfaction_rate",
                _("Applicants satisfied with the service"),
                "percent",
                selectors.satisfaction_metric,
                _(
                    "Ratings in which no citizen evaluation criterion was rated poor, over all ratings "
                    "of dossiers of the unit and its subunits rated in the period."
                ),
            )
        )
        checks.register(sandbox_gateway_check, "portal", deploy=True)


def sandbox_gateway_check(app_configs=None, **kwargs):
    """Warn an operator who deploys without naming a real payment gateway."""
    from django.conf import settings

    from .payments import DEFAULT_GATEWAY

    if not settings.DEBUG and getattr(settings, "CCHC_PAYMENT_GATEWAY", DEFAULT_GATEWAY) == DEFAULT_GATEWAY:
        return [
            checks.Warning(
                "The sandbox payment gateway is active: fees “paid” online are not collected.",
                hint="Set CCHC_PAYMENT_GATEWAY to the dotted path of a real gateway class.",
                id="portal.W001",
            )
        ]
    return []
