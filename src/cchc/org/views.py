from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.views import staff_required

from . import selectors, services
from .access import MANAGE_PEOPLE, VIEW_ORG, VIEW_PEOPLE, agencies_with_perm, has_perm, require_perm, scope_q
from .forms import PeriodForm, RoleAssignForm
from .models import Agency, RoleAssignment


@staff_required
def tree(request):
    require_perm(request.user, VIEW_ORG)
    include_ended = request.GET.get("ended") == "1"
    return render(request, "org/tree.html", {"roots": selectors.agency_tree(include_ended=include_ended),
                                             "include_ended": include_ended})


@staff_required
def agency_detail(request, code):
    require_perm(request.user, VIEW_ORG)
    agency = get_object_or_404(Agency.objects.select_related("parent", "area"), code=code)
    children = agency.children.order_by("valid_to", "name")
    changes = (agency.changes.select_related("successor", "parent_at_change")
               | agency.absorbed.select_related("successor", "parent_at_change")).order_by("-effective_on")
    ancestors = Agency.objects.filter(pk__in=agency.ancestor_ids()).order_by("path")
    return render(request, "org/agency_detail.html", {
        "agency": agency, "children": children, "changes": changes, "ancestors": ancestors,
        "can_view_people": has_perm(request.user, VIEW_PEOPLE, agency),
    })


@staff_required
def restructuring(request, code):
    require_perm(request.user, VIEW_ORG)
    agency = get_object_or_404(Agency, code=code)
    year = date.today().year
    form = PeriodForm(request.GET or {"start": date(year, 1, 1), "end": date(year, 12, 31)})
    summary = selectors.restructuring_summary(agency, form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_valid() else None
    return render(request, "org/restructuring.html", {"agency": agency, "form": form, "summary": summary})


@staff_required
def people(request):
    require_perm(request.user, VIEW_PEOPLE)
    qs = selectors.people_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(full_name__icontains=q) | qs.filter(username__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "org/people.html", {"page": page, "q": q})


@staff_required
def person_detail(request, pk):
    User = get_user_model()
    person = get_object_or_404(User.objects.filter(kind=User.Kind.STAFF).filter(scope_q(request.user, VIEW_PEOPLE, "unit")), pk=pk)
    assignable = agencies_with_perm(request.user, MANAGE_PEOPLE)
    form = RoleAssignForm(agencies=assignable) if has_perm(request.user, MANAGE_PEOPLE) else None
    return render(request, "org/person_detail.html", {
        "person": person, "roles": person.role_assignments.select_related("agency"), "form": form,
    })


@staff_required
@require_POST
def role_assign(request, pk):
    User = get_user_model()
    person = get_object_or_404(User, pk=pk, kind=User.Kind.STAFF)
    form = RoleAssignForm(request.POST, agencies=agencies_with_perm(request.user, MANAGE_PEOPLE))
    if not form.is_valid():
        raise PermissionDenied(_("You cannot assign roles in that unit."))
    try:
        services.role_assign(actor=request.user, user=person, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role assigned."))
    return redirect("org:person", pk=person.pk)


@staff_required
@require_POST
def role_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("org:person", pk=assignment.user_id)
