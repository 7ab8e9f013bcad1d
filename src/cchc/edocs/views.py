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
from cchc.core.metrics import Period
from cchc.core.views import staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm

from . import exchange, selectors, services
from .access import APPROVE, ASSIGN, DRAFT, ISSUE, PROCESS, RECEIVE, VIEW
from .forms import (
    IN_STATUSES,
    OUT_STATUSES,
    AssignForm,
    CompleteForm,
    OutgoingForm,
    PaperForm,
    RegisterFilter,
)
from .models import Direction, DocumentKind, OutgoingDocument, Register
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
