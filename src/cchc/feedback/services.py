"""Writes to feedback: filing by the applicant, answering by the unit. One transaction and one audit
event per call; the applicant is notified of the answer through the portal's notification channels."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type
from cchc.core.exceptions import InvalidTransition
from cchc.org.access import require_perm
from cchc.workdays.engine import to_local
from cchc.workdays.selectors import calendar

from .access import HANDLE, VIEW
from .models import Feedback, FeedbackRule, Kind, Status, Verdict

FILED = event_type("feedback.file", gettext_lazy("Feedback filed"))
ANSWERED = event_type("feedback.answer", gettext_lazy("Feedback answered"))
VIEWED = event_type("feedback.view", gettext_lazy("Feedback with personal data viewed"))


def _now():
    return timezone.now()


def rule_in_force(at) -> FeedbackRule | None:
    return (
        FeedbackRule.objects.filter(effective_from__lte=timezone.localdate(at))
        .order_by("-effective_from")
        .first()
    )


def due_from(rule: FeedbackRule, received_at):
    """N working days after receipt (17:00 of the last day); a receipt on a day off counts from the next
    working day. No 15:00 cut-off: that rule is about handing dossiers over, not about answers."""
    return calendar().add_working_days(received_at, rule.answer_working_days, apply_cutoff=False)


@transaction.atomic
def feedback_file(
    *, actor, kind: str, subject: str, content: str, dossier=None, procedure=None, officer_name: str = ""
) -> Feedback:
    """A citizen or business files feedback about one of their dossiers, or about a procedure. The unit
    that handles it is the dossier's receiving agency, or the procedure's implementing agency."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "kind", "") == "staff":
        raise PermissionDenied(_("Feedback is filed by citizens and businesses signed in to the portal."))
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose what the feedback is about.")
    if not (subject or "").strip():
        errors["subject"] = _("Give the feedback a subject.")
    if not (content or "").strip():
        errors["content"] = _("Write the content of the feedback.")
    if dossier is None and procedure is None:
        errors["dossier"] = _("Choose one of your dossiers or a procedure the feedback is about.")
    if dossier is not None:
        if dossier.applicant_id != actor.pk:
            raise PermissionDenied(_("You can only file feedback about your own dossiers."))
        if not dossier.code:
            errors["dossier"] = _(
                "A draft has not been submitted; submit it before filing feedback about it."
            )
    if kind == Kind.CONDUCT and dossier is None:
        errors["dossier"] = _("A complaint about an officer's conduct must name the dossier it concerns.")
    if errors:
        raise ValidationError(errors)
    now = _now()
    rule = rule_in_force(now)
    if rule is None:
        raise ValidationError(_("No feedback rule is in force; an administrator must record one."))
    procedure = dossier.procedure if dossier is not None else procedure
    agency = dossier.agency if dossier is not None else procedure.agency
    fb = Feedback.objects.create(
        kind=kind,
        filed_by=actor,
        dossier=dossier,
        procedure=procedure,
        agency=agency,
        subject=subject.strip()[:300],
        content=content.strip(),
        officer_name=(officer_name or "").strip()[:200],
        received_at=now,
        rule=rule,
        due_at=due_from(rule, now),
    )
    audit_record(
        FILED,
        actor=actor,
        target=fb,
        agency_id=agency.pk,
        after={
            "kind": kind,
            "dossier": dossier.code if dossier else None,
            "procedure": procedure.code,
            "due_at": fb.due_at.isoformat(),
            "rule": rule.code,
        },
    )
    return fb


@transaction.atomic
def feedback_answer(*, actor, feedback: Feedback, reply: str, verdict: str = "") -> Feedback:
    """The unit answers. A complaint about conduct needs a verdict (upheld / not upheld); an upheld one
    about a dossier is recorded on the dossier by the one-stop module. Answered once."""
    fb = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("dossier", "agency")
        .get(pk=feedback.pk)
    )
    require_perm(actor, HANDLE, fb.agency)
    if fb.status != Status.RECEIVED:
        raise InvalidTransition(_("Feedback %(ref)s was already answered.") % {"ref": fb.reference})
    errors = {}
    if not (reply or "").strip():
        errors["reply"] = _("Write the reply to the applicant.")
    if fb.kind == Kind.CONDUCT and verdict not in Verdict.values:
        errors["verdict"] = _("Say whether the complaint is upheld.")
    if fb.kind != Kind.CONDUCT and verdict:
        errors["verdict"] = _("Only a complaint about conduct gets a verdict.")
    if errors:
        raise ValidationError(errors)
    now = _now()
    fb.reply, fb.verdict, fb.handled_at, fb.handled_by = reply.strip(), verdict, now, actor
    fb.status = Status.ANSWERED
    fb.on_time = to_local(now).date() <= to_local(fb.due_at).date()
    fb.save(update_fields=["reply", "verdict", "handled_at", "handled_by", "status", "on_time"])
    if fb.kind == Kind.CONDUCT and fb.dossier_id:
        from cchc.onestop.services import dossier_complaint_record

        dossier_complaint_record(
            actor=actor, dossier=fb.dossier, upheld=verdict == Verdict.UPHELD, reference=fb.reference
        )
    audit_record(
        ANSWERED,
        actor=actor,
        target=fb,
        agency_id=fb.agency_id,
        after={"verdict": verdict, "on_time": fb.on_time},
    )
    _notify(fb)  # in this transaction (a transactional outbox): the answer and its notice commit together
    return fb


def _notify(fb: Feedback) -> None:
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from cchc.portal.notifications import Message, notify

    user = fb.filed_by
    with translation.override(
        settings.LANGUAGE_CODE
    ):  # the applicant's letter, whatever the officer's UI language
        body = _("Your feedback %(ref)s “%(subject)s” was answered:\n\n%(reply)s") % {
            "ref": fb.reference,
            "subject": fb.subject,
            "reply": fb.reply,
        }
        subject = _("Answer to your feedback %(ref)s") % {"ref": fb.reference}
    notify(
        Message(
            subject=subject,
            body=body,
            user=user,
            email=user.email or "",
            url=reverse("feedback:mine_detail", args=[fb.pk]),
            dossier=fb.dossier,
        )
    )


def feedback_viewed(*, actor, feedback: Feedback) -> None:
    """An officer opened feedback showing the applicant's name and contact (every view is audited)."""
    require_perm(actor, VIEW, feedback.agency)
    audit_record(VIEWED, actor=actor, target=feedback, agency_id=feedback.agency_id)
