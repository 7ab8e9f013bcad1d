from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.exports import XLSX_MIME, file_response
from cchc.core.files import safe_upload_name
from cchc.core.jobs import job_enqueue
from cchc.core.listing import paginate
from cchc.core.views import staff_required
from cchc.org.access import has_perm, require_perm

from . import selectors, services, transfer
from .access import MANAGE
from .forms import AbolishForm, CatalogSearchForm, ImportForm, VersionForm
from .models import DossierComponent, Procedure


def catalog(request):
    """The public catalogue: anyone may browse and search it."""
    form = CatalogSearchForm(
        request.GET or None, fields=selectors.procedure_fields(), agencies=selectors.procedure_agencies()
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.procedure_search(
        filters.get("q", ""),
        field=filters.get("field", ""),
        level=filters.get("level", ""),
        agency=filters.get("agency") or None,
        online_level=filters.get("online", ""),
        status=None if filters.get("abolished") else Procedure.Status.ACTIVE,
    )
    if form.is_bound and not form.is_valid():
        qs = qs.none()  # a filter value that does not exist matches nothing; the form says why
    listing = paginate(
        request,
        qs,
        sorts={
            "code": "code",
            "name": "name",
            "field": "field",
            "level": "level",
            "agency": "agency__name",
            "status": "status",
        },
        per_page=25,
    )
    page = listing.page
    return render(
        request,
        "procedures/catalog.html",
        {
            "form": form,
            "page": page,
            "listing": listing,
            "searched": bool(request.GET),
            "can_manage": has_perm(request.user, MANAGE),
        },
    )


def detail(request, code):
    try:
        procedure = selectors.procedure_detail(code)
    except Procedure.DoesNotExist:
        raise Http404 from None
    versions = list(procedure.versions.all())  # newest first
    today = timezone.localdate()
    current = next(
        (
            v
            for v in versions
            if v.effective_from <= today and (v.effective_to is None or v.effective_to >= today)
        ),
        None,
    )
    wanted = request.GET.get("v")
    shown = (
        next((v for v in versions if str(v.number) == wanted), None) if wanted else (current or versions[0])
    )
    if shown is None:
        raise Http404
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": shown,
            "current": current,
            "versions": versions,
            "can_manage": procedure.status == Procedure.Status.ACTIVE
            and has_perm(request.user, MANAGE, procedure.agency),
        },
    )


def _managed(request, code) -> Procedure:
    procedure = get_object_or_404(Procedure.objects.select_related("agency"), code=code)
    require_perm(request.user, MANAGE, procedure.agency)
    return procedure


def _show_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@staff_required
def version_new(request, code):
    """A new version: the changes officers make most often; the rest is carried over."""
    procedure = _managed(request, code)
    latest = procedure.versions.prefetch_related("components").order_by("-number").first()
    form = VersionForm(request.POST or None, version=latest)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            version = services.procedure_version_add(actor=request.user, procedure=procedure, **changes)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Version %(n)s recorded.") % {"n": version.number})
            return redirect("procedures:detail", code=procedure.code)
    return render(
        request, "procedures/version_form.html", {"procedure": procedure, "latest": latest, "form": form}
    )


@staff_required
def abolish(request, code):
    procedure = _managed(request, code)
    form = AbolishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.procedure_abolish(actor=request.user, procedure=procedure, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The procedure is recorded as abolished."))
            return redirect("procedures:detail", code=procedure.code)
    return render(request, "procedures/abolish_form.html", {"procedure": procedure, "form": form})


def diff(request, code):
    try:
        procedure = selectors.procedure_detail(code)
    except Procedure.DoesNotExist:
        raise Http404 from None
    by_number = {str(v.number): v for v in procedure.versions.all()}
    new = by_number.get(request.GET.get("to", ""))
    old = by_number.get(request.GET.get("from", ""))
    if new is None or old is None:
        raise Http404
    return render(
        request,
        "procedures/diff.html",
        {
            "procedure": procedure,
            "old": old,
            "new": new,
            "changes": selectors.version_diff(old, new),
        },
    )


def form_template(request, pk):
    """A dossier component's form (biểu mẫu): public, like the catalogue."""
    component = get_object_or_404(DossierComponent.objects.select_related("version__procedure"), pk=pk)
    if not component.form_template:
        raise Http404
    extension = component.form_template.name.rsplit(".", 1)[-1]
    name = f"{component.version.procedure.code}-{component.code}.{extension}"
    return FileResponse(component.form_template.open("rb"), as_attachment=True, filename=name)


@staff_required
def manage(request):
    """Import and export of the catalogue, for reform officers."""
    require_perm(request.user, MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = default_storage.save(safe_upload_name("procedures/imports", form.format), upload)
        job = job_enqueue(
            "procedures.import",
            actor=request.user,
            params={"file": stored, "fmt": form.format, "actor_id": request.user.pk},
        )
        messages.info(request, _("The import is running; this page shows its progress and its row report."))
        return redirect("core:job", pk=job.pk)
    return render(request, "procedures/manage.html", {"form": form})


@staff_required
def export(request, fmt):
    require_perm(request.user, MANAGE)
    history = request.GET.get("history") == "1"
    on = None if history else timezone.localdate()
    records = transfer.export_records(Procedure.objects.all(), on=on)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        return file_response(
            transfer.export_json(records), f"thu-tuc-hanh-chinh-{stamp}.json", "application/json"
        )
    if fmt == "xlsx":
        return file_response(transfer.export_xlsx(records), f"thu-tuc-hanh-chinh-{stamp}.xlsx", XLSX_MIME)
    raise PermissionDenied
