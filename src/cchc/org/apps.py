from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "cchc.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from cchc.core.navigation import NavItem, register_nav

        from . import access

        register_nav(
            NavItem(
                "org",
                _("Organisation"),
                "org:tree",
                access.VIEW_ORG.code,
                _("Units of the ministry, other ministries and provinces; restructuring history."),
                10,
            )
        )
        register_nav(
            NavItem(
                "people",
                _("People and roles"),
                "org:people",
                access.VIEW_PEOPLE.code,
                _("Staff accounts and the roles they hold in each unit."),
                11,
            )
        )
        register_nav(
            NavItem(
                "audit",
                _("Audit log"),
                "core:audit",
                access.VIEW_AUDIT.code,
                _("Every change made on the platform, tamper-evident."),
                90,
            )
        )
