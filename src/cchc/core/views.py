from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cchc.core.listing import paginate
from cchc.org.access import VIEW_AUDIT, agencies_with_perm, has_perm, require_perm

from .audit import EVENT_TYPES, event_label, linked_names, readable_changes
from .jobs import job_progress, jobs_health
from .models import AuditEvent, Job


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers and no background worker stopped beating; 503 otherwise, with
    what is wrong: the database, or the stale workers and the jobs they held. For monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        jobs = jobs_health()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    stale = bool(jobs["workers"]["stale"] or jobs["jobs"]["stale"])
    return JsonResponse(
        {"status": "degraded" if stale else "ok", "database": "ok", **jobs}, status=503 if stale else 200
    )


def home(request):
    if request.user.is_authenticated and request.user.kind == "staff":
        return redirect("core:dashboard")
    return redirect("portal:home")


def staff_required(view):
    """Signed in as a staff member; citizens and businesses use the portal."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.kind != "staff":
            raise PermissionDenied(_("This page is for staff."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def perm_required(perm):
    """Decorator factory: a staff page for holders of `perm` (the view still checks the unit). The
    permission is kept on the view so links typed by users can be checked before they are shown."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            require_perm(request.user, perm)
            return view(request, *args, **kwargs)

        wrapped = staff_required(checked)
        wrapped.required_perm = perm
        return wrapped

    return decorate


def applicant_required(refusal):
    """Decorator factory: signed in as a citizen or a business; a staff account is refused with the
    message `refusal` (each app says what staff cannot do there)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.kind == "staff":
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@staff_required
def dashboard(request):
    from cchc.core.navigation import nav_items
    from cchc.org.access import visible_nav_items

    cards = []
    for item in visible_nav_items(request.user, nav_items()):
        summary = item.summary(request.user) if item.summary else []
        cards.append({"item": item, "summary": summary})
    roles = request.user.role_assignments.select_related("agency")
    jobs = Job.objects.filter(created_by=request.user)[:5]
    return render(request, "core/dashboard.html", {"cards": cards, "roles": roles, "jobs": jobs})


@staff_required
def audit_log(request):
    if not has_perm(request.user, VIEW_AUDIT):
        raise PermissionDenied(_("You may not view the audit log."))
    events = AuditEvent.objects.order_by("-id")
    if not request.user.is_superuser:
        events = events.filter(agency_id__in=agencies_with_perm(request.user, VIEW_AUDIT).values("pk"))
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    actor = request.GET.get("actor", "").strip()
    if actor:
        events = events.filter(actor_label__icontains=actor)
    target = request.GET.get("target", "").strip()
    if target:
        events = events.filter(target_label__icontains=target)
    listing = paginate(
        request,
        events,
        sorts={"time": "id", "actor": ("actor_label", "id"), "action": ("action", "id")},
        default="-time",
        per_page=50,
    )
    page = listing.page
    page.object_list = list(page.object_list)
    # Labels for people, not the codes stored in the chain; linked records are named in one read.
    names = linked_names([(e.target_type, data) for e in page.object_list for data in (e.before, e.after)])
    for e in page.object_list:
        e.action_label = event_label(e.action)
        e.before_pairs = readable_changes(e.target_type, e.before, names)
        e.after_pairs = readable_changes(e.target_type, e.after, names)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "listing": listing,
            "event_types": sorted(EVENT_TYPES.values(), key=lambda e: e.code),
            "filters": {"action": action, "actor": actor, "target": target},
        },
    )


def _job_for(request, pk) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@login_required
def job_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "core/job_detail.html", {"job": job, "progress": job_progress(job)})


@login_required
def job_status(request, pk):
    job = _job_for(request, pk)
    p = job_progress(job)
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "done": p.done,
            "total": p.total,
            "message": p.message,
            "error": job.error if job.status == Job.Status.FAILED else "",
        }
    )


@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if not job.output_file:
        raise Http404
    return FileResponse(
        job.output_file.open("rb"), as_attachment=True, filename=job.output_file.name.rsplit("/", 1)[-1]
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_error(code: str, message, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def error_400(request, exception=None):
    if _is_api(request):
        return _api_error("bad_request", _("The request could not be understood."), 400)
    return render(
        request,
        "errors/error.html",
        {"code": 400, "title": _("Bad request"), "text": _("The request could not be understood.")},
        status=400,
    )


def error_403(request, exception=None):
    text = str(exception) if exception and str(exception) else _("You do not have access to this page.")
    if _is_api(request):
        return _api_error("permission_denied", text, 403)
    return render(
        request, "errors/error.html", {"code": 403, "title": _("Access denied"), "text": text}, status=403
    )


def error_404(request, exception=None):
    if _is_api(request):
        return _api_error("not_found", _("The page you asked for does not exist or was moved."), 404)
    return render(
        request,
        "errors/error.html",
        {
            "code": 404,
            "title": _("Page not found"),
            "text": _("The page you asked for does not exist or was moved."),
        },
        status=404,
    )


def error_500(request):
    if _is_api(request):  # the API's clients read JSON: the documented error format, no traceback
        from .api import server_error_body

        return JsonResponse(server_error_body(), status=500)
    # No template context processors that could fail again: a plain render of the static page.
    from django.template import loader

    html = loader.get_template("errors/500.html").render({})
    from django.http import HttpResponseServerError

    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    return render(
        request,
        "errors/error.html",
        {
            "code": 403,
            "title": _("Form expired"),
            "text": _("The form expired or was sent from elsewhere. Go back, reload the page and try again."),
        },
        status=403,
    )
