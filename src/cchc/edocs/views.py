"""Pages of the document registers, and the two exchange endpoints other platforms post to."""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cchc.core.exceptions import InvalidTransition
from cchc.core.exports import XLSX_MIME, file_response, title_lines, xlsx_bytes
from cchc.core.listing import paginate
from cchc.core.metrics import Period
from cchc.core.views import perm_required, staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm

from . import exchange, selectors, services
from .access import APPROVE, ASSIGN, DRAFT, ISSUE, MANAGE, MANAGE_EXCHANGE, PROCESS, RECEIVE, VIEW
from .forms import (
    IN_STATUSES,
    OUT_STATUSES,
    AssignForm,
    CertificateForm,
    CompleteForm,
    OutgoingForm,
    PaperForm,
    PeerFilter,
    PeerForm,
    RegisterFilter,
    RegisterForm,
    TrustedCAForm,
)
from .models import Direction, DocumentKind, OutgoingDocument, Register, TrustedCA
from .transport import TOKEN_HEADER

log = logging.getLogger(__name__)
EXPORT_LIMIT = 50_000


class CappedPaginator(Paginator):
    """Counts at most CAP + 1 rows: counting every match of a frequent word in a register of millions
    costs seconds, and nobody pages that far; the page says "more than 1.000" (20 pages) instead. Over
    1.000.000 documents counting 10.001 matches of a search took p95 0,19 s, 1.001 p95 0,03–0,05 s
    (docs/benchmarks.md)."""

    CAP = 1_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _filters(request, statuses):
    form = RegisterFilter(request.GET or None, statuses=statuses)
    return form, (form.cleaned_data if form.is_valid() else {})


# --- registers -------------------------------------------------------------------------------------
def _incoming_page(request, *, overdue: bool, template_title: str):
    require_perm(request.user, VIEW)
    form, f = _filters(request, IN_STATUSES)
    qs = selectors.incoming_register(
        request.user, q=f.get("q", ""), year=f.get("year"), status=f.get("status", ""), overdue=overdue
    )
    if request.GET.get("format") == "xlsx":
        header = [
            _("Arrival number"),
            _("Received at"),
            _("Sender"),
            _("Number, symbol"),
            _("Issued on"),
            pgettext("document", "Subject"),
            _("Receiving unit"),
            _("Assigned unit"),
            _("Processing due"),
            _("Status"),
        ]
        rows = (
            [
                d.arrival_number,
                d.received_at,
                d.sender_name,
                d.code,
                d.promulgation_date,
                d.subject,
                d.agency.name,
                d.assigned_unit.name if d.assigned_unit else "",
                d.due_at,
                d.get_status_display(),
            ]
            for d in qs[:EXPORT_LIMIT]
        )
        return file_response(
            xlsx_bytes(
                {_("Incoming documents"): (header, rows)}, title=title_lines(_("Incoming documents register"))
            ),
            "so-van-ban-den.xlsx",
            XLSX_MIME,
        )
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "edocs/incoming_list.html",
        {
            "page": page,
            "filters": form,
            "overdue": overdue,
            "title": template_title,
            "can_register_paper": not overdue and has_perm(request.user, RECEIVE),
        },
    )


@staff_required
def incoming_paper(request):
    require_perm(request.user, RECEIVE)
    form = PaperForm(request.POST or None, units=agencies_with_perm(request.user, RECEIVE))
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.incoming_register_paper(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Registered with arrival number %(n)s.") % {"n": doc.arrival_number})
            return redirect("edocs:incoming_detail", pk=doc.pk)
    return render(request, "edocs/paper_form.html", {"form": form})


@staff_required
def incoming_list(request):
    return _incoming_page(request, overdue=False, template_title=_("Incoming documents register"))


@staff_required
def overdue_list(request):
    return _incoming_page(request, overdue=True, template_title=_("Incoming documents overdue"))


@staff_required
def outgoing_list(request):
    require_perm(request.user, VIEW)
    form, f = _filters(request, OUT_STATUSES)
    qs = selectors.outgoing_register(
        request.user, q=f.get("q", ""), year=f.get("year"), status=f.get("status", "")
    )
    if request.GET.get("format") == "xlsx":
        header = [
            _("Number, symbol"),
            _("Issued on"),
            _("Type"),
            pgettext("document", "Subject"),
            _("Issuing unit"),
            _("Signed by"),
            _("Status"),
        ]
        rows = (
            [
                d.code,
                d.issued_on,
                d.kind.name,
                d.subject,
                d.agency.name,
                d.signer_name,
                d.get_status_display(),
            ]
            for d in qs[:EXPORT_LIMIT]
        )
        return file_response(
            xlsx_bytes(
                {_("Outgoing documents"): (header, rows)}, title=title_lines(_("Outgoing documents register"))
            ),
            "so-van-ban-di.xlsx",
            XLSX_MIME,
        )
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "edocs/outgoing_list.html",
        {"page": page, "filters": form, "can_draft": has_perm(request.user, DRAFT)},
    )


@staff_required
def outgoing_new(request):
    require_perm(request.user, DRAFT)
    units = agencies_with_perm(request.user, DRAFT)
    registers = Register.objects.filter(agency__in=units, direction=Direction.OUTGOING).select_related(
        "agency"
    )
    today = timezone.localdate()
    kinds = DocumentKind.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today)
    form = OutgoingForm(request.POST or None, request.FILES or None, registers=registers, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.outgoing_draft(
                actor=request.user,
                agency=d["register"].agency,
                register=d["register"],
                kind=d["kind"],
                notation=d["notation"],
                subject=d["subject"],
                content=d["content"],
                place=d["place"],
                signer_name=d["signer_name"],
                signer_position=d["signer_position"],
                signer_competence=d["signer_competence"],
                urgency=d["urgency"],
                due_date=d["due_date"],
                recipients=d["recipients"].split(),
                attachment=d["attachment"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("edocs:outgoing_detail", pk=doc.pk)
    return render(request, "edocs/outgoing_form.html", {"form": form})


OUT_ACTIONS = {
    "submit": (services.outgoing_submit, _("Submitted for approval.")),
    "approve": (services.outgoing_approve, _("Approved.")),
    "issue": (services.outgoing_issue, _("Issued: numbered, signed and sent to its recipients.")),
}


@staff_required
def outgoing_detail(request, pk):
    doc = selectors.outgoing_visible(request.user, pk)
    if doc is None:
        raise Http404
    if request.method == "POST":
        action = OUT_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        try:
            action[0](actor=request.user, document=doc)
        except (InvalidTransition, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, action[1])
        return redirect("edocs:outgoing_detail", pk=doc.pk)
    S = OutgoingDocument.Status
    recipients = list(doc.recipients.select_related("agency", "external"))
    statuses = selectors.timeline(doc.statuses.all())
    return render(
        request,
        "edocs/outgoing_detail.html",
        {
            "doc": doc,
            "recipients": recipients,
            "statuses": statuses,
            "can_submit": doc.status == S.DRAFT and has_perm(request.user, DRAFT, doc.agency),
            "can_approve": doc.status in (S.DRAFT, S.SUBMITTED)
            and has_perm(request.user, APPROVE, doc.agency),
            "can_issue": doc.status == S.APPROVED and has_perm(request.user, ISSUE, doc.agency),
        },
    )


@staff_required
def incoming_detail(request, pk):
    doc = selectors.incoming_visible(request.user, pk)
    if doc is None:
        raise Http404
    units = agencies_with_perm(request.user, ASSIGN).filter(path__startswith=doc.agency.path)
    people = (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, unit__path__startswith=doc.agency.path)
        .order_by("full_name")
    )
    assign_form = AssignForm(
        request.POST if request.POST.get("action") == "assign" else None, units=units, people=people
    )
    complete_form = CompleteForm(request.POST if request.POST.get("action") == "complete" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                services.incoming_accept(actor=request.user, document=doc)
            elif action == "assign" and assign_form.is_valid():
                services.incoming_assign(
                    actor=request.user,
                    document=doc,
                    unit=assign_form.cleaned_data["unit"],
                    assignee=assign_form.cleaned_data["assignee"],
                    working_days=assign_form.cleaned_data["working_days"],
                )
            elif action == "start":
                services.incoming_start(actor=request.user, document=doc)
            elif action == "complete" and complete_form.is_valid():
                services.incoming_complete(
                    actor=request.user, document=doc, result=complete_form.cleaned_data["result"]
                )
            elif action not in ("assign", "complete"):
                raise Http404
            else:
                messages.error(request, _("Correct the form below."))
                return redirect("edocs:incoming_detail", pk=doc.pk)
        except (InvalidTransition, ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Saved; the sender is told the new status."))
        return redirect("edocs:incoming_detail", pk=doc.pk)
    S = doc.Status
    may_process = doc.assignee_id == request.user.pk or has_perm(
        request.user, PROCESS, doc.assigned_unit or doc.agency
    )
    accepted = doc.statuses.filter(code="03").exists()
    return render(
        request,
        "edocs/incoming_detail.html",
        {
            "doc": doc,
            "statuses": selectors.timeline(doc.statuses.all()),
            "can_accept": not accepted and has_perm(request.user, RECEIVE, doc.agency),
            "can_assign": doc.status != S.COMPLETED
            and has_perm(request.user, ASSIGN, doc.agency)
            and units.exists(),
            "can_start": doc.status == S.ASSIGNED and may_process,
            "can_complete": doc.status in (S.ASSIGNED, S.PROCESSING) and may_process,
            "assign_form": assign_form,
            "complete_form": complete_form,
        },
    )


@staff_required
def statistics(request):
    require_perm(request.user, VIEW)
    root = agencies_with_perm(request.user, VIEW).order_by("path").first()
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    stats = selectors.statistics(root, Period.year(year))
    return render(request, "edocs/statistics.html", {"stats": stats, "year": year, "agency": root})


# --- exchange settings: peers, certificates, trusted CAs, registers -------------------------------
# Every page is for holders of MANAGE_EXCHANGE (the văn thư, within its units, and the administrator);
# peers and trusted CAs hold for the whole platform, so changing them takes MANAGE (administrator).
def _settings(request, template, context):
    context["can_manage"] = has_perm(request.user, MANAGE)
    return render(request, template, context)


def _done(request, exc) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@perm_required(MANAGE_EXCHANGE)
def peer_list(request):
    form = PeerFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    active = {"1": True, "0": False}.get(f.get("active", ""))
    listing = paginate(
        request,
        selectors.peers(q=f.get("q", ""), active=active),
        sorts={"name": "name", "code": "code", "activity": "last_activity"},
        default="name",
    )
    return _settings(
        request, "edocs/peer_list.html", {"page": listing.page, "listing": listing, "filters": form}
    )


@perm_required(MANAGE)
def peer_new(request):
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            peer = services.peer_save(
                actor=request.user,
                new=True,
                code=d["code"],
                name=d["name"],
                endpoint_url=d["endpoint_url"],
                token=d["token"] or None,
                active=d["active"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The external agency %(code)s was saved.") % {"code": peer.code})
            return redirect("edocs:peer_edit", pk=peer.pk)
    return render(request, "edocs/peer_form.html", {"form": form, "peer": None})


@perm_required(MANAGE_EXCHANGE)
def peer_edit(request, pk):
    peer = selectors.peers().filter(pk=pk).first()
    if peer is None:
        raise Http404
    can_manage = has_perm(request.user, MANAGE)
    initial = {"code": peer.code, "name": peer.name, "endpoint_url": peer.endpoint_url, "active": peer.active}
    form = PeerForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        require_perm(request.user, MANAGE)
        if request.POST.get("action") == "deactivate":
            try:
                services.peer_deactivate(actor=request.user, peer=peer)
            except InvalidTransition as exc:
                _done(request, exc)
            else:
                messages.success(request, _("The external agency was deactivated."))
            return redirect("edocs:peer_edit", pk=peer.pk)
        if form.is_valid():
            d = form.cleaned_data
            token = "" if d["clear_token"] else (d["token"] or None)
            try:
                services.peer_save(
                    actor=request.user,
                    peer=peer,
                    code=peer.code,
                    name=d["name"],
                    endpoint_url=d["endpoint_url"],
                    token=token,
                    active=d["active"],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("The external agency %(code)s was saved.") % {"code": peer.code})
                return redirect("edocs:peer_edit", pk=peer.pk)
    return render(
        request,
        "edocs/peer_form.html",
        {
            "form": form if can_manage else None,
            "peer": peer,
            "failures": selectors.peer_failures(peer),
            "can_manage": can_manage,
        },
    )


@perm_required(MANAGE_EXCHANGE)
def certificate_list(request):
    listing = paginate(
        request,
        selectors.certificates(request.user),
        sorts={"unit": ("agency__path", "-not_after"), "expiry": "not_after"},
        default="unit",
    )
    rows = [(c, selectors.certificate_view(c.certificate_pem)) for c in listing.page]
    return _settings(
        request,
        "edocs/certificate_list.html",
        {
            "page": listing.page,
            "listing": listing,
            "rows": rows,
            "can_install": agencies_with_perm(request.user, MANAGE_EXCHANGE).exists(),
        },
    )


@perm_required(MANAGE_EXCHANGE)
def certificate_new(request):
    units = agencies_with_perm(request.user, MANAGE_EXCHANGE).filter(valid_to__isnull=True).order_by("path")
    form = CertificateForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if "pkcs12_bytes" in d:
                row = services.certificate_install_pkcs12(
                    actor=request.user, agency=d["agency"], data=d["pkcs12_bytes"], password=d["password"]
                )
            else:
                row = services.certificate_install(
                    actor=request.user, agency=d["agency"], cert_pem=d["cert_pem"], key_pem=d["key_pem"]
                )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("The certificate of %(unit)s was installed; its private key is kept in the key folder.")
                % {"unit": row.agency},
            )
            return redirect("edocs:certificates")
    return render(request, "edocs/certificate_form.html", {"form": form})


@perm_required(MANAGE_EXCHANGE)
@require_POST
def certificate_deactivate(request, pk):
    cert = selectors.certificates(request.user).filter(pk=pk).first()
    if cert is None:
        raise Http404
    try:
        services.certificate_deactivate(actor=request.user, certificate=cert)
    except (InvalidTransition, PermissionDenied) as exc:
        _done(request, exc)
    else:
        messages.success(
            request, _("The certificate was deactivated: documents are no longer signed with it.")
        )
    return redirect("edocs:certificates")


@perm_required(MANAGE_EXCHANGE)
def trusted_ca_list(request):
    listing = paginate(
        request, TrustedCA.objects.all(), sorts={"name": "name", "added": "-added_at"}, default="name"
    )
    rows = [(ca, selectors.certificate_view(ca.certificate_pem)) for ca in listing.page]
    return _settings(
        request, "edocs/trusted_ca_list.html", {"page": listing.page, "listing": listing, "rows": rows}
    )


@perm_required(MANAGE)
def trusted_ca_new(request):
    form = TrustedCAForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.trusted_ca_add(
                actor=request.user, name=form.cleaned_data["name"], cert_pem=form.cleaned_data["certificate"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The certification authority is trusted from now on."))
            return redirect("edocs:trusted_cas")
    return render(request, "edocs/trusted_ca_form.html", {"form": form})


@perm_required(MANAGE)
@require_POST
def trusted_ca_deactivate(request, pk):
    ca = TrustedCA.objects.filter(pk=pk).first()
    if ca is None:
        raise Http404
    try:
        services.trusted_ca_deactivate(actor=request.user, ca=ca)
    except InvalidTransition as exc:
        _done(request, exc)
    else:
        messages.success(request, _("The certification authority is no longer trusted."))
    return redirect("edocs:trusted_cas")


@perm_required(MANAGE_EXCHANGE)
def register_list(request):
    year = timezone.localdate().year
    listing = paginate(
        request,
        selectors.registers(request.user, year),
        sorts={"unit": ("agency__path", "direction", "code"), "code": "code"},
        default="unit",
    )
    return _settings(
        request, "edocs/register_list.html", {"page": listing.page, "listing": listing, "year": year}
    )


@perm_required(MANAGE_EXCHANGE)
def register_new(request):
    units = agencies_with_perm(request.user, MANAGE_EXCHANGE).filter(valid_to__isnull=True).order_by("path")
    form = RegisterForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.register_create(
                actor=request.user,
                agency=d["agency"],
                direction=d["direction"],
                code=d["code"],
                name=d["name"],
                secret=d["secret"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The register was created."))
            return redirect("edocs:registers")
    return render(request, "edocs/register_form.html", {"form": form})


# --- exchange endpoints (platform to platform; authenticated by the XML signature) ----------------
def _body(request, limit: int) -> bytes | None:
    """The raw request body, read from the stream (not request.body, whose limit is for forms), or
    None when larger than `limit`."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return None
    data = request.read(limit + 1)
    return None if len(data) > limit else data


def _xml(body: bytes, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")


@csrf_exempt
@require_POST
def receive_package(request):
    limit = exchange.max_package_bytes()
    data = _body(request, limit)
    if data is None:
        faults = [_("The package is larger than %(limit)s bytes.") % {"limit": limit}]
        services.incoming_refused_atomic(document_id="", sender_code="", faults=faults)
        return _xml(exchange._refusal(faults, None, None), 413)
    try:
        outcome = exchange.package_receive(data, token=request.headers.get(TOKEN_HEADER, ""))
    except Exception:  # never a traceback to the peer; the package is refused and retried by it
        log.exception("package receipt failed")
        return HttpResponse(_("The package could not be processed; send it again later."), status=503)
    return _xml(outcome.answer, 200 if outcome.accepted else 400)


@csrf_exempt
@require_POST
def receive_status(request):
    from . import edxml, signing

    data = _body(request, 1024 * 1024)
    if data is None:
        return HttpResponse(_("The status message is too large."), status=413, content_type="text/plain")
    try:
        applied = exchange.status_receive(data, token=request.headers.get(TOKEN_HEADER, ""))
    except (edxml.EdxmlError, signing.SignatureError, PermissionError) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    except Exception:
        log.exception("status receipt failed")
        return HttpResponse(_("The status message could not be processed."), status=503)
    return HttpResponse("ok" if applied else "unknown document", status=200, content_type="text/plain")
