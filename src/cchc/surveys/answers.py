"""Checking one respondent's answers against the questionnaire (web form, paper entry, drafts).

Answers are stored keyed by question name: select_one → the choice value, select_multiple → a list
of values, integer → int, decimal → float, text/date → str; an "or other" text goes in
"<name>_other". Questions that are not relevant for the answers given are dropped.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .expressions import ExpressionError, evaluate
from .models import Choice, Question

K = Question.Kind
OTHER = "other"


@dataclass
class FormSpec:
    """A questionnaire read once: questions in order and each choice list."""

    questionnaire_id: int
    questions: list[Question]
    lists: dict[str, list[Choice]] = field(default_factory=dict)

    @classmethod
    def load(cls, questionnaire) -> "FormSpec":
        spec = cls(questionnaire.pk, list(questionnaire.questions.order_by("position")))
        for choice in questionnaire.choices.order_by("list_name", "position"):
            spec.lists.setdefault(("external:" if choice.external else "") + choice.list_name, []).append(
                choice
            )
        return spec

    @property
    def answerable(self) -> list[Question]:
        return [q for q in self.questions if q.is_answerable]

    def choices_for(self, question: Question, answers: dict) -> list[Choice]:
        choices = self.lists.get(question.choice_key, [])
        if question.choice_filter and "choice_filter" not in question.extra.get("_unsupported", []):
            kept = []
            for c in choices:
                row = {k.lower(): v for k, v in c.filters.items()} | {"name": c.name}
                try:
                    if evaluate(question.choice_filter, answers, row=row):
                        kept.append(c)
                except ExpressionError:
                    kept.append(c)
            # Duplicate values (allowed by allow_choice_duplicates) collapse once filtered.
            seen, choices = set(), []
            for c in kept:
                if c.name not in seen:
                    seen.add(c.name)
                    choices.append(c)
        return choices


def is_relevant(question: Question, answers: dict) -> bool:
    if not question.relevant or "relevant" in question.extra.get("_unsupported", []):
        return True
    try:
        return evaluate(question.relevant, answers)
    except ExpressionError:
        return True


def clean_answers(spec: FormSpec, raw: dict, *, final: bool) -> tuple[dict, dict[str, str]]:
    """(answers, errors by question name). `final=False` (a draft) does not insist on required answers."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for q in spec.answerable:
        if q.kind == K.HIDDEN or not is_relevant(q, answers):
            continue
        value = raw.get(q.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if q.required and final:
                errors[q.name] = _("This question requires an answer.")
            continue
        try:
            answers[q.name] = _clean_value(spec, q, value, answers)
        except ValueError as exc:
            errors[q.name] = str(exc)
            continue
        if q.or_other and OTHER in (
            answers[q.name] if isinstance(answers[q.name], list) else [answers[q.name]]
        ):
            other = str(raw.get(f"{q.name}_other", "")).strip()
            if other:
                answers[f"{q.name}_other"] = other
            elif final:
                errors[q.name] = _("Say what “other” is.")
    return answers, errors


def _clean_value(spec: FormSpec, q: Question, value, answers: dict):
    if q.kind in (K.SELECT_ONE, K.LIKERT):
        allowed = {c.name for c in spec.choices_for(q, answers)} | ({OTHER} if q.or_other else set())
        value = str(value)
        if value not in allowed:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": value})
        return value
    if q.kind == K.SELECT_MULTIPLE:
        values = value if isinstance(value, list) else str(value).split()
        allowed = {c.name for c in spec.choices_for(q, answers)} | ({OTHER} if q.or_other else set())
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": " ".join(wrong)})
        return [c for c in dict.fromkeys(values)]
    if q.kind == K.INTEGER:
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValueError(_("Enter a whole number."))
        return int(number)
    if q.kind == K.DECIMAL:
        try:
            return float(Decimal(str(value).replace(",", ".")))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if q.kind == K.DATE:
        try:
            return date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    return str(value)[:2000]
