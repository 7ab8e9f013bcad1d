import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from cchc.core.charts import PALETTE, Bar, bar_chart, column_chart
from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.exports import PERCENT, XLSX_MIME, Sheet, file_response, fraction, title_lines, xlsx_bytes
from cchc.core.files import table_limits_check
from cchc.core.formatting import format_date
from cchc.core.jobs import job_enqueue
from cchc.core.listing import paginate
from cchc.core.views import staff_required
from cchc.org.access import has_perm, require_perm, scope_q

from . import access, selectors, services
from .engine import classify_household
from .forms import (
    ApplicationForm,
    ApproveForm,
    DecideForm,
    HouseholdForm,
    ImportForm,
    MemberForm,
    ReturnForm,
    RoundOpenForm,
    SubmitForm,
)
from .models import Category, Household, InYearApplication, Member, Movement, PovertyStandard, ReviewRound
from .mpi import parse_cutoff
from .standards import spec_of, standard_on


def _household(request, pk) -> Household:
    """A household in the user's scope (404 otherwise); the access is audited."""
    household = get_object_or_404(
        selectors.households_visible_to(request.user).select_related("commune__area"), pk=pk
    )
    services.household_viewed(actor=request.user, household=household)
    return household


@staff_required
def home(request):
    require_perm(request.user, access.VIEW)
    rounds = selectors.rounds_visible_to(request.user)[:20]
    return render(
        request,
        "households/home.html",
        {
            "rounds": rounds,
            "can_edit": has_perm(request.user, access.EDIT),
            # the statistics page needs an area to show, or the right to see the whole country
            "can_stats": selectors.sees_nationwide_stats(request.user)
            or selectors.stat_areas_for(request.user).exists(),
            "standards": PovertyStandard.objects.all(),
        },
    )


@staff_required
def household_list(request):
    require_perm(request.user, access.VIEW)
    qs = selectors.households_visible_to(request.user).prefetch_related(
        Prefetch("members", queryset=Member.objects.only("id", "household_id", "identity_number", "relation"))
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(head_name__icontains=q) | qs.filter(code__icontains=q)
    listing = paginate(
        request,
        qs.order_by("commune__name", "code"),
        sorts={
            "code": "code",
            "head": "head_name",
            "commune": ("commune__name", "code"),
            "village": ("village", "code"),
        },
        default="commune",
        per_page=50,
    )
    page = listing.page
    return render(
        request,
        "households/household_list.html",
        {"page": page, "listing": listing, "q": q, "can_edit": has_perm(request.user, access.EDIT)},
    )


@staff_required
def household_create(request):
    communes = selectors.communes_editable_by(request.user)
    if not communes.exists():
        raise PermissionDenied(_("You may not enter households in any commune."))
    form = HouseholdForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"code", "commune"}}
        try:
            household = services.household_create(
                actor=request.user,
                commune=form.cleaned_data["commune"],
                code=form.cleaned_data["code"],
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Household registered. Now add its members."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": None})


@staff_required
def household_detail(request, pk):
    household = _household(request, pk)
    members = list(household.members.all())
    preview = None
    try:
        standard = standard_on(date.today())
        result = classify_household(spec_of(standard), household, date.today())
        names = dict(standard.indicators.values_list("code", "name"))
        preview = (standard, result, Category(result.category).label, [names[c] for c in result.deprived])
    except (ValidationError, ValueError):
        pass
    classifications = household.classifications.select_related("standard", "round")
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": members,
            "preview": preview,
            "classifications": classifications,
            "can_edit": has_perm(request.user, access.EDIT, household.commune),
            "member_form": MemberForm(),
            "application_form": ApplicationForm(),
            "applications": household.applications.all(),
        },
    )


@staff_required
def household_edit(request, pk):
    household = _household(request, pk)
    require_perm(request.user, access.EDIT, household.commune)
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user, household=Household.objects.get(pk=household.pk), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Household form saved."))
            return redirect("households:detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": household})


@staff_required
@require_POST
def member_add(request, pk):
    household = _household(request, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": household.members.all(),
            "member_form": form,
            "can_edit": True,
            "classifications": household.classifications.all(),
        },
        status=400,
    )


@staff_required
@require_POST
def member_remove(request, pk):
    member = get_object_or_404(Member.objects.select_related("household__commune"), pk=pk)
    if not has_perm(request.user, access.VIEW, member.household.commune):
        raise Http404
    services.member_remove(actor=request.user, member=member)
    messages.success(request, _("Member removed."))
    return redirect("households:detail", pk=member.household_id)


# ---------------------------------------------------------------- in-year applications


@staff_required
@require_POST
def application_receive(request, pk):
    household = _household(request, pk)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        app = services.application_receive(
            actor=request.user, household=household, kind=form.cleaned_data["kind"]
        )
        messages.success(
            request,
            _("Application recorded; to be decided by %(due)s.")
            % {"due": app.due_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M")},
        )
    return redirect("households:detail", pk=household.pk)


@staff_required
def application_list(request):
    require_perm(request.user, access.VIEW)
    apps = (
        InYearApplication.objects.filter(scope_q(request.user, access.VIEW, "household__commune"))
        .select_related("household__commune", "classification")
        .order_by("status", "due_at")
    )
    listing = paginate(
        request,
        apps,
        sorts={"received": "received_at", "due": "due_at", "status": ("status", "due_at")},
        per_page=50,
    )
    page = listing.page
    approvable = {a.pk for a in page if has_perm(request.user, access.APPROVE, a.household.commune)}
    return render(
        request,
        "households/applications.html",
        {
            "page": page,
            "listing": listing,
            "approvable": approvable,
            "decide_form": DecideForm(),
            "now": timezone.now(),
        },
    )


@staff_required
@require_POST
def application_decide(request, pk):
    app = get_object_or_404(
        InYearApplication.objects.filter(
            scope_q(request.user, access.VIEW, "household__commune")
        ).select_related("household__commune__area"),
        pk=pk,
    )
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse."))
        return redirect("households:applications")
    try:
        app = services.application_decide(actor=request.user, application=app, **form.cleaned_data)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            _("Decided: %(status)s (%(category)s).")
            % {"status": app.get_status_display(), "category": app.classification.get_category_display()},
        )
    return redirect("households:applications")


# ---------------------------------------------------------------- review rounds


@staff_required
def round_list(request):
    require_perm(request.user, access.VIEW)
    communes = selectors.communes_editable_by(request.user)
    form = RoundOpenForm(request.POST or None, communes=communes)
    if request.method == "POST":
        if form.is_valid():
            try:
                rnd = services.round_open(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Review round opened."))
                return redirect("households:round", pk=rnd.pk)
    listing = paginate(request, selectors.rounds_visible_to(request.user), per_page=50)
    page = listing.page
    return render(
        request,
        "households/round_list.html",
        {"page": page, "listing": listing, "form": form if communes.exists() else None},
    )


def _round(request, pk) -> ReviewRound:
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)


@staff_required
def round_detail(request, pk):
    rnd = _round(request, pk)
    results = rnd.classifications.select_related("household").order_by("household__code")
    category = request.GET.get("category", "")
    if category in Category.values:
        results = results.filter(category=category)
    counts = dict.fromkeys(Category.values, 0)
    for cat, n in rnd.classifications.values_list("category").annotate(n=Count("id")):
        counts[cat] = n
    listing = paginate(
        request,
        results,
        sorts={
            "household": "household__code",
            "head": "household__head_name",
            "classification": "category",
            "income": "income_per_person",
            "score": "deprivation_score",
            "movement": "movement",
        },
        per_page=100,
    )
    page = listing.page
    indicators = {i.code: i.name for i in rnd.standard.indicators.all()}
    for c in page:
        c.deprived_names = [indicators.get(code, code) for code in c.deprived]
    return render(
        request,
        "households/round_detail.html",
        {
            "round": rnd,
            "page": page,
            "listing": listing,
            "counts": counts,
            "category": category,
            "categories": Category.choices,
            "indicators": indicators,
            "total": sum(counts.values()),
            "can_edit": has_perm(request.user, access.EDIT, rnd.commune),
            "can_approve": has_perm(request.user, access.APPROVE, rnd.commune),
            "submit_form": SubmitForm(),
            "approve_form": ApproveForm(),
            "return_form": ReturnForm(),
        },
    )


def _round_action(request, pk, action):
    rnd = _round(request, pk)
    try:
        action(rnd)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("households:round", pk=rnd.pk)


@staff_required
@require_POST
def round_classify(request, pk):
    def act(rnd):
        counts = services.round_classify(actor=request.user, round=rnd)
        messages.success(
            request,
            _("Classified %(n)s households: %(poor)s poor, %(near)s near-poor.")
            % {"n": sum(counts.values()), "poor": counts["poor"], "near": counts["near_poor"]},
        )

    return _round_action(request, pk, act)


@staff_required
@require_POST
def round_submit(request, pk):
    def act(rnd):
        services.round_submit(actor=request.user, round=rnd, board_note=request.POST.get("board_note", ""))
        messages.success(request, _("Sent to the commune chairperson for approval."))

    return _round_action(request, pk, act)


@staff_required
@require_POST
def round_approve(request, pk):
    def act(rnd):
        services.round_approve(actor=request.user, round=rnd, decision=request.POST.get("decision", ""))
        messages.success(request, _("The list is approved and published."))

    return _round_action(request, pk, act)


@staff_required
@require_POST
def round_return(request, pk):
    def act(rnd):
        services.round_return(actor=request.user, round=rnd, reason=request.POST.get("reason", ""))
        messages.success(request, _("Returned to the commune board."))

    return _round_action(request, pk, act)


@staff_required
def round_export(request, pk):
    rnd = _round(request, pk)
    services.round_exported(actor=request.user, round=rnd)
    names = dict(Category.choices)
    rows = [
        (
            c.household.code,
            c.household.head_name,
            c.household.village,
            str(names[c.category]),
            c.deprivation_score,
            ", ".join(c.deprived),
            c.get_movement_display() if c.movement else "",
        )
        for c in rnd.classifications.select_related("household").order_by("household__code")
    ]
    header = [
        _("Household code"),
        _("Head of household"),
        _("Village"),
        _("Classification"),
        _("Deprivation score"),
        _("Deprived indicators"),
        _("Movement"),
    ]
    title = title_lines(
        _("Poor and near-poor household review %(year)s") % {"year": rnd.year},
        period=_("Reference date: %(date)s") % {"date": format_date(rnd.reference_date)},
        organisation=rnd.commune.name,
    )
    return file_response(
        xlsx_bytes({_("Approved list"): (header, rows)}, title=title),
        f"ra-soat-{rnd.commune.code}-{rnd.year}.xlsx",
        XLSX_MIME,
    )


# ---------------------------------------------------------------- statistics


@staff_required
def stats(request):
    require_perm(request.user, access.STATS)
    areas = selectors.stat_areas_for(request.user)
    code = request.GET.get("area", "")
    root = get_object_or_404(areas, code=code) if code else None
    nationwide = selectors.sees_nationwide_stats(request.user)
    if root is None and not nationwide:
        root = areas.first()
        if root is None:
            raise PermissionDenied(_("You may not view poverty statistics of any area."))
    years = sorted(
        set(ReviewRound.objects.filter(status=ReviewRound.Status.APPROVED).values_list("year", flat=True)),
        reverse=True,
    )
    try:
        year = int(request.GET.get("year") or (years[0] if years else date.today().year))
    except ValueError:
        year = date.today().year
    cutoff_text = request.GET.get("k", "").strip()
    try:
        cutoff = parse_cutoff(cutoff_text) if cutoff_text else None
    except ValueError as exc:
        messages.error(request, str(exc))
        cutoff = None
    data = selectors.area_stats(root, year, cutoff)
    charts = {}
    if data.by_commune:
        charts["communes"] = bar_chart(
            [Bar(_short(r.label), r.poor_rate or 0) for r in data.by_commune],
            title=_("Poor households by commune, %(year)s (%%)") % {"year": year},
            unit="%",
        )
    if data.by_province:
        charts["provinces"] = bar_chart(
            [Bar(_short(r.label), r.poor_rate or 0) for r in data.by_province],
            title=_("Poor households by province, %(year)s (%%)") % {"year": year},
            unit="%",
        )
    if data.indicators:
        charts["indicators"] = bar_chart(
            [Bar(_short(i.name), rate or 0) for i, _n, rate in data.indicators],
            title=_("Households deprived, by indicator, in percent"),
            unit="%",
            max_value=100,
        )
    poor, near = pgettext("poverty", "Poor"), pgettext("poverty", "Near-poor")
    if data.previous:
        charts["years"] = column_chart(
            [
                (
                    str(year - 1),
                    [Bar(poor, data.previous.poor_rate or 0), Bar(near, data.previous.near_poor_rate or 0)],
                ),
                (
                    str(year),
                    [Bar(poor, data.total.poor_rate or 0), Bar(near, data.total.near_poor_rate or 0)],
                ),
            ],
            title=_("Poor and near-poor households, change between years, in percent"),
            unit="%",
        )
    return render(
        request,
        "households/stats.html",
        {
            "data": data,
            "areas": areas,
            "nationwide": nationwide,
            "root": root,
            "year": year,
            "years": years,
            "charts": charts,
            "cutoff_text": cutoff_text,
            # shares shown as percentages; indicator names rather than codes
            "af_rows": [
                (i.name, u * 100, c * 100, share * 100)
                for (i, _n, _r), u, c, share in zip(
                    data.indicators, data.af.uncensored, data.af.censored, data.af.contributions, strict=True
                )
            ]
            if data.af
            else [],
            "palette": PALETTE,
            "movements": [(Movement(m).label, n) for m, n in data.movements],
        },
    )


def _short(label: str, n: int = 30) -> str:
    """Chart labels must fit the label column of the SVG; the table beside it has the full text."""
    return label if len(label) <= n else label[: n - 1] + "…"


@staff_required
def stats_export(request):
    require_perm(request.user, access.STATS)
    areas = selectors.stat_areas_for(request.user)
    root = get_object_or_404(areas, code=request.GET.get("area", ""))
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        raise Http404 from None
    data = selectors.area_stats(root, year)
    head = [
        pgettext("poverty", "Commune"),
        _("Households"),
        pgettext("poverty", "Poor"),
        pgettext("poverty", "Near-poor"),
        _("Poor (%)"),
        _("Near-poor (%)"),
    ]
    rows = [
        (r.label, r.households, r.poor, r.near_poor, fraction(r.poor_rate), fraction(r.near_poor_rate))
        for r in [*data.by_commune, *data.by_setting, data.total]
    ]
    ind_head = [pgettext("poverty", "Indicator"), _("Households deprived"), _("Deprived (%)")]
    ind_rows = [(i.name, n, fraction(rate)) for i, n, rate in data.indicators]
    title = title_lines(_("Poor and near-poor households %(year)s") % {"year": year}, organisation=root.name)
    return file_response(
        xlsx_bytes(
            {
                _("Poverty"): Sheet(head, rows, {4: PERCENT, 5: PERCENT}),
                _("Indicators"): Sheet(ind_head, ind_rows, {2: PERCENT}),
            },
            title=title,
        ),
        f"ho-ngheo-{root.code}-{year}.xlsx",
        XLSX_MIME,
    )


@staff_required
def standards(request):
    require_perm(request.user, access.VIEW)
    items = PovertyStandard.objects.prefetch_related("thresholds", "indicators")
    return render(request, "households/standards.html", {"standards": items})


# ---------------------------------------------------------------- import


@staff_required
def import_upload(request):
    if not selectors.communes_editable_by(request.user).exists():
        raise PermissionDenied(_("You may not enter households in any commune."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = Path(settings.MEDIA_ROOT) / "households" / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for field in ("households", "members"):
            upload = form.cleaned_data.get(field)
            if not upload:
                continue
            suffix = Path(upload.name).suffix.lower()
            if suffix not in {".csv", ".xlsx", ".parquet"}:
                form.add_error(field, _("Use a .csv, .xlsx or .parquet file."))
                continue
            try:  # too big, a zip bomb, too many columns: refused now, not after minutes of parsing
                table_limits_check(upload, upload.name, size=upload.size)
            except ImportRejected as exc:
                form.add_error(field, [str(e) for e in exc.errors])
                continue
            path = folder / f"{uuid.uuid4().hex}{suffix}"
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths[f"{field}_path"] = str(path)
        if not form.errors:
            job = job_enqueue("households.import", actor=request.user, params=paths)
            return redirect("core:job", pk=job.pk)
    return render(request, "households/import.html", {"form": form})
