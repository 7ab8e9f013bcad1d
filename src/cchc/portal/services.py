"""Writes of the citizen side: online payments, tracking codes, notifications, ratings, data export.

Filing, submitting and supplementing dossiers are onestop's services; the portal validates what the
applicant sends (uploads by content and size) and calls them.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.core.exceptions import InvalidTransition
from cchc.core.files import validate_upload

from . import selectors
from .models import Notification, Payment, RatingScore, ServiceRating, TrackingCode
from .notifications import EmailChannel, Message, notify
from .payments import Gateway, InvalidAnswer, get_gateway, timeout_minutes
from .rating import criteria_in_force

log = logging.getLogger(__name__)

PAYMENT_STARTED = event_type("portal.payment.start", gettext_lazy("Online payment started"))
PAYMENT_ANSWERED = event_type("portal.payment.answer", gettext_lazy("Payment gateway answer recorded"))
PAYMENT_EXPIRED = event_type("portal.payment.expire", gettext_lazy("Online payment expired"))
TRACKING_CODE_SENT = event_type("portal.tracking.send", gettext_lazy("Tracking code sent"))
TRACKING_CODE_USED = event_type("portal.tracking.verify", gettext_lazy("Dossier opened with a tracking code"))
NOTIFICATIONS_READ = event_type("portal.notification.read", gettext_lazy("Notifications marked as read"))
RATING_GIVEN = event_type("portal.rating.submit", gettext_lazy("Service rated by the applicant"))
DATA_EXPORTED = event_type("portal.data.export", gettext_lazy("Applicant exported own data"))

TRACKING_CODE_MINUTES = 10
TRACKING_CODE_MAX_ATTEMPTS = 5
TRACKING_CODES_PER_HOUR = 3


# --- uploads ----------------------------------------------------------------------------------
def uploads_validate(uploads: dict, labels: dict | None = None) -> None:
    """Check every uploaded dossier component by content and size; one error per bad component."""
    errors = {}
    for key, upload in uploads.items():
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(
            {key: [f"{(labels or {}).get(key, key)}: {m}" for m in msgs] for key, msgs in errors.items()}
        )


# --- online filing ---------------------------------------------------------------------------
class SubmissionRefused(ValidationError):
    """The dossier could not be submitted (e.g. a required component is missing); the draft,
    with everything the applicant sent, was saved and is `dossier`."""

    def __init__(self, error: ValidationError, dossier):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.dossier = dossier


def _json_safe(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, (str, int, bool)) else str(value)


def online_filing_save(
    *,
    actor,
    procedure,
    version,
    answers: dict,
    uploads: dict,
    dossier=None,
    submit: bool = False,
    idempotency_key: str = "",
    keep_draft: bool = True,
):
    """Save the e-form answers and uploads as a draft and, with `submit`, submit it.

    A double submit creates one dossier: saving and submitting are one transaction in onestop, and
    a submission key already used returns the dossier submitted first. If the dossier cannot be
    submitted, the draft is saved with everything the applicant sent and SubmissionRefused says why
    (the portal's form); with `keep_draft=False` (the API) a refused submission writes nothing — no
    row, no file — and the ValidationError is raised as it is."""
    from cchc.onestop import services as onestop

    labels = {c.code: c.name for c in version.components.all()}
    unknown = sorted(set(uploads) - set(labels))
    if unknown:
        raise ValidationError(
            {"files": _("%(codes)s: not a component of this procedure.") % {"codes": ", ".join(unknown)}}
        )
    uploads_validate(uploads, labels)
    data = {k: _json_safe(v) for k, v in answers.items()}
    if not submit:
        return onestop.dossier_draft_save(
            actor=actor, procedure=procedure, data=data, files=uploads, dossier=dossier, version=version
        )
    try:
        return onestop.dossier_file_online(
            actor=actor,
            procedure=procedure,
            data=data,
            files=uploads,
            idempotency_key=idempotency_key,
            dossier=dossier,
            version=version,
        )
    except ValidationError as exc:
        if not keep_draft:
            raise
        # Keep the applicant's work: save the draft, then report why it could not be submitted.
        for upload in uploads.values():
            upload.seek(0)
        draft = onestop.dossier_draft_save(
            actor=actor, procedure=procedure, data=data, files=uploads, dossier=dossier, version=version
        )
        raise SubmissionRefused(exc, draft) from exc


def supplement_send(*, actor, dossier, uploads: dict, note: str = ""):
    """Hand in the documents the officer asked for (onestop restarts the legal deadline)."""
    from cchc.onestop import services as onestop

    labels = {c.code: c.name for c in dossier.procedure_version.components.all()}
    uploads_validate(uploads, labels)
    return onestop.dossier_supplement_submit(actor=actor, dossier=dossier, files=uploads, note=note)


# --- payments ---------------------------------------------------------------------------------
def payment_start(*, actor, dossier, site_url: str, gateway: Gateway | None = None) -> tuple[Payment, str]:
    """Open a payment of the dossier's fee and return it with the gateway URL to send the payer to."""
    gateway = gateway or get_gateway()
    if not selectors.dossier_is_applicants(dossier, actor):
        raise PermissionDenied(_("Only the applicant can pay the fee of this dossier."))
    amount = selectors.dossier_fee(dossier)
    if dossier.fee_amount <= 0:
        raise InvalidTransition(_("This procedure has no fee to pay."))
    if amount <= 0:
        raise InvalidTransition(_("The fee of this dossier is already paid."))
    if not selectors.dossier_payable(dossier):
        raise InvalidTransition(_("The fee of this dossier cannot be paid in its current status."))
    now = timezone.now()
    with transaction.atomic():
        selectors.lock_dossier(dossier)
        if Payment.objects.filter(dossier=dossier, status=Payment.Status.SUCCEEDED).exists():
            raise InvalidTransition(_("The fee of this dossier is already paid."))
        # One open attempt at a time: an earlier one still pending is superseded (it can still be
        # answered by the gateway, and would then be recorded, but is no longer offered).
        for stale in Payment.objects.filter(dossier=dossier, status=Payment.Status.PENDING):
            _expire(stale, now, reason=_("superseded by a new payment attempt"))
        payment = Payment.objects.create(
            reference="TT" + now.strftime("%y%m%d") + secrets.token_hex(6).upper(),
            dossier=dossier,
            payer=actor,
            amount=amount,
            gateway=gateway.code,
            description=_("Fee for dossier %(code)s") % {"code": selectors.dossier_code(dossier)},
            expires_at=now + timedelta(minutes=timeout_minutes()),
        )
        audit_record(
            PAYMENT_STARTED,
            actor=actor,
            target=payment,
            agency_id=selectors.dossier_agency_id(dossier),
            after=snapshot(payment, ["reference", "amount", "gateway", "status", "expires_at"]),
        )
    base = site_url.rstrip("/")
    url = gateway.checkout_url(
        payment,
        return_url=base + reverse("portal:payment_return", args=[payment.reference]),
        notify_url=base + reverse("portal:payment_notify"),
    )
    return payment, url


def payment_answer_record(*, params, gateway: Gateway | None = None) -> Payment:
    """Record the gateway's signed answer. Idempotent: the first final answer wins; repeats, replays
    and the return-after-notification change nothing. Raises InvalidAnswer if not authentic."""
    gateway = gateway or get_gateway()
    answer = gateway.parse_answer(params)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(reference=answer.reference)
            .first()
        )
        if payment is None or payment.gateway != gateway.code:
            raise InvalidAnswer(f"unknown payment reference {answer.reference!r}")
        if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
            return payment
        before = snapshot(payment, ["status"])
        payment.provider_reference = answer.provider_reference[:80]
        payment.gateway_answer = answer.raw
        payment.completed_at = timezone.now()
        if answer.amount != payment.amount:
            payment.status = Payment.Status.FAILED
            payment.failure_reason = _("the gateway reported %(got)s VND instead of %(want)s VND") % {
                "got": answer.amount,
                "want": payment.amount,
            }
        elif not answer.succeeded:
            payment.status = Payment.Status.FAILED
            payment.failure_reason = answer.reason[:250]
        elif Payment.objects.filter(dossier=payment.dossier, status=Payment.Status.SUCCEEDED).exists():
            # Money taken twice (e.g. an expired attempt paid after a newer one): keep the evidence
            # and flag it for a refund rather than losing it.
            payment.status = Payment.Status.FAILED
            payment.failure_reason = _(
                "the fee was already paid by another payment; this amount must be refunded"
            )
        else:
            payment.status = Payment.Status.SUCCEEDED
            payment.failure_reason = ""
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:  # a concurrent answer confirmed another payment of the same dossier first
            payment.status = Payment.Status.FAILED
            payment.failure_reason = _(
                "the fee was already paid by another payment; this amount must be refunded"
            )
            payment.save()
        if payment.status == Payment.Status.SUCCEEDED:
            from cchc.onestop import services as onestop

            onestop.dossier_payment_confirmed(
                dossier=payment.dossier, amount=payment.amount, reference=payment.reference
            )
        audit_record(
            PAYMENT_ANSWERED,
            target=payment,
            agency_id=selectors.dossier_agency_id(payment.dossier),
            before=before,
            after=snapshot(payment, ["status", "provider_reference", "failure_reason"]),
        )
    return payment


def _expire(payment: Payment, now, reason: str) -> None:
    payment.status = Payment.Status.EXPIRED
    payment.failure_reason = reason[:250]
    payment.completed_at = now
    payment.save(update_fields=["status", "failure_reason", "completed_at"])
    audit_record(
        PAYMENT_EXPIRED,
        target=payment,
        agency_id=selectors.dossier_agency_id(payment.dossier),
        after={"status": payment.status, "reason": payment.failure_reason},
    )


def payments_expire_stale(*, now=None) -> int:
    """Expire payments the gateway has not answered in time (run by `cchc portal payments-expire`)."""
    now = now or timezone.now()
    count = 0
    stale = Payment.objects.filter(status=Payment.Status.PENDING, expires_at__lt=now).select_related(
        "dossier"
    )
    for payment in stale.iterator():
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            if locked.status == Payment.Status.PENDING:
                locked.dossier = payment.dossier
                _expire(locked, now, reason=_("no answer from the payment gateway in time"))
                count += 1
    return count


# --- tracking by dossier code and a one-time code ------------------------------------------
def _code_hash(tracking_dossier_id: int, code: str) -> str:
    key = hashlib.sha256(b"cchc.portal.tracking-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{tracking_dossier_id}:{code}".encode(), hashlib.sha256).hexdigest()


def tracking_code_send(*, dossier_code: str) -> bool:
    """E-mail a one-time code to the applicant of the dossier. Returns whether a code was sent; the
    caller shows the same answer either way, so that dossier codes cannot be probed."""
    dossier = selectors.dossier_by_code(dossier_code.strip())
    email = selectors.dossier_applicant_email(dossier) if dossier is not None else ""
    if not email:
        return False
    now = timezone.now()
    with transaction.atomic():
        selectors.lock_dossier(dossier)
        recent = TrackingCode.objects.filter(
            dossier=dossier, created_at__gte=now - timedelta(hours=1)
        ).count()
        if recent >= TRACKING_CODES_PER_HOUR:
            return False
        code = f"{secrets.randbelow(10**6):06d}"
        row = TrackingCode.objects.create(
            dossier=dossier,
            sent_to=email,
            code_hash=_code_hash(dossier.pk, code),
            expires_at=now + timedelta(minutes=TRACKING_CODE_MINUTES),
        )
        audit_record(
            TRACKING_CODE_SENT,
            target=row,
            target_label=selectors.dossier_code(dossier),
            agency_id=selectors.dossier_agency_id(dossier),
        )
        with translation.override(settings.LANGUAGE_CODE):  # queued in the outbox with the code's row
            EmailChannel().send(
                Message(
                    subject=_("Code to follow dossier %(code)s") % {"code": selectors.dossier_code(dossier)},
                    body=_(
                        "Your one-time code is %(otp)s. It is valid for %(minutes)s minutes. If you did not ask for it, "
                        "ignore this e-mail."
                    )
                    % {"otp": code, "minutes": TRACKING_CODE_MINUTES},
                    email=email,
                )
            )
    return True


def tracking_code_verify(*, dossier_code: str, code: str):
    """Return the dossier if `code` is the valid one-time code for it; else raise ValidationError.
    Each wrong try counts; after five the code is spent and a new one must be asked for."""
    invalid = ValidationError(_("The code is wrong or has expired. Ask for a new code."), code="invalid_code")
    dossier = selectors.dossier_by_code(dossier_code.strip())
    if dossier is None:
        raise invalid
    now = timezone.now()
    with transaction.atomic():
        row = (
            TrackingCode.objects.select_for_update()
            .filter(
                dossier=dossier,
                used_at__isnull=True,
                expires_at__gt=now,
                attempts__lt=TRACKING_CODE_MAX_ATTEMPTS,
            )
            .order_by("-created_at")
            .first()
        )
        if row is None:
            raise invalid
        if not hmac.compare_digest(row.code_hash, _code_hash(dossier.pk, code.strip())):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = TRACKING_CODE_MAX_ATTEMPTS - row.attempts
            ok = False
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            audit_record(
                TRACKING_CODE_USED,
                target=row,
                target_label=selectors.dossier_code(dossier),
                agency_id=selectors.dossier_agency_id(dossier),
            )
            ok = True
    if not ok:  # raised after the commit, so the failed attempt stays counted
        if left <= 0:
            raise invalid
        raise ValidationError(
            _("The code is wrong; %(left)s attempt(s) left.") % {"left": left}, code="wrong_code"
        )
    return dossier


# --- notifications ----------------------------------------------------------------------------
def dossier_status_notify(*, dossier, old_status, new_status) -> list[str]:
    """Tell the applicant that the dossier's status changed, through every configured channel."""
    with translation.override(settings.LANGUAGE_CODE):
        code = selectors.dossier_code(dossier)
        status = selectors.status_label(new_status)
        lines = [
            _("The status of your dossier %(code)s is now: %(status)s.") % {"code": code, "status": status}
        ]
        lines += selectors.dossier_status_facts(dossier)
        message = Message(
            subject=_("Dossier %(code)s: %(status)s") % {"code": code, "status": status},
            body="\n".join(lines),
            user=selectors.dossier_applicant(dossier),
            email=selectors.dossier_applicant_email(dossier),
            phone=selectors.dossier_applicant_phone(dossier),
            url=reverse("portal:dossier_detail", args=[dossier.pk])
            if dossier.applicant_id
            else reverse("portal:track"),
            dossier=dossier,
        )
    return notify(message)


def notifications_mark_read(*, actor, notification: Notification | None = None) -> int:
    """Mark one of the actor's notifications, or all of them, as read."""
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        if notification.user_id != actor.pk:
            raise PermissionDenied(_("This notification is not yours."))
        rows = rows.filter(pk=notification.pk)
    with transaction.atomic():
        count = rows.update(read_at=timezone.now())
        if count:
            audit_record(
                NOTIFICATIONS_READ,
                actor=actor,
                target_type="portal.notification",
                target_id=str(notification.pk) if notification else "all",
                after={"count": count},
            )
    return count


# --- rating -------------------------------------------------------------------------------------
def rating_submit(*, actor, dossier, scores: dict, comment: str = "") -> ServiceRating:
    """The applicant rates the service once, after the result was returned, on the criteria in force."""
    if not selectors.dossier_is_applicants(dossier, actor):
        raise PermissionDenied(_("Only the applicant can rate the handling of this dossier."))
    if not selectors.dossier_rateable(dossier):
        raise InvalidTransition(_("The service can be rated once the dossier is finished."))
    version = criteria_in_force(timezone.localdate())
    errors = {}
    clean = {}
    for criterion in version.criteria:
        raw = scores.get(criterion.code)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in (0, 1, 2):
            errors[criterion.code] = _("Choose an answer for “%(label)s”.") % {"label": criterion.label}
        clean[criterion.code] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        selectors.lock_dossier(dossier)
        if ServiceRating.objects.filter(dossier=dossier).exists():
            raise InvalidTransition(_("This dossier has already been rated."))
        rating = ServiceRating.objects.create(
            dossier=dossier,
            rater=actor,
            criteria_version=version.code,
            satisfied=min(clean.values()) > 0,
            comment=comment.strip(),
        )
        RatingScore.objects.bulk_create(
            [RatingScore(rating=rating, criterion=c, score=s) for c, s in clean.items()]
        )
        audit_record(
            RATING_GIVEN,
            actor=actor,
            target=rating,
            agency_id=selectors.dossier_agency_id(dossier),
            after={"version": version.code, "scores": clean, "satisfied": rating.satisfied},
        )
    return rating


# --- the applicant's own data -------------------------------------------------------------------
def applicant_data_export(*, actor) -> dict:
    """Everything the platform holds about the signed-in applicant, as JSON-ready data
    (the data subject's right to obtain their data, Luật 91/2025). The export is audited."""
    data = selectors.applicant_data(actor)
    with transaction.atomic():
        audit_record(DATA_EXPORTED, actor=actor, target=actor, after={"dossiers": len(data["dossiers"])})
    return data
