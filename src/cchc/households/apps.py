from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_shipped_standards(sender, **kwargs):
    """The shipped poverty standards are reference data: present after every migrate (and flush)."""
    from django.db import DEFAULT_DB_ALIAS

    if kwargs.get("using", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
        return
    from .standards import load_shipped

    load_shipped()


class HouseholdsConfig(AppConfig):
    name = "cchc.households"
    label = "households"
    verbose_name = _("households")

    def ready(self):
        from cchc.core.jobs import register_job
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import access, bulk, metrics

        register_job("households.import")(bulk.import_job)

        post_migrate.connect(_load_shipped_standards, sender=self, dispatch_uid="households.load_standards")
        register_nav(
            NavItem(
                "households",
                _("Poor-household registry"),
                "households:home",
                access.VIEW.code,
                _("Household forms, yearly review rounds, approved lists and poverty statistics."),
                60,
                summary=metrics.nav_summary,
            )
        )
        register_metric(
            Metric(
                "households.poverty_rate",
                _("Poor households (multidimensional poverty rate)"),
                "percent",
                metrics.poverty_rate,
                _("Poor households in the approved lists of the year, over households reviewed."),
            )
        )
        register_metric(
            Metric(
                "households.near_poverty_rate",
                _("Near-poor households"),
                "percent",
                metrics.near_poverty_rate,
                _("Near-poor households in the approved lists of the year, over households reviewed."),
            )
        )
