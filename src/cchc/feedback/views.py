from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.exceptions import InvalidTransition
from cchc.core.listing import paginate
from cchc.core.views import applicant_required as core_applicant_required
from cchc.core.views import staff_required
from cchc.onestop.selectors import dossier_ids_visible_to, dossiers_of_applicant
from cchc.org.access import has_perm, require_perm
from cchc.procedures.models import Procedure

from . import selectors, services
from .access import HANDLE, VIEW
from .forms import AnswerForm, FileForm, FilterForm
from .models import Kind

# staff answer feedback, they do not file it
applicant_required = core_applicant_required(
    gettext_lazy("Feedback is filed by citizens and businesses signed in to the portal.")
)


def _show_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the applicant (portal) ------------------------------------------------------------------------
@applicant_required
def mine(request):
    listing = paginate(request, selectors.feedback_of_applicant(request.user), per_page=25)
    page = listing.page
    return render(request, "feedback/mine.html", {"page": page, "listing": listing})


@applicant_required
def mine_detail(request, pk):
    fb = selectors.feedback_for_applicant(request.user, pk)
    if fb is None:
        raise Http404
    return render(request, "feedback/mine_detail.html", {"fb": fb})


@applicant_required
def file(request):
    dossiers = [d for d in dossiers_of_applicant(request.user).select_related("procedure") if d.code]
    initial = {"dossier": request.GET.get("dossier", ""), "procedure_code": request.GET.get("procedure", "")}
    form = FileForm(request.POST or None, dossiers=dossiers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedure = None
        if data["procedure_code"].strip() and not data["dossier"]:
            procedure = (
                Procedure.objects.filter(code=data["procedure_code"].strip()).select_related("agency").first()
            )
            if procedure is None:
                form.add_error(
                    "procedure_code",
                    _("No procedure has the code %(code)s.") % {"code": data["procedure_code"]},
                )
        if form.is_valid():
            try:
                fb = services.feedback_file(
                    actor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    content=data["content"],
                    officer_name=data["officer_name"],
                    dossier=form.dossiers.get(data["dossier"]),
                    procedure=procedure,
                )
            except ValidationError as exc:
                _show_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your feedback %(ref)s was received; the answer is due by %(due)s.")
                    % {"ref": fb.reference, "due": f"{timezone.localtime(fb.due_at):%d/%m/%Y}"},
                )
                return redirect("feedback:mine_detail", pk=fb.pk)
    return render(request, "feedback/file.html", {"form": form})


# --- officers ------------------------------------------------------------------------------------
@staff_required
def officer_list(request):
    require_perm(request.user, VIEW)
    filters = FilterForm(request.GET or None)
    f = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.feedback_for_officer(
        request.user, status=f.get("status", ""), kind=f.get("kind", ""), overdue=f.get("overdue", False)
    )
    listing = paginate(
        request,
        qs.order_by("status", "due_at", "id"),
        sorts={"kind": "kind", "unit": "agency__name", "status": ("status", "due_at"), "due": "due_at"},
        per_page=50,
    )
    page = listing.page
    openable = dossier_ids_visible_to(request.user, [fb.dossier_id for fb in page])
    return render(
        request,
        "feedback/list.html",
        {"page": page, "listing": listing, "filters": filters, "openable_dossiers": openable},
    )


@staff_required
def officer_detail(request, pk):
    fb = selectors.feedback_visible(request.user, pk)
    if fb is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if fb.kind != Kind.CONDUCT:
        del form.fields["verdict"]  # only a complaint about conduct gets a verdict
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_answer(
                    actor=request.user,
                    feedback=fb,
                    reply=form.cleaned_data["reply"],
                    verdict=form.cleaned_data.get("verdict", ""),
                )
            except ValidationError as exc:
                _show_errors(form, exc)
            except InvalidTransition as exc:
                messages.error(request, str(exc))
                return redirect("feedback:detail", pk=fb.pk)
            else:
                messages.success(request, _("The answer was sent to the applicant."))
                return redirect("feedback:detail", pk=fb.pk)
    else:
        services.feedback_viewed(actor=request.user, feedback=fb)
    return render(
        request,
        "feedback/detail.html",
        {
            "fb": fb,
            "form": form,
            "can_answer": has_perm(request.user, HANDLE, fb.agency),
            "dossier_openable": bool(dossier_ids_visible_to(request.user, [fb.dossier_id])),
        },
    )
