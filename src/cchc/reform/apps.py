from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _summary(user):
    from cchc.core.formatting import format_ratio
    from cchc.core.metrics import Period
    from cchc.org.access import agencies_with_perm

    from . import access, selectors

    root = agencies_with_perm(user, access.VIEW).order_by("path").first()
    if root is None:
        return []
    year = selectors.latest_year(root)
    fig = selectors.business_conditions_cut(root, Period.year(year))
    tasks = selectors.work_programme(root, Period.year(year))
    return [
        (
            _("Business conditions cut %(year)s") % {"year": year},
            format_ratio(fig.num, fig.den) if fig.den else "—",
        ),
        (
            _("Work programme %(year)s") % {"year": year},
            format_ratio(tasks.num, tasks.den) if tasks.den else "—",
        ),
    ]


class ReformConfig(AppConfig):
    name = "cchc.reform"
    label = "reform"
    verbose_name = _("Administrative reform")

    def ready(self):
        from cchc.core.metrics import register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import access, jobs, metrics, services  # noqa: F401  (registers jobs and audit events)

        register_nav(
            NavItem(
                key="reform",
                label=_("Reform registers"),
                url_name="reform:dashboard",
                permission=access.VIEW.code,
                order=25,
                summary=_summary,
                description=_(
                    "Simplification plans, business conditions, inspection items, work "
                    "programme, targets, legal documents and the annual reform report."
                ),
            )
        )
        for metric in metrics.METRICS:
            register_metric(metric)
