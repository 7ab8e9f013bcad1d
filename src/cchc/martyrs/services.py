"""Writes of the martyrs module: requests from families and their moderation, records, graves.
One transaction and one audit event per call; requesters are told through the portal's channels."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.core.audit import audit_record
from cchc.core.exceptions import InvalidTransition
from cchc.org.access import has_perm, require_perm
from cchc.org.models import Agency
from cchc.workdays.engine import to_local
from cchc.workdays.selectors import calendar

from . import access, places, search
from .models import Cemetery, Grave, Martyr, Request, RequestEvent, RequestRule


def rule_in_force(at) -> RequestRule | None:
    return (
        RequestRule.objects.filter(effective_from__lte=timezone.localdate(at))
        .order_by("-effective_from")
        .first()
    )


def default_agency() -> Agency | None:
    """Requests not tied to a cemetery or record go to the Cục Người có công (or the first ministry)."""
    from cchc.org.models import AgencyType

    return (
        Agency.objects.filter(valid_to__isnull=True, name__icontains="Người có công").order_by("path").first()
        or Agency.objects.filter(valid_to__isnull=True, type=AgencyType.MINISTRY).order_by("path").first()
    )


@transaction.atomic
def request_file(
    *,
    actor=None,
    kind: str,
    content: str,
    requester_name: str,
    phone: str = "",
    email: str = "",
    relation: str = "",
    delivery: str = Request.Delivery.EMAIL,
    postal_address: str = "",
    martyr: Martyr | None = None,
    grave: Grave | None = None,
    cemetery: Cemetery | None = None,
    martyr_name: str = "",
    synthetic: bool = False,
) -> Request:
    """A family member or anyone files a request, signed in or not. The answer is due after the working
    days of the rule in force at receipt; the requester gets the tracking code by e-mail."""
    errors = {}
    if kind not in Request.Kind.values:
        errors["kind"] = _("Choose what you are asking for.")
    if not (content or "").strip():
        errors["content"] = _("Describe your request.")
    if not (requester_name or "").strip():
        errors["requester_name"] = _("Give your name.")
    if not (phone or "").strip() and not (email or "").strip():
        errors["email"] = _("Give an e-mail address or a phone number so that we can answer.")
    if delivery not in Request.Delivery.values:
        errors["delivery"] = _("Choose how to receive the answer.")
    if delivery == Request.Delivery.POSTAL and not (postal_address or "").strip():
        errors["postal_address"] = _("Give the postal address for delivery by post.")
    if delivery == Request.Delivery.EMAIL and not (email or "").strip():
        errors["email"] = _("Give an e-mail address to receive the answer by e-mail.")
    if kind == Request.Kind.CORRECTION and martyr is None:
        errors["content"] = _("A correction must concern a record: open the record and ask from there.")
    if errors:
        raise ValidationError(errors)
    if grave is not None:
        cemetery = grave.cemetery
        martyr = martyr or grave.martyr
    if martyr is not None and cemetery is None and hasattr(martyr, "grave"):
        cemetery = martyr.grave.cemetery
    agency = cemetery.agency if cemetery else (martyr.agency if martyr else default_agency())
    if agency is None:
        raise ValidationError(
            _("No unit receives requests yet; an administrator must set up the organisation.")
        )
    now = timezone.now()
    rule = rule_in_force(now)
    if rule is None:
        raise ValidationError(_("No answer-time rule is in force; an administrator must record one."))
    req = Request.objects.create(
        kind=kind,
        martyr=martyr,
        grave=grave,
        cemetery=cemetery,
        martyr_name=(martyr_name or (martyr.full_name if martyr else "")).strip()[:200],
        content=content.strip(),
        requester_name=requester_name.strip()[:200],
        relation=(relation or "").strip()[:100],
        phone=(phone or "").strip()[:20],
        email=(email or "").strip(),
        delivery=delivery,
        postal_address=(postal_address or "").strip()[:500],
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        agency=agency,
        received_at=now,
        rule=rule,
        due_at=calendar().add_working_days(now, rule.answer_working_days, apply_cutoff=False),
        is_synthetic=synthetic,
    )
    RequestEvent.objects.create(request=req, at=now, status=req.status)
    audit_record(
        access.REQUEST_FILED,
        actor=actor if getattr(actor, "pk", None) else None,
        target=req,
        agency_id=agency.pk,
        after={"kind": kind, "delivery": delivery, "martyr": getattr(martyr, "pk", None), "rule": rule.code},
    )
    if req.email:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your request %(code)s was received") % {"code": req.code}
            body = _(
                "We received your request about martyr information. Follow it with the code %(code)s "
                "on the martyrs portal. The answer is due by %(due)s."
            ) % {"code": req.code, "due": timezone.localtime(req.due_at).strftime("%d/%m/%Y")}
        from cchc.core.mail import mail_queue

        mail_queue(to=[req.email], subject=subject, body=body)
    return req


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update(of=("self",)).select_related("agency").get(pk=request.pk)


@transaction.atomic
def request_take_up(*, actor, request: Request, note: str = "") -> Request:
    req = _locked(request)
    require_perm(actor, access.HANDLE, req.agency)
    if req.status != Request.Status.RECEIVED:
        raise InvalidTransition(_("Request %(code)s is already being handled.") % {"code": req.code})
    req.status = Request.Status.IN_REVIEW
    req.save(update_fields=["status"])
    RequestEvent.objects.create(request=req, status=req.status, note=(note or "").strip(), actor=actor)
    audit_record(access.REQUEST_REVIEW, actor=actor, target=req, agency_id=req.agency_id)
    return req


@transaction.atomic
def request_answer(
    *,
    actor,
    request: Request,
    reply: str,
    accept: bool = True,
    postal_item: str = "",
    grave: Grave | None = None,
) -> Request:
    """Answer (accepted) or decline (not accepted) a request, once. A grave search answered with a grave
    links the grave; a postal delivery records the postal item number."""
    req = _locked(request)
    require_perm(actor, access.HANDLE, req.agency)
    if not req.is_open:
        raise InvalidTransition(_("Request %(code)s was already answered.") % {"code": req.code})
    errors = {}
    if not (reply or "").strip():
        errors["reply"] = _("Write the answer to the requester.")
    if accept and req.delivery == Request.Delivery.POSTAL and not (postal_item or "").strip():
        errors["postal_item"] = _("Give the postal item number of the documents sent.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    req.status = Request.Status.ANSWERED if accept else Request.Status.REJECTED
    req.reply, req.postal_item = reply.strip(), (postal_item or "").strip()[:40]
    req.handled_by, req.handled_at = actor, now
    req.on_time = to_local(now).date() <= to_local(req.due_at).date()
    if grave is not None:
        req.grave, req.cemetery = grave, grave.cemetery
    req.save(
        update_fields=[
            "status",
            "reply",
            "postal_item",
            "handled_by",
            "handled_at",
            "on_time",
            "grave",
            "cemetery",
        ]
    )
    RequestEvent.objects.create(request=req, at=now, status=req.status, note=req.reply, actor=actor)
    audit_record(
        access.REQUEST_ANSWERED if accept else access.REQUEST_REJECTED,
        actor=actor,
        target=req,
        agency_id=req.agency_id,
        after={"on_time": req.on_time, "postal_item": req.postal_item, "grave": getattr(grave, "pk", None)},
    )
    _notify(req)  # in this transaction (a transactional outbox): the answer and its notice commit together
    return req


def _notify(req: Request) -> None:
    from django.urls import reverse

    from cchc.portal.notifications import Message, notify

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Answer to your request %(code)s") % {"code": req.code}
        body = _("Your request %(code)s about martyr information was answered:\n\n%(reply)s") % {
            "code": req.code,
            "reply": req.reply,
        }
        if req.postal_item:
            body += "\n\n" + _("Documents sent by post, item number %(item)s.") % {"item": req.postal_item}
    notify(
        Message(
            subject=subject,
            body=body,
            user=req.filed_by,
            email=req.email,
            phone=req.phone,
            url=reverse("martyrs:track") + f"?code={req.code}",
        )
    )


def contact_viewed(*, actor, request: Request | None = None, martyr: Martyr | None = None) -> None:
    """A handling officer opened a requester's or a next of kin's contact data: every view is audited."""
    target = request or martyr
    require_perm(actor, access.HANDLE, target.agency)
    audit_record(access.CONTACT_VIEWED, actor=actor, target=target, agency_id=target.agency_id)


def can_see_contacts(user, obj) -> bool:
    return has_perm(user, access.HANDLE, obj.agency)


@transaction.atomic
def martyr_create(*, actor, agency: Agency, full_name: str, **fields) -> Martyr:
    """One record (the demo loader and tests; files go through bulk.py)."""
    require_perm(actor, access.EDIT, agency)
    if not (full_name or "").strip():
        raise ValidationError({"full_name": _("Give the martyr's name.")})
    if fields.get("native_place") and not fields.get("native_province_code"):
        fields["native_province_code"], commune = places.resolve(fields["native_place"])
        fields.setdefault("native_commune_code", commune)
    martyr = Martyr.objects.create(agency=agency, full_name=full_name.strip(), **fields)
    search.index_martyr(martyr)
    return martyr


@transaction.atomic
def grave_identify(*, actor, grave: Grave, martyr: Martyr) -> Grave:
    """An unknown grave is identified (DNA, records): it gets its martyr and full information."""
    grave = Grave.objects.select_for_update().select_related("cemetery__agency").get(pk=grave.pk)
    require_perm(actor, access.EDIT, grave.cemetery.agency)
    if grave.martyr_id:
        raise InvalidTransition(_("This grave is already identified."))
    if Grave.objects.filter(martyr=martyr).exists():
        raise ValidationError(_("This martyr already has a grave."))
    grave.martyr, grave.info, grave.identified_at = martyr, Grave.Info.FULL, timezone.localdate()
    grave.headstone = grave.headstone or martyr.full_name
    grave.save(update_fields=["martyr", "info", "identified_at", "headstone"])
    audit_record(
        access.GRAVE_IDENTIFIED,
        actor=actor,
        target=grave,
        agency_id=grave.cemetery.agency_id,
        after={"martyr": martyr.pk},
    )
    return grave
