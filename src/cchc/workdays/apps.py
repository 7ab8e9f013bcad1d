from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "cchc.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from cchc.core.navigation import NavItem, register_nav

        from . import services  # noqa: F401  (declares the audit event types)

        register_nav(
            NavItem(
                "workdays",
                _("Working-day calendar"),
                "workdays:calendar",
                None,
                _("Holidays, swapped working days and deadline arithmetic."),
                80,
            )
        )
