"""Reads of the citizen side. What the portal needs to know of a dossier is read here, in one
place, from onestop's model and selectors."""

import time
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from cchc.core.audit import jsonable
from cchc.core.metrics import MetricValue
from cchc.onestop.models import Dossier, DossierFile, Status

from .models import Notification, Payment, RatingScore, ServiceRating, TrackingCode

PAYABLE_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)
RATEABLE_STATUSES = (Status.DONE, Status.RETURNED, Status.REFUSED)


# --- facts about a dossier --------------------------------------------------------------------
def dossier_code(dossier) -> str:
    return dossier.code or f"#{dossier.pk}"


def dossier_agency_id(dossier) -> int | None:
    return dossier.agency_id


def dossier_applicant(dossier):
    return dossier.applicant


def dossier_applicant_email(dossier) -> str:
    return dossier.applicant_email or (dossier.applicant.email if dossier.applicant_id else "")


def dossier_applicant_phone(dossier) -> str:
    return dossier.applicant_phone


def dossier_is_applicants(dossier, user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and dossier.applicant_id == user.pk)


def dossier_fee(dossier) -> Decimal:
    return dossier.fee_amount - dossier.paid_amount


def dossier_payable(dossier) -> bool:
    return dossier.status in PAYABLE_STATUSES and dossier_fee(dossier) > 0


def dossier_rateable(dossier) -> bool:
    return dossier.status in RATEABLE_STATUSES


def dossier_by_code(code: str):
    """A dossier by its code, for tracking without an account (only accepted dossiers have a code)."""
    if not code:
        return None
    return Dossier.objects.select_related("agency", "applicant").filter(code=code).first()


def lock_dossier(dossier) -> None:
    """Serialise writers that check-then-insert for one dossier (payments, codes, ratings)."""
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True).first()


def status_label(status) -> str:
    return str(Status(status).label)


def dossier_status_facts(dossier) -> list[str]:
    """What NĐ 224/2026 Điều 15.1.g asks a status notice to carry: agency, officer, times."""
    from django.utils.translation import gettext as _

    from cchc.core.formatting import format_date, format_datetime

    facts = [
        _("Procedure: %(name)s") % {"name": dossier.procedure.name},
        _("Agency: %(agency)s") % {"agency": dossier.agency.name},
    ]
    if dossier.assignee_id:
        facts.append(_("Officer handling it: %(name)s") % {"name": dossier.assignee})
    if dossier.received_at:
        facts.append(_("Received at: %(at)s") % {"at": format_datetime(dossier.received_at)})
    if dossier.due_at:
        facts.append(_("Appointment for the result: %(at)s") % {"at": format_date(dossier.due_at)})
    if dossier.returned_at:
        facts.append(_("Result returned at: %(at)s") % {"at": format_datetime(dossier.returned_at)})
    if dossier.refusal_reason and dossier.status in (Status.REFUSED, Status.STOPPED, Status.WITHDRAWN):
        facts.append(_("Reasons: %(text)s") % {"text": dossier.refusal_reason})
    return facts


# --- the applicant's pages ----------------------------------------------------------------------
def applicant_dossiers(user):
    from cchc.onestop.selectors import dossiers_of_applicant

    return dossiers_of_applicant(user).select_related("procedure", "agency")


def applicant_dossier(user, pk: int):
    """The applicant's own dossier by id (drafts have no code yet); None if not theirs."""
    return (
        Dossier.objects.select_related("procedure", "procedure_version", "agency", "assignee")
        .filter(pk=pk, applicant_id=user.pk)
        .first()
    )


def current_files(dossier) -> list:
    return list(
        DossierFile.objects.filter(dossier=dossier, replaced=False).order_by(
            "purpose", "component_code", "-uploaded_at"
        )
    )


def result_files(dossier) -> list:
    return [f for f in current_files(dossier) if f.purpose == DossierFile.Purpose.RESULT]


def open_supplement_request(dossier):
    pause = dossier.pauses.filter(ended_at__isnull=True, reason="supplement").first()
    return pause


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def payments_of(dossier):
    return Payment.objects.filter(dossier=dossier).order_by("-created_at")


def applicant_data(user) -> dict:
    """The applicant's own data, for the export (JSON)."""
    dossiers = []
    for d in (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure")
        .prefetch_related("files", "events")
        .order_by("created_at")
    ):
        dossiers.append(
            {
                "id": d.pk,
                "code": d.code,
                "procedure": d.procedure.code,
                "procedure_name": d.procedure.name,
                "status": d.status,
                "status_label": status_label(d.status),
                "channel": d.channel,
                "applicant_name": d.applicant_name,
                "applicant_identity": d.applicant_identity,
                "applicant_phone": d.applicant_phone,
                "applicant_email": d.applicant_email,
                "applicant_address": d.applicant_address,
                "form_data": d.form_data,
                "note": d.note,
                "submitted_at": d.submitted_at,
                "received_at": d.received_at,
                "due_at": d.due_at,
                "returned_at": d.returned_at,
                "fee_amount": d.fee_amount,
                "paid_amount": d.paid_amount,
                "files": [
                    {
                        "component": f.component_code,
                        "purpose": f.purpose,
                        "kind": f.kind,
                        "size": f.size,
                        "uploaded_at": f.uploaded_at,
                    }
                    for f in d.files.all()
                ],
                "history": [
                    {"at": e.at, "action": e.action, "to_status": e.to_status, "note": e.note}
                    for e in d.events.all()
                ],
            }
        )
    return jsonable(
        {
            "exported_at": timezone.now(),
            "account": {
                "username": user.username,
                "full_name": user.full_name,
                "email": user.email,
                "phone": user.phone,
                "kind": user.kind,
                "identity_number": user.identity_number,
                "organisation_name": user.organisation_name,
                "tax_code": user.tax_code,
                "date_joined": user.date_joined,
            },
            "dossiers": dossiers,
            "payments": list(
                Payment.objects.filter(dossier__applicant=user).values(
                    "reference",
                    "dossier_id",
                    "amount",
                    "gateway",
                    "status",
                    "provider_reference",
                    "created_at",
                    "completed_at",
                )
            ),
            "notifications": list(
                Notification.objects.filter(user=user).values("subject", "body", "created_at", "read_at")
            ),
            "ratings": [
                {
                    "dossier_id": r.dossier_id,
                    "criteria_version": r.criteria_version,
                    "comment": r.comment,
                    "created_at": r.created_at,
                    "scores": {s.criterion: s.score for s in r.scores.all()},
                }
                for r in ServiceRating.objects.filter(rater=user).prefetch_related("scores")
            ],
            "tracking_codes": list(
                TrackingCode.objects.filter(dossier__applicant=user).values(
                    "dossier_id", "sent_to", "created_at", "expires_at", "used_at"
                )
            ),
        }
    )


# --- statistics -------------------------------------------------------------------------------
def rating_summary(*, agency=None, start=None, end=None) -> dict:
    """Average score per criterion and the share of satisfied applicants, set-based."""
    ratings = ServiceRating.objects.all()
    if agency is not None:
        ratings = ratings.filter(dossier__agency__path__startswith=agency.path)
    if start is not None:
        ratings = ratings.filter(created_at__date__gte=start)
    if end is not None:
        ratings = ratings.filter(created_at__date__lte=end)
    totals = ratings.aggregate(n=Count("id"), satisfied=Count("id", filter=Q(satisfied=True)))
    per_criterion = {
        row["criterion"]: row
        for row in RatingScore.objects.filter(rating__in=ratings)
        .values("criterion")
        .annotate(
            n=Count("id"),
            good=Count("id", filter=Q(score=2)),
            fair=Count("id", filter=Q(score=1)),
            poor=Count("id", filter=Q(score=0)),
        )
    }
    return {"ratings": totals["n"], "satisfied": totals["satisfied"], "criteria": per_criterion}


def satisfaction_metric(agency, period) -> MetricValue:
    summary = rating_summary(agency=agency, start=period.start, end=period.end)
    return (
        MetricValue.ratio(summary["satisfied"], summary["ratings"])
        if summary["ratings"]
        else MetricValue(None)
    )


# --- filing ---------------------------------------------------------------------------------------
def filing_version(procedure):
    """The procedure version in force now if the procedure can be filed online; else None."""
    from cchc.procedures.models import OnlineLevel, Procedure
    from cchc.procedures.selectors import procedure_version_in_force

    if procedure.status != Procedure.Status.ACTIVE:
        return None
    version = procedure_version_in_force(procedure, timezone.now(), legal_basis=False)
    if version is None or version.online_level == OnlineLevel.NONE:
        return None
    return version


# The online filing API reads the same catalogue rows on every submission. Each process keeps
# them FILING_CACHE_SECONDS at most: a change saved in this process clears them at once (signals
# connected in apps.py), other processes see it within that time. A change of rules is a new
# version with its own effective date, so this delays only e-form edits and abolitions, by seconds.
FILING_CACHE_SECONDS = 30
_filing_cache: dict[str, tuple[float, object, object]] = {}


def filing_cache_clear(**kwargs) -> None:
    _filing_cache.clear()


def filing_version_for_code(code: str):
    """As `filing_version`, for the procedure with this code (with its procedure and agency, its
    components and e-form fields): the API's path for every submission, one query when not kept."""
    from cchc.procedures.models import OnlineLevel, Procedure, ProcedureVersion

    from .eforms import fields_for

    today, now = timezone.localdate(), time.monotonic()
    kept = _filing_cache.get(code)
    if kept is not None and kept[0] > now and kept[1] == today:
        return kept[2]
    version = (
        ProcedureVersion.objects.select_related("procedure__agency")
        .prefetch_related("components")
        .filter(
            ProcedureVersion.in_force_on(today),
            procedure__code=code,
            procedure__status=Procedure.Status.ACTIVE,
        )
        .exclude(online_level=OnlineLevel.NONE)
        .first()
    )
    if version is not None:
        fields_for(version)  # read now, kept on the instance
    _filing_cache[code] = (now + FILING_CACHE_SECONDS, today, version)
    return version


def dossier_form_initial(dossier) -> dict:
    """The e-form answers of a draft, to resume it."""
    from .eforms import APPLICANT_FIELDS

    initial = {code: getattr(dossier, code) for code, *_rest in APPLICANT_FIELDS if hasattr(dossier, code)}
    initial.update(dossier.form_data or {})
    return initial


def dossier_submitted_with(key: str, user):
    """The applicant's dossier already submitted with this submission key (a form sent twice)."""
    if not key:
        return None
    # Looked up by its key alone first: on every submission, and nearly always a miss.
    pk = (
        Dossier.objects.filter(idempotency_key=key, applicant_id=user.pk).values_list("pk", flat=True).first()
    )
    return None if pk is None else Dossier.objects.select_related("procedure").get(pk=pk)


def supplement_components(dossier, pause) -> list:
    """The components of the dossier's procedure version, those named in the request first."""
    asked = {str(item.get("component", "")).strip().lower() for item in (pause.items or [])}
    components = list(dossier.procedure_version.components.all())
    return sorted(
        components, key=lambda c: (c.code.lower() not in asked and c.name.lower() not in asked, c.order)
    )
