"""Reads of the procedure catalogue (a published contract: see docs/procedures.md)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.org.models import Agency

from .models import Channel, DossierComponent, OnlineLevel, Procedure, ProcedureVersion, TimeUnit
from .text import search_terms


def _day(at) -> date:
    if isinstance(at, datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def procedure_get(code: str) -> Procedure:
    """The procedure with this code (abolished ones included). Raises Procedure.DoesNotExist."""
    return Procedure.objects.select_related("agency").get(code=code)


def procedure_version_in_force(
    procedure: Procedure, at: date | datetime, *, legal_basis: bool = True
) -> ProcedureVersion | None:
    """The version that applied on `at` (a date, or a datetime read in local time), with its
    components and (unless `legal_basis` is False, e.g. to file a dossier) its legal basis;
    None before the first version or after abolition."""
    related = ("components", "legal_basis") if legal_basis else ("components",)
    return (
        procedure.versions.filter(ProcedureVersion.in_force_on(_day(at))).prefetch_related(*related).first()
    )


def procedure_search(
    query: str = "",
    *,
    field: str = "",
    level: str = "",
    agency: Agency | str | None = None,
    online_level: str = "",
    status: str | None = Procedure.Status.ACTIVE,
    on: date | None = None,
) -> QuerySet[Procedure]:
    """Procedures whose code, name, field or agency contain every word of `query`, diacritics and
    case ignored ("thu tuc" finds "Thủ tục"). Filters: field, level, agency (instance or code,
    its subtree included), online_level (of the version in force on `on`, default today), status
    (None for all)."""
    qs = Procedure.objects.select_related("agency")
    for term in search_terms(query):
        qs = qs.filter(search_text__contains=term)
    if field:
        qs = qs.filter(field=field)
    if level:
        qs = qs.filter(level=level)
    if agency:
        root = agency if isinstance(agency, Agency) else Agency.objects.filter(code=agency).first()
        qs = qs.filter(agency__path__startswith=root.path) if root else qs.none()
    if status:
        qs = qs.filter(status=status)
    if online_level:
        in_force = ProcedureVersion.in_force_on(on or timezone.localdate())
        qs = qs.filter(
            pk__in=ProcedureVersion.objects.filter(in_force, online_level=online_level).values("procedure_id")
        )
    return qs.order_by("code")


def procedure_agencies():
    """Agencies that implement at least one procedure (for the catalogue filter)."""
    return Agency.objects.filter(pk__in=Procedure.objects.values("agency_id")).order_by("path")


def procedure_fields() -> list[str]:
    return list(Procedure.objects.order_by("field").values_list("field", flat=True).distinct())


def procedure_detail(code: str) -> Procedure:
    """A procedure with all its versions, their components and legal basis (for the detail page)."""
    versions = ProcedureVersion.objects.prefetch_related("components", "legal_basis").order_by(
        "-effective_from"
    )
    return (
        Procedure.objects.select_related("agency")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .get(code=code)
    )


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _show(field: str, value) -> str:
    if field == "channels":
        return ", ".join(str(Channel(c).label) for c in value)
    if field == "steps":
        return "\n".join(f"{i}. {s}" for i, s in enumerate(value, start=1))
    if field == "processing_time_unit":
        return str(TimeUnit(value).label)
    if field == "online_level":
        return str(OnlineLevel(value).label)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


def _component_line(c: DossierComponent) -> str:
    required = _("required") if c.required else _("optional")
    form = f"; {c.form_name}" if c.form_name else ""
    return f"{c.name} ({required}; {c.copies}{form})"


def version_diff(old: ProcedureVersion, new: ProcedureVersion) -> list[Change]:
    """What changed from `old` to `new`: one Change per differing field, component or legal basis."""
    changes = []
    for f in (
        "steps",
        "channels",
        "processing_time_value",
        "processing_time_unit",
        "fee",
        "charge",
        "fee_note",
        "applicants",
        "result",
        "conditions",
        "online_level",
        "online_partial_reason",
        "publication_decision",
        "published_on",
        "posted_at_desk_on",
    ):
        a, b = getattr(old, f), getattr(new, f)
        if a != b:
            changes.append(
                Change(str(ProcedureVersion._meta.get_field(f).verbose_name), _show(f, a), _show(f, b))
            )
    old_c = {c.code: c for c in old.components.all()}
    new_c = {c.code: c for c in new.components.all()}
    label = str(DossierComponent._meta.verbose_name)
    for code in sorted(old_c.keys() | new_c.keys()):
        a = _component_line(old_c[code]) if code in old_c else ""
        b = _component_line(new_c[code]) if code in new_c else ""
        if a != b:
            changes.append(Change(f"{label} {code}", a, b))
    old_l = {b.number: b for b in old.legal_basis.all()}
    new_l = {b.number: b for b in new.legal_basis.all()}
    for number in sorted(old_l.keys() ^ new_l.keys()):
        changes.append(
            Change(
                str(_("legal basis")),
                str(old_l.get(number, "") and number),
                str(new_l.get(number, "") and number),
            )
        )
    return changes


def online_offer_counts(agency_paths: list[str], day: date) -> tuple[int, int]:
    """(procedures whose version in force on `day` is offered online, fully or partly; all procedures
    in force then) of the agencies with these paths and their units — QĐ 766 indicator 3.1. One query."""
    from django.db.models import Count, Q

    if not agency_paths:
        return 0, 0
    where = Q()
    for path in agency_paths:
        where |= Q(procedure__agency__path__startswith=path)
    row = (
        ProcedureVersion.objects.filter(ProcedureVersion.in_force_on(day))
        .filter(where)
        .aggregate(
            total=Count("id"),
            online=Count("id", filter=Q(online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL])),
        )
    )
    return row["online"], row["total"]
