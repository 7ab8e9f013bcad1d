"""Pages of the PAR index. Views only translate HTTP; services and selectors do the work."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.exports import CSV_MIME, DOCX_MIME, XLSX_MIME, csv_bytes, file_response
from cchc.core.files import validate_upload
from cchc.core.jobs import job_enqueue
from cchc.core.views import staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm

from . import forms, methodology, reports, rules, selectors, services
from .access import MANAGE, SELF_ASSESS, VIEW, can_manage, is_assigned
from .models import Entry, Item, Methodology, Stage


def _run(request, fn, success: str) -> bool:
    """Call a service; turn its refusals into messages on the page."""
    try:
        fn()
    except (ValidationError, InvalidTransition, PermissionDenied, ImportRejected) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return False
    messages.success(request, success)
    return True


def _cycle_for(request, code):
    cycle = selectors.cycles_visible(request.user).filter(code=code).first()
    if cycle is None:
        raise Http404
    return cycle


def _results_cycle(request, code):
    """Results are public once published; before that only the cycle's managers see them."""
    cycle = _cycle_for(request, code)
    if not (cycle.is_published or can_manage(request.user, cycle)):
        raise Http404
    return cycle


def _store_upload(upload, allowed) -> str:
    checked = validate_upload(upload, allowed=allowed)
    return default_storage.save(f"parindex/imports/{uuid.uuid4().hex}.{checked.extension}", upload)


def _store_methodology_file(upload) -> str:
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        return _store_upload(upload, {"xlsx"})
    if not name.endswith((".yaml", ".yml")):
        raise ValidationError(_("Give a .yaml or .xlsx file."))
    if upload.size > settings.CCHC_UPLOAD_MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    try:
        upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(_("The YAML file must be UTF-8 text.")) from None
    upload.seek(0)
    return default_storage.save(f"parindex/imports/{uuid.uuid4().hex}.yaml", upload)


def index(request):
    """Cycles the visitor may see; the public sees published results only."""
    cycles = selectors.cycles_visible(request.user)
    return render(
        request,
        "parindex/index.html",
        {
            "cycles": cycles,
            "can_manage": has_perm(request.user, MANAGE),
        },
    )


# ---- methodologies ---------------------------------------------------------------------------------------------


@staff_required
def methodologies(request):
    require_perm(request.user, VIEW)
    form = forms.MethodologyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_perm(request.user, MANAGE)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                path = _store_methodology_file(upload)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                job = job_enqueue(
                    "parindex.import_methodology",
                    actor=request.user,
                    params={
                        "path": path,
                        "filename": upload.name,
                        "allow_unavailable_metrics": form.cleaned_data["allow_unavailable_metrics"],
                    },
                )
                return redirect("core:job", pk=job.pk)
    return render(
        request,
        "parindex/methodologies.html",
        {
            "methodologies": Methodology.objects.all(),
            "form": form,
            "can_manage": has_perm(request.user, MANAGE),
            "templates": methodology.template_files(),
        },
    )


@staff_required
def methodology_detail(request, code):
    require_perm(request.user, VIEW)
    m = get_object_or_404(Methodology, code=code)
    fmt = request.GET.get("format")
    if fmt == "yaml":
        return file_response(methodology.export_yaml(m).encode(), f"{m.code}.yaml", "application/yaml")
    if fmt == "xlsx":
        return file_response(methodology.export_xlsx(m), f"{m.code}.xlsx", XLSX_MIME)
    return render(
        request,
        "parindex/methodology_detail.html",
        {"m": m, "items": m.items.order_by("position"), "blocks": m.blocks.all()},
    )


# ---- cycles ----------------------------------------------------------------------------------------------------


@staff_required
def cycle_create(request):
    require_perm(request.user, MANAGE)
    form = forms.CycleForm(
        request.POST or None,
        methodologies=Methodology.objects.all(),
        owners=agencies_with_perm(request.user, MANAGE).order_by("code"),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = {}

        def create():
            from django.db import transaction

            with transaction.atomic():
                created["cycle"] = services.cycle_create(
                    actor=request.user,
                    code=d["code"],
                    name=d["name"],
                    year=d["year"],
                    methodology=d["methodology"],
                    owner=d["owner"],
                    groups=[
                        {"label": _("Group 1"), "min": "90"},
                        {"label": _("Group 2"), "min": "80"},
                        {"label": _("Group 3"), "min": "70"},
                        {"label": _("Group 4"), "min": "0"},
                    ],
                )
                if d["add_subjects"]:
                    services.subjects_add_all(actor=request.user, cycle=created["cycle"])

        if _run(request, create, _("Cycle created.")):
            return redirect("parindex:cycle", code=created["cycle"].code)
    return render(request, "parindex/cycle_form.html", {"form": form})


@staff_required
def cycle_detail(request, code):
    cycle = _cycle_for(request, code)
    manage = can_manage(request.user, cycle)
    subjects = selectors.subjects_visible(request.user, cycle)
    now = timezone.now()
    timeline = []
    for stage, label, deadline in selectors.stage_deadlines(cycle):
        left = deadline - now if deadline else None
        timeline.append(
            {
                "stage": stage,
                "label": label,
                "deadline": deadline,
                "days_left": left.days if left and left.total_seconds() > 0 else None,
                "locked": not services.stage_is_open(cycle, None, stage, now),
            }
        )
    ctx = {
        "cycle": cycle,
        "subjects": subjects,
        "manage": manage,
        "timeline": timeline,
        "unavailable": selectors.unavailable_metrics(cycle),
        "reopenings": cycle.reopenings.select_related("subject__agency").order_by("-id")[:20],
    }
    if manage:
        areas = selectors.area_items(cycle)
        ctx.update(
            {
                "timeline_form": forms.TimelineForm(
                    prefix="timeline",
                    initial={
                        **{f: getattr(cycle, f) for f in services.DEADLINE_FIELD.values()},
                        "groups": "\n".join(f"{g['label']}; {g['min']}" for g in cycle.groups),
                    },
                ),
                "reopen_form": forms.ReopenForm(
                    prefix="reopen", subjects=cycle.subjects.select_related("agency")
                ),
                "assign_form": forms.AssignForm(
                    prefix="assign", subjects=cycle.subjects.select_related("agency"), areas=areas
                ),
                "upload_form": forms.UploadForm(prefix="scores"),
                "appraisers": cycle.appraisers.select_related("user", "subject__agency"),
            }
        )
    return render(request, "parindex/cycle_detail.html", ctx)


@staff_required
@require_POST
def cycle_action(request, code, action):
    cycle = _cycle_for(request, code)
    require_perm(request.user, MANAGE, cycle.owner)
    post, user = request.POST, request.user
    if action == "compute":
        _run(request, lambda: services.cycle_compute(actor=user, cycle=cycle), _("Results computed."))
    elif action == "publish":
        _run(request, lambda: services.cycle_publish(actor=user, cycle=cycle), _("Results published."))
    elif action == "timeline":
        form = forms.TimelineForm(post, prefix="timeline")
        if form.is_valid():
            _run(
                request,
                lambda: services.cycle_set_timeline(actor=user, cycle=cycle, **form.cleaned_data),
                _("Timeline saved."),
            )
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif action == "reopen":
        form = forms.ReopenForm(post, prefix="reopen", subjects=cycle.subjects.all())
        if form.is_valid():
            _run(
                request,
                lambda: services.stage_reopen(actor=user, cycle=cycle, **form.cleaned_data),
                _("Stage reopened."),
            )
        else:
            messages.error(request, _("Check the stage, date and reason."))
    elif action == "assign":
        form = forms.AssignForm(
            post, prefix="assign", subjects=cycle.subjects.all(), areas=selectors.area_items(cycle)
        )
        if form.is_valid():
            _run(
                request,
                lambda: services.appraiser_assign(actor=user, cycle=cycle, **form.cleaned_data),
                _("Appraiser assigned."),
            )
        else:
            messages.error(request, _("Choose an appraiser."))
    elif action == "import-scores":
        form = forms.UploadForm(post, request.FILES, prefix="scores")
        if form.is_valid():
            try:
                path = _store_upload(form.cleaned_data["file"], {"csv", "xlsx"})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                job = job_enqueue(
                    "parindex.import_scores",
                    actor=user,
                    params={"path": path, "filename": form.cleaned_data["file"].name, "cycle": cycle.code},
                )
                return redirect("core:job", pk=job.pk)
    else:
        raise Http404
    return redirect("parindex:cycle", code=cycle.code)


# ---- the subjects of a cycle (managers) ---------------------------------------------------------------------


@staff_required
def cycle_subjects(request, code):
    """Add subjects, remove them, set their block and whether they are ranked."""
    cycle = _cycle_for(request, code)
    require_perm(request.user, MANAGE, cycle.owner)
    blocks = list(cycle.methodology.blocks.all())
    if request.method == "POST":
        if cycle.is_published:
            messages.error(request, _("The cycle is published; its subjects cannot change."))
            return redirect("parindex:cycle-subjects", code=cycle.code)
        form = forms.SubjectAddForm(
            request.POST, agencies=selectors.eligible_agencies(cycle), blocks=blocks, prefix="add"
        )
        if form.is_valid():
            d = form.cleaned_data
            _run(
                request,
                lambda: services.subject_add(
                    actor=request.user, cycle=cycle, agency=d["agency"], block=d["block"], ranked=d["ranked"]
                ),
                _("Subject added."),
            )
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("parindex:cycle-subjects", code=cycle.code)
    subjects = list(
        cycle.subjects.select_related("agency")
        .annotate(has_scores=Exists(Entry.objects.filter(subject=OuterRef("pk"))))
        .order_by("agency__code")
    )
    return render(
        request,
        "parindex/cycle_subjects.html",
        {
            "cycle": cycle,
            "rows": [
                (
                    s,
                    forms.SubjectSetForm(
                        initial={"block": s.block, "ranked": s.ranked}, blocks=blocks, prefix=f"s{s.pk}"
                    ),
                )
                for s in subjects
            ],
            "add_form": forms.SubjectAddForm(
                agencies=selectors.eligible_agencies(cycle), blocks=blocks, prefix="add"
            ),
            "changeable": not cycle.is_published,
        },
    )


@staff_required
@require_POST
def subject_set(request, code, agency):
    cycle = _cycle_for(request, code)
    require_perm(request.user, MANAGE, cycle.owner)
    subject = get_object_or_404(cycle.subjects.select_related("agency", "cycle"), agency__code=agency)
    if request.POST.get("remove"):
        _run(
            request,
            lambda: services.subject_remove(actor=request.user, subject=subject),
            _("Subject removed."),
        )
    else:
        form = forms.SubjectSetForm(
            request.POST, blocks=list(cycle.methodology.blocks.all()), prefix=f"s{subject.pk}"
        )
        if form.is_valid():
            _run(
                request,
                lambda: services.subject_update(actor=request.user, subject=subject, **form.cleaned_data),
                _("Saved."),
            )
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("parindex:cycle-subjects", code=cycle.code)


# ---- a subject's scoring sheet -------------------------------------------------------------------------------


@staff_required
def subject_sheet(request, code, agency):
    cycle = _cycle_for(request, code)
    subject = selectors.subject_for(request.user, cycle, agency)
    rows = selectors.subject_sheet(subject)
    may_self = has_perm(request.user, SELF_ASSESS, subject.agency)
    return render(
        request,
        "parindex/subject_sheet.html",
        {
            "cycle": cycle,
            "subject": subject,
            "rows": rows,
            "may_self": may_self,
            "manage": can_manage(request.user, cycle),
            "self_open": may_self
            and not subject.self_submitted_at
            and services.stage_is_open(cycle, subject, Stage.SELF),
            "explanation_open": may_self
            and subject.self_submitted_at
            and not subject.explanation_submitted_at
            and services.stage_is_open(cycle, subject, Stage.EXPLANATION),
            "adjust_form": forms.AdjustmentForm(prefix="adjust"),
            "exempt_form": forms.ExemptionForm(prefix="exempt"),
            "adjustments": subject.adjustments.all(),
            "exemptions": subject.exemptions.select_related("item"),
        },
    )


@staff_required
@require_POST
def subject_action(request, code, agency, action):
    cycle = _cycle_for(request, code)
    subject = selectors.subject_for(request.user, cycle, agency)
    user = request.user
    if action == "submit-self":
        _run(
            request,
            lambda: services.self_submit(actor=user, subject=subject),
            _("Self-assessment submitted."),
        )
    elif action == "submit-explanation":
        _run(
            request,
            lambda: services.explanation_submit(actor=user, subject=subject),
            _("Explanation submitted."),
        )
    elif action == "adjust":
        form = forms.AdjustmentForm(request.POST, prefix="adjust")
        if form.is_valid():
            _run(
                request,
                lambda: services.adjustment_add(actor=user, subject=subject, **form.cleaned_data),
                _("Bonus or penalty recorded."),
            )
    elif action == "exempt":
        form = forms.ExemptionForm(request.POST, prefix="exempt")
        if form.is_valid():
            _run(
                request,
                lambda: services.exemption_set(actor=user, subject=subject, **form.cleaned_data),
                _("Exemption recorded."),
            )
    else:
        raise Http404
    return redirect("parindex:subject", code=cycle.code, agency=subject.agency.code)


def _stages_for(user, subject, item) -> list:
    """The stages this user may write for this item now (the services check again)."""
    cycle = subject.cycle
    if item.assessment == Item.Assessment.SURVEY:
        return (
            [Stage.SURVEY]
            if can_manage(user, cycle) and services.stage_is_open(cycle, subject, Stage.SURVEY)
            else []
        )
    stages = []
    if has_perm(user, SELF_ASSESS, subject.agency):
        if not subject.self_submitted_at and services.stage_is_open(cycle, subject, Stage.SELF):
            stages.append(Stage.SELF)
        if (
            subject.self_submitted_at
            and not subject.explanation_submitted_at
            and services.stage_is_open(cycle, subject, Stage.EXPLANATION)
        ):
            stages.append(Stage.EXPLANATION)
    if subject.self_submitted_at and (can_manage(user, cycle) or is_assigned(user, subject, item.area_code)):
        for stage in (Stage.APPRAISAL1, Stage.APPRAISAL2):
            if services.stage_is_open(cycle, subject, stage):
                stages.append(stage)
    return stages


@staff_required
def item_detail(request, code, agency, item_code):
    cycle = _cycle_for(request, code)
    subject = selectors.subject_for(request.user, cycle, agency)
    item = get_object_or_404(Item, methodology_id=cycle.methodology_id, code=item_code)
    stages = _stages_for(request.user, subject, item) if not item.children.exists() else []
    if request.method == "POST":
        stage = request.POST.get("stage", "")
        if request.POST.get("form") == "evidence":
            form = forms.EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                d = form.cleaned_data
                _run(
                    request,
                    lambda: services.evidence_add(
                        actor=request.user,
                        subject=subject,
                        item_code=item.code,
                        title=d["title"],
                        upload=d["file"],
                        link=d["link"],
                        stage=stage or Stage.SELF,
                    ),
                    _("Evidence added."),
                )
            else:
                messages.error(request, _("Give the evidence a title."))
        else:
            if stage not in stages:
                raise PermissionDenied(_("You cannot record this stage now."))
            form = forms.EntryForm(request.POST)
            form.is_valid()
            d = form.cleaned_data
            if stage == Stage.SURVEY:
                _run(
                    request,
                    lambda: services.survey_points_record(
                        actor=request.user,
                        cycle=cycle,
                        subject=subject.agency,
                        item_code=item.code,
                        points=d["points"],
                        source="manual",
                        note=d["comment"],
                    ),
                    _("Saved."),
                )
            else:
                _run(
                    request,
                    lambda: services.entry_record(
                        actor=request.user,
                        subject=subject,
                        item_code=item.code,
                        stage=stage,
                        points=d["points"] or None,
                        value=d["value"] or None,
                        comment=d["comment"],
                    ),
                    _("Saved."),
                )
        return redirect("parindex:item", code=cycle.code, agency=subject.agency.code, item_code=item.code)
    row = next(r for r in selectors.subject_sheet(subject, with_metrics=False) if r.item.pk == item.pk)
    if row.applicable and (item.metric or item.rule == Item.Rule.FORMULA):  # live figures for this item only
        period = selectors.cycle_period(cycle)
        row.metrics = list(rules.metric_values(item, subject.agency, period).values())
        row.suggested = rules.suggested_points(item, subject.agency, period)
    return render(
        request,
        "parindex/item_detail.html",
        {
            "cycle": cycle,
            "subject": subject,
            "item": item,
            "row": row,
            "forms": [
                (
                    s,
                    Stage(s).label,
                    forms.EntryForm(
                        prefix=s,
                        initial={
                            "points": row.stages[s].points if s in row.stages else "",
                            "comment": row.stages[s].comment if s in row.stages else "",
                        },
                    ),
                )
                for s in stages
            ],
            "evidence_form": forms.EvidenceForm()
            if has_perm(request.user, SELF_ASSESS, subject.agency)
            and (Stage.SELF in stages or Stage.EXPLANATION in stages)
            else None,
            "evidence_stage": Stage.EXPLANATION if Stage.EXPLANATION in stages else Stage.SELF,
            "history": selectors.entry_history(subject, item),
        },
    )


@staff_required
def evidence_download(request, code, agency, pk):
    cycle = _cycle_for(request, code)
    subject = selectors.subject_for(request.user, cycle, agency)
    ev = get_object_or_404(subject.evidence, pk=pk)
    if not ev.file:
        raise Http404
    from django.http import FileResponse

    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.file.name.rsplit("/", 1)[-1])


# ---- results ---------------------------------------------------------------------------------------------------


def ranking(request, code):
    cycle = _results_cycle(request, code)
    component = request.GET.get("by", "index")
    areas = selectors.area_items(cycle)
    if component not in selectors.COMPONENTS and component not in {f"area:{a.code}" for a in areas}:
        component = "index"
    fmt = request.GET.get("format")
    if fmt == "csv":
        header, rows = reports.ranking_table(cycle, component=component)
        return file_response(csv_bytes(header, rows), f"{cycle.code}-ranking.csv", CSV_MIME)
    if fmt == "xlsx":
        return file_response(reports.ranking_xlsx(cycle, component), f"{cycle.code}-ranking.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return file_response(reports.ranking_pdf(cycle), f"{cycle.code}-ranking.pdf", "application/pdf")
    if fmt == "docx":
        return file_response(reports.summary_docx(cycle), f"{cycle.code}-bao-cao.docx", DOCX_MIME)
    rows = selectors.ranking(cycle, component=component)
    limit = request.GET.get("top")
    if limit and limit.isdigit():
        rows = rows[: int(limit)]
    return render(
        request,
        "parindex/ranking.html",
        {
            "cycle": cycle,
            "rows": rows,
            "component": component,
            "areas": areas,
            "components": selectors.COMPONENTS,
            "chart": reports.ranking_chart(cycle) if component == "index" else None,
            "manage": can_manage(request.user, cycle),
        },
    )


def _area_cell(value):
    if value is None:
        return None
    pts, mx = Decimal(value[0]), Decimal(value[1])
    return (pts, mx, pts * 100 / mx if mx else None)


def heatmap(request, code):
    cycle = _results_cycle(request, code)
    areas, rows = reports.heatmap(cycle)
    table = [(r, [(c, reports.heat_class(c[2])) for c in cells]) for r, cells in rows]
    return render(request, "parindex/heatmap.html", {"cycle": cycle, "areas": areas, "rows": table})


def report_card(request, code, agency):
    cycle = _results_cycle(request, code)
    subject = get_object_or_404(
        cycle.subjects.select_related("agency", "result", "cycle__methodology"), agency__code=agency
    )
    if not hasattr(subject, "result"):
        raise Http404
    rows = [r for r in selectors.subject_sheet(subject, with_metrics=False) if r.applicable]
    lost = sorted((r for r in rows if r.is_leaf and r.lost), key=lambda r: r.lost, reverse=True)[:10]
    return render(
        request,
        "parindex/report_card.html",
        {
            "cycle": cycle,
            "subject": subject,
            "result": subject.result,
            "rows": rows,
            "lost": lost,
            "chart": reports.area_chart(cycle, subject.result),
            "areas": [(a, _area_cell(subject.result.areas.get(a.code))) for a in selectors.area_items(cycle)],
        },
    )
