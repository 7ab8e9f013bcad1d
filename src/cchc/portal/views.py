"""Pages of the public services portal. Views translate HTTP; the work is in services."""

import json
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.core.listing import paginate
from cchc.core.navigation import nav_items
from cchc.core.ratelimit import per_address_allowed
from cchc.core.views import applicant_required as core_applicant_required
from cchc.onestop.models import DossierFile, Status
from cchc.procedures import selectors as catalog
from cchc.procedures.models import OnlineLevel, Procedure

from . import selectors, services, statistics
from .forms import FilingForm, RatingForm, SupplementForm, TrackRequestForm, TrackVerifyForm
from .models import Notification, Payment, ServiceRating
from .payments import InvalidAnswer, SandboxGateway, get_gateway
from .rating import criteria_in_force, criteria_version

TRACK_SESSION_KEY = "portal_tracked"
TRACK_MINUTES = 30


def home(request):
    """The public front page: what citizens, businesses and the public can do here."""
    public = [item for item in nav_items() if item.public and item.key != "portal"]
    return render(request, "portal/home.html", {"public_items": public})


applicant_required = core_applicant_required(
    gettext_lazy("Staff accounts cannot file dossiers; sign in with a citizen or business account.")
)


def _own_dossier(request, pk):
    dossier = selectors.applicant_dossier(request.user, pk)
    if dossier is None:
        raise Http404
    return dossier


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


# --- finding an online procedure ------------------------------------------------------------
def online_procedures(request):
    """Procedures that can be filed online today (fully or partly online), searchable."""
    q = request.GET.get("q", "").strip()
    procedures = (
        catalog.procedure_search(q, online_level=OnlineLevel.FULL)
        | catalog.procedure_search(q, online_level=OnlineLevel.PARTIAL)
    ).order_by("code")
    listing = paginate(request, procedures, per_page=25)
    page = listing.page
    return render(request, "portal/procedures.html", {"page": page, "listing": listing, "q": q})


def _filing_version(procedure: Procedure):
    version = selectors.filing_version(procedure)
    if version is None:
        raise Http404(_("This procedure cannot be filed online."))
    return version


def _filing_form(request, version, dossier=None):
    existing = {f.component_code for f in selectors.current_files(dossier)} if dossier else set()
    if request.method == "POST":
        return FilingForm(
            request.POST,
            request.FILES,
            version=version,
            components=version.components.all(),
            existing_files=existing,
        )
    initial = {"idempotency_key": uuid.uuid4().hex}
    if dossier is not None:
        initial.update(selectors.dossier_form_initial(dossier))
    else:
        user = request.user
        initial.update(
            {
                "applicant_name": user.display_name,
                "applicant_identity": user.identity_number or user.tax_code,
                "applicant_phone": user.phone,
                "applicant_email": user.email,
            }
        )
    return FilingForm(
        initial=initial, version=version, components=version.components.all(), existing_files=existing
    )


@applicant_required
def file_online(request, procedure_code, pk=None):
    """The e-form with one upload per dossier component: save as draft, or submit."""
    if pk is not None:
        dossier = _own_dossier(request, pk)
        if dossier.status != Status.DRAFT:
            return redirect("portal:dossier_detail", pk=dossier.pk)
        procedure = dossier.procedure
    else:
        dossier = None
        procedure = get_object_or_404(Procedure.objects.select_related("agency"), code=procedure_code)
    version = _filing_version(procedure)
    form = _filing_form(request, version, dossier)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["idempotency_key"]
        already = selectors.dossier_submitted_with(key, request.user)
        if already is not None:  # the same form sent twice: show the dossier it created
            return redirect("portal:dossier_detail", pk=already.pk)
        submit = "submit" in request.POST
        try:
            dossier = services.online_filing_save(
                actor=request.user,
                procedure=procedure,
                version=version,
                answers=form.answers(),
                uploads=form.uploads(),
                dossier=dossier,
                submit=submit,
                idempotency_key=key,
            )
        except services.SubmissionRefused as exc:
            for text in exc.messages:
                messages.error(request, text)
            messages.info(request, _("Your answers and files were saved as a draft."))
            return redirect("portal:file_draft", procedure_code=procedure.code, pk=exc.dossier.pk)
        except ValidationError as exc:
            _form_errors(form, exc)
        except (InvalidTransition, Conflict) as exc:
            form.add_error(None, str(exc))
        else:
            if submit:
                messages.success(
                    request, _("Your dossier was submitted. You will be notified of every status change.")
                )
                return redirect("portal:dossier_detail", pk=dossier.pk)
            messages.success(request, _("Draft saved. You can come back and finish it later."))
            return redirect("portal:file_draft", procedure_code=procedure.code, pk=dossier.pk)
    return render(
        request,
        "portal/file.html",
        {"form": form, "procedure": procedure, "version": version, "dossier": dossier},
    )


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = (
                field
                if field in form.fields
                else (f"file_{field}" if f"file_{field}" in form.fields else None)
            )
            for e in errors:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


# --- the applicant's dossiers -----------------------------------------------------------------
@applicant_required
def my_dossiers(request):
    listing = paginate(request, selectors.applicant_dossiers(request.user), per_page=25)
    page = listing.page
    return render(request, "portal/my_dossiers.html", {"page": page, "listing": listing})


@applicant_required
def dossier_detail(request, pk):
    dossier = _own_dossier(request, pk)
    return render(request, "portal/dossier_detail.html", _detail_context(dossier, request.user))


def _detail_context(dossier, user=None) -> dict:
    rating = ServiceRating.objects.filter(dossier=dossier).first()
    return {
        "dossier": dossier,
        "events": dossier.events.select_related("actor").order_by("at", "id"),
        "files": selectors.current_files(dossier),
        "payments": selectors.payments_of(dossier),
        "fee_due": selectors.dossier_fee(dossier),
        "payable": selectors.dossier_payable(dossier),
        "supplement": selectors.open_supplement_request(dossier)
        if dossier.status == Status.SUPPLEMENT
        else None,
        "rateable": selectors.dossier_rateable(dossier) and rating is None,
        "rating": rating,
        "is_applicant": selectors.dossier_is_applicants(dossier, user),
    }


@applicant_required
def dossier_file(request, pk, file_id):
    """Download a file of one's own dossier (including the electronic result)."""
    dossier = _own_dossier(request, pk)
    f = get_object_or_404(DossierFile, pk=file_id, dossier=dossier)
    name = f"{selectors.dossier_code(dossier).replace('#', '')}-{f.component_code or f.purpose}.{f.file.name.rsplit('.', 1)[-1]}"
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=name)


@applicant_required
def supplement(request, pk):
    dossier = _own_dossier(request, pk)
    request_ = selectors.open_supplement_request(dossier)
    if dossier.status != Status.SUPPLEMENT or request_ is None:
        messages.error(request, _("No supplementation is requested for this dossier."))
        return redirect("portal:dossier_detail", pk=dossier.pk)
    components = selectors.supplement_components(dossier, request_)
    form = SupplementForm(request.POST or None, request.FILES or None, components=components)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplement_send(
                actor=request.user, dossier=dossier, uploads=form.uploads(), note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except (InvalidTransition, Conflict) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your supplement was sent. The processing time starts again from today.")
            )
            return redirect("portal:dossier_detail", pk=dossier.pk)
    return render(request, "portal/supplement.html", {"dossier": dossier, "form": form, "request_": request_})


@applicant_required
def rate(request, pk):
    dossier = _own_dossier(request, pk)
    version = criteria_in_force(timezone.localdate())
    form = RatingForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(
                actor=request.user,
                dossier=dossier,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("portal:dossier_detail", pk=dossier.pk)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("portal:dossier_detail", pk=dossier.pk)
    return render(request, "portal/rate.html", {"dossier": dossier, "form": form, "version": version})


@applicant_required
def data_export(request):
    data = services.applicant_data_export(actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cchc-my-data-{timezone.localdate():%Y%m%d}.json"'
    )
    return response


# --- payments -----------------------------------------------------------------------------------
@applicant_required
@require_POST
def payment_start(request, pk):
    dossier = _own_dossier(request, pk)
    try:
        _payment, url = services.payment_start(
            actor=request.user, dossier=dossier, site_url=_site_url(request)
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect("portal:dossier_detail", pk=dossier.pk)
    return redirect(url)


@csrf_exempt  # server-to-server: authenticated by the gateway's signature, not a session
@require_POST
def payment_notify(request):
    try:
        payment = services.payment_answer_record(params=request.POST)
    except InvalidAnswer:
        return HttpResponseBadRequest("invalid answer", content_type="text/plain")
    return HttpResponse(f"OK {payment.reference} {payment.status}", content_type="text/plain")


def payment_return(request, reference):
    """Where the gateway sends the payer back, with the same signed answer as its notification."""
    try:
        payment = services.payment_answer_record(params=request.GET)
    except InvalidAnswer:
        payment = get_object_or_404(Payment, reference=reference)
        messages.error(
            request,
            _("The answer of the payment gateway could not be verified; the payment was not recorded."),
        )
    if payment.reference != reference:
        raise Http404
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(
            request, _("The fee was paid. Payment reference: %(ref)s.") % {"ref": payment.reference}
        )
    elif payment.status == Payment.Status.FAILED:
        messages.error(request, _("The payment failed: %(reason)s") % {"reason": payment.failure_reason})
    if request.user.is_authenticated and payment.dossier.applicant_id == request.user.pk:
        return redirect("portal:dossier_detail", pk=payment.dossier_id)
    return render(request, "portal/payment_result.html", {"payment": payment})


def sandbox_pay(request):
    """The sandbox gateway's payment page (the "bank"): shows the signed order and lets the payer
    pay, be refused or cancel. Served by the platform only while the sandbox gateway is in use."""
    gateway = get_gateway()
    if not isinstance(gateway, SandboxGateway):
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    try:
        order = gateway.read_order(params)
    except InvalidAnswer:
        return HttpResponseBadRequest(_("Invalid payment order."))
    payment = Payment.objects.filter(reference=order["reference"]).first()
    expired = (
        payment is None or payment.status != Payment.Status.PENDING or payment.expires_at <= timezone.now()
    )
    if request.method == "POST" and not expired:
        result = request.POST.get("result", "")
        if result not in ("00", "51", "24"):
            return HttpResponseBadRequest(_("Choose an outcome."))
        answer = gateway.answer(order, result)
        # The gateway notifies the platform server to server, then sends the payer back.
        try:
            services.payment_answer_record(params=answer, gateway=gateway)
        except InvalidAnswer:
            return HttpResponseBadRequest(_("Invalid payment order."))
        return redirect(order["return_url"] + "?" + urlencode(answer))
    return render(
        request,
        "portal/sandbox_pay.html",
        {"order": order, "payment": payment, "expired": expired, "gateway": gateway},
    )


# --- tracking without an account ------------------------------------------------------------------
TRACK_REQUESTS_PER_IP_HOUR = 20


def _track_request_allowed(request) -> bool:
    """At most TRACK_REQUESTS_PER_IP_HOUR code requests an hour from one client address (besides the
    limit per dossier): one machine can neither probe dossier codes nor flood applicants' mailboxes."""
    return per_address_allowed(request, "portal.track", TRACK_REQUESTS_PER_IP_HOUR)


def track(request):
    """Step 1: the dossier code; a one-time code goes to the applicant's e-mail."""
    form = TrackRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _track_request_allowed(request):
        form.add_error(
            None, _("Too many requests for tracking codes from your network; try again in an hour.")
        )
        return render(request, "portal/track.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        services.tracking_code_send(dossier_code=form.cleaned_data["dossier_code"])
        verify = TrackVerifyForm(initial={"dossier_code": form.cleaned_data["dossier_code"].strip()})
        return render(
            request,
            "portal/track_verify.html",
            {"form": verify, "dossier_code": form.cleaned_data["dossier_code"]},
        )
    return render(request, "portal/track.html", {"form": form})


@require_POST
def track_verify(request):
    form = TrackVerifyForm(request.POST)
    if form.is_valid():
        try:
            dossier = services.tracking_code_verify(
                dossier_code=form.cleaned_data["dossier_code"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            tracked = request.session.get(TRACK_SESSION_KEY, {})
            tracked[dossier.code] = (timezone.now() + timedelta(minutes=TRACK_MINUTES)).isoformat()
            request.session[TRACK_SESSION_KEY] = tracked
            request.session.cycle_key()
            return redirect("portal:tracked", code=dossier.code)
    return render(
        request,
        "portal/track_verify.html",
        {"form": form, "dossier_code": request.POST.get("dossier_code", "")},
    )


def tracked(request, code):
    """The status of a dossier opened with a one-time code (valid for 30 minutes in this session)."""
    until = request.session.get(TRACK_SESSION_KEY, {}).get(code)
    if not until or datetime.fromisoformat(until) < timezone.now():
        messages.info(request, _("Enter the dossier code to receive a new one-time code."))
        return redirect("portal:track")
    dossier = selectors.dossier_by_code(code)
    if dossier is None:
        raise Http404
    # Status and history only: whoever holds the code sees no personal data or files here.
    return render(
        request, "portal/tracked.html", {"dossier": dossier, "events": dossier.events.order_by("at", "id")}
    )


# --- notifications --------------------------------------------------------------------------------
@login_required
def notifications(request):
    rows = Notification.objects.filter(user=request.user).select_related("dossier")
    listing = paginate(request, rows, per_page=30)
    page = listing.page
    return render(request, "portal/notifications.html", {"page": page, "listing": listing})


@login_required
@require_POST
def notifications_read(request):
    notification = None
    if request.POST.get("id"):
        notification = get_object_or_404(Notification, pk=request.POST["id"], user=request.user)
    services.notifications_mark_read(actor=request.user, notification=notification)
    if notification is not None and notification.url:
        return redirect(notification.url)
    return redirect("portal:notifications")


# --- public statistics ----------------------------------------------------------------------------
def public_statistics(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year
    return render(request, "portal/statistics.html", statistics.public_statistics(year))


def criteria(request):
    """The citizen evaluation criteria and their legal basis (public)."""
    version = (
        criteria_version(request.GET["version"])
        if request.GET.get("version")
        else criteria_in_force(timezone.localdate())
    )
    return render(request, "portal/criteria.html", {"version": version})
