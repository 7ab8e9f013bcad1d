from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cchc.core.charts import Bar, bar_chart
from cchc.core.exports import PLAIN, XLSX_MIME, Sheet, file_response, title_lines, xlsx_bytes
from cchc.core.jobs import job_enqueue
from cchc.core.listing import paginate
from cchc.core.metrics import Period, get_metric
from cchc.core.views import staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm, scope_q

from . import report as report_module
from . import selectors
from .access import MANAGE, VIEW
from .forms import PeriodForm, ReportForm, register_form
from .metrics import DRILLS, SHORT_LABELS
from .registers import REGISTERS

DASHBOARD_METRICS = [
    "reform.business_conditions_cut_ratio",
    "reform.inspection_items_cut_ratio",
    "reform.procedures_simplified_count",
    "reform.work_programme_completion_rate",
    "reform.targets_met_ratio",
    "reform.legal_documents_issued_count",
    "reform.units_reduced_count",
    "reform.divisions_dissolved_count",
    "procedures.fully_online_share",
]


def _agencies(user):
    return agencies_with_perm(user, VIEW).order_by("path")


def _report_choice(request):
    """(agency, year) from the query string, defaulting to the user's top unit and last year."""
    agencies = _agencies(request.user)
    form = ReportForm(request.GET or None, agencies=agencies)
    if form.is_valid():
        return form, form.cleaned_data["agency"], form.cleaned_data["year"]
    agency = agencies.first()
    if agency is None:
        raise PermissionDenied(_("You may not view the reform registers of any unit."))
    year = selectors.latest_year(agency)
    return ReportForm(initial={"agency": agency.code, "year": year}, agencies=agencies), agency, year


@staff_required
def dashboard(request):
    require_perm(request.user, VIEW)
    form, agency, year = _report_choice(request)
    period = Period.year(year)
    figures = []
    for name in DASHBOARD_METRICS:
        metric = get_metric(name)
        if metric is not None:
            value = metric.value(agency, period)
            figures.append({"metric": metric, "value": value, "display": metric.display(value)})
    ratios = [f for f in figures if f["metric"].unit == "percent"]
    chart = bar_chart(
        [Bar(str(SHORT_LABELS.get(f["metric"].name, f["metric"].label)), f["value"].value) for f in ratios],
        title=_("Reform results %(year)s (%%)") % {"year": year},
        unit="%",
        max_value=100,
    )
    return render(
        request,
        "reform/dashboard.html",
        {
            "form": form,
            "agency": agency,
            "year": year,
            "figures": figures,
            "ratios": ratios,
            "chart": chart,
            "registers": REGISTERS.values(),
            "can_manage": has_perm(request.user, MANAGE),
        },
    )


def _xlsx_value(row, name):
    """A register cell for Excel: choice labels and linked records as text, while numbers and
    dates stay numbers and dates (the sheet formats them; the page uses the `cell` tag)."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if value is None or value == "":
        return None
    if field.choices:
        return getattr(row, f"get_{name}_display")()
    if isinstance(value, date | Decimal | int | float) and not isinstance(value, bool):
        return value
    return str(value)


@staff_required
def register_list(request, key):
    spec = REGISTERS.get(key) or _404()
    require_perm(request.user, VIEW)
    rows = spec.model.objects.filter(scope_q(request.user, VIEW, "agency")).select_related("agency")
    related = [f for f in ("procedure", "changed_by", "enacted_by", "document") if f in spec.fields]
    rows = rows.select_related(*related)
    year = request.GET.get("year", "")
    if year.isdigit() and spec.year_field:
        rows = rows.filter(
            **{f"{spec.year_field}__year" if spec.year_field.endswith("_on") else spec.year_field: int(year)}
        )
    status = request.GET.get("status", "")
    if status and "status" in spec.fields:
        rows = rows.filter(status=status)
    unit = _agencies(request.user).filter(code=request.GET.get("agency", "")).first()
    if unit is not None:
        rows = rows.filter(agency__path__startswith=unit.path)
    if request.GET.get("format") == "xlsx":
        names = ("agency", *spec.fields)
        header = [str(spec.model._meta.get_field(n).verbose_name) for n in names]
        content = xlsx_bytes(
            {
                str(spec.label): Sheet(
                    header,
                    ([_xlsx_value(row, n) for n in names] for row in rows.iterator()),
                    {i: PLAIN for i, n in enumerate(names) if n == "year"},
                )
            },
            title=title_lines(
                spec.label,
                period=_("Year %(year)s") % {"year": year} if year.isdigit() else "",
                organisation=unit.name if unit is not None else None,
            ),
        )
        return file_response(content, f"{key}.xlsx", XLSX_MIME)
    # every list column is a model field: each sorts (a foreign key by its target's default order)
    sorts = {"unit": "agency__name", **{c: c for c in spec.columns}}
    listing = paginate(request, rows, sorts=sorts, per_page=50)
    page = listing.page
    status_choices = spec.model._meta.get_field("status").choices if "status" in spec.fields else []
    return render(
        request,
        "reform/register_list.html",
        {
            "spec": spec,
            "page": page,
            "listing": listing,
            "columns": [spec.model._meta.get_field(c) for c in spec.columns],
            "year": year,
            "status": status,
            "status_choices": status_choices,
            "can_manage": has_perm(request.user, MANAGE),
        },
    )


def _404():
    raise Http404


@staff_required
def register_edit(request, key, pk=None):
    spec = REGISTERS.get(key) or _404()
    require_perm(request.user, MANAGE)
    from . import services

    instance = None
    if pk is not None:
        instance = get_object_or_404(
            spec.model.objects.filter(scope_q(request.user, MANAGE, "agency")), pk=pk
        )
    agencies = agencies_with_perm(request.user, MANAGE).order_by("path")
    form = register_form(key, agencies, request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("agency", *spec.fields)}
        try:
            if instance is None:
                services.register_row_create(actor=request.user, register=key, **data)
            else:
                services.register_row_update(actor=request.user, row=instance, **data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("reform:register", key=key)
    return render(request, "reform/register_edit.html", {"spec": spec, "form": form, "instance": instance})


@staff_required
def document_detail(request, pk):
    """A legal document and every register row it changed."""
    require_perm(request.user, VIEW)
    spec = REGISTERS["documents"]
    document = get_object_or_404(spec.model.objects.filter(scope_q(request.user, VIEW, "agency")), pk=pk)
    changes = selectors.document_changes(document)
    return render(
        request,
        "reform/document.html",
        {
            "document": document,
            # each row with whether this user may edit it (the edit page is scoped to their units)
            "changes": [
                (REGISTERS[key], [(row, has_perm(request.user, MANAGE, row.agency)) for row in rows])
                for key, rows in changes.items()
                if rows
            ],
            "can_manage": has_perm(request.user, MANAGE, document.agency),
        },
    )


@staff_required
def metric_detail(request, name):
    """The records behind a figure: those counted, then those only in the denominator."""
    metric = get_metric(name)
    drill = DRILLS.get(name)
    if metric is None or drill is None:
        raise Http404
    require_perm(request.user, VIEW)
    agencies = _agencies(request.user)
    form = PeriodForm(request.GET or None, agencies=agencies)
    if not form.is_valid():
        return render(request, "reform/metric.html", {"metric": metric, "form": form})
    agency, period = form.cleaned_data["agency"], Period(form.cleaned_data["start"], form.cleaned_data["end"])
    figure = drill.figure(agency, period)
    counted = list(figure.numerator)
    counted_ids = {getattr(r, "pk", id(r)) for r in counted}
    others = [r for r in figure.denominator if getattr(r, "pk", id(r)) not in counted_ids]
    value = metric.value(agency, period)
    spec = REGISTERS.get(drill.register)
    return render(
        request,
        "reform/metric.html",
        {
            "metric": metric,
            "form": form,
            "agency": agency,
            "period": period,
            "value": value,
            "display": metric.display(value),
            "counted": counted,
            "others": others,
            "spec": spec,
            "can_manage": has_perm(request.user, MANAGE),
        },
    )


@staff_required
def report(request):
    require_perm(request.user, VIEW)
    form, agency, year = _report_choice(request)
    rep = report_module.build_report(agency, year, get_language() or "vi")
    charts = [
        (c, bar_chart([Bar(label, value) for label, value in c.bars], title=c.title, unit="%", max_value=100))
        for s in rep.sections
        for c in s.charts
    ]
    return render(request, "reform/report.html", {"form": form, "report": rep, "charts": charts})


@staff_required
def report_download(request):
    require_perm(request.user, VIEW)
    form, agency, year = _report_choice(request)
    fmt = request.GET.get("format", "")
    if fmt not in report_module.FORMATS:
        raise Http404
    job = job_enqueue(
        "reform.report",
        actor=request.user,
        params={"agency": agency.code, "year": year, "fmt": fmt, "language": get_language() or "vi"},
    )
    return redirect("core:job", pk=job.pk)
