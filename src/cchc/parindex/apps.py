from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParindexConfig(AppConfig):
    name = "cchc.parindex"
    label = "parindex"
    verbose_name = _("PAR index")

    def ready(self):
        from cchc.core.navigation import NavItem, register_nav

        from . import access, jobs  # noqa: F401 — jobs registers the import and report jobs

        register_nav(
            NavItem(
                key="parindex",
                label=_("PAR index"),
                url_name="parindex:index",
                permission=access.VIEW.code,
                description=_(
                    "Administrative reform index: methodology, self-assessment, appraisal, rankings."
                ),
                order=40,
                summary=_summary,
                public=True,
            )
        )


def _summary(user):
    from cchc.core.formatting import format_number

    from .selectors import cycles_visible

    cycles = cycles_visible(user)
    return [
        (_("Cycles"), format_number(cycles.count())),
        (_("Published"), format_number(cycles.filter(status="published").count())),
    ]
