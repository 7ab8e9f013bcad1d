"""Reads of dossiers: the applicant's own (portal contract), officers' work queues, overdue lists."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from cchc.org.access import scope_q

from .access import VIEW
from .models import OPEN_STATUSES, Dossier, Status

LIST_RELATED = ("procedure", "agency", "handling_unit", "assignee")


# --- portal contract --------------------------------------------------------------------------
def dossiers_of_applicant(user) -> QuerySet[Dossier]:
    """The applicant's dossiers, drafts included, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(applicant_id=user.pk)
        .select_related("procedure", "agency")
        .order_by("-created_at", "-id")
    )


def dossier_for_applicant(user, code: str) -> Dossier | None:
    """The applicant's dossier with this code, or None (also when it belongs to someone else)."""
    if not getattr(user, "is_authenticated", False) or not code:
        return None
    return (
        Dossier.objects.select_related("procedure", "procedure_version", "agency")
        .filter(applicant_id=user.pk, code=code.strip())
        .first()
    )


def dossier_by_code(code: str) -> Dossier | None:
    return Dossier.objects.select_related("procedure", "agency").filter(code=(code or "").strip()).first()


# --- back office --------------------------------------------------------------------------------
def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Dossiers received at, or held by, a unit where the user may view dossier queues."""
    q = scope_q(user, VIEW, "agency") | scope_q(user, VIEW, "handling_unit")
    return Dossier.objects.filter(q).exclude(status=Status.DRAFT)


def dossier_ids_visible_to(user, ids) -> set[int]:
    """Which of these dossiers the user may open (one query): other pages link only to those."""
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(dossiers_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def work_queue(
    user,
    *,
    scope: str = "mine",
    status: int | None = None,
    procedure_id: int | None = None,
    overdue: bool = False,
    due_within: int | None = None,
    q: str = "",
) -> QuerySet[Dossier]:
    """Open dossiers for an officer ("mine": assigned to me) or their units ("unit"), ordered by due date.

    Indexed by (assignee|handling_unit|agency, status, due_at)."""
    if scope == "mine":
        qs = Dossier.objects.filter(assignee_id=user.pk)
    elif scope == "desk":
        qs = Dossier.objects.filter(scope_q(user, VIEW, "agency"))
    else:
        qs = Dossier.objects.filter(scope_q(user, VIEW, "handling_unit"))
    statuses = [status] if status else list(OPEN_STATUSES)
    qs = qs.filter(status__in=statuses)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    now = timezone.now()
    if overdue:
        qs = qs.filter(due_at__lt=now)
    if due_within is not None:
        qs = qs.filter(due_at__lt=now + timedelta(days=due_within))
    if q:
        qs = qs.filter(code__startswith=q.strip())
    return qs.select_related(*LIST_RELATED).order_by("due_at", "id")


def overdue_dossiers(user) -> QuerySet[Dossier]:
    """Open dossiers past their appointment, in the user's units."""
    return (
        dossiers_visible_to(user)
        .filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
        .select_related(*LIST_RELATED)
        .order_by("due_at")
    )


def overdue_by_unit_and_officer(user) -> list[dict]:
    """Counts of overdue open dossiers per holding unit and officer."""
    from django.db.models import Count

    return list(
        overdue_dossiers(user)
        .order_by()
        .values("handling_unit__name", "assignee__full_name", "assignee__username")
        .annotate(n=Count("id"))
        .order_by("-n")
    )


def apology_due(user, *, within_days: int = 2) -> QuerySet[Dossier]:
    """Open dossiers that will be late soon and have no apology yet: the warning list (Mẫu 04 must
    go out at least one day before the due date)."""
    now = timezone.now()
    return (
        dossiers_visible_to(user)
        .filter(
            status__in=OPEN_STATUSES,
            due_at__gte=now,
            due_at__lt=now + timedelta(days=within_days),
            apology__isnull=True,
        )
        .select_related(*LIST_RELATED)
        .order_by("due_at")
    )


def dossier_detail(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "agency", "handling_unit", "assignee", "rule_set", "applicant"
    ).get(pk=pk)
