from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "cchc.surveys"
    label = "surveys"
    verbose_name = _("surveys")

    def ready(self):
        from cchc.core.formatting import format_number
        from cchc.core.navigation import NavItem, register_nav

        from . import access, services  # noqa: F401  (services registers its jobs and audit events)

        def summary(user):
            from .selectors import surveys_visible

            surveys = surveys_visible(user)
            return [
                (_("Survey rounds open"), format_number(surveys.filter(status="open").count())),
                (_("Survey rounds"), format_number(surveys.count())),
            ]

        register_nav(
            NavItem(
                "surveys",
                _("Surveys"),
                "surveys:index",
                access.VIEW.code,
                _("Sociological surveys for the PAR index and the satisfaction index (SIPAS)."),
                60,
                summary=summary,
            )
        )
        from . import metrics

        metrics.register()
