from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.listing import paginate
from cchc.core.views import staff_required

from . import selectors, services
from .access import (
    MANAGE_ORG,
    MANAGE_PEOPLE,
    VIEW_ORG,
    VIEW_PEOPLE,
    agencies_with_perm,
    has_perm,
    require_perm,
    scope_q,
)
from .forms import AgencyChangeForm, AgencyCreateForm, PeriodForm, RoleAssignForm, StaffCreateForm
from .models import Agency, RoleAssignment


@staff_required
def tree(request):
    require_perm(request.user, VIEW_ORG)
    include_ended = request.GET.get("ended") == "1"
    return render(
        request,
        "org/tree.html",
        {"roots": selectors.agency_tree(include_ended=include_ended), "include_ended": include_ended},
    )


@staff_required
def agency_detail(request, code):
    require_perm(request.user, VIEW_ORG)
    agency = get_object_or_404(Agency.objects.select_related("parent", "area"), code=code)
    children = agency.children.order_by("valid_to", "name")
    changes = (
        agency.changes.select_related("successor", "parent_at_change")
        | agency.absorbed.select_related("successor", "parent_at_change")
    ).order_by("-effective_on")
    ancestors = Agency.objects.filter(pk__in=agency.ancestor_ids()).order_by("path")
    can_manage = agency.is_active and has_perm(request.user, MANAGE_ORG, agency)
    return render(
        request,
        "org/agency_detail.html",
        {
            "agency": agency,
            "children": children,
            "changes": changes,
            "ancestors": ancestors,
            "can_view_people": has_perm(request.user, VIEW_PEOPLE, agency),
            "create_form": AgencyCreateForm() if can_manage else None,
            "change_form": AgencyChangeForm(agency=agency) if can_manage else None,
        },
    )


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@staff_required
@require_POST
def agency_create_child(request, code):
    parent = get_object_or_404(Agency, code=code)
    require_perm(request.user, MANAGE_ORG, parent)
    form = AgencyCreateForm(request.POST)
    if form.is_valid():
        try:
            child = services.agency_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(unit)s established.") % {"unit": child})
            return redirect("org:agency", code=child.code)
    else:
        _form_errors(request, form)
    return redirect("org:agency", code=parent.code)


@staff_required
@require_POST
def agency_change(request, code):
    agency = get_object_or_404(Agency, code=code)
    require_perm(request.user, MANAGE_ORG, agency)
    form = AgencyChangeForm(request.POST, agency=agency)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("org:agency", code=agency.code)
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "agency": agency,
        "effective_on": data["effective_on"],
        "decision": data["decision"],
    }
    try:
        if data["action"] == "rename":
            services.agency_rename(name=data["new_name"], **common)
        elif data["action"] == "merge":
            services.agency_merge(into=data["into"], **common)
        else:
            services.agency_dissolve(**common)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The change was recorded."))
    return redirect("org:agency", code=agency.code)


@staff_required
def restructuring(request, code):
    require_perm(request.user, VIEW_ORG)
    agency = get_object_or_404(Agency, code=code)
    year = date.today().year
    form = PeriodForm(request.GET or {"start": date(year, 1, 1), "end": date(year, 12, 31)})
    summary = (
        selectors.restructuring_summary(agency, form.cleaned_data["start"], form.cleaned_data["end"])
        if form.is_valid()
        else None
    )
    return render(request, "org/restructuring.html", {"agency": agency, "form": form, "summary": summary})


@staff_required
def people(request):
    require_perm(request.user, VIEW_PEOPLE)
    qs = selectors.people_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(full_name__icontains=q) | qs.filter(username__icontains=q)
    listing = paginate(
        request,
        qs,
        sorts={
            "name": "full_name",
            "unit": ("unit__name", "full_name"),
            "position": ("position", "full_name"),
        },
        default="name",
        per_page=50,
    )
    page = listing.page
    can_create = has_perm(request.user, MANAGE_PEOPLE)
    return render(
        request, "org/people.html", {"page": page, "listing": listing, "q": q, "can_create": can_create}
    )


@staff_required
def person_create(request):
    require_perm(request.user, MANAGE_PEOPLE)
    form = StaffCreateForm(request.POST or None, agencies=agencies_with_perm(request.user, MANAGE_PEOPLE))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.staff_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Account created."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/person_create.html", {"form": form})


@staff_required
def person_detail(request, pk):
    User = get_user_model()
    person = get_object_or_404(
        User.objects.filter(kind=User.Kind.STAFF).filter(scope_q(request.user, VIEW_PEOPLE, "unit")), pk=pk
    )
    assignable = agencies_with_perm(request.user, MANAGE_PEOPLE)
    form = RoleAssignForm(agencies=assignable) if has_perm(request.user, MANAGE_PEOPLE) else None
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "roles": person.role_assignments.select_related("agency"),
            "form": form,
        },
    )


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
