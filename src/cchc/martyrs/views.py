import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.audit import audit_record
from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.core.exports import XLSX_MIME, file_response
from cchc.core.jobs import job_enqueue
from cchc.core.ratelimit import per_address_allowed
from cchc.core.views import perm_required, staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm

from . import access, exports, maps, places, search, selectors, services
from .forms import AnswerForm, ImportForm, MartyrEditForm, RequestForm, SearchForm, TrackForm
from .models import Cemetery, Grave, Martyr, Request

# Public forms are open to anyone: one client address may file or look up this many an hour.
REQUESTS_PER_IP_HOUR = 10
LOOKUPS_PER_IP_HOUR = 30


def home(request):
    """Public search: one box ("nguyen van hung 1948 thai binh") or the detailed fields."""
    form = SearchForm(request.GET or None)
    hits, query = [], None
    if form.is_valid() and any(form.cleaned_data.values()):
        d = form.cleaned_data
        query = search.parse(d["q"], name=d["name"], year=d["year"], place=d["place"])
        hits = search.search(query, limit=20)
    can_staff = has_perm(request.user, access.VIEW)
    return render(
        request,
        "martyrs/home.html",
        {
            "form": form,
            "hits": hits,
            "query": query,
            "searched": query is not None,
            "place_label": ", ".join(
                sorted(places.province_label(c) for c in (query.place_codes if query else []))
            ),
            "can_staff": can_staff,
            "stats": selectors.search_page_counts(),
        },
    )


def martyr_detail(request, pk):
    martyr = selectors.martyr_public(pk)
    if martyr is None:
        raise Http404
    grave = getattr(martyr, "grave", None)
    return render(
        request,
        "martyrs/martyr_detail.html",
        {
            "martyr": martyr,
            "grave": grave,
            "province": places.province_label(martyr.native_province_code),
            "can_handle": services.can_see_contacts(request.user, martyr),
            "can_edit": has_perm(request.user, access.EDIT, martyr.agency),
        },
    )


def cemetery_list(request):
    page = Paginator(selectors.cemeteries_public(), 50).get_page(request.GET.get("page"))
    for c in page:
        c.province = places.province_label(c.province_code)
    return render(request, "martyrs/cemetery_list.html", {"page": page})


def cemetery_detail(request, pk):
    cemetery = get_object_or_404(Cemetery, pk=pk)
    graves = Paginator(selectors.cemetery_graves(cemetery), 100).get_page(request.GET.get("page"))
    province = places.province_label(cemetery.province_code)
    description = _("Location of %(name)s (%(province)s) among the provincial capitals of Viet Nam.") % {
        "name": cemetery.name,
        "province": province,
    }
    svg = maps.location_svg(cemetery.name, cemetery.latitude, cemetery.longitude, description)
    counts = cemetery.graves.aggregate(n=Count("id"), identified=Count("id", filter=Q(martyr__isnull=False)))
    return render(
        request,
        "martyrs/cemetery_detail.html",
        {
            "cemetery": cemetery,
            "graves": graves,
            "province": province,
            "map_svg": mark_safe(svg),  # built from escaped text and numbers only (maps.py)
            "counts": counts,
            "can_identify": has_perm(request.user, access.EDIT, cemetery.agency),
        },
    )


def request_new(request):
    """Anyone may file: a family searching for a grave, a correction, news of an unknown grave, documents."""
    martyr = Martyr.objects.filter(pk=_int(request.POST.get("martyr") or request.GET.get("martyr"))).first()
    grave = Grave.objects.filter(pk=_int(request.POST.get("grave") or request.GET.get("grave"))).first()
    initial = {"martyr_name": martyr.full_name if martyr else ""}
    if martyr is not None:
        initial["kind"] = (
            Request.Kind.CORRECTION if request.GET.get("kind") == "correction" else Request.Kind.DOCUMENTS
        )
    if grave is not None and grave.martyr_id is None:
        initial["kind"] = Request.Kind.UNIDENTIFIED
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not per_address_allowed(request, "martyrs.file", REQUESTS_PER_IP_HOUR):
            form.add_error(None, _("Too many requests from your network; try again in an hour."))
            return render(
                request,
                "martyrs/request_form.html",
                {"form": form, "martyr": martyr, "grave": grave},
                status=429,
            )
        try:
            req = services.request_file(actor=request.user, martyr=martyr, grave=grave, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            request.session["martyrs_filed"] = req.code
            return redirect("martyrs:request_done")
    return render(request, "martyrs/request_form.html", {"form": form, "martyr": martyr, "grave": grave})


def _int(value) -> int:
    """A record number from the query string or a form; 0 (no record) for anything else."""
    return int(value) if str(value or "").isdigit() else 0


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def request_done(request):
    code = request.session.get("martyrs_filed")
    if not code:
        return redirect("martyrs:request_new")
    return render(request, "martyrs/request_done.html", {"code": code})


def track(request):
    """Follow a request by its code: status and public history only, never the requester's data."""
    form = TrackForm(request.GET or None)
    req = None
    if form.is_valid():
        if not per_address_allowed(request, "martyrs.track", LOOKUPS_PER_IP_HOUR):
            form.add_error(None, _("Too many look-ups from your network; try again in an hour."))
            return render(request, "martyrs/track.html", {"form": form}, status=429)
        req = Request.objects.filter(code=form.cleaned_data["code"].strip().upper()).first()
        if req is None:
            form.add_error("code", _("No request has this code."))
    events = req.events.order_by("at", "id") if req else []
    return render(request, "martyrs/track.html", {"form": form, "req": req, "events": events})


# --- staff ------------------------------------------------------------------------------------------------
@staff_required
def staff(request):
    require_perm(request.user, access.VIEW)
    status = request.GET.get("status", "")
    qs = selectors.requests_for_officer(
        request.user, status=status, overdue=request.GET.get("overdue") == "1"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "martyrs/staff.html",
        {
            "page": page,
            "status": status,
            "statuses": Request.Status.choices,
            "can_edit": has_perm(request.user, access.EDIT),
            "can_export": has_perm(request.user, access.EXPORT),
            "records": selectors.martyrs_for_officer(request.user).count(),
        },
    )


requests_list = staff


@staff_required
def request_detail(request, pk):
    req = get_object_or_404(
        selectors.requests_for_officer(request.user).select_related("grave", "handled_by"), pk=pk
    )
    can_handle = has_perm(request.user, access.HANDLE, req.agency)
    if can_handle:
        services.contact_viewed(actor=request.user, request=req)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not can_handle:
            raise PermissionDenied(_("You may not handle requests of this unit."))
        try:
            if request.POST.get("action") == "take_up":
                services.request_take_up(actor=request.user, request=req)
                messages.success(request, _("The request is being verified."))
                return redirect("martyrs:request_detail", pk=req.pk)
            if form.is_valid():
                d = form.cleaned_data
                grave = Grave.objects.filter(pk=d["grave_id"]).first() if d["grave_id"] else None
                if d["grave_id"] and grave is None:
                    form.add_error("grave_id", _("No grave has this number."))
                else:
                    services.request_answer(
                        actor=request.user,
                        request=req,
                        reply=d["reply"],
                        accept=d["accept"],
                        postal_item=d["postal_item"],
                        grave=grave,
                    )
                    messages.success(request, _("The answer was recorded and the requester notified."))
                    return redirect("martyrs:request_detail", pk=req.pk)
        except ValidationError as exc:
            _add_errors(form, exc)
        except InvalidTransition as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "martyrs/request_detail.html",
        {
            "req": req,
            "form": form,
            "can_handle": can_handle,
            "can_correct": _may_correct(request.user, req),
            "events": req.events.select_related("actor"),
        },
    )


def _may_correct(user, req: Request) -> bool:
    """An open correction request about a record this user may edit and whose request they handle."""
    return (
        req.kind == Request.Kind.CORRECTION
        and req.martyr_id is not None
        and req.is_open
        and has_perm(user, access.HANDLE, req.agency)
        and has_perm(user, access.EDIT, req.martyr.agency)
    )


@perm_required(access.EDIT)
def martyr_edit(request, pk):
    """Correct a record and its grave; from a correction request (?request=) its history says so."""
    martyr = get_object_or_404(Martyr.objects.select_related("agency", "grave__cemetery"), pk=pk)
    require_perm(request.user, access.EDIT, martyr.agency)
    req = None
    req_id = _int(request.POST.get("request") or request.GET.get("request"))
    if req_id:
        req = get_object_or_404(selectors.requests_for_officer(request.user), pk=req_id, martyr=martyr)
        if not _may_correct(request.user, req):
            raise PermissionDenied(
                _("This request does not ask to correct this record, or you may not handle it.")
            )
    with_contacts = services.can_see_contacts(request.user, martyr)
    cemeteries = selectors.cemeteries_for_editor(request.user, martyr)
    form = MartyrEditForm(
        request.POST or None,
        martyr=martyr,
        cemeteries=cemeteries,
        with_contacts=with_contacts,
        initial={"request": req.pk if req else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.martyr_update(
                actor=request.user,
                martyr=martyr,
                version=form.cleaned_data["version"],
                request=req,
                **form.changes(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except (Conflict, InvalidTransition) as exc:
            form.add_error(None, str(exc))
        else:
            if saved.version == martyr.version:
                messages.info(request, _("Nothing was changed."))
            elif req is not None:
                messages.success(request, _("The record is corrected; the request's history says so."))
            else:
                messages.success(request, _("The record is corrected."))
            if req is not None:
                return redirect("martyrs:request_detail", pk=req.pk)
            return redirect("martyrs:martyr", pk=martyr.pk)
    elif request.method == "GET" and with_contacts:
        services.contact_viewed(actor=request.user, martyr=martyr)  # the form shows the next of kin
    return render(
        request,
        "martyrs/martyr_edit.html",
        {
            "martyr": martyr,
            "form": form,
            "req": req,
            "province": places.province_label(martyr.native_province_code),
        },
    )


@staff_required
def martyr_contacts(request, pk):
    """The next of kin of a record: handling staff only, audited."""
    martyr = get_object_or_404(selectors.martyrs_for_officer(request.user), pk=pk)
    if not services.can_see_contacts(request.user, martyr):
        raise PermissionDenied(_("Only staff handling requests of this unit see contact data."))
    services.contact_viewed(actor=request.user, martyr=martyr)
    return render(request, "martyrs/martyr_contacts.html", {"martyr": martyr})


@staff_required
def duplicates(request):
    require_perm(request.user, access.VIEW)
    return render(
        request, "martyrs/duplicates.html", {"groups": selectors.duplicate_candidates(request.user)}
    )


@staff_required
def import_upload(request):
    if not agencies_with_perm(request.user, access.EDIT).exists():
        raise PermissionDenied(_("You may not import martyr records."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in {".csv", ".xlsx"}:
            form.add_error("file", _("Use a .csv or .xlsx file."))
        else:
            folder = Path(settings.MEDIA_ROOT) / "martyrs" / "imports"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{uuid.uuid4().hex}{suffix}"
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            job = job_enqueue("martyrs.import", actor=request.user, params={"path": str(path)})
            return redirect("core:job", pk=job.pk)
    return render(request, "martyrs/import.html", {"form": form})


@staff_required
def export(request):
    require_perm(request.user, access.EXPORT)
    qs = Martyr.objects.filter(agency__in=agencies_with_perm(request.user, access.EXPORT))
    fmt = request.GET.get("format", "xlsx")
    content, n = exports.csv_bytes(qs) if fmt == "csv" else exports.xlsx(qs)
    audit_record(
        access.EXPORTED,
        actor=request.user,
        target_type="martyrs.martyr",
        target_label=f"{n} records",
        after={"format": fmt, "rows": n},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        return file_response(content, f"liet-si-{stamp}.csv", "text/csv; charset=utf-8")
    return file_response(content, f"liet-si-{stamp}.xlsx", XLSX_MIME)


@require_POST
@staff_required
def grave_identify(request, pk):
    grave = get_object_or_404(Grave.objects.select_related("cemetery__agency"), pk=pk)
    martyr = get_object_or_404(
        selectors.martyrs_for_officer(request.user), pk=_int(request.POST.get("martyr"))
    )
    try:
        services.grave_identify(actor=request.user, grave=grave, martyr=martyr)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The grave is identified."))
    return redirect("martyrs:cemetery", pk=grave.cemetery_id)
