"""Platform metrics supplied by the procedure catalogue."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.core.metrics import Metric, MetricValue, Period

from .models import OnlineLevel, ProcedureVersion


def fully_online_share(agency, period: Period) -> MetricValue:
    """Procedures of the agency (and its units) in force at the end of the period whose version
    then is fully online, over all procedures in force then."""
    in_force = ProcedureVersion.objects.filter(
        ProcedureVersion.in_force_on(period.end), procedure__agency__path__startswith=agency.path
    )
    total = in_force.count()
    full = in_force.filter(online_level=OnlineLevel.FULL)
    return MetricValue.ratio(
        full.count(),
        total,
        records_url=reverse("procedures:catalog") + "?online=full",
        records=[str(v.procedure) for v in full.select_related("procedure")[:20]],
    )


FULLY_ONLINE_SHARE = Metric(
    name="procedures.fully_online_share",
    label=_("Share of procedures provided fully online"),
    unit="percent",
    compute=fully_online_share,
    description=_(
        "Procedures in force at the end of the period whose version is fully online (toàn trình), "
        "over all procedures in force then."
    ),
)


def active_count(agency, period: Period) -> MetricValue:
    n = ProcedureVersion.objects.filter(
        ProcedureVersion.in_force_on(period.end), procedure__agency__path__startswith=agency.path
    ).count()
    return MetricValue(value=n, records_url=reverse("procedures:catalog"))


ACTIVE_COUNT = Metric(
    name="procedures.in_force_count",
    label=_("Procedures in force"),
    unit="count",
    compute=active_count,
    description=_("Procedures in force at the end of the period."),
)
