"""Writes of the martyrs module: requests from families and their moderation, records, graves.
One transaction and one audit event per call; requesters are told through the portal's channels."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cchc.core.audit import audit_event, audit_record, audit_record_many, jsonable
from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.org.access import has_perm, require_perm
from cchc.org.models import Agency
from cchc.workdays.engine import to_local
from cchc.workdays.selectors import calendar

from . import access, places, search, selectors
from .models import Cemetery, Grave, Martyr, Request, RequestEvent, RequestRule
from .normalise import FIRST_YEAR, check_partial_date, home_codes, province_codes, year_ok
from .text import name_key, nfc


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
    # The record now has a grave: an edit page opened before this must not overwrite it unseen.
    Martyr.objects.filter(pk=martyr.pk).update(version=F("version") + 1)
    audit_record(
        access.GRAVE_IDENTIFIED,
        actor=actor,
        target=grave,
        agency_id=grave.cemetery.agency_id,
        after={"martyr": martyr.pk},
    )
    return grave


# --- correcting a record (the edit page) -------------------------------------------------------------------
MARTYR_FIELDS = (
    "full_name",
    "aliases",
    "birth_year",
    "native_place",
    "residence",
    "enlisted_year",
    "military_unit",
    "rank",
    "position",
    "death_year",
    "death_month",
    "death_day",
    "death_place",
    "certificate_number",
    "certificate_year",
    "next_of_kin",
)
GRAVE_FIELDS = ("cemetery", "zone", "row", "number", "headstone", "info")
YEAR_FIELDS = ("birth_year", "enlisted_year", "certificate_year")
# Personal data of living people: the audit says that it changed, never what it was or became.
PERSONAL_FIELDS = {"next_of_kin"}
SEARCHED_FIELDS = {"full_name", "aliases", "birth_year", "native_province_code"}
NUMBER_FIELDS = (*YEAR_FIELDS, "death_year", "death_month", "death_day")


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _clean_text(value) -> str:
    return nfc(str(value or ""))


def _clean_aliases(text: str, old_name: str = "") -> str:
    """ "a;  b ; a" → "a; b" (NFC, each name once by its search key), plus the old name if kept."""
    names, keys = [], set()
    for part in [*(text or "").split(";"), old_name]:
        part = nfc(part)
        if part and name_key(part) not in keys:
            keys.add(name_key(part))
            names.append(part)
    return "; ".join(names)


def _clean_number(value, name: str, errors: dict) -> int | None:
    if value is None or isinstance(value, int) or not str(value).strip():
        return value if isinstance(value, int) else None
    if str(value).strip().isdigit():
        return int(str(value).strip())
    errors[name] = _("%(field)s: give a number.") % {"field": _label(Martyr, name)}
    return None


def _check_martyr(values: dict, errors: dict) -> None:
    if not values["full_name"]:
        errors["full_name"] = _("%(field)s: give the martyr's name.") % {"field": _label(Martyr, "full_name")}
    for f in Martyr._meta.concrete_fields:
        limit = getattr(f, "max_length", None)
        if f.name in values and limit and isinstance(values[f.name], str) and len(values[f.name]) > limit:
            errors[f.name] = _("%(field)s: at most %(limit)s characters.") % {
                "field": capfirst(f.verbose_name),
                "limit": limit,
            }
    for name in YEAR_FIELDS:
        if name not in errors and not year_ok(values[name]):
            errors[name] = _("%(field)s: give a year from %(first)s to %(last)s.") % {
                "field": _label(Martyr, name),
                "first": FIRST_YEAR,
                "last": timezone.localdate().year,
            }
    year, month, day = values["death_year"], values["death_month"], values["death_day"]
    if not {"death_year", "death_month", "death_day"} & errors.keys():
        try:
            check_partial_date(year, month, day)
        except ValueError:
            errors["death_day" if day else "death_month" if month else "death_year"] = _(
                "Date of sacrifice: give a year, a month and year, or a full date that exists and has "
                "passed (a day needs its month, a month its year)."
            )
    born = values["birth_year"]
    for name in ("enlisted_year", "death_year"):
        if born and values[name] and values[name] < born and name not in errors:
            errors[name] = _("%(field)s is before the year of birth.") % {"field": _label(Martyr, name)}


def _grave_values(grave: Grave | None, changes: dict, full_name: str, errors: dict, actor) -> dict | None:
    """The grave's values after the change, validated; None when the record has no grave and gets none."""
    current = {f: getattr(grave, f) if grave else ("" if f != "cemetery" else None) for f in GRAVE_FIELDS}
    if grave is None:
        current["info"] = Grave.Info.FULL
    values = dict(current)
    for name in GRAVE_FIELDS:
        if name in changes:
            values[name] = changes[name] if name == "cemetery" else _clean_text(changes[name])
    values["info"] = values["info"] or Grave.Info.FULL
    cemetery = values["cemetery"]
    if cemetery is None:
        if grave is not None:
            errors["cemetery"] = _(
                "%(field)s: a recorded grave cannot be removed here; choose its cemetery."
            ) % {"field": _label(Grave, "cemetery")}
        elif any(values[f] for f in ("zone", "row", "number", "headstone")):
            errors["cemetery"] = _("%(field)s: choose the cemetery of the grave.") % {
                "field": _label(Grave, "cemetery")
            }
        return None
    if values == current:
        return values
    if values["info"] not in (Grave.Info.FULL, Grave.Info.PARTIAL):
        errors["info"] = _(
            "%(field)s: a grave with a known martyr has full or partly missing information."
        ) % {"field": _label(Grave, "info")}
    for f in Grave._meta.concrete_fields:
        limit = getattr(f, "max_length", None)
        if f.name in values and limit and isinstance(values[f.name], str) and len(values[f.name]) > limit:
            errors[f.name] = _("%(field)s: at most %(limit)s characters.") % {
                "field": capfirst(f.verbose_name),
                "limit": limit,
            }
    units = {cemetery.agency} | ({grave.cemetery.agency} if grave else set())
    if not all(has_perm(actor, access.EDIT, unit) for unit in units):
        errors["cemetery"] = _("%(field)s: you may not record graves in the cemeteries of this unit.") % {
            "field": _label(Grave, "cemetery")
        }
    if values["number"]:
        taken = Grave.objects.filter(
            cemetery=cemetery, zone=values["zone"], row=values["row"], number=values["number"]
        )
        if grave is not None:
            taken = taken.exclude(pk=grave.pk)
        if taken.exists():
            errors["number"] = _("%(field)s: grave %(place)s is already recorded in %(cemetery)s.") % {
                "field": _label(Grave, "number"),
                "place": "/".join(p for p in (values["zone"], values["row"], values["number"]) if p),
                "cemetery": cemetery.name,
            }
    values["headstone"] = values["headstone"] or full_name
    return values


def _audit_values(changed: dict, side: int) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        hidden = (
            _("(personal data, not recorded)") if side == 0 else _("changed (personal data, not recorded)")
        )
    return jsonable({k: hidden if k in PERSONAL_FIELDS else v[side] for k, v in changed.items()})


@transaction.atomic
def martyr_update(
    *,
    actor,
    martyr: Martyr,
    version: int | None = None,
    request: Request | None = None,
    keep_old_name: bool = False,
    native_province: str = "",
    **changes,
) -> Martyr:
    """Correct a record and its grave (the edit page). `changes` holds only the fields the caller may
    change (MARTYR_FIELDS, GRAVE_FIELDS); `native_province` (a name of any period or a code) wins
    over the province read from the home town, as in the import. `version` is the one the officer
    saw: if the record changed since, Conflict and nothing is written. `keep_old_name` keeps a
    corrected name among the other names, so the family's old spelling still finds the record.
    `request`: the correction request that asked for it; its history says the record was corrected.

    One audit event for the record, one for its grave, each with the changed fields only (the next of
    kin as "changed"); the search rows are rewritten when a searched field changed."""
    unknown = set(changes) - set(MARTYR_FIELDS) - set(GRAVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown martyr fields {sorted(unknown)}")
    m = Martyr.objects.select_for_update(of=("self",)).select_related("agency").get(pk=martyr.pk)
    require_perm(actor, access.EDIT, m.agency)
    if "next_of_kin" in changes and not can_see_contacts(actor, m):
        raise PermissionDenied(_("Only staff handling requests of this unit see contact data."))
    if version is not None and m.version != int(version):
        raise Conflict(
            _(
                "The record of %(name)s was changed by someone else while you were editing it. "
                "Open it again and repeat your correction; nothing was saved."
            )
            % {"name": m.full_name}
        )
    if request is not None:
        request = _locked(request)
        require_perm(actor, access.HANDLE, request.agency)
        if request.kind != Request.Kind.CORRECTION or request.martyr_id != m.pk:
            raise ValidationError(
                _("Request %(code)s does not ask to correct this record.") % {"code": request.code}
            )
        if not request.is_open:
            raise InvalidTransition(_("Request %(code)s was already answered.") % {"code": request.code})

    old = {name: getattr(m, name) for name in (*MARTYR_FIELDS, "native_province_code", "native_commune_code")}
    new = dict(old)
    errors: dict = {}
    for name in MARTYR_FIELDS:
        if name in changes:
            value = changes[name]
            new[name] = _clean_number(value, name, errors) if name in NUMBER_FIELDS else _clean_text(value)
            if isinstance(new[name], str) and new[name] == _clean_text(old[name]):
                new[name] = old[name]  # imported text keeps its spacing until someone corrects it
    renamed = name_key(new["full_name"]) != name_key(old["full_name"])
    new["aliases"] = _clean_aliases(new["aliases"], old["full_name"] if keep_old_name and renamed else "")
    if new["aliases"] == _clean_aliases(old["aliases"]):
        new["aliases"] = old["aliases"]  # spacing alone is no correction
    _check_martyr(new, errors)
    native_province = (native_province or "").strip()
    if province_codes(native_province) is None:
        errors["native_province"] = _("%(field)s: no province of any period has this name or code.") % {
            "field": _("Home province (old or new name)")
        }
    elif native_province or new["native_place"] != old["native_place"]:
        new["native_province_code"], new["native_commune_code"] = home_codes(
            new["native_place"], native_province
        )
    grave = (
        Grave.objects.select_for_update(of=("self",))
        .select_related("cemetery__agency")
        .filter(martyr=m)
        .first()
    )
    grave_new = _grave_values(grave, changes, new["full_name"], errors, actor)
    if errors:
        raise ValidationError(errors)

    changed = {k: (old[k], v) for k, v in new.items() if v != old[k]}
    grave_changed = {}
    if grave_new is not None and grave is None:
        grave_changed = {f: (None, v) for f, v in grave_new.items() if v not in ("", None)}
    elif grave_new is not None:
        grave_changed = {f: (getattr(grave, f), v) for f, v in grave_new.items() if v != getattr(grave, f)}
    if not changed and not grave_changed:
        return m

    for name, (_before, value) in changed.items():
        setattr(m, name, value)
    m.version += 1
    m.save(update_fields=[*changed, "version", "updated_at"])
    if changed.keys() & SEARCHED_FIELDS:
        search.index_martyr(m)  # a corrected name is found at once, the old one no longer (unless kept)
    events = []
    if changed:
        events.append(
            audit_event(
                access.MARTYR_UPDATED,
                actor=actor,
                target=m,
                agency_id=m.agency_id,
                before=_audit_values(changed, 0),
                after=_audit_values(changed, 1),
            )
        )
    if grave_changed:
        created = grave is None
        grave = grave or Grave(martyr=m)
        for name, value in grave_new.items():
            setattr(grave, name, value)
        grave.save()
        grave_changed = {("cemetery_id" if k == "cemetery" else k): v for k, v in grave_changed.items()}
        if "cemetery_id" in grave_changed:
            grave_changed["cemetery_id"] = tuple(getattr(c, "pk", None) for c in grave_changed["cemetery_id"])
        events.append(
            audit_event(
                access.GRAVE_UPDATED,
                actor=actor,
                target=grave,
                agency_id=grave.cemetery.agency_id,
                before=None if created else _audit_values(grave_changed, 0),
                after=_audit_values(grave_changed, 1),
            )
        )
        if created:
            # The search page's counts are cached; a new grave must show in them.
            transaction.on_commit(lambda: cache.delete(selectors.STATS_CACHE_KEY))
    audit_record_many(events)
    if request is not None:
        death = {"death_year", "death_month", "death_day"}
        with translation.override(settings.LANGUAGE_CODE):  # the public history is in Vietnamese
            # Field names only, never values; personal data not even by name (the history is public).
            labels = [
                _("date of sacrifice") if k in death else str(Martyr._meta.get_field(k).verbose_name)
                for k in changed
                if k in MARTYR_FIELDS and k not in PERSONAL_FIELDS
            ]
            labels += [str(Grave._meta.get_field(k.removesuffix("_id")).verbose_name) for k in grave_changed]
            labels = list(dict.fromkeys(labels))  # the date once, not once per part
            note = (
                _("The martyr's record was corrected: %(fields)s.") % {"fields": ", ".join(labels)}
                if labels
                else _("The martyr's record was corrected.")
            )
        RequestEvent.objects.create(request=request, status=request.status, note=note, actor=actor)
    return m
