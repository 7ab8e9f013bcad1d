import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cchc.core.charts import Bar, bar_chart
from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.exports import CSV_MIME, XLSX_MIME, csv_bytes, file_response, title_lines, xlsx_bytes
from cchc.core.files import safe_upload_name, table_limits_check, validate_upload
from cchc.core.jobs import job_enqueue
from cchc.core.views import staff_required
from cchc.org.access import agencies_with_perm, has_perm, require_perm
from cchc.org.models import Agency

from . import forms, par, scoring, selectors, services, xlsform
from .access import ENTER, MANAGE, VIEW, VIEW_FRAME
from .answers import FormSpec
from .models import Draft, Question, Questionnaire, Response, ScoreRun, Survey


def _survey(request, pk) -> Survey:
    return get_object_or_404(selectors.surveys_visible(request.user), pk=pk)


def _questionnaire(request, pk) -> Questionnaire:
    return get_object_or_404(selectors.questionnaires_visible(request.user), pk=pk)


def _rejected(request, exc: ImportRejected) -> None:
    messages.error(request, _("Nothing was imported: %(n)s problem(s).") % {"n": len(exc.errors)})


# --- Staff pages ------------------------------------------------------------------------------


@staff_required
def index(request):
    require_perm(request.user, VIEW)
    surveys = selectors.surveys_visible(request.user).annotate(n=Count("responses")).order_by("-created_at")
    questionnaires = selectors.questionnaires_visible(request.user).annotate(n=Count("questions"))
    return render(
        request,
        "surveys/index.html",
        {"surveys": surveys, "questionnaires": questionnaires, "can_manage": has_perm(request.user, MANAGE)},
    )


@staff_required
def questionnaire_import(request):
    require_perm(request.user, MANAGE)
    agencies = agencies_with_perm(request.user, MANAGE)
    form = forms.XlsformImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, allowed={"xlsx"})
            q, parsed = services.questionnaire_import_xlsform(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                data=upload.read(),
                file_name=upload.name,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except ImportRejected as exc:
            _rejected(request, exc)
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported “%(title)s” version %(version)s: %(q)s questions, %(c)s choices.")
                % {
                    "title": q.title,
                    "version": q.version,
                    "q": len(parsed.questions),
                    "c": len(parsed.choices),
                },
            )
            for warning in parsed.warnings:
                messages.warning(request, warning)
            if parsed.ignored_sheets:
                messages.info(
                    request, _("Sheets not used: %(sheets)s.") % {"sheets": ", ".join(parsed.ignored_sheets)}
                )
            return redirect("surveys:questionnaire", pk=q.pk)
    return render(request, "surveys/questionnaire_import.html", {"form": form, "errors": errors})


@staff_required
def questionnaire_create(request):
    require_perm(request.user, MANAGE)
    form = forms.QuestionnaireForm(request.POST or None, agencies=agencies_with_perm(request.user, MANAGE))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        titles = {"vi": d["title_vi"]} | ({"en": d["title_en"]} if d["title_en"] else {})
        try:
            q = services.questionnaire_create(
                actor=request.user, agency=d["agency"], code=d["code"], titles=titles
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("surveys:questionnaire", pk=q.pk)
    return render(request, "surveys/form_page.html", {"form": form, "title": _("New questionnaire")})


@staff_required
def questionnaire_detail(request, pk):
    q = _questionnaire(request, pk)
    can_edit = q.is_editable and has_perm(request.user, MANAGE, q.agency)
    form = forms.QuestionForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        labels = {k: v for k, v in (("vi", d["label_vi"]), ("en", d["label_en"])) if v}
        kind = d["kind"]
        try:
            services.question_add(
                actor=request.user,
                questionnaire=q,
                kind=kind,
                name=d["name"],
                labels=labels,
                required=d["required"],
                relevant=d["relevant"],
                choices=d["choices"],
                par_item=d["par_item"],
                aspect=d["aspect"],
                appearance="likert" if kind == Question.Kind.LIKERT else "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("surveys:questionnaire", pk=q.pk)
    spec = FormSpec.load(q)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "q": q,
            "spec": spec,
            "form": form,
            "can_edit": can_edit,
            "can_manage": has_perm(request.user, MANAGE, q.agency),
            "preview": selectors.form_items(spec, {}, {}),
            "versions": Questionnaire.objects.filter(code=q.code).order_by("-version"),
        },
    )


@staff_required
def question_edit(request, pk, question_pk):
    q = _questionnaire(request, pk)
    question = get_object_or_404(q.questions, pk=question_pk)
    if not (q.is_editable and has_perm(request.user, MANAGE, q.agency)):
        raise Http404
    choices = (
        "\n".join(
            " | ".join(
                [
                    c.name,
                    c.labels.get("vi", ""),
                    c.labels.get("en", ""),
                    "" if c.score is None else str(c.score),
                ]
            ).rstrip(" |")
            for c in q.choices.filter(list_name=question.list_name)
        )
        if question.has_choices
        else ""
    )
    initial = {
        "kind": question.kind,
        "name": question.name,
        "label_vi": question.labels.get("vi", ""),
        "label_en": question.labels.get("en", ""),
        "required": question.required,
        "relevant": question.relevant,
        "choices": choices,
        "par_item": question.par_item,
        "aspect": question.aspect,
    }
    form = forms.QuestionForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.question_update(
                actor=request.user,
                question=question,
                labels={k: v for k, v in (("vi", d["label_vi"]), ("en", d["label_en"])) if v},
                required=d["required"],
                relevant=d["relevant"],
                par_item=d["par_item"],
                aspect=d["aspect"],
                choices=d["choices"] if d["choices"] != initial["choices"] else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question changed."))
            return redirect("surveys:questionnaire", pk=q.pk)
    return render(
        request,
        "surveys/form_page.html",
        {"form": form, "title": _("Edit question %(name)s") % {"name": question.name}},
    )


@staff_required
@require_POST
def questionnaire_action(request, pk, action):
    q = _questionnaire(request, pk)
    try:
        if action == "publish":
            services.questionnaire_publish(actor=request.user, questionnaire=q)
            messages.success(request, _("Published. This version can no longer change."))
        elif action == "new-version":
            q = services.questionnaire_new_version(actor=request.user, questionnaire=q)
            messages.success(request, _("Version %(v)s created as a draft.") % {"v": q.version})
        elif action in ("up", "down", "remove"):
            question = get_object_or_404(q.questions, pk=request.POST.get("question"))
            if action == "remove":
                services.question_remove(actor=request.user, question=question)
            else:
                services.question_move(actor=request.user, question=question, up=action == "up")
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("surveys:questionnaire", pk=q.pk)


@staff_required
def questionnaire_export(request, pk):
    q = _questionnaire(request, pk)
    return file_response(xlsform.export(q), f"{q.code}-v{q.version}.xlsx", XLSX_MIME)


@staff_required
def survey_create(request):
    require_perm(request.user, MANAGE)
    form = forms.SurveyForm(
        request.POST or None,
        agencies=agencies_with_perm(request.user, MANAGE),
        questionnaires=selectors.questionnaires_usable(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("surveys:survey", pk=survey.pk)
    return render(request, "surveys/form_page.html", {"form": form, "title": _("New survey round")})


@staff_required
def survey_detail(request, pk):
    survey = _survey(request, pk)
    can_manage = has_perm(request.user, MANAGE, survey.agency)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "can_manage": can_manage,
            "can_enter": has_perm(request.user, ENTER, survey.agency),
            "can_view_frame": has_perm(request.user, VIEW_FRAME, survey.agency),
            "groups": survey.groups.all(),
            "progress": selectors.survey_progress(survey),
            "frame_size": survey.frame.count(),
            "invited": survey.invitations.count(),
            "used": selectors.used_token_count(survey),
            "responses": survey.responses.count(),
            "group_form": forms.GroupForm(),
            "quota_form": forms.QuotaForm(survey=survey),
            "sample_form": forms.SampleForm(),
            "upload_form": forms.UploadForm(),
            "par_available": par.available(),
            "respondent_url": request.build_absolute_uri(reverse("surveys:answer-start")),
        },
    )


@staff_required
@require_POST
def survey_action(request, pk, action):
    survey = _survey(request, pk)
    try:
        if action == "group":
            form = forms.GroupForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
            services.group_save(actor=request.user, survey=survey, **form.cleaned_data)
        elif action == "quota":
            form = forms.QuotaForm(request.POST, survey=survey)
            if not form.is_valid():
                raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
            services.quota_set(actor=request.user, **form.cleaned_data)
        elif action == "frame":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError(_("Choose a file."))
            validate_upload(upload, allowed={"csv", "xlsx"})
            n = services.frame_import(
                actor=request.user, survey=survey, data=upload.read(), file_name=upload.name
            )
            messages.success(request, _("%(n)s people in the respondent frame.") % {"n": n})
        elif action == "sample":
            form = forms.SampleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter a whole number as the seed."))
            n = services.sample_draw(actor=request.user, survey=survey, seed=form.cleaned_data["seed"])
            messages.success(request, _("%(n)s people drawn and invited.") % {"n": n})
        elif action in (Survey.Status.OPEN, Survey.Status.CLOSED):
            services.survey_set_status(actor=request.user, survey=survey, status=action)
        elif action == "score":
            run = scoring.scores_write(actor=request.user, survey=survey)
            messages.success(
                request,
                _("Survey points computed and written to the PAR index (computation #%(run)s).")
                % {"run": run.pk},
            )
            return redirect("surveys:scores", pk=survey.pk)
    except ImportRejected as exc:
        _rejected(request, exc)
        return render(
            request, "surveys/import_errors.html", {"survey": survey, "errors": exc.errors}, status=400
        )
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("surveys:survey", pk=survey.pk)


@staff_required
def invitations(request, pk):
    """Printable invitation letters: link and QR code per sampled person (personal data, audited by scope)."""
    survey = _survey(request, pk)
    unit, group = request.GET.get("unit", ""), request.GET.get("group", "")
    page = services.invitations_for_print(
        actor=request.user, survey=survey, page=request.GET.get("page") or 1, unit=unit, group=group
    )
    cards = []
    for inv in page:
        token = services.invitation_token(inv)
        url = request.build_absolute_uri(reverse("surveys:answer", args=[token]))
        qr = segno.make(url, error="m").svg_inline(scale=3, title=_("QR code of the answer link"))
        cards.append({"inv": inv, "token": token, "url": url, "qr": mark_safe(qr)})
    return render(
        request,
        "surveys/invitations.html",
        {
            "survey": survey,
            "page": page,
            "cards": cards,
            "batches": selectors.invitation_batches(survey),
            "unit": unit,
            "group": group,
        },
    )


@staff_required
def paper_entry(request, pk):
    survey = _survey(request, pk)
    require_perm(request.user, ENTER, survey.agency)
    spec = FormSpec.load(survey.questionnaire)
    target = forms.PaperTargetForm(request.POST or None, survey=survey)
    errors, raw = {}, {}
    if request.method == "POST":
        raw = selectors.raw_from_post(spec, request.POST)
        if target.is_valid():
            d = target.cleaned_data
            response, errors = services.response_enter(
                actor=request.user,
                survey=survey,
                group=d["group"],
                subject=d["subject"],
                service=d["service"],
                raw=raw,
            )
            if response is not None:
                messages.success(request, _("Questionnaire saved (no. %(n)s).") % {"n": response.pk})
                return redirect("surveys:paper", pk=survey.pk)
    return render(
        request,
        "surveys/paper_entry.html",
        {
            "survey": survey,
            "target": target,
            "items": selectors.form_items(spec, raw, errors),
            "errors": errors,
        },
    )


@staff_required
def responses_import(request, pk):
    survey = _survey(request, pk)
    require_perm(request.user, ENTER, survey.agency)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = validate_upload(
                upload, allowed={"csv", "xlsx"}, max_bytes=settings.CCHC_IMPORT_MAX_BYTES
            )
            table_limits_check(upload, upload.name, size=upload.size)  # before any parsing
        except ValidationError as exc:
            form.add_error("file", exc)
        except ImportRejected as exc:
            form.add_error("file", [str(e) for e in exc.errors])
        else:
            path = default_storage.save(
                safe_upload_name("surveys/imports", checked.extension), ContentFile(upload.read())
            )
            job = job_enqueue(
                "surveys.import_responses",
                actor=request.user,
                params={"survey": survey.pk, "path": path, "file_name": upload.name},
            )
            return redirect("core:job", pk=job.pk)
    names = [q.name for q in FormSpec.load(survey.questionnaire).answerable if q.kind != Question.Kind.HIDDEN]
    return render(
        request, "surveys/responses_import.html", {"survey": survey, "form": form, "columns": names}
    )


@staff_required
def responses_export(request, pk):
    """Anonymous answers, one row per response (no token, no person), as XLSX."""
    survey = _survey(request, pk)
    spec = FormSpec.load(survey.questionnaire)
    names = [q.name for q in spec.answerable if q.kind != Question.Kind.HIDDEN]
    rows = (
        Response.objects.filter(survey=survey)
        .select_related("group", "subject")
        .order_by("id")
        .values_list("group__code", "subject__code", "service", "channel", "answers")
    )

    def cells():
        for group, subject, service, channel, answers in rows.iterator(chunk_size=2000):
            values = [answers.get(n) for n in names]
            yield [group, subject, service, channel] + [
                " ".join(v) if isinstance(v, list) else v for v in values
            ]

    # Column names as the import template has them (group, subject, …): a data file, read back.
    content = xlsx_bytes({"responses": (["group", "subject", "service", "channel"] + names, cells())})
    return file_response(content, f"survey-{survey.pk}-responses.xlsx", XLSX_MIME)


@staff_required
def scores(request, pk):
    survey = _survey(request, pk)
    run = ScoreRun.objects.filter(survey=survey).first()
    data = None
    if run is None or request.GET.get("fresh"):
        data = scoring.compute(
            survey, par.survey_item_maxima(survey.par_cycle_code) if survey.par_cycle_code else None
        )
        shown_params, shown_results, shown_digest, count = (
            data["parameters"],
            data["results"],
            data["digest"],
            data["response_count"],
        )
    else:
        shown_params, shown_results, shown_digest, count = (
            run.parameters,
            run.results,
            run.inputs_digest,
            run.response_count,
        )
    minimum = settings.CCHC_SURVEY_MIN_GROUP
    items = sorted(shown_params["items"])
    subjects = []
    for subject in sorted(shown_results.values(), key=lambda s: s["code"]):
        rows = []
        for code in items:
            entry = subject["items"].get(code)
            if entry is None:
                continue
            groups = [
                {
                    "code": g,
                    "n": v["n"],
                    "mean": v["mean"] * 100 if v["n"] >= minimum else None,
                    "weight": next(
                        (x["weight"] for x in shown_params["groups"].values() if x["code"] == g), ""
                    ),
                }
                for g, v in entry["groups"].items()
            ]
            rows.append(
                {
                    "code": code,
                    "max": shown_params["items"][code]["max_points"],
                    "groups": groups,
                    "weighted": entry["weighted"] * 100,
                    "points": entry.get("points"),
                }
            )
        subjects.append({"code": subject["code"], "name": subject["name"], "n": subject["n"], "rows": rows})
    return render(
        request,
        "surveys/scores.html",
        {
            "survey": survey,
            "run": run if data is None else None,
            "params": shown_params,
            "subjects": subjects,
            "digest": shown_digest,
            "count": count,
            "minimum": minimum,
            "items": items,
            "can_write": has_perm(request.user, MANAGE, survey.agency)
            and par.available()
            and survey.par_cycle_code,
            "runs": ScoreRun.objects.filter(survey=survey)[:10],
        },
    )


def _sipas_rows(survey, by_service: bool):
    table = scoring.suppress_small(scoring.satisfaction(survey, by_service=by_service))
    names = (
        dict(Agency.objects.filter(pk__in=table["subject_id"].tolist()).values_list("pk", "name"))
        if len(table)
        else {}
    )
    aspects = [a for a in scoring.ASPECTS if a in table.columns]
    rows = []
    for rec in table.to_dict("records"):
        rows.append(
            {
                "unit": names.get(rec["subject_id"], ""),
                "service": rec.get("service", ""),
                "n": rec["n"],
                "values": [rec[a] if rec[a] is None or rec[a] == rec[a] else None for a in aspects],
            }
        )
    return aspects, rows


@staff_required
def sipas(request, pk):
    survey = _survey(request, pk)
    by_service = request.GET.get("by") == "service"
    aspects, rows = _sipas_rows(survey, by_service)
    labels = dict(Question.Aspect.choices)
    if request.GET.get("format") == "xlsx":
        header = (
            [_("Unit")]
            + ([_("Service")] if by_service else [])
            + [_("Respondents")]
            + [str(labels[a]) for a in aspects]
        )
        body = [
            [r["unit"]]
            + ([r["service"]] if by_service else [])
            + [r["n"]]
            + [None if v is None else round(v, 2) for v in r["values"]]
            for r in rows
        ]
        title = title_lines(_("SIPAS satisfaction index: %(survey)s") % {"survey": survey.name})
        return file_response(
            xlsx_bytes({"SIPAS": (header, body)}, title=title), f"sipas-{survey.pk}.xlsx", XLSX_MIME
        )
    charts = []
    for r in rows[:12]:
        bars = [Bar(str(labels[a]), v) for a, v in zip(aspects, r["values"], strict=True) if v is not None]
        if bars:
            title = _("Share satisfied, %(unit)s") % {
                "unit": r["unit"] + (f" – {r['service']}" if r["service"] else "")
            }
            charts.append(bar_chart(bars, title=title, unit="%", max_value=100, heading=True))
    return render(
        request,
        "surveys/sipas.html",
        {
            "survey": survey,
            "aspects": [labels[a] for a in aspects],
            "rows": rows,
            "charts": charts,
            "by_service": by_service,
            "minimum": settings.CCHC_SURVEY_MIN_GROUP,
        },
    )


# --- Answering by token (no account) ----------------------------------------------------------


@never_cache
def answer_start(request):
    """Type the code printed on a paper invitation."""
    token = request.GET.get("code", "").strip().lower().replace(" ", "").replace("-", "")
    if token:
        return redirect("surveys:answer", token=token)
    return render(request, "surveys/answer_start.html")


@never_cache
def answer(request, token):
    inv = services.invitation_for_token(token)
    if inv is None:
        return render(request, "surveys/answer_closed.html", status=404)
    survey = inv.survey
    spec = FormSpec.load(survey.questionnaire)
    errors: dict = {}
    draft = Draft.objects.filter(invitation=inv).first()
    answers = draft.answers if draft else {}
    if request.method == "POST":
        raw = selectors.raw_from_post(spec, request.POST)
        try:
            if "submit" in request.POST:
                response, errors = services.response_submit(token=token, raw=raw)
                if response is not None:
                    return redirect("surveys:answer-done")
                answers, _errors = services.draft_save(token=token, raw=raw)
            else:
                answers, errors = services.draft_save(token=token, raw=raw)
                messages.success(
                    request,
                    _("Your answers are saved. You can close this page and come back with the same link."),
                )
                return redirect("surveys:answer", token=token)
        except InvalidTransition:
            return render(request, "surveys/answer_closed.html", status=404)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "inv": inv,
            "items": selectors.form_items(spec, answers, errors),
            "errors": errors,
            "has_conditions": any(q.relevant or q.choice_filter for q in spec.questions),
        },
    )


def answer_done(request):
    return render(request, "surveys/answer_done.html")


# --- CSV template for imports ------------------------------------------------------------------


@staff_required
def responses_template(request, pk):
    survey = _survey(request, pk)
    names = [q.name for q in FormSpec.load(survey.questionnaire).answerable if q.kind != Question.Kind.HIDDEN]
    return file_response(
        csv_bytes(["group", "subject", "service"] + names, []), f"survey-{survey.pk}-template.csv", CSV_MIME
    )
