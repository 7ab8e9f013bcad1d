"""Platform metrics of the registry (for targets and the PAR index) and the dashboard card.

The rate of an agency covers the communes below it (a province, a commune); for a ministry it is the
nationwide rate. The year is the last year of the period, the year of the approved review lists.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number, format_ratio
from cchc.core.metrics import MetricValue

from .models import Category


def _rate(agency, period, category) -> MetricValue:
    from .selectors import poverty_rate as counts

    k, n = counts(agency, period.end.year, category)
    url = (
        reverse("households:stats") + f"?year={period.end.year}" + (f"&area={agency.code}" if agency else "")
    )
    if not n:
        return MetricValue(None, records_url=url)
    return MetricValue.ratio(k, n, records_url=url)


def poverty_rate(agency, period) -> MetricValue:
    return _rate(agency, period, Category.POOR)


def near_poverty_rate(agency, period) -> MetricValue:
    return _rate(agency, period, Category.NEAR_POOR)


def nav_summary(user):
    from .models import ReviewRound
    from .selectors import households_visible_to, rounds_visible_to

    rounds = rounds_visible_to(user)
    latest = (
        rounds.filter(status=ReviewRound.Status.APPROVED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    summary = [
        (_("Households"), format_number(households_visible_to(user).count())),
        (
            _("Rounds awaiting approval"),
            format_number(rounds.filter(status=ReviewRound.Status.SUBMITTED).count()),
        ),
    ]
    if latest:
        from .models import Classification

        qs = Classification.objects.filter(
            round__in=rounds.filter(status=ReviewRound.Status.APPROVED, year=latest)
        )
        poor = qs.filter(category=Category.POOR).count()
        summary.append((_("Poor households %(year)s") % {"year": latest}, format_ratio(poor, qs.count())))
    return summary
