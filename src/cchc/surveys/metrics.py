"""Figures the survey module supplies to the platform (the PAR index binds criteria to them)."""

from django.utils.translation import gettext_lazy as _

from cchc.core.metrics import Metric, MetricValue, register_metric


def sipas_satisfied(agency, period) -> MetricValue:
    """Respondents satisfied overall / respondents, over SIPAS surveys about the unit in the period.

    Overall satisfaction is the overall question when the form has one, else the mean of the
    respondent's aspect answers, against the survey's 'satisfied from' value.
    """
    import pandas as pd

    from .answers import FormSpec
    from .models import Question, Response, Survey

    satisfied = answered = 0
    for survey in Survey.objects.filter(kind=Survey.Kind.SIPAS, responses__subject=agency).distinct():
        spec = FormSpec.load(survey.questionnaire)
        overall = [q.name for q in spec.questions if q.aspect == Question.Aspect.OVERALL]
        names = overall or [q.name for q in spec.questions if q.aspect]
        if not names:
            continue
        rows = Response.objects.filter(
            survey=survey, subject=agency, submitted_on__range=(period.start, period.end)
        )
        frame = pd.DataFrame.from_records(list(rows.values_list("answers", flat=True)), columns=names)
        mean = frame.apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=True).dropna()
        satisfied += int((mean >= survey.satisfied_from).sum())
        answered += len(mean)
    return MetricValue.ratio(satisfied, answered) if answered else MetricValue(None)


def register():
    register_metric(
        Metric(
            "surveys.sipas_satisfied",
            _("Share of people satisfied with the unit's services (SIPAS)"),
            "percent",
            sipas_satisfied,
            _("Respondents satisfied overall over respondents, in satisfaction surveys about the unit."),
        )
    )
