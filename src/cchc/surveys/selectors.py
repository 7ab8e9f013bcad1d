"""Reads of the survey module."""

from dataclasses import dataclass

from django.db.models import Count

from cchc.org.access import scope_q

from .access import MANAGE, VIEW
from .answers import FormSpec, is_relevant
from .models import Invitation, Questionnaire, Quota, Response, Survey, UsedToken


def surveys_visible(user):
    return Survey.objects.filter(scope_q(user, VIEW, "agency")).select_related("agency", "questionnaire")


def questionnaires_visible(user):
    return Questionnaire.objects.filter(scope_q(user, VIEW, "agency")).select_related("agency")


def questionnaires_usable(user):
    return Questionnaire.objects.filter(
        scope_q(user, MANAGE, "agency"), status=Questionnaire.Status.PUBLISHED
    )


@dataclass
class StratumProgress:
    group: str
    subject: str
    quota: int
    invited: int
    responses: int


def survey_progress(survey: Survey) -> list[StratumProgress]:
    """Per stratum: quota, invitations and responses (all channels). Response counts are aggregates."""
    invited = {
        (r["group_id"], r["subject_id"]): r["n"]
        for r in Invitation.objects.filter(survey=survey)
        .values("group_id", "subject_id")
        .annotate(n=Count("id"))
    }
    answered = {
        (r["group_id"], r["subject_id"]): r["n"]
        for r in Response.objects.filter(survey=survey)
        .values("group_id", "subject_id")
        .annotate(n=Count("id"))
    }
    rows = []
    for quota in (
        Quota.objects.filter(group__survey=survey)
        .select_related("group", "subject")
        .order_by("group__code", "subject__code")
    ):
        key = (quota.group_id, quota.subject_id)
        rows.append(
            StratumProgress(
                quota.group.name, str(quota.subject), quota.size, invited.get(key, 0), answered.get(key, 0)
            )
        )
    return rows


def used_token_count(survey: Survey) -> int:
    return UsedToken.objects.filter(survey=survey).count()


@dataclass
class Item:
    """One thing to show in an answer form: a group start/end, a note or a question with its state."""

    question: object
    kind: str
    value: object = None
    other: str = ""
    error: str = ""
    choices: list = None


def form_items(spec: FormSpec, answers: dict, errors: dict) -> list[Item]:
    """The questions to show for the answers so far (relevance and choice filters applied)."""
    items = []
    skipping = 0
    for q in spec.questions:
        if q.kind == q.Kind.BEGIN_GROUP:
            if skipping or not is_relevant(q, answers):
                skipping += 1
                continue
            items.append(Item(q, "begin"))
            continue
        if q.kind == q.Kind.END_GROUP:
            if skipping:
                skipping -= 1
            else:
                items.append(Item(q, "end"))
            continue
        if skipping or q.kind == q.Kind.HIDDEN or not is_relevant(q, answers):
            continue
        value = answers.get(q.name)
        choices = None
        if q.has_choices:
            selected = value if isinstance(value, list) else [value]
            choices = [(c.name, c.label, c.name in selected) for c in spec.choices_for(q, answers)]
            if q.or_other:
                choices.append(("other", None, "other" in selected))
        items.append(
            Item(
                q,
                "note" if q.kind == q.Kind.NOTE else q.kind,
                value,
                answers.get(f"{q.name}_other", ""),
                errors.get(q.name, ""),
                choices,
            )
        )
    return items


def raw_from_post(spec: FormSpec, post) -> dict:
    """The submitted answers as {name: str | list}; multiple choices come as lists."""
    raw = {}
    for q in spec.answerable:
        if q.kind == q.Kind.SELECT_MULTIPLE:
            raw[q.name] = post.getlist(q.name)
        elif q.name in post:
            raw[q.name] = post.get(q.name)
        if q.or_other and f"{q.name}_other" in post:
            raw[f"{q.name}_other"] = post.get(f"{q.name}_other")
    return raw


def invitation_batches(survey: Survey) -> list[dict]:
    """Invitation counts per assessed unit and respondent group (the printing batches), with how
    many of each batch have answered online. Counts only: no names, no tokens."""
    used = set(UsedToken.objects.filter(survey=survey).values_list("token_hash", flat=True))
    batches: dict = {}
    for code, name, g_code, g_name, digest in (
        Invitation.objects.filter(survey=survey)
        .order_by("subject__code", "group__code")
        .values_list("subject__code", "subject__name", "group__code", "group__name", "token_hash")
    ):
        b = batches.setdefault(
            (code, g_code),
            {
                "unit": code,
                "unit_name": name,
                "group": g_code,
                "group_name": g_name,
                "invited": 0,
                "answered": 0,
            },
        )
        b["invited"] += 1
        b["answered"] += digest in used
    return list(batches.values())
