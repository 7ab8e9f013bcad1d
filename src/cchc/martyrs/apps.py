from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_shipped(sender, **kwargs):
    """The province gazetteer and the answer-time rule are reference data: present after every migrate
    (and after a test flush)."""
    from django.db import DEFAULT_DB_ALIAS

    if kwargs.get("using", DEFAULT_DB_ALIAS) != DEFAULT_DB_ALIAS:
        return
    from . import places
    from .rules import load_shipped_rules

    places.load_shipped()
    load_shipped_rules()


def _summary(user):
    from cchc.core.formatting import format_number

    from . import selectors

    qs = selectors.requests_for_officer(user)
    return [
        (_("Requests waiting"), format_number(qs.filter(status__in=["received", "in_review"]).count())),
        (_("Requests overdue"), format_number(selectors.requests_for_officer(user, overdue=True).count())),
    ]


class MartyrsConfig(AppConfig):
    name = "cchc.martyrs"
    label = "martyrs"
    verbose_name = _("Martyrs, graves and cemeteries")

    def ready(self):
        from cchc.core.jobs import register_job
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import access, bulk, selectors

        register_job("martyrs.import")(bulk.import_job)
        post_migrate.connect(_load_shipped, sender=self, dispatch_uid="martyrs.load_shipped")
        register_nav(
            NavItem(
                "martyrs",
                _("Martyr information"),
                "martyrs:home",
                None,
                _("Search martyrs, graves and martyrs' cemeteries; send a request."),
                70,
                public=True,
            )
        )
        register_nav(
            NavItem(
                "martyrs-staff",
                _("Martyr records"),
                "martyrs:staff",
                access.VIEW.code,
                _("Families' requests, record imports and exports, duplicate candidates."),
                71,
                summary=_summary,
            )
        )
        register_metric(
            Metric(
                "martyrs.requests_on_time_rate",
                _("Martyr information requests answered on time"),
                "percent",
                selectors.on_time_metric,
                _("Requests received in the period and due by now that were answered by their due date."),
            )
        )
        register_metric(
            Metric(
                "martyrs.graves_identified_rate",
                _("Martyr graves identified"),
                "percent",
                selectors.identified_metric,
                _("Graves whose martyr is identified, over all graves in the unit's cemeteries."),
            )
        )
