"""Writes to dossiers: every step of the one-stop life cycle is one audited service call.

Each service takes the dossier and, for back-office actions, the `version` the officer saw; if the
dossier changed since, core.exceptions.Conflict is raised and nothing is written (optimistic
locking). Status changes are recorded in DossierEvent and announced with
signals.dossier_status_changed inside the same transaction (its receivers write their rows — the
applicant's notification and e-mail — in it: a transactional outbox). The contract used by the portal is in docs/onestop.md.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_event, audit_record, audit_record_many, event_type
from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.core.files import file_saved, files_atomic, safe_upload_name, validate_upload
from cchc.core.mail import absolute_url, mail_queue
from cchc.org.access import has_perm, require_perm
from cchc.org.models import Agency
from cchc.procedures.selectors import procedure_version_in_force
from cchc.workdays.selectors import calendar

from . import deadlines
from .access import APPROVE, PROCESS, RECEIVE
from .models import (
    OPEN_STATUSES,
    Apology,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierFile,
    DossierPause,
    DossierStep,
    Outcome,
    RuleSet,
    Status,
)
from .signals import dossier_status_changed

E = {
    code: event_type(f"onestop.dossier.{code}", label)
    for code, label in [
        ("draft", gettext_lazy("Dossier draft saved")),
        ("submit", gettext_lazy("Dossier submitted online")),
        ("register", gettext_lazy("Dossier registered at the desk")),
        ("accept", gettext_lazy("Dossier accepted")),
        ("refuse", gettext_lazy("Dossier refused")),
        ("supplement_request", gettext_lazy("Supplementation requested")),
        ("supplement", gettext_lazy("Dossier supplemented")),
        ("route", gettext_lazy("Dossier handed over")),
        ("assign", gettext_lazy("Dossier assigned to an officer")),
        ("consult", gettext_lazy("Consultation requested")),
        ("consult_answer", gettext_lazy("Consultation answered")),
        ("payment_request", gettext_lazy("Payment requested")),
        ("payment", gettext_lazy("Payment confirmed")),
        ("propose", gettext_lazy("Result proposed for approval")),
        ("approve", gettext_lazy("Result approved")),
        ("return", gettext_lazy("Result returned")),
        ("withdraw", gettext_lazy("Dossier withdrawn")),
        ("stop", gettext_lazy("Processing stopped")),
        ("apology", gettext_lazy("Apology and new appointment issued")),
        ("personal_view", gettext_lazy("Applicant's personal data viewed")),
    ]
}

APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_identity",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)


# --- helpers ----------------------------------------------------------------------------------
def _now() -> datetime:
    return timezone.now()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _lock(dossier: Dossier, version: int | None) -> Dossier:
    """Re-read the dossier under a row lock; Conflict if someone changed it since `version`."""
    fresh = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("rule_set", "agency", "procedure")
        .get(pk=dossier.pk)
    )
    if version is not None and fresh.version != int(version):
        raise Conflict(
            _(
                "Dossier %(code)s was changed by someone else (version %(theirs)s, you saw %(yours)s). "
                "Reload it and repeat your action; nothing was saved."
            )
            % {"code": fresh, "theirs": fresh.version, "yours": version}
        )
    return fresh


def _require_status(d: Dossier, *allowed) -> None:
    if d.status not in allowed:
        raise InvalidTransition(
            _("Dossier %(code)s is “%(status)s”; this action is not possible now.")
            % {"code": d, "status": d.get_status_display()}
        )


def _save(
    d: Dossier,
    actor,
    action: str,
    *,
    new_status: int | None = None,
    note: str = "",
    data=None,
    at: datetime | None = None,
) -> None:
    """Bump the version, write the history line and the audit event, announce a status change."""
    at = at or _now()
    old = d.status
    if new_status is not None:
        d.status = new_status
    d.version = F("version") + 1
    d.save()
    d.refresh_from_db(fields=["version"])
    _history(d, actor, action, old, note=note, data=data, at=at)
    _audit(d, actor, action, old, data=data)


def _history(d: Dossier, actor, action: str, old: int, *, note: str = "", data=None, at: datetime) -> None:
    DossierEvent.objects.create(
        dossier=d,
        at=at,
        actor=_user(actor),
        action=action,
        from_status=old,
        to_status=d.status,
        note=note,
        data=data or {},
    )


def _audit(d: Dossier, actor, action: str, old: int, *, data=None, earlier: tuple = ()) -> None:
    """The audit event of a saved change (after the `earlier` events of the same operation, all
    chained in one write); a status change is announced now, inside the caller's transaction, so
    that the notification rows commit or roll back with the change (never one without the other)."""
    audit_record_many(
        [
            *earlier,
            audit_event(
                E[action],
                actor=actor,
                target=d,
                agency_id=d.agency_id,
                before={"status": old},
                after={"status": d.status, "version": d.version, **(data or {})},
            ),
        ]
    )
    if d.status != old:
        dossier_status_changed.send(
            sender=Dossier, dossier=d, old_status=old, new_status=d.status, actor=_user(actor)
        )


def rule_set_in_force(at: datetime) -> RuleSet | None:
    return (
        RuleSet.objects.filter(effective_from__lte=timezone.localdate(at)).order_by("-effective_from").first()
    )


def _next_code(agency: Agency, at: datetime) -> str:
    """<agency code>-YYMMDD-XXXX: the day's sequence at the agency, unique under concurrent receipt.

    The counter row is incremented with a row lock (UPDATE … SET last = last + 1 RETURNING last:
    one statement, as the lock is held until the commit by every receipt at the agency); the
    first dossier of a day creates the row, and a concurrent creator that loses the race retries."""
    day = timezone.localdate(at)
    q = connection.ops.quote_name
    increment = (
        f"UPDATE {q(DossierCodeCounter._meta.db_table)} SET {q('last')} = {q('last')} + 1 "
        f"WHERE {q('agency_id')} = %s AND {q('day')} = %s RETURNING {q('last')}"
    )
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(increment, [agency.pk, connection.ops.adapt_datefield_value(day)])
            row = cursor.fetchone()
        if row is not None:
            n = row[0]
            break
        try:
            with transaction.atomic():
                n = DossierCodeCounter.objects.create(agency=agency, day=day, last=1).last
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError(f"could not number a dossier of {agency.code} on {day}")
    return f"{agency.code}-{day:%y%m%d}-{n:04d}"


def _store_files(d: Dossier, files, actor, purpose: str, *, new: bool = False) -> list[DossierFile]:
    """files: {component_code: upload} or [(component_code, upload)]; each checked by content.
    A component's new file replaces its current one (none to replace in a dossier created `new`)."""
    if not files:
        return []
    pairs = list(files.items()) if isinstance(files, dict) else list(files)
    component_files = purpose in (DossierFile.Purpose.SUBMISSION, DossierFile.Purpose.SUPPLEMENT)
    codes = {c.code for c in d.procedure_version.components.all()}  # prefetched by the version selector
    rows, month = [], timezone.localdate()
    for code, upload in pairs:
        if code and codes and code not in codes and component_files:
            raise ValidationError(
                {"files": _("%(code)s is not a component of this procedure.") % {"code": code}}
            )
        checked = validate_upload(upload)
        row = DossierFile(
            dossier=d,
            component_code=code or "",
            purpose=purpose,
            kind=checked.kind,
            size=checked.size,
            uploaded_by=_user(actor),
        )
        # One folder a month, not one per dossier: a million dossiers are not a million folders.
        row.file.save(safe_upload_name(f"{month:%Y/%m}", checked.extension), upload, save=False)
        file_saved(row.file.name, row.file.storage)  # removed again if the transaction rolls back
        rows.append(row)
    replaced = (
        {row.component_code for row in rows if row.component_code} if component_files and not new else set()
    )
    if replaced:
        d.files.filter(component_code__in=replaced, replaced=False).update(replaced=True)
    return DossierFile.objects.bulk_create(rows)


def _missing_components(d: Dossier, have: set[str] | None = None) -> list[str]:
    """Names of the required components without a current file (`have`: the codes that have one)."""
    if have is None:
        have = set(d.files.filter(replaced=False).values_list("component_code", flat=True))
    return [c.name for c in d.procedure_version.components.all() if c.required and c.code not in have]


def _in_force(version, at: datetime) -> bool:
    day = timezone.localdate(at)
    return version.effective_from <= day and (version.effective_to is None or version.effective_to >= day)


def _fix_rules(d: Dossier, at: datetime, version=None) -> None:
    """Freeze the procedure version, processing time, fee and rule set in force at `at`.
    `version`: the one the caller already read (with its components), used if it is of this
    procedure and in force at `at`; otherwise the version in force is read."""
    if version is None or version.procedure_id != d.procedure_id or not _in_force(version, at):
        version = procedure_version_in_force(d.procedure, at, legal_basis=False)
    if version is None:
        raise ValidationError(
            {
                "procedure": _("%(code)s has no version in force on %(day)s; it cannot be received.")
                % {"code": d.procedure.code, "day": timezone.localdate(at).strftime("%d/%m/%Y")}
            }
        )
    d.procedure_version = version
    d.processing_days = version.processing_time_value
    d.processing_unit = version.processing_time_unit
    d.fee_amount = (version.fee or Decimal("0")) + (version.charge or Decimal("0"))
    d.rule_set = rule_set_in_force(at)


def _complete_open_steps(d: Dossier, actor, at: datetime, kinds=None, answer: str = "") -> None:
    """Close the current custody step(s) with the on-time verdict of Mẫu 05."""
    qs = d.steps.filter(completed_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    for step in qs:
        step.completed_at, step.completed_by = at, _user(actor)
        local_done, local_due = timezone.localdate(at), timezone.localdate(step.due_at)
        step.verdict = (
            DossierStep.Verdict.EARLY
            if local_done < local_due
            else DossierStep.Verdict.ON_TIME
            if local_done == local_due
            else DossierStep.Verdict.LATE
        )
        if answer:
            step.answer = answer
        step.save(update_fields=["completed_at", "completed_by", "verdict", "answer"])
        _score_step(d, step)


STEP_SCORES = {"early": 2, "on_time": 1, "late": 0}


def _score_step(d: Dossier, step: DossierStep) -> None:
    """TT 01/2018 index 2, kept on the dossier so statistics need no join: the worst hand-over counts."""
    score = STEP_SCORES[step.verdict]
    d.step_score = score if d.step_score is None else min(d.step_score, score)


def _open_step(
    d: Dossier,
    actor,
    at: datetime,
    *,
    kind: str,
    unit: Agency,
    quota_days: int,
    assignee=None,
    task: str = "",
) -> DossierStep:
    if quota_days is None or int(quota_days) < 0:
        raise ValidationError(
            {"quota_days": _("Give the time quota of the step in working days (0 or more).")}
        )
    due = calendar().add_working_days(at, int(quota_days))
    return DossierStep.objects.create(
        dossier=d,
        kind=kind,
        unit=unit,
        assignee=assignee,
        task=task,
        handed_over_at=at,
        handed_over_by=_user(actor),
        quota_days=int(quota_days),
        due_at=due,
    )


def _finish(d: Dossier, at: datetime) -> None:
    """End of processing: the legal and QĐ 766 verdicts and the working days used."""
    d.finished_at = at
    if d.received_at is None:
        return
    cal = calendar()
    # counted from the day the dossier counts as received (15:00 cut-off), pauses subtracted
    d.processing_working_days = max(
        0, cal.working_days_between(cal.receipt_day(d.received_at), at) - d.paused_working_days
    )
    if d.legal_due_at:
        d.on_time = deadlines.verdict(at, d.legal_due_at)
    if d.evaluation_due_at:
        # QĐ 766: more than one supplementation request counts as overdue.
        d.on_time_evaluation = d.supplement_count <= 1 and deadlines.verdict(at, d.evaluation_due_at)


def _end_pause(d: Dossier, at: datetime) -> DossierPause | None:
    pause = d.pauses.filter(ended_at__isnull=True).first()
    if pause is None:
        return None
    pause.ended_at = at
    pause.working_days = max(0, calendar().working_days_between(pause.started_at, at))
    pause.save(update_fields=["ended_at", "working_days"])
    if not pause.before_acceptance:
        d.paused_working_days += pause.working_days
        d.evaluation_due_at = calendar().add_working_days(
            d.first_due_at, d.paused_working_days, apply_cutoff=False
        )
    return pause


def _is_applicant(actor, d: Dossier) -> bool:
    return getattr(actor, "pk", None) is not None and d.applicant_id == actor.pk


# --- contract with the portal (docs/onestop.md) -----------------------------------------------
# Set by the services from rows they hold, so full_clean need not re-read them.
TRUSTED_FIELDS = ["procedure", "procedure_version", "rule_set", "agency", "applicant", "version", "code"]


def _draft(actor, procedure, dossier: Dossier | None, data: dict) -> Dossier:
    """The applicant's new draft, or `dossier` locked, with the form data applied (not saved)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to file a dossier online."))
    data = dict(data or {})
    if dossier is None:
        d = Dossier(
            procedure=procedure,
            agency=procedure.agency,
            applicant=actor,
            channel=Channel.ONLINE,
            status=Status.DRAFT,
            applicant_kind=2 if getattr(actor, "kind", "") == "business" else 1,
            applicant_name=getattr(actor, "display_name", "") or str(actor),
            applicant_identity=getattr(actor, "identity_number", "") or getattr(actor, "tax_code", ""),
            applicant_phone=getattr(actor, "phone", ""),
            applicant_email=getattr(actor, "email", ""),
        )
    else:
        d = _lock(dossier, None)
        if not _is_applicant(actor, d):
            raise PermissionDenied(_("This draft belongs to another applicant."))
        _require_status(d, Status.DRAFT)
        if d.procedure_id != procedure.pk:
            raise ValidationError({"procedure": _("A draft cannot change its procedure.")})
        d.applicant = actor
    for field in APPLICANT_FIELDS:
        if field in data:
            setattr(d, field, str(data.pop(field) or "").strip())
    d.form_data = data
    return d


@files_atomic()
def dossier_draft_save(
    *, actor, procedure, data: dict, files=None, dossier: Dossier | None = None, version=None
) -> Dossier:
    """Create or update the applicant's draft (status 0). `data` is the form data; keys named like
    the applicant fields (applicant_name, applicant_identity, applicant_phone, applicant_email,
    applicant_address) fill those fields, the account's details fill the rest. `version`: the
    procedure version in force the caller already read (read again if it is not)."""
    d = _draft(actor, procedure, dossier, data)
    new = d.pk is None
    if new:
        _fix_rules(d, _now(), version)
    d.full_clean(exclude=TRUSTED_FIELDS)
    d.version = 1 if new else d.version + 1  # the row is locked (or not yet visible to others)
    d.save()
    _store_files(d, files, actor, DossierFile.Purpose.SUBMISSION, new=new)
    audit_record(E["draft"], actor=actor, target=d, agency_id=d.agency_id, after={"status": d.status})
    return d


def _submission_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ValidationError({"idempotency_key": _("A submission key of 1–80 characters is required.")})
    return key


def _submitted_with(actor, key: str) -> Dossier | None:
    # Looked up by two columns first: on every submission, and nearly always a miss.
    found = Dossier.objects.filter(idempotency_key=key).values_list("pk", "applicant_id").first()
    if found is None:
        return None
    if found[1] is None or found[1] != getattr(actor, "pk", None):
        raise PermissionDenied(_("This submission key belongs to another applicant."))
    return Dossier.objects.get(pk=found[0])


def _once(actor, key: str, submit) -> Dossier:
    """Run `submit()` in a transaction unless `key` was used already; the same key twice returns
    the same dossier, also when a concurrent request commits it first (unique key)."""
    existing = _submitted_with(actor, key)
    if existing is not None:
        return existing
    try:
        with files_atomic():
            return submit()
    except IntegrityError:
        existing = _submitted_with(actor, key)
        if existing is None:
            raise
        return existing


def dossier_submit_online(*, actor, dossier: Dossier, idempotency_key: str) -> Dossier:
    """Submit a draft (status 0 → 1, with its code). The same key twice returns the same dossier."""
    key = _submission_key(idempotency_key)
    return _once(actor, key, lambda: _submit(actor, dossier, key))


def dossier_file_online(
    *,
    actor,
    procedure,
    data: dict,
    files=None,
    idempotency_key: str,
    dossier: Dossier | None = None,
    version=None,
) -> Dossier:
    """Save the applicant's form and files and submit them at once (the portal's submit button and
    API): what dossier_draft_save then dossier_submit_online do — the same checks, the same
    history line and both audit events, the version and rule set in force at submission — with
    each row read once and written once. The same key twice returns the same dossier. If the
    dossier cannot be submitted (ValidationError), nothing is written; the caller may keep the
    applicant's work with dossier_draft_save. `version`: as in dossier_draft_save."""
    key = _submission_key(idempotency_key)
    return _once(actor, key, lambda: _file_online(actor, procedure, data, files, key, dossier, version))


def _file_online(actor, procedure, data, files, key: str, dossier: Dossier | None, version) -> Dossier:
    d = _draft(actor, procedure, dossier, data)
    new = d.pk is None
    now = _now()
    _fix_rules(d, now, version)
    uploaded = set(files) if isinstance(files, dict) else {code for code, _upload in files or []}
    current = set() if new else set(d.files.filter(replaced=False).values_list("component_code", flat=True))
    missing = _missing_components(d, current | uploaded)
    if missing:
        raise ValidationError(
            {"files": _("Missing required components: %(names)s.") % {"names": "; ".join(missing)}}
        )
    if not d.applicant_name:
        raise ValidationError({"applicant_name": _("The applicant's name is required.")})
    d.full_clean(exclude=TRUSTED_FIELDS)
    # The saved draft is one version, its submission the next (as when saved and submitted apart).
    d.version = (1 if new else d.version + 1) + 1
    d.status, d.submitted_at, d.idempotency_key = Status.SUBMITTED, now, key
    d.save()
    _store_files(d, files, actor, DossierFile.Purpose.SUBMISSION, new=new)
    _history(d, actor, "submit", Status.DRAFT, at=now)
    # The agency's code counter and the audit chain are locked until the commit by every
    # submission: taken last, so that they are held only for the few writes before it.
    d.code = _next_code(d.agency, now)
    Dossier.objects.filter(pk=d.pk).update(code=d.code)
    draft = audit_event(
        E["draft"], actor=actor, target=d, agency_id=d.agency_id, after={"status": Status.DRAFT}
    )
    _audit(d, actor, "submit", Status.DRAFT, earlier=(draft,))
    return d


def _submit(actor, dossier: Dossier, key: str) -> Dossier:
    d = _lock(dossier, None)
    if not _is_applicant(actor, d):
        raise PermissionDenied(_("This draft belongs to another applicant."))
    if d.status != Status.DRAFT and d.idempotency_key == key:
        return d
    _require_status(d, Status.DRAFT)
    now = _now()
    _fix_rules(d, now)  # the version in force at submission, not at the first draft
    missing = _missing_components(d)
    if missing:
        raise ValidationError(
            {"files": _("Missing required components: %(names)s.") % {"names": "; ".join(missing)}}
        )
    if not d.applicant_name:
        raise ValidationError({"applicant_name": _("The applicant's name is required.")})
    d.submitted_at, d.idempotency_key = now, key
    d.code = _next_code(d.agency, now)
    _save(d, actor, "submit", new_status=Status.SUBMITTED, at=now)
    return d


@files_atomic()
def dossier_supplement_submit(*, actor, dossier: Dossier, files, note: str = "") -> Dossier:
    """The applicant hands in what was asked (5 → 4, or → 1 before acceptance). The legal deadline
    restarts from the time of the complete supplement; the pause is kept for QĐ 766."""
    d = _lock(dossier, None)
    if not (_is_applicant(actor, d) or has_perm(actor, RECEIVE, d.agency)):
        raise PermissionDenied(_("Only the applicant or the receiving desk can hand in a supplement."))
    _require_status(d, Status.SUPPLEMENT)
    if not files:
        raise ValidationError({"files": _("Attach the documents that were asked for.")})
    now = _now()
    _store_files(d, files, actor, DossierFile.Purpose.SUPPLEMENT)
    pause = _end_pause(d, now)
    if pause is not None and pause.before_acceptance:
        _save(d, actor, "supplement", new_status=Status.SUBMITTED, note=note, at=now)
        return d
    d.legal_due_at = deadlines.deadline_from(d, now)
    if not Apology.objects.filter(dossier=d).exists():  # an apology's new date stays the appointment
        d.due_at = d.legal_due_at
    _save(
        d,
        actor,
        "supplement",
        new_status=Status.PROCESSING,
        note=note,
        at=now,
        data={"legal_due_at": d.legal_due_at.isoformat(), "paused_working_days": d.paused_working_days},
    )
    return d


@transaction.atomic
def dossier_withdraw_request(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """The applicant withdraws the dossier (status 7). Possible until processing has finished."""
    d = _lock(dossier, None)
    if not (_is_applicant(actor, d) or has_perm(actor, RECEIVE, d.agency)):
        raise PermissionDenied(_("Only the applicant or the receiving desk can withdraw a dossier."))
    _require_status(d, *OPEN_STATUSES)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    now = _now()
    _end_pause(d, now)
    _complete_open_steps(d, actor, now)
    d.refusal_reason = reason.strip()
    _finish(d, now)
    _save(d, actor, "withdraw", new_status=Status.WITHDRAWN, note=d.refusal_reason, at=now)
    return d


@transaction.atomic
def dossier_payment_confirmed(*, dossier: Dossier, amount, reference: str) -> Dossier:
    """A confirmed payment (from a gateway or the cashier). Idempotent per reference; a dossier
    waiting for payment (6) resumes processing (4)."""
    d = _lock(dossier, None)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("A payment reference is required.")})
    if d.payment_reference == reference:
        return d
    if d.payment_reference:
        raise Conflict(
            _("Dossier %(code)s was already paid (reference %(ref)s).")
            % {"code": d, "ref": d.payment_reference}
        )
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    now = _now()
    d.paid_amount, d.payment_reference, d.paid_at, d.paid_online = amount, reference, now, True
    new_status = None
    if d.status == Status.PAYMENT:
        _end_pause(d, now)
        new_status = Status.PROCESSING
    _save(
        d,
        None,
        "payment",
        new_status=new_status,
        at=now,
        data={"amount": str(amount), "reference": reference},
    )
    return d


# --- receiving desk ----------------------------------------------------------------------------
@files_atomic()
def dossier_register(
    *,
    actor,
    agency: Agency,
    procedure,
    channel: int,
    applicant_name: str,
    applicant_identity: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    applicant_kind: int = 1,
    form_data: dict | None = None,
    files=None,
    note: str = "",
    applicant=None,
) -> Dossier:
    """A dossier handed in at the desk or by post, entered by the clerk (status 1, with its code)."""
    require_perm(actor, RECEIVE, agency)
    if int(channel) not in (Channel.IN_PERSON, Channel.POSTAL):
        raise ValidationError({"channel": _("The desk registers dossiers handed in person or by post.")})
    if not (applicant_name or "").strip():
        raise ValidationError({"applicant_name": _("The applicant's name is required.")})
    now = _now()
    d = Dossier(
        procedure=procedure,
        agency=agency,
        channel=int(channel),
        status=Status.DRAFT,
        applicant=applicant,
        applicant_kind=applicant_kind,
        applicant_name=applicant_name.strip(),
        applicant_identity=applicant_identity.strip(),
        applicant_phone=applicant_phone.strip(),
        applicant_email=applicant_email.strip(),
        applicant_address=applicant_address.strip(),
        form_data=form_data or {},
        note=note,
        submitted_at=now,
    )
    _fix_rules(d, now)
    d.full_clean(exclude=["procedure_version", "rule_set", "version", "code"])
    d.save()
    _store_files(d, files, actor, DossierFile.Purpose.SUBMISSION)
    d.code = _next_code(agency, now)
    _save(d, actor, "register", new_status=Status.SUBMITTED, note=note, at=now)
    return d


@transaction.atomic
def dossier_accept(
    *,
    actor,
    dossier: Dossier,
    version: int,
    unit: Agency | None = None,
    quota_days: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Tiếp nhận (1 → 2): receipt time, due date (15:00 cut-off) and, when `unit` is given, the
    hand-over to the processing unit (→ 4). Issues the receipt and appointment slip (Mẫu 01)."""
    d = _lock(dossier, version)
    require_perm(actor, RECEIVE, d.agency)
    _require_status(d, Status.SUBMITTED)
    now = at or _now()
    _fix_rules(d, now)
    missing = _missing_components(d) if d.channel == Channel.ONLINE else []
    if missing:
        raise ValidationError(
            _("Missing required components: %(names)s. Request supplementation instead.")
            % {"names": "; ".join(missing)}
        )
    d.received_at = now
    d.first_due_at = d.legal_due_at = d.evaluation_due_at = d.due_at = deadlines.deadline_from(d, now)
    _save(d, actor, "accept", new_status=Status.ACCEPTED, at=now, data={"due_at": d.due_at.isoformat()})
    if unit is not None:
        dossier_route(
            actor=actor,
            dossier=d,
            version=d.version,
            unit=unit,
            quota_days=quota_days if quota_days is not None else _default_quota(d),
            at=now,
        )
        d.refresh_from_db()
    return d


def _default_quota(d: Dossier) -> int:
    """Working days left until the legal due date (the processing unit's quota when none is given)."""
    return max(0, calendar().working_days_between(_now(), d.legal_due_at)) if d.legal_due_at else 0


@transaction.atomic
def dossier_refuse(*, actor, dossier: Dossier, version: int, reasons: str) -> Dossier:
    """Từ chối tiếp nhận (1 → 3) with reasons (Mẫu 03)."""
    d = _lock(dossier, version)
    require_perm(actor, RECEIVE, d.agency)
    _require_status(d, Status.SUBMITTED)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("State the reasons for refusing the dossier.")})
    now = _now()
    d.refusal_reason = reasons.strip()
    d.finished_at = now
    _save(d, actor, "refuse", new_status=Status.REFUSED, note=d.refusal_reason, at=now)
    return d


@transaction.atomic
def dossier_request_supplement(
    *, actor, dossier: Dossier, version: int, items: list[dict], note: str = ""
) -> Dossier:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02): at the desk (1 → 5), or after appraisal
    (4 → 5) within the rule set's working days after receipt. `items`: [{component, reason}]."""
    d = _lock(dossier, version)
    _require_status(d, Status.SUBMITTED, Status.PROCESSING)
    before_acceptance = d.status == Status.SUBMITTED
    if before_acceptance:
        require_perm(actor, RECEIVE, d.agency)
    elif not (
        has_perm(actor, PROCESS, d.handling_unit)
        or has_perm(actor, APPROVE, d.handling_unit)
        or has_perm(actor, RECEIVE, d.agency)
    ):
        require_perm(actor, PROCESS, d.handling_unit)
    items = [
        {"component": str(i.get("component", "")).strip(), "reason": str(i.get("reason", "")).strip()}
        for i in (items or [])
        if str(i.get("reason", "")).strip()
    ]
    if not items:
        raise ValidationError({"items": _("List what must be supplemented and why.")})
    now = _now()
    if not before_acceptance:
        limit = d.rule_set.supplement_request_days if d.rule_set_id else 3
        used = calendar().working_days_between(d.received_at, now)
        if used > limit:
            raise ValidationError(
                _(
                    "Supplementation can only be requested within %(limit)s working days of receipt "
                    "(received %(day)s, %(used)s working days ago)."
                )
                % {
                    "limit": limit,
                    "day": timezone.localtime(d.received_at).strftime("%d/%m/%Y"),
                    "used": used,
                }
            )
        d.supplement_count += 1
    DossierPause.objects.create(
        dossier=d,
        reason=DossierPause.Reason.SUPPLEMENT,
        started_at=now,
        requested_by=_user(actor),
        items=items,
        note=note,
        before_acceptance=before_acceptance,
    )
    _save(
        d, actor, "supplement_request", new_status=Status.SUPPLEMENT, note=note, at=now, data={"items": items}
    )
    return d


# --- processing ---------------------------------------------------------------------------------
def _may_route(actor, d: Dossier) -> bool:
    return has_perm(actor, RECEIVE, d.agency) or (
        d.handling_unit_id and has_perm(actor, APPROVE, d.handling_unit)
    )


@transaction.atomic
def dossier_route(
    *,
    actor,
    dossier: Dossier,
    version: int,
    unit: Agency,
    quota_days: int,
    assignee=None,
    task: str = "",
    kind: str = DossierStep.Kind.PROCESSING,
    at: datetime | None = None,
) -> Dossier:
    """Hand the dossier over to a unit (or, kind=transfer, another agency's one-stop unit) with a
    time quota; the previous holder's step closes with its on-time verdict (Mẫu 05)."""
    d = _lock(dossier, version)
    if not _may_route(actor, d):
        raise PermissionDenied(
            _("Only the receiving desk or a leader of the unit holding the dossier can hand it over.")
        )
    _require_status(d, Status.ACCEPTED, Status.PROCESSING)
    if kind not in (DossierStep.Kind.PROCESSING, DossierStep.Kind.TRANSFER):
        raise ValidationError({"kind": _("Use consultation for asking other units.")})
    now = at or _now()
    _complete_open_steps(d, actor, now, kinds=[DossierStep.Kind.PROCESSING, DossierStep.Kind.TRANSFER])
    _open_step(d, actor, now, kind=kind, unit=unit, quota_days=quota_days, assignee=assignee, task=task)
    d.handling_unit, d.assignee = unit, assignee
    _save(
        d,
        actor,
        "route",
        new_status=Status.PROCESSING,
        at=now,
        data={"unit": unit.code, "quota_days": int(quota_days), "kind": kind},
    )
    return d


@transaction.atomic
def dossier_assign(*, actor, dossier: Dossier, version: int, officer) -> Dossier:
    """The unit leader assigns the officer who handles the dossier (Điều 19.1)."""
    d = _lock(dossier, version)
    require_perm(actor, APPROVE, d.handling_unit)
    _require_status(d, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)
    if not has_perm(officer, PROCESS, d.handling_unit):
        raise ValidationError(
            {
                "officer": _("%(name)s is not a processing officer of %(unit)s.")
                % {"name": officer, "unit": d.handling_unit}
            }
        )
    d.assignee = officer
    d.steps.filter(completed_at__isnull=True, kind=DossierStep.Kind.PROCESSING).update(assignee=officer)
    _save(d, actor, "assign", data={"officer": officer.username})
    return d


@transaction.atomic
def dossier_consult(
    *, actor, dossier: Dossier, version: int, unit: Agency, question: str, quota_days: int
) -> DossierStep:
    """Ask another unit for its opinion (Điều 19.5): content, deadline and answer are recorded."""
    d = _lock(dossier, version)
    if not (has_perm(actor, PROCESS, d.handling_unit) or has_perm(actor, APPROVE, d.handling_unit)):
        require_perm(actor, PROCESS, d.handling_unit)
    _require_status(d, Status.PROCESSING)
    if not (question or "").strip():
        raise ValidationError({"question": _("State what the unit is consulted on.")})
    step = _open_step(
        d,
        actor,
        _now(),
        kind=DossierStep.Kind.CONSULTATION,
        unit=unit,
        quota_days=quota_days,
        task=question.strip(),
    )
    _save(d, actor, "consult", data={"unit": unit.code, "quota_days": int(quota_days)})
    return step


@transaction.atomic
def dossier_consult_answer(*, actor, step: DossierStep, answer: str) -> DossierStep:
    step = DossierStep.objects.select_for_update().select_related("dossier").get(pk=step.pk)
    if step.kind != DossierStep.Kind.CONSULTATION or step.completed_at:
        raise InvalidTransition(_("This consultation is already answered."))
    if not (has_perm(actor, PROCESS, step.unit) or has_perm(actor, APPROVE, step.unit)):
        require_perm(actor, APPROVE, step.unit)
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write the answer.")})
    d = _lock(step.dossier, None)
    now = _now()
    step.completed_at, step.completed_by, step.answer = now, _user(actor), answer.strip()
    done, due = timezone.localdate(now), timezone.localdate(step.due_at)
    step.verdict = "early" if done < due else "on_time" if done == due else "late"
    step.save()
    _score_step(d, step)
    _save(d, actor, "consult_answer", data={"unit": step.unit.code, "verdict": step.verdict})
    return step


@transaction.atomic
def dossier_request_payment(*, actor, dossier: Dossier, version: int, amount, note: str = "") -> Dossier:
    """Yêu cầu thực hiện nghĩa vụ tài chính (4 → 6): the clock pauses until payment is confirmed."""
    d = _lock(dossier, version)
    if not (has_perm(actor, PROCESS, d.handling_unit) or has_perm(actor, RECEIVE, d.agency)):
        require_perm(actor, PROCESS, d.handling_unit)
    _require_status(d, Status.PROCESSING)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be positive.")})
    now = _now()
    d.fee_amount = amount
    DossierPause.objects.create(
        dossier=d, reason=DossierPause.Reason.PAYMENT, started_at=now, requested_by=_user(actor), note=note
    )
    _save(
        d,
        actor,
        "payment_request",
        new_status=Status.PAYMENT,
        note=note,
        at=now,
        data={"amount": str(amount)},
    )
    return d


@files_atomic()
def dossier_propose_result(
    *,
    actor,
    dossier: Dossier,
    version: int,
    outcome: str,
    note: str = "",
    result_file=None,
    quota_days: int = 1,
) -> Dossier:
    """The officer finishes appraisal and hands the draft result to the unit leader for approval."""
    d = _lock(dossier, version)
    require_perm(actor, PROCESS, d.handling_unit)
    _require_status(d, Status.PROCESSING)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if outcome == Outcome.REFUSED and not (note or "").strip():
        raise ValidationError({"note": _("State the reasons for refusing (Mẫu 03).")})
    if d.steps.filter(kind=DossierStep.Kind.APPROVAL, completed_at__isnull=True).exists():
        raise InvalidTransition(_("A result is already waiting for approval."))
    now = _now()
    _complete_open_steps(
        d, actor, now, kinds=[DossierStep.Kind.PROCESSING, DossierStep.Kind.TRANSFER], answer=note
    )
    _open_step(
        d, actor, now, kind=DossierStep.Kind.APPROVAL, unit=d.handling_unit, quota_days=quota_days, task=note
    )
    d.outcome = outcome
    if outcome == Outcome.REFUSED:
        d.refusal_reason = note.strip()
    if result_file is not None:
        _store_files(d, [("", result_file)], actor, DossierFile.Purpose.RESULT)
        d.has_e_result = True
    _save(d, actor, "propose", note=note, at=now, data={"outcome": outcome})
    return d


@transaction.atomic
def dossier_approve(*, actor, dossier: Dossier, version: int, note: str = "") -> Dossier:
    """The leader signs the result (4 → 9); the dossier goes back to the one-stop unit to return it."""
    d = _lock(dossier, version)
    require_perm(actor, APPROVE, d.handling_unit)
    _require_status(d, Status.PROCESSING)
    if not d.steps.filter(kind=DossierStep.Kind.APPROVAL, completed_at__isnull=True).exists():
        raise InvalidTransition(_("No result is waiting for approval."))
    now = _now()
    _complete_open_steps(d, actor, now)
    _open_step(d, actor, now, kind=DossierStep.Kind.RETURN, unit=d.agency, quota_days=0)
    _finish(d, now)
    _save(
        d,
        actor,
        "approve",
        new_status=Status.DONE,
        note=note,
        at=now,
        data={"on_time": d.on_time, "on_time_evaluation": d.on_time_evaluation},
    )
    return d


@transaction.atomic
def dossier_return_result(*, actor, dossier: Dossier, version: int, at: datetime | None = None) -> Dossier:
    """Trả kết quả (9 → 10)."""
    d = _lock(dossier, version)
    require_perm(actor, RECEIVE, d.agency)
    _require_status(d, Status.DONE)
    now = at or _now()
    _complete_open_steps(d, actor, now)
    d.returned_at = now
    _save(d, actor, "return", new_status=Status.RETURNED, at=now)
    return d


@transaction.atomic
def dossier_stop(*, actor, dossier: Dossier, version: int, reason: str) -> Dossier:
    """Dừng xử lý (→ 8) with the reason (e.g. the applicant did not supplement)."""
    d = _lock(dossier, version)
    if not (has_perm(actor, APPROVE, d.handling_unit) if d.handling_unit_id else False):
        require_perm(actor, RECEIVE, d.agency)
    _require_status(d, *[s for s in OPEN_STATUSES if s != Status.SUBMITTED])
    if not (reason or "").strip():
        raise ValidationError({"reason": _("State why processing stops.")})
    now = _now()
    _end_pause(d, now)
    _complete_open_steps(d, actor, now)
    d.refusal_reason = reason.strip()
    _finish(d, now)
    _save(d, actor, "stop", new_status=Status.STOPPED, note=d.refusal_reason, at=now)
    return d


@transaction.atomic
def dossier_apology(*, actor, dossier: Dossier, version: int, reason: str, new_due_at: datetime) -> Apology:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): at least one day before the due date,
    and only once (NĐ 61/2018 Điều 19.9). The appointment changes; the legal verdict does not."""
    d = _lock(dossier, version)
    if not (d.handling_unit_id and has_perm(actor, APPROVE, d.handling_unit)):
        require_perm(actor, RECEIVE, d.agency)
    _require_status(d, Status.PROCESSING, Status.ACCEPTED, Status.SUPPLEMENT, Status.PAYMENT)
    if Apology.objects.filter(dossier=d).exists():
        raise InvalidTransition(
            _("An apology with a new appointment was already issued; it is allowed only once.")
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("State the reason for the delay.")})
    now = _now()
    min_days = d.rule_set.apology_days_before_due if d.rule_set_id else 1
    days_left = (timezone.localdate(d.due_at) - timezone.localdate(now)).days
    if days_left < min_days:
        raise ValidationError(
            _("The apology must be issued at least %(n)s day(s) before the due date %(due)s.")
            % {"n": min_days, "due": timezone.localtime(d.due_at).strftime("%d/%m/%Y")}
        )
    if new_due_at <= d.due_at:
        raise ValidationError({"new_due_at": _("The new appointment must be after the current one.")})
    apology = Apology.objects.create(
        dossier=d,
        reason=reason.strip(),
        old_due_at=d.due_at,
        new_due_at=new_due_at,
        issued_at=now,
        issued_by=_user(actor),
    )
    d.due_at = new_due_at
    _save(d, actor, "apology", note=reason, at=now, data={"new_due_at": new_due_at.isoformat()})
    return apology


def dossier_personal_data_viewed(*, actor, dossier: Dossier) -> None:
    """Record that an officer saw the applicant's personal data (every view is audited)."""
    audit_record(E["personal_view"], actor=actor, target=dossier, agency_id=dossier.agency_id)


__all__ = [n for n in dir() if n.startswith("dossier_")] + ["rule_set_in_force"]


# --- overdue warnings -------------------------------------------------------------------------------
WARNINGS_RECORDED = event_type("onestop.dossier.warn", gettext_lazy("Due-date warnings recorded"))


@transaction.atomic
def dossier_warnings_record(*, actor=None, within_days: int = 2, progress=None) -> "WarningsRun":
    """Warn once per appointment: every open dossier due within `within_days` (or already overdue)
    gets a "warning" line in its history naming the appointment, shown in the officer's queue and
    the overdue page; run daily by `cchc onestop warn` or as the job "onestop.warnings". The newly
    warned dossiers are also e-mailed through the outbox, one digest per person (`_warning_digests`)."""
    from datetime import timedelta

    from .models import OPEN_STATUSES as OPEN

    limit = _now() + timedelta(days=within_days)
    due_soon = list(Dossier.objects.filter(status__in=OPEN, due_at__lt=limit).values_list("pk", "due_at"))
    warned = set(
        DossierEvent.objects.filter(action="warning", dossier_id__in=[pk for pk, _ in due_soon]).values_list(
            "dossier_id", "data__due_at"
        )
    )
    now = _now()
    rows = [
        DossierEvent(
            dossier_id=pk,
            at=now,
            actor=_user(actor),
            action="warning",
            data={"due_at": due.isoformat()},
            note="Quá hạn" if due < now else "Sắp đến hạn",
        )
        for pk, due in due_soon
        if (pk, due.isoformat()) not in warned
    ]
    DossierEvent.objects.bulk_create(rows, batch_size=2000)
    digests, no_email = _warning_digests([r.dossier_id for r in rows], now)
    for to, subject, body in digests:  # queued with the warning lines: sent once, only if they commit
        mail_queue(to=[to], subject=subject, body=body)
    if progress is not None:
        progress.update(len(rows), len(rows))
    audit_record(
        WARNINGS_RECORDED,
        actor=actor,
        target_type="onestop.dossier",
        target_label=f"{len(rows)} dossiers",
        after={
            "warned": len(rows),
            "within_days": within_days,
            "e_mails": len(digests),
            "no_email": no_email,
        },
    )
    return WarningsRun(warned=len(rows), e_mails=len(digests), no_email=len(no_email))


# --- complaints about conduct (TT 01/2018 index 7) ---------------------------------------------------
COMPLAINT_RECORDED = event_type(
    "onestop.dossier.complaint", gettext_lazy("Complaint verdict recorded on the dossier")
)


@transaction.atomic
def dossier_complaint_record(*, actor, dossier: Dossier, upheld: bool, reference: str = "") -> Dossier:
    """Record the verdict on a complaint about the officers' conduct in handling this dossier (called by
    the feedback module). An upheld complaint counts on the dossier, so index 7 of the statistics stays
    in the one grouped scan; a complaint not upheld leaves only a history line. The dossier's `version`
    is not bumped: nothing an officer edits on it changes."""
    from .access import COMPLAINT

    d = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    require_perm(actor, COMPLAINT, d.agency)
    if d.status == Status.DRAFT:
        raise InvalidTransition(_("A draft has not been submitted; there is nothing to complain about yet."))
    if upheld:
        Dossier.objects.filter(pk=d.pk).update(conduct_complaints_upheld=F("conduct_complaints_upheld") + 1)
        d.refresh_from_db(fields=["conduct_complaints_upheld"])
    DossierEvent.objects.create(
        dossier=d,
        at=_now(),
        actor=_user(actor),
        action="complaint",
        from_status=d.status,
        to_status=d.status,
        note=f"{reference}: {'phản ánh đúng' if upheld else 'phản ánh không đúng'}",
        data={"upheld": bool(upheld), "reference": reference},
    )
    audit_record(
        COMPLAINT_RECORDED,
        actor=actor,
        target=d,
        agency_id=d.agency_id,
        after={
            "upheld": bool(upheld),
            "reference": reference,
            "conduct_complaints_upheld": d.conduct_complaints_upheld,
        },
    )
    return d


# --- warning e-mails (digest per officer) ----------------------------------------------------------
@dataclass(frozen=True)
class WarningsRun:
    warned: int  # dossiers newly warned in this run
    e_mails: int  # digests queued in the outbox (one per person)
    no_email: int  # people who should have been told but have no e-mail address


def _unit_leaders(units) -> dict[int, list]:
    """{unit id: unit leaders (org Role.UNIT_LEADER in force) whose assignment covers the unit}:
    those who may assign another officer or issue the apology (onestop.approve)."""
    from datetime import date

    from django.db.models import Q

    from cchc.org.models import Role, RoleAssignment

    units = list(units)
    ids = {u.pk for u in units} | {a for u in units for a in u.ancestor_ids()}
    today = date.today()
    grants = list(
        RoleAssignment.objects.filter(
            role=Role.UNIT_LEADER, agency_id__in=ids, agency__valid_to__isnull=True, user__is_active=True
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user")
    )
    return {
        u.pk: [
            g.user
            for g in grants
            if g.agency_id == u.pk or (g.include_subtree and g.agency_id in u.ancestor_ids())
        ]
        for u in units
    }


def _warning_digests(dossier_ids: list[int], now: datetime) -> tuple[list, list[str]]:
    """The e-mails for newly warned dossiers: each officer holding one gets a digest of theirs; a
    unit's leaders also get the overdue ones and those nobody is assigned to. People without an
    e-mail address are returned by username (counted and audited, not mailed)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import ngettext

    if not dossier_ids:
        return [], []
    dossiers = list(
        Dossier.objects.filter(pk__in=dossier_ids)
        .select_related("procedure", "assignee", "handling_unit", "agency")
        .order_by("due_at", "id")
    )
    needs_leader = {d.pk: d for d in dossiers if d.due_at < now or d.assignee_id is None}
    leaders = _unit_leaders({d.handling_unit or d.agency for d in needs_leader.values()})
    people: dict[int, tuple] = {}  # user id → (user, {dossier id: dossier})
    for d in dossiers:
        recipients = [d.assignee] if d.assignee_id else []
        if d.pk in needs_leader:
            recipients += leaders[(d.handling_unit or d.agency).pk]
        for user in recipients:
            if user.is_active:  # an officer who has left is not written to
                people.setdefault(user.pk, (user, {}))[1][d.pk] = d
    messages, no_email = [], []
    with translation.override(settings.LANGUAGE_CODE):  # the platform's language (Vietnamese)
        for user, mine in people.values():
            if not user.email:
                no_email.append(user.username)
                continue
            lines = [
                _("Dear %(name)s,") % {"name": user},
                "",
                _("These dossiers you handle or supervise are due soon or overdue:"),
                "",
            ]
            for d in mine.values():
                state = _("OVERDUE") if d.due_at < now else _("due soon")
                lines += [
                    f"- {d.code} | {d.procedure.name} | "
                    + _("due %(day)s") % {"day": timezone.localtime(d.due_at).strftime("%d/%m/%Y")}
                    + f" | {state} | {d.handling_unit or d.agency}",
                    "  " + absolute_url(reverse("onestop:detail", args=[d.pk])),
                ]
            lines += [
                "",
                _(
                    "An apology with a new appointment (Mẫu 04) must be issued at least one day before the due "
                    "date. This message was sent automatically by the one-stop system."
                ),
            ]
            subject = ngettext(
                "Due-date warning: %(n)s dossier", "Due-date warnings: %(n)s dossiers", len(mine)
            ) % {"n": len(mine)}
            messages.append((user.email, subject, "\n".join(lines)))
    return messages, sorted(no_email)


# --- dossier tracking book (Mẫu 06) ----------------------------------------------------------------
BOOK_VIEWED = event_type(
    "onestop.book.personal_view",
    gettext_lazy("Dossier tracking book (Mẫu 06) viewed or exported: applicants' personal data"),
)


def dossier_book_viewed(
    *,
    actor,
    agency: Agency,
    year: int,
    month: int | None = None,
    page: int | None = None,
    dossier_ids=(),
    export: str = "",
    rows: int | None = None,
) -> None:
    """Record that someone saw the book's personal data: a page (its dossiers listed) or an export
    (its period and number of entries: the entries are fixed by the period, as dossiers are never
    deleted)."""
    from .access import BOOK

    require_perm(actor, BOOK, agency)
    audit_record(
        BOOK_VIEWED,
        actor=actor,
        target=agency,
        agency_id=agency.pk,
        after={
            "year": year,
            "month": month,
            "page": page,
            "format": export or "page",
            "dossiers": list(dossier_ids),
            "rows": rows,
        },
    )


# --- one-stop rule sets (effective-dated; a rule set in force or frozen on dossiers never changes) ---
RULE_SET_E = {
    code: event_type(f"onestop.ruleset.{code}", label)
    for code, label in [
        ("create", gettext_lazy("One-stop rule set created")),
        ("update", gettext_lazy("One-stop rule set changed before it took effect")),
        ("delete", gettext_lazy("One-stop rule set deleted before it took effect")),
    ]
}


def _require_rules_perm(actor) -> None:
    from .access import RULES, may_manage_rule_sets

    if not may_manage_rule_sets(actor):
        raise PermissionDenied(
            _("You do not have the permission “%(perm)s” at the ministry level.") % {"perm": RULES.label}
        )


def _rule_fields():
    """Every editable field of RuleSet: a field added to the model is taken without code changes."""
    return [f for f in RuleSet._meta.concrete_fields if f.editable and not f.primary_key]


def _rule_set_still_future(rs: RuleSet) -> None:
    today = timezone.localdate()
    if rs.effective_from <= today:
        raise ValidationError(
            _(
                "Rule set %(code)s took effect on %(day)s: rules in force are never edited; create a "
                "new rule set effective from a future date."
            )
            % {"code": rs.code, "day": rs.effective_from.strftime("%d/%m/%Y")}
        )
    if rs.dossiers.exists():
        raise ValidationError(
            _("Rule set %(code)s is already fixed on dossiers and cannot change.") % {"code": rs.code}
        )


def _rule_set_fill(rs: RuleSet, data: dict) -> RuleSet:
    for f in _rule_fields():
        if f.name in data:
            setattr(rs, f.name, data[f.name])
    today = timezone.localdate()
    if not rs.effective_from or rs.effective_from <= today:
        raise ValidationError(
            {
                "effective_from": _(
                    "The effective date must be after today (%(today)s): a new rule "
                    "set applies to dossiers received from that day."
                )
                % {"today": today.strftime("%d/%m/%Y")}
            }
        )
    clash = RuleSet.objects.filter(effective_from=rs.effective_from).exclude(pk=rs.pk).first()
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": _("Rule set %(code)s already takes effect on %(day)s; choose another date.")
                % {"code": clash.code, "day": rs.effective_from.strftime("%d/%m/%Y")}
            }
        )
    rs.full_clean()
    return rs


@transaction.atomic
def rule_set_create(*, actor, data: dict) -> RuleSet:
    """A new rule set effective from a future date (its fields by name, as the ModelForm gives them)."""
    from cchc.core.audit import snapshot

    _require_rules_perm(actor)
    rs = _rule_set_fill(RuleSet(), data)
    rs.save()
    audit_record(RULE_SET_E["create"], actor=actor, target=rs, after=snapshot(rs))
    return rs


@transaction.atomic
def rule_set_update(*, actor, rule_set: RuleSet, data: dict) -> RuleSet:
    """Change a rule set that has not yet taken effect (and so is on no dossier)."""
    from cchc.core.audit import snapshot

    _require_rules_perm(actor)
    rs = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _rule_set_still_future(rs)
    before = snapshot(rs)
    _rule_set_fill(rs, data)
    rs.save()
    audit_record(RULE_SET_E["update"], actor=actor, target=rs, before=before, after=snapshot(rs))
    return rs


@transaction.atomic
def rule_set_delete(*, actor, rule_set: RuleSet) -> None:
    """Delete a rule set that has not yet taken effect."""
    from cchc.core.audit import snapshot

    _require_rules_perm(actor)
    rs = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _rule_set_still_future(rs)
    audit_record(RULE_SET_E["delete"], actor=actor, target=rs, before=snapshot(rs))
    rs.delete()
