"""Writes of the survey module. Each checks permission, runs in one transaction and is audited.

Answering by token needs no account: the token is the credential. A submitted response keeps no
reference to the token or the person; the token's hash goes to UsedToken, and the audit event of a
submission names the survey only and stores no IP address.
"""

import base64
import hashlib
import hmac
import io
import secrets
from datetime import date

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.core.context import current_ip
from cchc.core.exceptions import ImportRejected, InvalidTransition, RowError
from cchc.core.exports import restore
from cchc.core.files import table_limits_check
from cchc.core.jobs import Progress, job_enqueue, register_job
from cchc.org.access import require_perm
from cchc.org.models import Agency

from . import xlsform
from .access import ENTER, MANAGE
from .answers import FormSpec, clean_answers
from .models import (
    Choice,
    Draft,
    FrameEntry,
    ImportBatch,
    Invitation,
    Question,
    Questionnaire,
    Quota,
    RespondentGroup,
    Response,
    Survey,
    UsedToken,
)

QUESTIONNAIRE_IMPORTED = event_type(
    "surveys.questionnaire.import", gettext_lazy("Questionnaire imported from XLSForm")
)
QUESTIONNAIRE_CREATED = event_type("surveys.questionnaire.create", gettext_lazy("Questionnaire created"))
QUESTIONNAIRE_CHANGED = event_type("surveys.questionnaire.change", gettext_lazy("Questionnaire changed"))
QUESTIONNAIRE_PUBLISHED = event_type("surveys.questionnaire.publish", gettext_lazy("Questionnaire published"))
SURVEY_CREATED = event_type("surveys.survey.create", gettext_lazy("Survey round created"))
SURVEY_CHANGED = event_type("surveys.survey.change", gettext_lazy("Survey round changed"))
FRAME_IMPORTED = event_type("surveys.frame.import", gettext_lazy("Respondent frame uploaded"))
SAMPLE_DRAWN = event_type("surveys.sample.draw", gettext_lazy("Sample drawn"))
RESPONSE_SUBMITTED = event_type("surveys.response.submit", gettext_lazy("Survey response submitted"))
RESPONSE_ENTERED = event_type("surveys.response.enter", gettext_lazy("Paper questionnaire typed in"))
RESPONSES_IMPORTED = event_type("surveys.response.import", gettext_lazy("Survey responses imported"))
RESPONSES_CHANGED = event_type("surveys.response.change", gettext_lazy("Survey responses corrected"))
SCORES_WRITTEN = event_type("surveys.scores.write", gettext_lazy("Survey points written to the PAR index"))
FRAME_VIEWED = event_type("surveys.frame.view", gettext_lazy("Respondent frame viewed (invitations printed)"))

K = Question.Kind


# --- Questionnaires ---------------------------------------------------------------------------


def _next_version(code: str) -> int:
    last = (
        Questionnaire.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first()
    )
    return (last or 0) + 1


@transaction.atomic
def questionnaire_import_xlsform(
    *, actor, agency: Agency, data: bytes, file_name: str = "", publish: bool = True
) -> tuple[Questionnaire, xlsform.ParsedForm]:
    """Create a new questionnaire version from an XLSForm. Nothing is written if the form has errors."""
    require_perm(actor, MANAGE, agency)
    form = xlsform.parse(data, file_name=file_name)
    q = Questionnaire.objects.create(
        code=form.form_id,
        version=_next_version(form.form_id),
        titles=form.titles,
        agency=agency,
        source_file=file_name[:255],
        allow_choice_duplicates=form.allow_choice_duplicates,
        status=Questionnaire.Status.PUBLISHED if publish else Questionnaire.Status.DRAFT,
    )
    Question.objects.bulk_create(
        [
            Question(
                questionnaire=q,
                position=i,
                name=p.name,
                kind=p.kind,
                xlsform_type=p.xlsform_type,
                list_name=p.list_name,
                or_other=p.or_other,
                labels=p.labels,
                hints=p.hints,
                required=p.required,
                relevant=p.relevant,
                choice_filter=p.choice_filter,
                appearance=p.appearance,
                par_item=p.par_item,
                aspect=p.aspect,
                extra=p.extra,
            )
            for i, p in enumerate(form.questions, start=1)
        ]
    )
    positions: dict[str, int] = {}
    rows = []
    for c in form.choices:
        positions[c.list_name] = positions.get(c.list_name, 0) + 1
        rows.append(
            Choice(
                questionnaire=q,
                list_name=c.list_name,
                position=positions[c.list_name],
                name=c.name,
                labels=c.labels,
                score=c.score,
                filters=c.filters,
                external=c.external,
            )
        )
    Choice.objects.bulk_create(rows)
    audit_record(
        QUESTIONNAIRE_IMPORTED,
        actor=actor,
        target=q,
        agency_id=agency.pk,
        after={
            "file": file_name,
            "questions": len(form.questions),
            "choices": len(form.choices),
            "version": q.version,
        },
    )
    return q, form


@transaction.atomic
def questionnaire_create(*, actor, agency: Agency, code: str, titles: dict) -> Questionnaire:
    require_perm(actor, MANAGE, agency)
    if not xlsform.NAME_RE.match(code):
        raise ValidationError({"code": _("Use letters, digits, _ . - (start with a letter).")})
    q = Questionnaire.objects.create(code=code, version=_next_version(code), titles=titles, agency=agency)
    audit_record(QUESTIONNAIRE_CREATED, actor=actor, target=q, agency_id=agency.pk, after=snapshot(q))
    return q


def _editable(actor, questionnaire: Questionnaire) -> None:
    require_perm(actor, MANAGE, questionnaire.agency)
    if not questionnaire.is_editable:
        raise InvalidTransition(_("A published questionnaire cannot change; make a new version."))


@transaction.atomic
def question_add(
    *,
    actor,
    questionnaire: Questionnaire,
    kind: str,
    name: str,
    labels: dict,
    hints: dict | None = None,
    required: bool = False,
    relevant: str = "",
    choices: list[tuple[str, dict, object]] | None = None,
    list_name: str = "",
    par_item: str = "",
    aspect: str = "",
    appearance: str = "",
) -> Question:
    """Append a question. `choices` [(value, {lang: label}, score or None)] makes a list named after it."""
    _editable(actor, questionnaire)
    q = Question(
        questionnaire=questionnaire,
        kind=kind,
        name=name,
        labels=labels,
        hints=hints or {},
        required=required,
        relevant=relevant,
        par_item=par_item,
        aspect=aspect,
        appearance=appearance or ("likert" if kind == K.LIKERT else ""),
        position=(
            questionnaire.questions.order_by("-position").values_list("position", flat=True).first() or 0
        )
        + 1,
    )
    if not xlsform.NAME_RE.match(name) and kind != K.END_GROUP:
        raise ValidationError({"name": _("Use letters, digits, _ . - (start with a letter).")})
    if name and questionnaire.questions.filter(name=name).exists():
        raise ValidationError({"name": _("The name “%(name)s” is already used.") % {"name": name}})
    if relevant:
        from .expressions import ExpressionError, parse_expression

        try:
            parse_expression(relevant)
        except ExpressionError as exc:
            raise ValidationError({"relevant": str(exc)}) from exc
    if q.has_choices:
        q.list_name = list_name or name
        if choices:
            if questionnaire.choices.filter(list_name=q.list_name).exists():
                raise ValidationError(
                    {"choices": _("The list “%(list)s” already exists.") % {"list": q.list_name}}
                )
            Choice.objects.bulk_create(
                [
                    Choice(
                        questionnaire=questionnaire,
                        list_name=q.list_name,
                        position=i,
                        name=value,
                        labels=lab,
                        score=score,
                    )
                    for i, (value, lab, score) in enumerate(choices, start=1)
                ]
            )
        elif not questionnaire.choices.filter(list_name=q.list_name).exists():
            raise ValidationError({"choices": _("A choice question needs its choices.")})
    if par_item:
        own = list(questionnaire.choices.filter(list_name=q.list_name))
        if (
            q.kind not in (K.SELECT_ONE, K.LIKERT)
            or not own
            or not (all(c.score is not None for c in own) or all(xlsform._is_number(c.name) for c in own))
        ):
            raise ValidationError(
                {
                    "par_item": _(
                        "Only Likert or single-choice questions whose choices all have a score or a numeric value can score a PAR item."
                    )
                }
            )
    q.save()
    audit_record(
        QUESTIONNAIRE_CHANGED,
        actor=actor,
        target=questionnaire,
        agency_id=questionnaire.agency_id,
        after={"added": q.name, "kind": q.kind},
    )
    return q


@transaction.atomic
def question_update(
    *,
    actor,
    question: Question,
    labels: dict,
    required: bool = False,
    relevant: str = "",
    par_item: str = "",
    aspect: str = "",
    choices: list | None = None,
) -> Question:
    """Change a draft question's wording and rules; `choices` replaces its list when only it uses the list."""
    questionnaire = question.questionnaire
    _editable(actor, questionnaire)
    before = snapshot(question)
    if relevant:
        from .expressions import ExpressionError, parse_expression

        try:
            parse_expression(relevant)
        except ExpressionError as exc:
            raise ValidationError({"relevant": str(exc)}) from exc
    if choices and question.has_choices:
        if questionnaire.questions.filter(list_name=question.list_name).exclude(pk=question.pk).exists():
            raise ValidationError(
                {
                    "choices": _("Other questions share the list “%(list)s”; its choices cannot change here.")
                    % {"list": question.list_name}
                }
            )
        questionnaire.choices.filter(list_name=question.list_name).delete()
        Choice.objects.bulk_create(
            [
                Choice(
                    questionnaire=questionnaire,
                    list_name=question.list_name,
                    position=i,
                    name=value,
                    labels=lab,
                    score=score,
                )
                for i, (value, lab, score) in enumerate(choices, start=1)
            ]
        )
    question.labels, question.required, question.relevant = labels, required, relevant
    question.par_item, question.aspect = par_item, aspect
    if par_item:
        own = list(questionnaire.choices.filter(list_name=question.list_name))
        if (
            question.kind not in (K.SELECT_ONE, K.LIKERT)
            or not own
            or not (all(c.score is not None for c in own) or all(xlsform._is_number(c.name) for c in own))
        ):
            raise ValidationError(
                {
                    "par_item": _(
                        "Only Likert or single-choice questions whose choices all have a score or a numeric value can score a PAR item."
                    )
                }
            )
    question.save()
    audit_record(
        QUESTIONNAIRE_CHANGED,
        actor=actor,
        target=questionnaire,
        agency_id=questionnaire.agency_id,
        before={"question": before},
        after={"question": snapshot(question)},
    )
    return question


@transaction.atomic
def question_remove(*, actor, question: Question) -> None:
    questionnaire = question.questionnaire
    _editable(actor, questionnaire)
    name = question.name
    question.delete()
    audit_record(
        QUESTIONNAIRE_CHANGED,
        actor=actor,
        target=questionnaire,
        agency_id=questionnaire.agency_id,
        after={"removed": name},
    )


@transaction.atomic
def question_move(*, actor, question: Question, up: bool) -> None:
    questionnaire = question.questionnaire
    _editable(actor, questionnaire)
    siblings = questionnaire.questions.order_by("position")
    other = (
        siblings.filter(position__lt=question.position).last()
        if up
        else siblings.filter(position__gt=question.position).first()
    )
    if other is None:
        return
    a, b = question.position, other.position
    question.position = 0
    question.save(update_fields=["position"])
    other.position = a
    other.save(update_fields=["position"])
    question.position = b
    question.save(update_fields=["position"])
    audit_record(
        QUESTIONNAIRE_CHANGED,
        actor=actor,
        target=questionnaire,
        agency_id=questionnaire.agency_id,
        after={"moved": question.name, "up": up},
    )


@transaction.atomic
def questionnaire_publish(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    _editable(actor, questionnaire)
    if not questionnaire.questions.exclude(kind__in=[K.BEGIN_GROUP, K.END_GROUP]).exists():
        raise ValidationError(_("The questionnaire has no questions."))
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.save(update_fields=["status", "updated_at"])
    audit_record(
        QUESTIONNAIRE_PUBLISHED, actor=actor, target=questionnaire, agency_id=questionnaire.agency_id
    )
    return questionnaire


@transaction.atomic
def questionnaire_new_version(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy with the next version number; the published version stays as it was."""
    require_perm(actor, MANAGE, questionnaire.agency)
    new = Questionnaire.objects.create(
        code=questionnaire.code,
        version=_next_version(questionnaire.code),
        titles=questionnaire.titles,
        agency=questionnaire.agency,
        allow_choice_duplicates=questionnaire.allow_choice_duplicates,
    )
    Question.objects.bulk_create(
        [
            Question(
                **{
                    f.attname: getattr(q, f.attname)
                    for f in Question._meta.concrete_fields
                    if f.attname not in ("id", "questionnaire_id")
                },
                questionnaire=new,
            )
            for q in questionnaire.questions.all()
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(
                **{
                    f.attname: getattr(c, f.attname)
                    for f in Choice._meta.concrete_fields
                    if f.attname not in ("id", "questionnaire_id")
                },
                questionnaire=new,
            )
            for c in questionnaire.choices.all()
        ]
    )
    audit_record(
        QUESTIONNAIRE_CREATED,
        actor=actor,
        target=new,
        agency_id=new.agency_id,
        after={"copied_from": questionnaire.pk, "version": new.version},
    )
    return new


# --- Survey rounds, groups, quotas ------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor,
    questionnaire: Questionnaire,
    agency: Agency,
    name: str,
    kind: str = Survey.Kind.PAR,
    par_cycle_code: str = "",
    satisfied_from: int = 4,
    is_synthetic: bool = False,
) -> Survey:
    require_perm(actor, MANAGE, agency)
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError({"questionnaire": _("Publish the questionnaire before using it in a survey.")})
    survey = Survey.objects.create(
        name=name,
        kind=kind,
        questionnaire=questionnaire,
        agency=agency,
        par_cycle_code=par_cycle_code,
        satisfied_from=satisfied_from,
        is_synthetic=is_synthetic,
        created_by=actor if getattr(actor, "pk", None) else None,
        token_salt=secrets.token_hex(16),
    )
    audit_record(
        SURVEY_CREATED,
        actor=actor,
        target=survey,
        agency_id=agency.pk,
        after=snapshot(survey, ["name", "kind", "questionnaire", "par_cycle_code"]),
    )
    return survey


@transaction.atomic
def survey_set_status(*, actor, survey: Survey, status: str) -> Survey:
    require_perm(actor, MANAGE, survey.agency)
    before = survey.status
    survey.status = status
    survey.save(update_fields=["status", "updated_at"])
    audit_record(
        SURVEY_CHANGED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        before={"status": before},
        after={"status": status},
    )
    return survey


@transaction.atomic
def group_save(*, actor, survey: Survey, code: str, name: str, weight=1) -> RespondentGroup:
    require_perm(actor, MANAGE, survey.agency)
    group, created = RespondentGroup.objects.update_or_create(
        survey=survey, code=code, defaults={"name": name, "weight": weight}
    )
    group.full_clean()
    audit_record(
        SURVEY_CHANGED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"group": code, "name": name, "weight": weight, "created": created},
    )
    return group


@transaction.atomic
def quota_set(*, actor, group: RespondentGroup, subject: Agency, size: int) -> Quota:
    survey = group.survey
    require_perm(actor, MANAGE, survey.agency)
    if survey.invitations.exists():
        raise InvalidTransition(_("The sample is drawn; quotas can no longer change."))
    quota, _created = Quota.objects.update_or_create(group=group, subject=subject, defaults={"size": size})
    audit_record(
        SURVEY_CHANGED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"quota": group.code, "subject": subject.code, "size": size},
    )
    return quota


# --- Tables (respondent frames, response files) -----------------------------------------------


def _cell_text(value) -> str:
    """An Excel cell as the text a person typed: 5.0 → "5", empty → ""."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return restore(str(value))  # text that our own export made inert reads back as typed


def read_table(data: bytes, file_name: str) -> pd.DataFrame:
    """A CSV (UTF-8) or XLSX file as strings; empty cells are ''. Header names are kept as written.
    Size, unzipped size and column count are checked before pandas reads it."""
    table_limits_check(io.BytesIO(data), file_name, size=len(data))
    try:
        if file_name.lower().endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl").map(_cell_text)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # pandas raises many error types for unreadable input
        raise ImportRejected(
            [RowError(None, "", _("The file cannot be read as CSV or XLSX: %(error)s") % {"error": exc})]
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").apply(lambda col: col.str.strip().str.normalize("NFC"))  # core.text: NFC


def _require_columns(frame: pd.DataFrame, columns, errors: list[RowError]) -> None:
    for column in columns:
        if column not in frame.columns:
            errors.append(RowError(1, column, _("The column “%(column)s” is missing.") % {"column": column}))


def _bad_rows(mask: pd.Series, column: str, message: str, errors: list[RowError], limit: int = 200) -> None:
    for index in np.flatnonzero(mask.to_numpy())[:limit]:
        errors.append(RowError(int(index) + 2, column, message))


def _lookup(frame, survey, errors):
    """group and subject columns → ids; errors for unknown codes."""
    groups = dict(RespondentGroup.objects.filter(survey=survey).values_list("code", "id"))
    group_ids = frame["group"].map(groups)
    _bad_rows(
        group_ids.isna(),
        "group",
        _("Unknown respondent group (use one of: %(codes)s).") % {"codes": ", ".join(sorted(groups))},
        errors,
    )
    codes = frame["subject"].unique().tolist()
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "id"))
    subject_ids = frame["subject"].map(agencies)
    _bad_rows(subject_ids.isna(), "subject", _("Unknown unit code."), errors)
    return group_ids, subject_ids


@transaction.atomic
def frame_import(*, actor, survey: Survey, data: bytes, file_name: str) -> int:
    """Upload the respondent frame: columns respondent_id, group, subject [, full_name, contact, service].

    Replaces an earlier frame while no sample is drawn. All-or-nothing.
    """
    require_perm(actor, MANAGE, survey.agency)
    if survey.invitations.exists():
        raise InvalidTransition(_("The sample is drawn; the frame can no longer change."))
    frame = read_table(data, file_name)
    errors: list[RowError] = []
    _require_columns(frame, ["respondent_id", "group", "subject"], errors)
    if errors:
        raise ImportRejected(errors)
    _bad_rows(frame["respondent_id"] == "", "respondent_id", _("The respondent id is empty."), errors)
    _bad_rows(
        frame["respondent_id"].duplicated() & (frame["respondent_id"] != ""),
        "respondent_id",
        _("The respondent id appears twice."),
        errors,
    )
    group_ids, subject_ids = _lookup(frame, survey, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.field)))
    FrameEntry.objects.filter(survey=survey).delete()
    get = lambda col: frame[col] if col in frame.columns else pd.Series([""] * len(frame))  # noqa: E731
    FrameEntry.objects.bulk_create(
        [
            FrameEntry(
                survey=survey,
                group_id=int(g),
                subject_id=int(s),
                external_id=r[:60],
                full_name=n[:200],
                contact=c[:200],
                service=sv[:200],
            )
            for g, s, r, n, c, sv in zip(
                group_ids,
                subject_ids,
                frame["respondent_id"],
                get("full_name"),
                get("contact"),
                get("service"),
                strict=True,
            )
        ],
        batch_size=2000,
    )
    audit_record(
        FRAME_IMPORTED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"file": file_name, "rows": len(frame)},
    )
    return len(frame)


# --- Sampling and tokens ----------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The one-time token of an invitation, derived (so it can be reprinted) but never stored."""
    message = f"{invitation.survey_id}:{invitation.pk}:{invitation.survey.token_salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode().rstrip("=").lower()


def invitations_for_print(
    *, actor, survey: Survey, page: int = 1, per_page: int = 24, unit: str = "", group: str = ""
):
    """A page of invitations with names and tokens (personal data): permission checked, access audited.

    Ordered by assessed unit, then respondent group, so each printed batch goes to one unit; `unit`
    and `group` (codes) narrow it to one batch."""
    from django.core.paginator import Paginator

    from .access import VIEW_FRAME

    require_perm(actor, VIEW_FRAME, survey.agency)
    qs = (
        Invitation.objects.filter(survey=survey)
        .select_related("frame_entry", "group", "subject", "survey")
        .order_by("subject__code", "group__code", "id")
    )
    if unit:
        qs = qs.filter(subject__code=unit)
    if group:
        qs = qs.filter(group__code=group)
    result = Paginator(qs, per_page).get_page(page)
    audit_record(
        FRAME_VIEWED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={
            "page": result.number,
            "unit": unit,
            "group": group,
            "invitations": [inv.pk for inv in result],
        },
    )
    return result


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


@transaction.atomic
def sample_draw(*, actor, survey: Survey, seed: int) -> int:
    """Draw each stratum's quota (group × assessed unit) at random from the frame; same seed, same sample.

    A stratum with fewer people than its quota takes everyone. Returns the number of invitations.
    """
    require_perm(actor, MANAGE, survey.agency)
    if survey.invitations.exists():
        raise InvalidTransition(_("The sample is already drawn."))
    quotas = list(Quota.objects.filter(group__survey=survey).order_by("group__code", "subject__code"))
    if not quotas:
        raise ValidationError(_("Set the quotas per respondent group and assessed unit first."))
    frame = pd.DataFrame.from_records(
        FrameEntry.objects.filter(survey=survey).values("id", "group_id", "subject_id", "service"),
        columns=["id", "group_id", "subject_id", "service"],
    ).sort_values("id")
    rng = np.random.default_rng(seed)
    chosen = []
    for quota in quotas:
        stratum = frame[(frame.group_id == quota.group_id) & (frame.subject_id == quota.subject_id)]
        take = min(quota.size, len(stratum))
        picked = rng.choice(len(stratum), size=take, replace=False) if take else []
        chosen.extend(stratum.iloc[sorted(picked)].itertuples(index=False))
    # The token derives from the invitation's id, so rows are created first with a random placeholder.
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                survey=survey,
                group_id=row.group_id,
                subject_id=row.subject_id,
                frame_entry_id=row.id,
                service=row.service,
                token_hash=secrets.token_hex(32),
            )
            for row in chosen
        ],
        batch_size=2000,
    )
    for inv in invitations:
        inv.survey = survey
        inv.token_hash = token_hash(invitation_token(inv))
    Invitation.objects.bulk_update(invitations, ["token_hash"], batch_size=2000)
    survey.sample_seed = seed
    survey.save(update_fields=["sample_seed", "updated_at"])
    audit_record(
        SAMPLE_DRAWN,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"seed": seed, "invitations": len(invitations), "strata": len(quotas)},
    )
    return len(invitations)


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation for a token: None if unknown, already used, or the survey is not open."""
    digest = token_hash(token)
    inv = (
        Invitation.objects.select_related("survey", "survey__questionnaire", "group", "subject")
        .filter(token_hash=digest)
        .first()
    )
    if (
        inv is None
        or inv.survey.status != Survey.Status.OPEN
        or UsedToken.objects.filter(token_hash=digest).exists()
    ):
        return None
    return inv


# --- Answering --------------------------------------------------------------------------------


@transaction.atomic
def draft_save(*, token: str, raw: dict) -> tuple[dict, dict]:
    """Save and resume: keeps the valid answers given so far. Returns (answers, errors)."""
    inv = invitation_for_token(token)
    if inv is None:
        raise InvalidTransition(_("This link is not valid, already used, or the survey is closed."))
    answers, errors = clean_answers(FormSpec.load(inv.survey.questionnaire), raw, final=False)
    Draft.objects.update_or_create(invitation=inv, defaults={"answers": answers})
    return answers, errors


def _schedule_scoring(survey: Survey) -> None:
    """Recompute the survey points after the change commits (one queued job per survey at a time)."""
    if not survey.par_cycle_code:
        return
    from cchc.core.models import Job

    def enqueue():
        if not Job.objects.filter(
            kind="surveys.score", status=Job.Status.QUEUED, params__survey=survey.pk
        ).exists():
            job_enqueue("surveys.score", actor=survey.created_by, params={"survey": survey.pk})

    transaction.on_commit(enqueue)


@transaction.atomic
def response_submit(*, token: str, raw: dict) -> tuple[Response | None, dict]:
    """Submit by token. Returns (response, {}) or (None, errors). The token cannot be used again."""
    digest = token_hash(token)
    # Lock the invitation row so two simultaneous submissions with one token cannot both pass.
    inv = Invitation.objects.select_for_update().filter(token_hash=digest).first()
    inv = invitation_for_token(token) if inv is not None else None
    if inv is None:
        raise InvalidTransition(_("This link is not valid, already used, or the survey is closed."))
    survey = inv.survey
    answers, errors = clean_answers(FormSpec.load(survey.questionnaire), raw, final=True)
    if errors:
        return None, errors
    response = Response.objects.create(
        survey=survey,
        group_id=inv.group_id,
        subject_id=inv.subject_id,
        service=inv.service,
        channel=Response.Channel.WEB,
        submitted_on=date.today(),
        answers=answers,
    )
    UsedToken.objects.create(token_hash=digest, survey=survey)
    Draft.objects.filter(invitation=inv).delete()
    ip = current_ip.set(None)  # no IP address next to a response, not even in the audit log
    try:
        audit_record(RESPONSE_SUBMITTED, target=survey, agency_id=survey.agency_id)
    finally:
        current_ip.reset(ip)
    _schedule_scoring(survey)
    return response, {}


@transaction.atomic
def response_enter(
    *, actor, survey: Survey, group: RespondentGroup, subject: Agency, raw: dict, service: str = ""
) -> tuple[Response | None, dict]:
    """A paper questionnaire typed in by a data clerk."""
    require_perm(actor, ENTER, survey.agency)
    if group.survey_id != survey.pk:
        raise ValidationError({"group": _("The group is not part of this survey.")})
    answers, errors = clean_answers(FormSpec.load(survey.questionnaire), raw, final=True)
    if errors:
        return None, errors
    response = Response.objects.create(
        survey=survey,
        group=group,
        subject=subject,
        service=service[:200],
        channel=Response.Channel.PAPER,
        submitted_on=date.today(),
        answers=answers,
    )
    audit_record(
        RESPONSE_ENTERED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        after={"response": response.pk, "group": group.code, "subject": subject.code},
    )
    _schedule_scoring(survey)
    return response, {}


@transaction.atomic
def response_correct(*, actor, response: Response, raw: dict) -> tuple[Response | None, dict]:
    """Correct a typed-in or imported response (e.g. a keying error found when checking paper forms)."""
    survey = response.survey
    require_perm(actor, ENTER, survey.agency)
    answers, errors = clean_answers(FormSpec.load(survey.questionnaire), raw, final=True)
    if errors:
        return None, errors
    before = response.answers
    response.answers = answers
    response.save(update_fields=["answers"])
    audit_record(
        RESPONSES_CHANGED,
        actor=actor,
        target=survey,
        agency_id=survey.agency_id,
        before={"response": response.pk, "answers": before},
        after={"answers": answers},
    )
    _schedule_scoring(survey)
    return response, {}


# --- Importing responses from other tools -----------------------------------------------------


def _validate_column(q: Question, col: pd.Series, spec: FormSpec, errors: list[RowError]):
    """The column as stored values (object Series, None where empty) after vectorised checks."""
    filled = col != ""
    name = q.name
    if q.required and not q.relevant:
        _bad_rows(~filled, name, _("This question requires an answer."), errors)
    if q.kind in (K.SELECT_ONE, K.LIKERT):
        allowed = {c.name for c in spec.lists.get(q.choice_key, [])} | ({"other"} if q.or_other else set())
        _bad_rows(
            filled & ~col.isin(allowed),
            name,
            _("Not one of the choices (%(values)s).") % {"values": ", ".join(sorted(allowed))},
            errors,
        )
        return col.where(filled, None)
    if q.kind == K.SELECT_MULTIPLE:
        allowed = {c.name for c in spec.lists.get(q.choice_key, [])} | ({"other"} if q.or_other else set())
        lists = col.str.split()
        wrong = lists.map(lambda values: any(v not in allowed for v in values))
        _bad_rows(
            filled & wrong,
            name,
            _("Not one of the choices (%(values)s).") % {"values": ", ".join(sorted(allowed))},
            errors,
        )
        return lists.where(filled, None)
    if q.kind in (K.INTEGER, K.DECIMAL):
        numbers = pd.to_numeric(col.str.replace(",", ".", regex=False), errors="coerce")
        bad = filled & numbers.isna()
        if q.kind == K.INTEGER:
            bad |= filled & numbers.notna() & (numbers % 1 != 0)
            _bad_rows(bad, name, _("Enter a whole number."), errors)
            return numbers.astype("Int64").astype(object).where(filled, None)
        _bad_rows(bad, name, _("Enter a number."), errors)
        return numbers.astype(object).where(filled, None)
    if q.kind == K.DATE:
        parsed = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
        _bad_rows(filled & parsed.isna(), name, _("Enter a date as YYYY-MM-DD."), errors)
        return col.where(filled, None)
    return col.where(filled, None)


def responses_import(
    *, actor, survey: Survey, data: bytes, file_name: str, progress: Progress | None = None
) -> ImportBatch:
    """Import responses exported from another tool: one row per response, columns group, subject
    [, service] and one column per question name (select_multiple: values separated by spaces).
    Validated column by column; on any error nothing is written and every bad cell is reported."""
    require_perm(actor, ENTER, survey.agency)
    progress = progress or Progress()
    frame = read_table(data, file_name)
    spec = FormSpec.load(survey.questionnaire)
    errors: list[RowError] = []
    _require_columns(frame, ["group", "subject"], errors)
    questions = {q.name: q for q in spec.answerable if q.kind != K.HIDDEN}
    known = (
        set(questions)
        | {"group", "subject", "service"}
        | {f"{n}_other" for n, q in questions.items() if q.or_other}
    )
    unknown = [c for c in frame.columns if c not in known]
    for column in unknown:
        errors.append(RowError(1, column, _("No question has this name.")))
    if errors:
        raise ImportRejected(errors)
    progress.update(0, len(frame), _("Checking"))
    group_ids, subject_ids = _lookup(frame, survey, errors)
    columns = {}
    for name, q in questions.items():
        if name in frame.columns:
            columns[name] = _validate_column(q, frame[name], spec, errors)
        elif q.required and not q.relevant:
            errors.append(RowError(1, name, _("The column “%(column)s” is missing.") % {"column": name}))
    for name in frame.columns:
        if name.endswith("_other") and name in known:
            columns[name] = frame[name].where(frame[name] != "", None)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.field))[:500])
    # Rows as dicts without empty answers, built column-wise (no per-cell Python validation).
    names = list(columns)
    matrix = pd.DataFrame(columns, index=frame.index)[names].to_numpy(dtype=object)
    answers = [{k: v for k, v in zip(names, row, strict=True) if v is not None} for row in matrix]
    service = frame["service"] if "service" in frame.columns else pd.Series([""] * len(frame))
    today = date.today()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            survey=survey,
            file_name=file_name[:255],
            rows=len(frame),
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        chunk = 5000
        for start in range(0, len(frame), chunk):
            Response.objects.bulk_create(
                [
                    Response(
                        survey=survey,
                        group_id=int(g),
                        subject_id=int(s),
                        service=sv[:200],
                        channel=Response.Channel.IMPORT,
                        submitted_on=today,
                        batch=batch,
                        answers=a,
                    )
                    for g, s, sv, a in zip(
                        group_ids.iloc[start : start + chunk],
                        subject_ids.iloc[start : start + chunk],
                        service.iloc[start : start + chunk],
                        answers[start : start + chunk],
                        strict=True,
                    )
                ]
            )
            progress.update(min(start + chunk, len(frame)), message=_("Importing"))
        audit_record(
            RESPONSES_IMPORTED,
            actor=actor,
            target=survey,
            agency_id=survey.agency_id,
            after={"file": file_name, "rows": len(frame), "batch": batch.pk},
        )
        _schedule_scoring(survey)
    return batch


@register_job("surveys.import_responses", gettext_lazy("Survey responses import"))
def import_responses_job(progress, *, job, survey: int, path: str, file_name: str):
    from django.core.files.storage import default_storage

    with default_storage.open(path, "rb") as fh:
        data = fh.read()
    try:
        batch = responses_import(
            actor=job.created_by,
            survey=Survey.objects.get(pk=survey),
            data=data,
            file_name=file_name,
            progress=progress,
        )
    finally:
        default_storage.delete(path)
    from django.urls import reverse

    return {
        "summary": _("%(n)s responses imported.") % {"n": batch.rows},
        "next_url": reverse("surveys:survey", args=[survey]),
    }


# --- Scores -----------------------------------------------------------------------------------


@register_job("surveys.score", gettext_lazy("Survey scoring"))
def score_job(progress, *, job, survey: int):
    from .scoring import scores_write

    run = scores_write(actor=job.created_by, survey=Survey.objects.get(pk=survey))
    return {"summary": _("Survey points computed from %(n)s responses.") % {"n": run.response_count}}
