from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from cchc.core import charts
from cchc.core.exceptions import Conflict, InvalidTransition
from cchc.core.exports import (
    PERCENT,
    XLSX_MIME,
    Sheet,
    file_response,
    fraction,
    period_text,
    title_lines,
    xlsx_bytes,
)
from cchc.core.listing import paginate
from cchc.core.metrics import Period
from cchc.core.views import perm_required, staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm, scope_q
from cchc.org.models import Agency, Role
from cchc.procedures.models import Procedure

from . import book, forms, pdf, selectors, services, statistics
from .access import APPROVE, BOOK, PROCESS, RECEIVE, STATS, VIEW, handles, may_manage_rule_sets
from .models import OPEN_STATUSES, Dossier, DossierFile, DossierStep, RuleSet, Status


# --- queues -------------------------------------------------------------------------------------
@perm_required(VIEW)
def queue(request):
    """Work queue: my dossiers, my units' dossiers, or the receiving desk's, with filters."""
    scope = request.GET.get("scope") or "mine"
    if scope not in ("mine", "unit", "desk"):
        scope = "mine"
    try:
        status = int(request.GET.get("status") or 0) or None
        procedure_id = int(request.GET.get("procedure") or 0) or None
    except ValueError:
        status = procedure_id = None
    qs = selectors.work_queue(
        request.user,
        scope=scope,
        status=status,
        procedure_id=procedure_id,
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", ""),
    )
    listing = paginate(
        request,
        qs,
        sorts={
            "code": "code",
            "procedure": "procedure__name",
            "status": "status",
            "held": "handling_unit__name",
            "officer": "assignee__full_name",
            "due": "due_at",
        },
        per_page=50,
    )
    page = listing.page
    return render(
        request,
        "onestop/queue.html",
        {
            "page": page,
            "listing": listing,
            "scope": scope,
            "status": status,
            "procedure_id": procedure_id,
            "statuses": [(s.value, s.label) for s in Status if s in OPEN_STATUSES],
            "procedures": Procedure.objects.filter(status="active")
            .order_by("code")
            .only("id", "code", "name")[:500],
            "q": request.GET.get("q", ""),
            "overdue": request.GET.get("overdue") == "1",
            "now": timezone.now(),
            "can_receive": has_perm(request.user, RECEIVE),
        },
    )


@staff_required
def desk(request):
    """Receiving desk: register a dossier handed in at the counter or by post; online ones waiting."""
    require_perm(request.user, RECEIVE)
    agencies = agencies_with_perm(request.user, RECEIVE).filter(valid_to__isnull=True)
    procedures = Procedure.objects.filter(status="active", agency__in=agencies).order_by("code")
    form = forms.RegisterForm(request.POST or None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        accept_now = data.pop("accept_now")
        procedure = data.pop("procedure")
        try:
            d = services.dossier_register(
                actor=request.user,
                agency=procedure.agency,
                procedure=procedure,
                files=_component_files(request),
                **data,
            )
            if accept_now:
                d = services.dossier_accept(actor=request.user, dossier=d, version=d.version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Dossier %(code)s registered.") % {"code": d.code})
            return redirect("onestop:detail", pk=d.pk)
    waiting = (
        Dossier.objects.filter(scope_q(request.user, RECEIVE, "agency"), status=Status.SUBMITTED)
        .select_related("procedure", "agency")
        .order_by("submitted_at")[:100]
    )
    return render(request, "onestop/desk.html", {"form": form, "waiting": waiting})


def _component_files(request):
    return [(key.split(":", 1)[1], f) for key, f in request.FILES.items() if key.startswith("file:")]


@perm_required(VIEW)
def overdue(request):
    return render(
        request,
        "onestop/overdue.html",
        {
            "overdue": selectors.overdue_dossiers(request.user)[:200],
            "by_unit": selectors.overdue_by_unit_and_officer(request.user),
            "warnings": selectors.apology_due(request.user)[:200],
            "now": timezone.now(),
        },
    )


# --- one dossier ----------------------------------------------------------------------------------
def _visible_dossier(request, pk) -> Dossier:
    try:
        d = selectors.dossier_detail(pk)
    except Dossier.DoesNotExist:
        raise Http404 from None
    if d.status == Status.DRAFT or not (
        selectors.dossiers_visible_to(request.user).filter(pk=pk).exists() or handles(request.user, d)
    ):
        raise Http404
    return d


def _units_for(d: Dossier):
    return Agency.objects.filter(valid_to__isnull=True).order_by("path")


def _form_data_labelled(d) -> list[tuple[str, object]]:
    """The e-form answers under the labels of the form the applicant filled, not the field codes
    (the form's own fields are stored as f_<code>, the common applicant fields by name)."""
    if not d.form_data:
        return []
    from cchc.portal.eforms import APPLICANT_FIELDS, fields_for

    labels = {name: label for name, label, _kind, _required in APPLICANT_FIELDS}
    labels.update(
        {f"f_{f.code}": f.label for f in fields_for(d.procedure_version)} if d.procedure_version_id else {}
    )
    return [(str(labels.get(code, code)), value) for code, value in d.form_data.items()]


@staff_required
def detail(request, pk):
    d = _visible_dossier(request, pk)
    user = request.user
    show_personal = handles(user, d)
    if show_personal:
        services.dossier_personal_data_viewed(actor=user, dossier=d)
    initial = {"version": d.version}
    units = _units_for(d)
    can = {
        "receive": has_perm(user, RECEIVE, d.agency),
        "process": bool(d.handling_unit_id) and has_perm(user, PROCESS, d.handling_unit),
        "approve": bool(d.handling_unit_id) and has_perm(user, APPROVE, d.handling_unit),
    }
    officers = (
        get_user_model()
        .objects.filter(
            role_assignments__role=Role.PROCESSING_OFFICER, role_assignments__agency=d.handling_unit_id
        )
        .distinct()
    )
    steps = list(d.steps.select_related("unit", "assignee", "handed_over_by", "completed_by"))
    open_consultations = [
        s
        for s in steps
        if s.kind == DossierStep.Kind.CONSULTATION
        and not s.completed_at
        and (has_perm(user, PROCESS, s.unit) or has_perm(user, APPROVE, s.unit))
    ]
    waiting_approval = any(s.kind == DossierStep.Kind.APPROVAL and not s.completed_at for s in steps)
    return render(
        request,
        "onestop/detail.html",
        {
            "d": d,
            "form_data": _form_data_labelled(d),
            "show_personal": show_personal,
            "can": can,
            "steps": steps,
            "events": d.events.select_related("actor"),
            "pauses": d.pauses.all(),
            "files": d.files.filter(replaced=False) if show_personal else [],
            "apology": getattr(d, "apology", None) if hasattr(d, "apology") else None,
            "waiting_approval": waiting_approval,
            "open_consultations": open_consultations,
            "f_accept": forms.AcceptForm(initial=initial, units=units),
            "f_refuse": forms.ReasonForm(initial=initial, auto_id="refuse_%s"),
            "f_supplement": forms.SupplementRequestForm(initial=initial),
            "f_route": forms.RouteForm(initial=initial, units=units, auto_id="route_%s"),
            "f_assign": forms.AssignForm(initial=initial, officers=officers),
            "f_consult": forms.ConsultForm(initial=initial, units=units, auto_id="consult_%s"),
            "f_payment": forms.PaymentRequestForm(initial={**initial, "amount": d.fee_amount or None}),
            "f_propose": forms.ProposeForm(initial=initial),
            "f_apology": forms.ApologyForm(initial=initial, auto_id="apology_%s"),
            "f_stop": forms.ReasonForm(initial=initial, auto_id="stop_%s"),
            "f_version": forms.VersionedForm(initial=initial),
            "Status": Status,
        },
    )


def _local_end_of(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=timezone.get_current_timezone())


ACTIONS = {
    # action: (form class, call(request, dossier, cleaned) → result)
    "accept": (
        forms.AcceptForm,
        lambda r, d, c: services.dossier_accept(
            actor=r.user, dossier=d, version=c["version"], unit=c.get("unit"), quota_days=c.get("quota_days")
        ),
    ),
    "refuse": (
        forms.ReasonForm,
        lambda r, d, c: services.dossier_refuse(
            actor=r.user, dossier=d, version=c["version"], reasons=c["reason"]
        ),
    ),
    "supplement": (
        forms.SupplementRequestForm,
        lambda r, d, c: services.dossier_request_supplement(
            actor=r.user,
            dossier=d,
            version=c["version"],
            items=[{"component": c["component"], "reason": c["reason"]}],
        ),
    ),
    "route": (
        forms.RouteForm,
        lambda r, d, c: services.dossier_route(
            actor=r.user,
            dossier=d,
            version=c["version"],
            unit=c["unit"],
            quota_days=c["quota_days"],
            task=c["task"],
            kind=DossierStep.Kind.TRANSFER if c["transfer"] else DossierStep.Kind.PROCESSING,
        ),
    ),
    "assign": (
        forms.AssignForm,
        lambda r, d, c: services.dossier_assign(
            actor=r.user, dossier=d, version=c["version"], officer=c["officer"]
        ),
    ),
    "consult": (
        forms.ConsultForm,
        lambda r, d, c: services.dossier_consult(
            actor=r.user,
            dossier=d,
            version=c["version"],
            unit=c["unit"],
            question=c["question"],
            quota_days=c["quota_days"],
        ),
    ),
    "payment": (
        forms.PaymentRequestForm,
        lambda r, d, c: services.dossier_request_payment(
            actor=r.user, dossier=d, version=c["version"], amount=c["amount"], note=c["note"]
        ),
    ),
    "propose": (
        forms.ProposeForm,
        lambda r, d, c: services.dossier_propose_result(
            actor=r.user,
            dossier=d,
            version=c["version"],
            outcome=c["outcome"],
            note=c["note"],
            result_file=c.get("result_file"),
        ),
    ),
    "approve": (
        forms.VersionedForm,
        lambda r, d, c: services.dossier_approve(actor=r.user, dossier=d, version=c["version"]),
    ),
    "return": (
        forms.VersionedForm,
        lambda r, d, c: services.dossier_return_result(actor=r.user, dossier=d, version=c["version"]),
    ),
    "stop": (
        forms.ReasonForm,
        lambda r, d, c: services.dossier_stop(
            actor=r.user, dossier=d, version=c["version"], reason=c["reason"]
        ),
    ),
    "apology": (
        forms.ApologyForm,
        lambda r, d, c: services.dossier_apology(
            actor=r.user,
            dossier=d,
            version=c["version"],
            reason=c["reason"],
            new_due_at=_local_end_of(c["new_due"]),
        ),
    ),
}


@staff_required
@require_POST
def act(request, pk, action):
    """One back-office action on a dossier; every outcome is told to the officer in a message."""
    d = _visible_dossier(request, pk)
    if action == "answer":
        form = forms.AnswerForm(request.POST)
        if form.is_valid():
            step = get_object_or_404(DossierStep, pk=form.cleaned_data["step"], dossier=d)
            return _run(
                request,
                d,
                lambda: services.dossier_consult_answer(
                    actor=request.user, step=step, answer=form.cleaned_data["answer"]
                ),
                ACTION_DONE["answer"],
            )
        messages.error(request, _("Write the answer."))
        return redirect("onestop:detail", pk=d.pk)
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    kwargs = {}
    if form_class in (forms.AcceptForm, forms.RouteForm, forms.ConsultForm):
        kwargs["units"] = _units_for(d)
    if form_class is forms.AssignForm:
        kwargs["officers"] = get_user_model().objects.filter(kind="staff")
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip()
                for f, e in form.errors.items()
            ),
        )
        return redirect("onestop:detail", pk=d.pk)
    return _run(request, d, lambda: call(request, d, form.cleaned_data), ACTION_DONE[action])


# What the officer is told after each action succeeded (the dossier's code is filled in).
ACTION_DONE = {
    "answer": gettext_lazy("Dossier %(code)s: your answer to the consultation was recorded."),
    "accept": gettext_lazy(
        "Dossier %(code)s accepted and handed over; the receipt (Mẫu 01) is ready to print."
    ),
    "refuse": gettext_lazy("Dossier %(code)s refused; the applicant is told the reasons."),
    "supplement": gettext_lazy("Dossier %(code)s: the applicant is asked to supplement it."),
    "route": gettext_lazy("Dossier %(code)s sent to the unit."),
    "assign": gettext_lazy("Dossier %(code)s assigned to the officer."),
    "consult": gettext_lazy("Dossier %(code)s: the consultation was sent."),
    "payment": gettext_lazy("Dossier %(code)s: the applicant is asked to pay."),
    "propose": gettext_lazy("Dossier %(code)s: the result was proposed for approval."),
    "approve": gettext_lazy("Dossier %(code)s: the result was approved."),
    "return": gettext_lazy("Dossier %(code)s: the result was returned to the applicant."),
    "stop": gettext_lazy("Dossier %(code)s: processing was stopped."),
    "apology": gettext_lazy("Dossier %(code)s: the apology (Mẫu 04) was recorded with the new date."),
}


def _run(request, d, call, done):
    try:
        call()
    except Conflict as exc:
        messages.error(request, str(exc))
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done % {"code": d.code})
    return redirect("onestop:detail", pk=d.pk)


@staff_required
def form_pdf(request, pk, number):
    """The prescribed forms of TT 01/2018: 01 receipt, 02 supplementation, 03 refusal, 04 apology, 05 custody."""
    d = _visible_dossier(request, pk)
    if not handles(request.user, d):
        raise Http404
    services.dossier_personal_data_viewed(actor=request.user, dossier=d)
    try:
        content = pdf.FORMS[number](d)
    except KeyError:
        raise Http404 from None
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("onestop:detail", pk=d.pk)
    return file_response(content, f"mau-{number}-{d.code}.pdf", "application/pdf")


@staff_required
def file_download(request, pk, file_id):
    d = _visible_dossier(request, pk)
    if not handles(request.user, d):
        raise Http404
    f = get_object_or_404(DossierFile, pk=file_id, dossier=d)
    services.dossier_personal_data_viewed(actor=request.user, dossier=d)
    return FileResponse(
        f.file.open("rb"),
        as_attachment=True,
        filename=f"{d.code}-{f.component_code or f.purpose}.{f.file.name.rsplit('.', 1)[-1]}",
    )


# --- statistics -----------------------------------------------------------------------------------
def _period(request) -> Period:
    today = date.today()
    try:
        start = (
            date.fromisoformat(request.GET["start"]) if request.GET.get("start") else date(today.year, 1, 1)
        )
        end = date.fromisoformat(request.GET["end"]) if request.GET.get("end") else date(start.year, 12, 31)
    except ValueError:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    if request.GET.get("year"):
        try:
            y = int(request.GET["year"])
            start, end = date(y, 1, 1), date(y, 12, 31)
        except ValueError:
            pass
    return Period(start, max(start, end))


@perm_required(STATS)
def statistics_view(request):
    period = _period(request)
    agencies = agencies_with_perm(request.user, STATS).order_by("path")
    agency = None
    if request.GET.get("agency"):
        agency = (
            agencies.filter(pk=request.GET["agency"]).first() if request.GET["agency"].isdigit() else None
        )
    base = Dossier.objects.filter(scope_q(request.user, STATS, "agency"))
    qs = statistics.received_in(period, agency, base=base)
    b = statistics.breakdown(qs)
    total, months, units, procs = b.total, b.months, b.units, b.procedures
    # indices 5, 8, 9 and QĐ 766 3.1 / 5.x also need facts of the unit (rules, procedures, feedback, ratings)
    facts = statistics.unit_facts(
        period,
        [agency] if agency is not None else list(agencies),
        level=statistics.agency_level(agency.type) if agency is not None else None,
    )
    tt01, qd766 = statistics.tt01_indices(total, facts), statistics.qd766_indicators(total, facts)
    if request.GET.get("format") == "xlsx":
        header = [
            _("Group"),
            _("Received"),
            _("Finished"),
            _("On time"),
            _("Late"),
            _("On-time rate (%)"),
            _("On-time rate QĐ 766 (%)"),
            _("Average working days"),
            _("Online (%)"),
            _("Paid online (%)"),
        ]

        def rows(items):
            return [
                [
                    s.label,
                    s.received,
                    s.finished,
                    s.on_time,
                    s.late,
                    fraction(s.on_time_rate),
                    fraction(s.on_time_evaluation_rate),
                    s.avg_days,
                    fraction(s.online_share),
                    fraction(s.online_payment_share),
                ]
                for s in items
            ]

        shares = {5: PERCENT, 6: PERCENT, 8: PERCENT, 9: PERCENT}

        indices = (
            [_("Index"), _("Score"), _("Counted"), _("Basis"), _("Note")],
            [
                [f"{r['index']}. {r['label']}", r["score"], r["numerator"], r["basis"], r["note"]]
                for r in tt01
            ],
        )
        indicators = (
            [_("Code"), _("Indicator"), _("Value"), _("Counted"), _("Basis"), _("Full score at"), _("Met")],
            [
                [
                    r["code"],
                    r["label"],
                    r["value"],
                    r["numerator"],
                    r["denominator"],
                    r["threshold"],
                    None if r["met"] is None else pgettext("threshold met", "yes" if r["met"] else "no"),
                ]
                for r in qd766
            ],
        )
        content = xlsx_bytes(
            {
                _("Units"): Sheet(header, rows(units), shares),
                _("Procedures"): Sheet(header, rows(procs), shares),
                _("Months"): Sheet(header, rows(months), shares),
                _("Total"): Sheet(header, rows([total]), shares),
                "TT 01-2018": indices,
                "QĐ 766": indicators,
            },
            title=title_lines(
                _("One-stop statistics"),
                period=period_text(period.start, period.end),
                organisation=agency.name if agency is not None else None,
            ),
        )
        return file_response(
            content, f"thong-ke-mot-cua-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx", XLSX_MIME
        )
    chart_months = charts.column_chart(
        [
            (
                m.label,
                [
                    charts.Bar(_("Received"), m.received),
                    charts.Bar(_("On time"), m.on_time),
                    charts.Bar(_("Late"), m.late),
                ],
            )
            for m in months
        ],
        title=_("Dossiers by month of receipt"),
        places=0,
    )
    chart_units = charts.bar_chart(
        [charts.Bar(u.label, u.on_time_rate) for u in units],
        title=_("On-time rate by unit"),
        unit="%",
        max_value=100,
    )
    return render(
        request,
        "onestop/statistics.html",
        {
            "period": period,
            "agency": agency,
            "agencies": agencies,
            "total": total,
            "months": months,
            "units": units,
            "procs": procs,
            "chart_months": chart_months,
            "chart_units": chart_units,
            "tt01": tt01,
            "qd766": qd766,
            "years": range(date.today().year, 2017, -1),
        },
    )


# --- dossier tracking book (Mẫu 06) ------------------------------------------------------------------
def _int(value, default, low, high):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if low <= n <= high else default


@staff_required
def book_view(request):
    """Sổ theo dõi hồ sơ of one receiving unit for a year (optionally one month), 50 entries a page;
    `format=pdf|xlsx` exports it. Only the desk and the unit's leaders (onestop.book) see it, and
    every page or export with entries is audited as access to personal data."""
    require_perm(request.user, BOOK)
    agencies = list(agencies_with_perm(request.user, BOOK).filter(valid_to__isnull=True).order_by("path"))
    if not agencies:
        raise Http404
    wanted = _int(request.GET.get("agency"), agencies[0].pk, 1, 2**62)
    agency = next((a for a in agencies if a.pk == wanted), agencies[0])
    this_year = timezone.localdate().year
    year = _int(request.GET.get("year"), this_year, 2000, this_year)
    month = _int(request.GET.get("month"), None, 1, 12)
    fmt = request.GET.get("format")
    if fmt in book.WRITERS:
        return _book_export(request, agency, year, month, fmt)
    page, entries = book.book_page(agency, year, month, request.GET.get("page"))
    if entries:
        services.dossier_book_viewed(
            actor=request.user,
            agency=agency,
            year=year,
            month=month,
            page=page.number,
            dossier_ids=[e.dossier.pk for e in entries],
        )
    return render(
        request,
        "onestop/book.html",
        {
            "agencies": agencies,
            "agency": agency,
            "year": year,
            "month": month,
            "page": page,
            "entries": entries,
            "years": range(this_year, 2017, -1),
            "months": range(1, 13),
            "sync_limit": book.SYNC_EXPORT_ROWS,
        },
    )


def _book_export(request, agency, year, month, fmt):
    """A month of a small desk is written at once; more than SYNC_EXPORT_ROWS entries (a busy desk's
    year is thousands of A4 pages) go to the worker, and the file is fetched from `book_file`."""
    import io

    from django.conf import settings
    from django.utils import translation

    from cchc.core.jobs import job_enqueue

    total = book.received_in(agency.pk, *book.year_bounds(year, month)).count()
    if total > book.SYNC_EXPORT_ROWS:
        job = job_enqueue(
            "onestop.book",
            actor=request.user,
            params={"agency": agency.pk, "year": year, "month": month, "fmt": fmt},
        )
        return redirect("core:job", pk=job.pk)
    write, mime = book.WRITERS[fmt]
    buf = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):  # the form is printed in Vietnamese
        rows = write(buf, agency, year, month, book.iter_entries(agency, year, month))
    services.dossier_book_viewed(
        actor=request.user, agency=agency, year=year, month=month, export=fmt, rows=rows
    )
    return file_response(buf.getvalue(), book.filename_of(agency, year, month, fmt), mime)


@staff_required
def book_file(request, job_id):
    """The file written by the job "onestop.book", to the person who asked for it while they still
    keep the book of that unit; each download is audited."""
    from django.core.files.storage import default_storage

    from cchc.core.models import Job

    job = get_object_or_404(Job, pk=job_id, kind="onestop.book", status=Job.Status.DONE)
    if job.created_by_id != request.user.pk or not (job.result or {}).get("file"):
        raise Http404
    agency = get_object_or_404(Agency, pk=job.params["agency"])
    services.dossier_book_viewed(
        actor=request.user,
        agency=agency,
        year=job.params["year"],
        month=job.params.get("month"),
        export=job.params["fmt"],
        rows=job.result["rows"],
    )
    name = job.result["file"]
    return FileResponse(
        default_storage.open(name, "rb"), as_attachment=True, filename=name.rsplit("/", 1)[-1]
    )


# --- one-stop rule sets ------------------------------------------------------------------------------
def _rules_allowed(request):
    if not may_manage_rule_sets(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(
            _("Only administrators and reform officers of the ministry edit the one-stop rule sets.")
        )


@staff_required
def rules_list(request):
    """Every rule set, newest first, the one in force highlighted; future ones can be edited."""
    _rules_allowed(request)
    in_force = services.rule_set_in_force(timezone.now())
    today = timezone.localdate()
    used = set(
        Dossier.objects.filter(rule_set__effective_from__gt=today)
        .values_list("rule_set_id", flat=True)
        .distinct()
    )
    fields = [f for f in forms.RuleSetForm.base_fields if f not in ("code", "name", "effective_from", "note")]
    rows = [
        {
            "rs": rs,
            "in_force": in_force is not None and rs.pk == in_force.pk,
            "editable": rs.effective_from > today and rs.pk not in used,
            "values": [getattr(rs, f) for f in fields],
        }
        for rs in RuleSet.objects.order_by("-effective_from")
    ]
    headers = [forms.RuleSetForm.base_fields[f].label for f in fields]
    return render(request, "onestop/rules.html", {"rows": rows, "headers": headers, "today": today})


def _rule_form(request, rule_set=None):
    _rules_allowed(request)
    initial = None
    if rule_set is None:  # start from the numbers in force: a new version usually changes a few
        current = services.rule_set_in_force(timezone.now())
        if current is not None:
            initial = {
                f: getattr(current, f)
                for f in forms.RuleSetForm.base_fields
                if f not in ("code", "name", "effective_from")
            }
    form = forms.RuleSetForm(request.POST or None, instance=rule_set, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if rule_set is None:
                rs = services.rule_set_create(actor=request.user, data=form.cleaned_data)
            else:
                rs = services.rule_set_update(actor=request.user, rule_set=rule_set, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Rule set %(code)s saved; it takes effect on %(day)s.")
                % {"code": rs.code, "day": rs.effective_from.strftime("%d/%m/%Y")},
            )
            return redirect("onestop:rules")
    return render(request, "onestop/rule_form.html", {"form": form, "rule_set": rule_set})


@staff_required
def rule_new(request):
    return _rule_form(request)


@staff_required
def rule_edit(request, pk):
    rule_set = get_object_or_404(RuleSet, pk=pk)
    _rules_allowed(request)
    if rule_set.effective_from <= timezone.localdate() or rule_set.dossiers.exists():
        messages.error(
            request,
            _(
                "Rule set %(code)s is in force or fixed on dossiers and is never edited; create a "
                "new rule set instead."
            )
            % {"code": rule_set.code},
        )
        return redirect("onestop:rules")
    return _rule_form(request, rule_set)


@staff_required
@require_POST
def rule_delete(request, pk):
    rule_set = get_object_or_404(RuleSet, pk=pk)
    _rules_allowed(request)
    try:
        services.rule_set_delete(actor=request.user, rule_set=rule_set)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rule set %(code)s deleted.") % {"code": rule_set.code})
    return redirect("onestop:rules")
