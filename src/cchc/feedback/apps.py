from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _summary(user):
    from cchc.core.formatting import format_number

    from . import selectors

    qs = selectors.feedback_for_officer(user)
    return [
        (_("Feedback waiting for an answer"), format_number(qs.filter(status="received").count())),
        (_("Feedback overdue"), format_number(selectors.overdue(qs).count())),
    ]


class FeedbackConfig(AppConfig):
    name = "cchc.feedback"
    label = "feedback"
    verbose_name = _("Feedback (PAKN)")

    def ready(self):
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import access, selectors, services  # noqa: F401  (declare permissions and audit events)

        register_nav(
            NavItem(
                "feedback",
                _("Feedback (PAKN)"),
                "feedback:list",
                access.VIEW.code,
                _("Feedback and complaints from citizens and businesses: answers, verdicts, deadlines."),
                45,
                summary=_summary,
            )
        )
        register_metric(
            Metric(
                "feedback.on_time_rate",
                _("Feedback answered on time"),
                "percent",
                selectors.on_time_metric,
                _(
                    "Feedback received in the period and due by now (answered, or open past its due "
                    "date) that was answered by its due date (TT 01/2018 index 8)."
                ),
            )
        )
