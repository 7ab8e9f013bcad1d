from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.views import staff_required
from cchc.org.access import has_perm, require_perm

from . import selectors, services
from .access import MANAGE_CALENDAR
from .forms import DueForm, OverrideForm, RevokeForm
from .models import CalendarOverride


@staff_required
def calendar_view(request):
    """The year's days off and worked weekend days, the overrides, and a due-date calculator."""
    try:
        year = int(request.GET.get("year") or date.today().year)
    except ValueError:
        year = date.today().year
    year = min(max(year, 2000), date.today().year + 5)
    due_form = DueForm(request.GET if "days" in request.GET else None)
    due = None
    if due_form.is_bound and due_form.is_valid():
        due = selectors.add_working_days(
            due_form.cleaned_data["start"],
            due_form.cleaned_data["days"],
            apply_cutoff=due_form.cleaned_data["apply_cutoff"],
        )
    can_manage = has_perm(request.user, MANAGE_CALENDAR)
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "years": range(date.today().year + 1, 2017, -1),
            "days": selectors.calendar().days_off(year),
            "overrides": selectors.override_list().filter(day__year=year),
            "due_form": due_form,
            "due": due,
            "can_manage": can_manage,
            "override_form": OverrideForm() if can_manage else None,
        },
    )


@staff_required
@require_POST
def override_create(request):
    require_perm(request.user, MANAGE_CALENDAR)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            o = services.override_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Override recorded for %(day)s.") % {"day": o.day.strftime("%d/%m/%Y")}
            )
            return redirect(f"{reverse('workdays:calendar')}?year={o.day.year}")
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
    return redirect("workdays:calendar")


@staff_required
@require_POST
def override_revoke(request, pk):
    require_perm(request.user, MANAGE_CALENDAR)
    override = get_object_or_404(CalendarOverride, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the override."))
    else:
        try:
            services.override_revoke(
                actor=request.user, override=override, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Override revoked."))
    return redirect(f"{reverse('workdays:calendar')}?year={override.day.year}")
