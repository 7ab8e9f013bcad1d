"""The public statistics page: how dossiers were handled in a year, for everyone to see.

The dossier figures come from onestop's statistics selectors (dossiers received in the year; rates
over dossiers whose processing finished), the satisfaction figures from the applicants' ratings.
Nothing personal is shown.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.charts import Bar, bar_chart
from cchc.core.formatting import percent
from cchc.core.metrics import Period
from cchc.onestop import statistics as onestop_statistics

from .rating import criteria_in_force
from .selectors import rating_summary

FIRST_YEAR = 2018  # NĐ 61/2018 took effect on 21/6/2018


def public_statistics(year: int) -> dict:
    period = Period.year(year)
    received = onestop_statistics.received_in(period)
    summary = onestop_statistics.summary(received)
    ratings = rating_summary(start=period.start, end=period.end)
    rows = [
        (_("Filed online"), summary.online, summary.received),
        (_("Resolved on time"), summary.on_time, summary.finished),
        (_("Fee paid online"), summary.paid_online, summary.with_fee),
        (_("Applicants satisfied"), ratings["satisfied"], ratings["ratings"]),
    ]
    chart = bar_chart(
        [Bar(label, percent(n, d)) for label, n, d in rows],
        title=_("Dossiers received in %(year)s") % {"year": year},
        unit="%",
        max_value=100,
    )
    criteria = []
    version = criteria_in_force(date(year, 12, 31)) if year >= FIRST_YEAR else None
    for criterion in version.criteria if version else ():
        row = ratings["criteria"].get(criterion.code, {})
        criteria.append(
            {
                "label": criterion.label,
                "n": row.get("n", 0),
                "good": row.get("good", 0),
                "fair": row.get("fair", 0),
                "poor": row.get("poor", 0),
            }
        )
    this_year = timezone.localdate().year
    return {
        "year": year,
        "years": list(range(max(this_year, year), FIRST_YEAR - 1, -1)),
        "summary": summary,
        "rows": rows,
        "chart": chart,
        "ratings": ratings,
        "criteria": criteria,
        "by_agency": onestop_statistics.by_agency(received),
    }
