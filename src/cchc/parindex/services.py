"""Writes of the PAR index. Each checks permission, runs in one transaction and is audited."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.core.exceptions import InvalidTransition
from cchc.core.files import safe_upload_name, validate_upload
from cchc.org.access import require_perm
from cchc.org.models import Agency, AgencyType

from . import engine, methodology, rules
from .access import MANAGE, SELF_ASSESS, can_manage, is_assigned
from .models import (
    VALUE_PLACES,
    Adjustment,
    AppraiserAssignment,
    Cycle,
    Entry,
    EntryHistory,
    Evidence,
    Exemption,
    Item,
    Methodology,
    Reopening,
    Stage,
    Subject,
)

METHODOLOGY_IMPORTED = event_type("parindex.methodology.import", gettext_lazy("PAR methodology imported"))
CYCLE_CREATED = event_type("parindex.cycle.create", gettext_lazy("PAR cycle created"))
CYCLE_TIMELINE = event_type("parindex.cycle.timeline", gettext_lazy("PAR cycle timeline changed"))
SUBJECT_ADDED = event_type("parindex.subject.add", gettext_lazy("PAR subject added"))
SUBJECT_REMOVED = event_type("parindex.subject.remove", gettext_lazy("PAR subject removed"))
SUBJECT_CHANGED = event_type("parindex.subject.change", gettext_lazy("PAR subject block or ranking changed"))
APPRAISER_ASSIGNED = event_type("parindex.appraiser.assign", gettext_lazy("PAR appraiser assigned"))
ENTRY_RECORDED = event_type("parindex.entry.record", gettext_lazy("PAR score recorded"))
EVIDENCE_ADDED = event_type("parindex.evidence.add", gettext_lazy("PAR evidence added"))
STAGE_SUBMITTED = event_type(
    "parindex.stage.submit", gettext_lazy("PAR self-assessment or explanation submitted")
)
EXEMPTION_SET = event_type("parindex.exemption.set", gettext_lazy("PAR item exempted"))
ADJUSTMENT_ADDED = event_type("parindex.adjustment.add", gettext_lazy("PAR bonus or penalty added"))
STAGE_REOPENED = event_type("parindex.stage.reopen", gettext_lazy("PAR stage reopened after its deadline"))
CYCLE_COMPUTED = event_type("parindex.cycle.compute", gettext_lazy("PAR results computed"))
CYCLE_PUBLISHED = event_type("parindex.cycle.publish", gettext_lazy("PAR results published"))
SCORES_IMPORTED = event_type("parindex.scores.import", gettext_lazy("PAR scores imported"))

DEADLINE_FIELD = {
    Stage.SELF: "self_deadline",
    Stage.APPRAISAL1: "appraisal1_deadline",
    Stage.EXPLANATION: "explanation_deadline",
    Stage.APPRAISAL2: "appraisal2_deadline",
    Stage.SURVEY: "survey_deadline",
}
SUBJECT_TYPES = {
    Methodology.Level.MINISTRY: {AgencyType.MINISTRY},
    Methodology.Level.PROVINCE: {AgencyType.PROVINCE},
}


# ---- methodology and cycle set-up -----------------------------------------------------------------------------


@transaction.atomic
def methodology_import(
    *, actor, filename: str, data: bytes, allow_unavailable_metrics: bool = False
) -> Methodology:
    """Import a methodology from YAML or Excel; ImportRejected lists every problem and nothing is written."""
    require_perm(actor, MANAGE)
    clean = methodology.validate(
        methodology.read_any(filename, data), allow_unavailable_metrics=allow_unavailable_metrics
    )
    m = methodology.create(clean)
    audit_record(
        METHODOLOGY_IMPORTED,
        actor=actor,
        target=m,
        after={**snapshot(m), "items": len(clean["items"]), "file": filename},
    )
    return m


def _groups(groups) -> list[dict]:
    clean = []
    for g in groups or []:
        label = str(g.get("label") or "").strip()
        try:
            limit = rules.dec(g.get("min"), "groups")
        except ValidationError:
            raise ValidationError({"groups": _("Each group needs a label and a lower limit in %.")}) from None
        if not label:
            raise ValidationError({"groups": _("Each group needs a label and a lower limit in %.")})
        clean.append({"label": label, "min": str(limit)})
    clean.sort(key=lambda g: Decimal(g["min"]), reverse=True)
    return clean


@transaction.atomic
def cycle_create(
    *,
    actor,
    code: str,
    name: str,
    year: int,
    methodology: Methodology,
    owner: Agency,
    groups=None,
    previous: Cycle | None = None,
    is_synthetic: bool = False,
    **deadlines,
) -> Cycle:
    require_perm(actor, MANAGE, owner)
    if Cycle.objects.filter(code=code).exists():
        raise ValidationError({"code": _("The cycle code %(c)s is already used.") % {"c": code}})
    # The rule version must be the one in force for the index year (assessed as of 31/12).
    from datetime import date

    year_end = date(year, 12, 31)
    if methodology.effective_from > year_end or (
        methodology.effective_to and methodology.effective_to < date(year, 1, 1)
    ):
        raise ValidationError(
            {
                "methodology": _("%(m)s is not in force for the index year %(y)s.")
                % {"m": methodology.code, "y": year}
            }
        )
    cycle = Cycle(
        code=code,
        name=name,
        year=year,
        methodology=methodology,
        owner=owner,
        previous=previous,
        groups=_groups(groups),
        is_synthetic=is_synthetic,
        **_deadlines(deadlines),
    )
    cycle.full_clean()
    cycle.save()
    audit_record(CYCLE_CREATED, actor=actor, target=cycle, agency_id=owner.pk, after=snapshot(cycle))
    return cycle


def _deadlines(values: dict) -> dict:
    unknown = set(values) - set(DEADLINE_FIELD.values())
    if unknown:
        raise TypeError(f"unknown deadline fields {sorted(unknown)}")
    return values


@transaction.atomic
def cycle_set_timeline(*, actor, cycle: Cycle, groups=None, **deadlines) -> Cycle:
    require_perm(actor, MANAGE, cycle.owner)
    before = snapshot(cycle)
    for f, v in _deadlines(deadlines).items():
        setattr(cycle, f, v)
    if groups is not None:
        cycle.groups = _groups(groups)
    cycle.save()
    audit_record(
        CYCLE_TIMELINE,
        actor=actor,
        target=cycle,
        agency_id=cycle.owner_id,
        before=before,
        after=snapshot(cycle),
    )
    return cycle


@transaction.atomic
def subject_add(*, actor, cycle: Cycle, agency: Agency, block: str = "", ranked: bool = True) -> Subject:
    """Ministries (type “ministry”), provinces (type “province”) or units below the cycle's owner."""
    require_perm(actor, MANAGE, cycle.owner)
    level = cycle.methodology.level
    if level in SUBJECT_TYPES and agency.type not in SUBJECT_TYPES[level]:
        raise ValidationError(
            {"agency": _("%(a)s is not a %(t)s.") % {"a": agency, "t": cycle.methodology.get_level_display()}}
        )
    if level == Methodology.Level.UNIT and (
        agency.pk == cycle.owner_id or not agency.path.startswith(cycle.owner.path)
    ):
        raise ValidationError(
            {"agency": _("%(a)s is not a unit of %(o)s.") % {"a": agency, "o": cycle.owner}}
        )
    _require_changeable(cycle)
    _check_block(cycle, block)
    if cycle.subjects.filter(agency=agency).exists():
        raise ValidationError({"agency": _("%(a)s is already a subject of this cycle.") % {"a": agency}})
    subject = Subject.objects.create(cycle=cycle, agency=agency, block=block, ranked=ranked)
    audit_record(SUBJECT_ADDED, actor=actor, target=subject, agency_id=agency.pk, after=snapshot(subject))
    return subject


def _check_block(cycle: Cycle, block: str) -> None:
    blocks = set(cycle.methodology.blocks.values_list("code", flat=True))
    if blocks and block not in blocks:
        raise ValidationError(
            {"block": _("Choose one of the blocks %(b)s.") % {"b": ", ".join(sorted(blocks))}}
        )
    if not blocks and block:
        raise ValidationError({"block": _("This methodology has no blocks.")})


def _require_changeable(cycle: Cycle) -> None:
    if cycle.is_published:
        raise InvalidTransition(_("The cycle is published; its subjects cannot change."))


@transaction.atomic
def subject_remove(*, actor, subject: Subject) -> None:
    """Take a subject out of a cycle, only while nothing was recorded for it (scores are never lost)."""
    cycle = subject.cycle
    require_perm(actor, MANAGE, cycle.owner)
    _require_changeable(cycle)
    if (
        subject.entries.exists()
        or subject.evidence.exists()
        or subject.adjustments.exists()
        or subject.exemptions.exists()
    ):
        raise ValidationError(
            {
                "agency": _("%(a)s already has scores or evidence in this cycle; it cannot be removed.")
                % {"a": subject.agency}
            }
        )
    before = snapshot(subject)
    audit_record(
        SUBJECT_REMOVED,
        actor=actor,
        target=subject,
        target_label=f"{cycle.code} · {subject.agency}",
        agency_id=subject.agency_id,
        before=before,
    )
    subject.delete()


@transaction.atomic
def subject_update(
    *, actor, subject: Subject, block: str | None = None, ranked: bool | None = None
) -> Subject:
    """Set a subject's block (khối) and whether it is in the common ranking (e.g. Thanh tra Chính
    phủ and Ủy ban Dân tộc are scored but “không xếp hạng chung” under 1149/QĐ-BNV)."""
    cycle = subject.cycle
    require_perm(actor, MANAGE, cycle.owner)
    _require_changeable(cycle)
    before = snapshot(subject)
    if block is not None and block != subject.block:
        _check_block(cycle, block)
        # an area the new block does not have must not hold scores (they would vanish from the total)
        outside = {
            a.code
            for a in cycle.methodology.items.filter(parent__isnull=True).exclude(blocks=[])
            if block not in a.blocks
        }
        scored = {c.split(".")[0] for c in subject.entries.values_list("item__code", flat=True)}
        if outside & scored:
            raise ValidationError(
                {
                    "block": _("%(a)s has scores in areas %(c)s, which block %(b)s does not have.")
                    % {"a": subject.agency, "c": ", ".join(sorted(outside & scored)), "b": block}
                }
            )
        subject.block = block
    if ranked is not None:
        subject.ranked = ranked
    subject.save(update_fields=["block", "ranked"])
    after = snapshot(subject)
    if after != before:
        audit_record(
            SUBJECT_CHANGED,
            actor=actor,
            target=subject,
            agency_id=subject.agency_id,
            before=before,
            after=after,
        )
    return subject


# Default block of a unit by its type, for ministry-internal indices in blocks TC / CUC / VU.
BLOCK_BY_TYPE = {AgencyType.GENERAL_DEPARTMENT: "TC", AgencyType.DEPARTMENT: "CUC"}


@transaction.atomic
def subjects_add_all(*, actor, cycle: Cycle, on=None) -> list[Subject]:
    """Add every eligible unit active on `on` (default: 31/12 of the index year): all ministries,
    all provinces, or the units directly below the owner (blocks by unit type, the rest in VU)."""
    require_perm(actor, MANAGE, cycle.owner)
    from datetime import date

    on = on or date(cycle.year, 12, 31)
    level = cycle.methodology.level
    if level in SUBJECT_TYPES:
        agencies = Agency.objects.filter(type__in=SUBJECT_TYPES[level])
    else:
        agencies = Agency.objects.filter(parent=cycle.owner).exclude(type=AgencyType.DIVISION)
    existing = set(cycle.subjects.values_list("agency_id", flat=True))
    blocks = set(cycle.methodology.blocks.values_list("code", flat=True))
    added = []
    for agency in agencies.filter(Agency.valid_on(on)).exclude(pk__in=existing).order_by("code"):
        block = BLOCK_BY_TYPE.get(agency.type, "VU") if blocks else ""
        added.append(
            subject_add(
                actor=actor, cycle=cycle, agency=agency, block=block if block in blocks or not blocks else ""
            )
        )
    return added


@transaction.atomic
def appraiser_assign(
    *, actor, cycle: Cycle, user, subject: Subject | None = None, area_code: str = ""
) -> AppraiserAssignment:
    require_perm(actor, MANAGE, cycle.owner)
    if subject is not None and subject.cycle_id != cycle.pk:
        raise ValidationError({"subject": _("That subject belongs to another cycle.")})
    if area_code and not cycle.methodology.items.filter(code=area_code, parent__isnull=True).exists():
        raise ValidationError({"area_code": _("%(c)s is not an area of the methodology.") % {"c": area_code}})
    a = AppraiserAssignment.objects.create(cycle=cycle, user=user, subject=subject, area_code=area_code)
    audit_record(
        APPRAISER_ASSIGNED,
        actor=actor,
        target=cycle,
        agency_id=cycle.owner_id,
        after={"user": user.get_username(), "subject": subject.pk if subject else None, "area": area_code},
    )
    return a


# ---- deadlines and locks --------------------------------------------------------------------------------------


def stage_is_open(cycle: Cycle, subject: Subject | None, stage: str, now: datetime | None = None) -> bool:
    """A stage accepts changes until its deadline, or while a reopening for it runs."""
    if cycle.is_published:
        return False
    now = now or timezone.now()
    deadline = getattr(cycle, DEADLINE_FIELD[stage])
    if deadline is None or now <= deadline:
        return True
    reopened = cycle.reopenings.filter(stage=stage, until__gte=now)
    return reopened.filter(subject__isnull=True).exists() or (
        subject is not None and reopened.filter(subject=subject).exists()
    )


def _require_open(subject: Subject, stage: str) -> None:
    cycle = subject.cycle
    if cycle.is_published:
        raise InvalidTransition(
            _("The results of %(c)s are published; scores can no longer change.") % {"c": cycle}
        )
    if not stage_is_open(cycle, subject, stage):
        raise InvalidTransition(
            _("The deadline for %(s)s passed on %(d)s; ask the cycle's managers to reopen it.")
            % {
                "s": Stage(stage).label,
                "d": timezone.localtime(getattr(cycle, DEADLINE_FIELD[stage])).strftime("%d/%m/%Y %H:%M"),
            }
        )
    if stage == Stage.SELF and subject.self_submitted_at:
        raise InvalidTransition(
            _("The self-assessment of %(s)s was submitted; it is locked.") % {"s": subject}
        )
    if stage == Stage.EXPLANATION and subject.explanation_submitted_at:
        raise InvalidTransition(_("The explanation of %(s)s was submitted; it is locked.") % {"s": subject})
    if stage in (Stage.APPRAISAL1, Stage.EXPLANATION) and not subject.self_submitted_at:
        raise InvalidTransition(_("%(s)s has not submitted its self-assessment yet.") % {"s": subject})


def _require_stage_actor(actor, subject: Subject, stage: str, item: Item | None) -> None:
    if stage in (Stage.SELF, Stage.EXPLANATION):
        require_perm(actor, SELF_ASSESS, subject.agency)
    elif stage in (Stage.APPRAISAL1, Stage.APPRAISAL2):
        if not (
            can_manage(actor, subject.cycle) or is_assigned(actor, subject, item.area_code if item else None)
        ):
            raise PermissionDenied(_("You are not assigned to appraise %(s)s.") % {"s": subject})
    else:
        require_perm(actor, MANAGE, subject.cycle.owner)


@transaction.atomic
def stage_reopen(
    *, actor, cycle: Cycle, stage: str, until: datetime, reason: str, subject: Subject | None = None
) -> Reopening:
    """Reopen a stage after its deadline (for one subject or all); a submitted stage is unlocked too."""
    require_perm(actor, MANAGE, cycle.owner)
    if cycle.is_published:
        raise InvalidTransition(_("Published results cannot be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stage is reopened.")})
    if until <= timezone.now():
        raise ValidationError({"until": _("The reopening must end in the future.")})
    r = Reopening.objects.create(
        cycle=cycle, subject=subject, stage=stage, until=until, reason=reason, created_by=actor
    )
    field = {Stage.SELF: "self_submitted_at", Stage.EXPLANATION: "explanation_submitted_at"}.get(stage)
    if field:
        subjects = cycle.subjects.filter(pk=subject.pk) if subject else cycle.subjects.all()
        subjects.update(**{field: None})
    audit_record(
        STAGE_REOPENED,
        actor=actor,
        target=cycle,
        agency_id=subject.agency_id if subject else cycle.owner_id,
        after={"stage": stage, "until": until, "reason": reason, "subject": subject.pk if subject else None},
    )
    return r


# ---- scores ---------------------------------------------------------------------------------------------------


def _leaf(subject: Subject, item_code: str) -> Item:
    """The scoreable item with this code for this subject (one query: the item and its area)."""
    area_code = str(item_code).split(".")[0]
    found = {
        i.code: i
        for i in subject.cycle.methodology.items.filter(code__in={item_code, area_code}).annotate(
            has_children=Exists(Item.objects.filter(parent=OuterRef("pk")))
        )
    }
    item = found.get(item_code)
    if item is None:
        raise ValidationError({"item_code": _("%(c)s is not an item of the methodology.") % {"c": item_code}})
    if item.has_children:
        raise ValidationError({"item_code": _("%(c)s has sub-items; score those.") % {"c": item_code}})
    area = found[area_code]
    if area.blocks and subject.block not in area.blocks:
        raise ValidationError(
            {"item_code": _("%(c)s does not apply to the block of %(s)s.") % {"c": item_code, "s": subject}}
        )
    return item


def _write_entry(*, actor, subject, item, stage, points, value, comment, source) -> Entry:
    entry = Entry.objects.filter(subject=subject, item=item, stage=stage).first()
    before = snapshot(entry, ["value", "points", "comment", "source"]) if entry else None
    if entry is None:
        entry = Entry(subject=subject, item=item, stage=stage)
    entry.points, entry.value, entry.comment, entry.source = points, value, comment, source
    entry.updated_by = actor if getattr(actor, "pk", None) else None
    entry.save()
    EntryHistory.objects.create(
        subject=subject,
        item=item,
        stage=stage,
        points=points,
        value=value,
        comment=comment,
        source=source,
        actor=entry.updated_by,
    )
    audit_record(
        ENTRY_RECORDED,
        actor=actor,
        target=entry,
        target_label=f"{subject} · {item.code} · {stage}",
        agency_id=subject.agency_id,
        before=before,
        after=snapshot(entry, ["value", "points", "comment", "source"]) | {"stage": stage, "item": item.code},
    )
    return entry


@transaction.atomic
def entry_record(
    *, actor, subject: Subject, item_code: str, stage: str, points=None, value=None, comment: str = ""
) -> Entry:
    """Self-assessment, appraisal (rounds 1 and 2) or explanation of one item.

    Give `points` for items scored by entered points, `value` (a percentage, or 1/0) for items
    scored by bands or yes/no; formula items are scored from the live metrics. An explanation
    carries a comment and, optionally, the points the subject asks for.
    """
    subject = Subject.objects.select_related("cycle__methodology", "cycle__owner", "agency").get(
        pk=subject.pk
    )
    if stage not in (Stage.SELF, Stage.APPRAISAL1, Stage.EXPLANATION, Stage.APPRAISAL2):
        raise ValidationError({"stage": _("Unknown stage %(s)s.") % {"s": stage}})
    item = _leaf(subject, item_code)
    _require_stage_actor(actor, subject, stage, item)
    _require_open(subject, stage)
    if item.assessment == Item.Assessment.SURVEY:
        raise ValidationError(
            {
                "item_code": _("%(c)s is assessed by the sociological survey, not scored here.")
                % {"c": item.code}
            }
        )
    if subject.exemptions.filter(item__code__in=_ancestor_codes(item.code)).exists():
        raise ValidationError(
            {"item_code": _("%(s)s is exempt from %(c)s.") % {"s": subject, "c": item.code}}
        )
    if stage == Stage.EXPLANATION and not comment.strip():
        raise ValidationError({"comment": _("An explanation needs its text.")})
    entry_value = None
    if value not in (None, "") and item.rule in (Item.Rule.BANDS, Item.Rule.YES_NO):
        entry_value = rules.dec(value, "value", places=VALUE_PLACES)
        points = rules.derived_points(rules.points_from_value(item, entry_value))
    elif item.rule == Item.Rule.FORMULA and points in (None, "") and stage != Stage.EXPLANATION:
        from .selectors import cycle_period

        points = rules.suggested_points(item, subject.agency, cycle_period(subject.cycle))
        if points is None:
            raise ValidationError(
                {"points": _("The metrics of %(c)s are unavailable; enter the points.") % {"c": item.code}}
            )
        points = rules.derived_points(points)
    if points in (None, ""):
        if stage != Stage.EXPLANATION:
            raise ValidationError({"points": _("Enter the points (or the value the rule scores).")})
        points = None
    else:
        points = rules.dec(points)
        if not (0 <= points <= item.max_points):
            raise ValidationError(
                {
                    "points": _("Points for %(c)s must lie between 0 and %(m)s.")
                    % {"c": item.code, "m": item.max_points.normalize()}
                }
            )
    return _write_entry(
        actor=actor,
        subject=subject,
        item=item,
        stage=stage,
        points=points,
        value=entry_value,
        comment=comment,
        source="",
    )


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


@transaction.atomic
def survey_points_record(
    *,
    actor,
    cycle: Cycle,
    subject: Agency,
    item_code: str,
    points: Decimal,
    source: str = "survey",
    note: str = "",
) -> Entry:
    """Survey points of one subject (an org.Agency) for one survey-assessed item.

    Idempotent per (cycle, subject, item): a second call replaces the value; every value is kept in
    the history and audited. Refused after the survey deadline unless reopened, and once published.
    """
    require_perm(actor, MANAGE, cycle.owner)
    s = (
        cycle.subjects.select_related("cycle__methodology", "cycle__owner", "agency")
        .filter(agency=subject)
        .first()
    )
    if s is None:
        raise ValidationError({"subject": _("%(a)s is not a subject of %(c)s.") % {"a": subject, "c": cycle}})
    item = _leaf(s, item_code)
    if item.assessment != Item.Assessment.SURVEY:
        raise ValidationError(
            {"item_code": _("%(c)s is not assessed by the sociological survey.") % {"c": item_code}}
        )
    points = rules.dec(points)
    if not (0 <= points <= item.max_points):
        raise ValidationError(
            {
                "points": _("Points for %(c)s must lie between 0 and %(m)s.")
                % {"c": item.code, "m": item.max_points.normalize()}
            }
        )
    _require_open(s, Stage.SURVEY)
    return _write_entry(
        actor=actor,
        subject=s,
        item=item,
        stage=Stage.SURVEY,
        points=points,
        value=None,
        comment=note,
        source=(source or "survey")[:20],
    )


@transaction.atomic
def evidence_add(
    *,
    actor,
    subject: Subject,
    item_code: str,
    title: str,
    upload=None,
    link: str = "",
    stage: str = Stage.SELF,
) -> Evidence:
    """Tài liệu kiểm chứng: a file (type and size checked) or a link to a record on this platform."""
    subject = Subject.objects.select_related("cycle__methodology", "cycle__owner", "agency").get(
        pk=subject.pk
    )
    if stage not in (Stage.SELF, Stage.EXPLANATION):
        raise ValidationError({"stage": _("Evidence belongs to the self-assessment or the explanation.")})
    require_perm(actor, SELF_ASSESS, subject.agency)
    _require_open(subject, stage)
    item = _leaf(subject, item_code)
    if not title.strip():
        raise ValidationError({"title": _("Give the evidence a title (document number, date, subject).")})
    if (upload is None) == (not link):
        raise ValidationError({"file": _("Attach a file or give a link, not both.")})
    ev = Evidence(subject=subject, item=item, stage=stage, title=title.strip(), added_by=actor)
    if upload is not None:
        checked = validate_upload(upload)
        ev.file.save(safe_upload_name("parindex/evidence", checked.extension), upload, save=False)
    else:
        link = link.strip()
        # Links point at records on this platform (a path), never at outside sites.
        if not link.startswith("/") or link.startswith("//"):
            raise ValidationError({"link": _("Give the path of a record on this platform, starting with /.")})
        ev.link = link
    ev.save()
    audit_record(
        EVIDENCE_ADDED,
        actor=actor,
        target=ev,
        target_label=f"{subject} · {item.code} · {ev.title}",
        agency_id=subject.agency_id,
        after={"title": ev.title, "file": ev.file.name or "", "link": ev.link, "stage": stage},
    )
    return ev


@transaction.atomic
def self_submit(*, actor, subject: Subject) -> Subject:
    """Chốt: lock the self-assessment. Every applicable self-scored item needs points, and evidence where required."""
    subject = (
        Subject.objects.select_related("cycle__methodology", "cycle__owner", "agency")
        .select_for_update()
        .get(pk=subject.pk)
    )
    require_perm(actor, SELF_ASSESS, subject.agency)
    _require_open(subject, Stage.SELF)
    from .selectors import applicable_leaves

    leaves = [i for i in applicable_leaves(subject) if i.assessment != Item.Assessment.SURVEY]
    scored = set(subject.entries.filter(stage=Stage.SELF).values_list("item_id", flat=True))
    evidenced = set(subject.evidence.filter(stage=Stage.SELF).values_list("item_id", flat=True))
    missing = [i.code for i in leaves if i.pk not in scored]
    no_evidence = [i.code for i in leaves if i.evidence_required and i.pk not in evidenced]
    if missing or no_evidence:
        parts = []
        if missing:
            parts.append(_("not scored: %(c)s") % {"c": ", ".join(missing[:20])})
        if no_evidence:
            parts.append(_("evidence missing: %(c)s") % {"c": ", ".join(no_evidence[:20])})
        raise ValidationError(
            _("The self-assessment cannot be submitted yet — %(p)s.") % {"p": "; ".join(parts)}
        )
    subject.self_submitted_at = timezone.now()
    subject.save(update_fields=["self_submitted_at"])
    audit_record(
        STAGE_SUBMITTED,
        actor=actor,
        target=subject,
        agency_id=subject.agency_id,
        after={"stage": Stage.SELF, "submitted_at": subject.self_submitted_at},
    )
    return subject


@transaction.atomic
def explanation_submit(*, actor, subject: Subject) -> Subject:
    subject = Subject.objects.select_related("cycle__owner", "agency").select_for_update().get(pk=subject.pk)
    require_perm(actor, SELF_ASSESS, subject.agency)
    _require_open(subject, Stage.EXPLANATION)
    subject.explanation_submitted_at = timezone.now()
    subject.save(update_fields=["explanation_submitted_at"])
    audit_record(
        STAGE_SUBMITTED,
        actor=actor,
        target=subject,
        agency_id=subject.agency_id,
        after={"stage": Stage.EXPLANATION, "submitted_at": subject.explanation_submitted_at},
    )
    return subject


@transaction.atomic
def exemption_set(*, actor, subject: Subject, item_code: str, reason: str) -> Exemption:
    """An exempt item (and everything under it) leaves the subject's denominator."""
    require_perm(actor, MANAGE, subject.cycle.owner)
    if subject.cycle.is_published:
        raise InvalidTransition(_("Published results cannot change."))
    item = subject.cycle.methodology.items.filter(code=item_code).first()
    if item is None:
        raise ValidationError({"item_code": _("%(c)s is not an item of the methodology.") % {"c": item_code}})
    if not item.exemptible:
        raise ValidationError(
            {"item_code": _("The methodology does not allow exemption from %(c)s.") % {"c": item_code}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the item does not apply.")})
    ex, _created = Exemption.objects.update_or_create(subject=subject, item=item, defaults={"reason": reason})
    audit_record(
        EXEMPTION_SET,
        actor=actor,
        target=subject,
        agency_id=subject.agency_id,
        after={"item": item.code, "reason": reason},
    )
    return ex


@transaction.atomic
def adjustment_add(*, actor, subject: Subject, kind: str, points, reason: str) -> Adjustment:
    """Điểm thưởng / điểm trừ; the methodology's caps are applied when results are computed."""
    require_perm(actor, MANAGE, subject.cycle.owner)
    if subject.cycle.is_published:
        raise InvalidTransition(_("Published results cannot change."))
    if kind not in Adjustment.Kind.values:
        raise ValidationError({"kind": _("Choose bonus or penalty.")})
    points = rules.dec(points)
    if points <= 0:
        raise ValidationError({"points": _("Give a positive number of points.")})
    m = subject.cycle.methodology
    if (m.bonus_cap if kind == Adjustment.Kind.BONUS else m.penalty_cap) == 0:
        raise ValidationError(
            {
                "kind": _("The methodology %(m)s has no %(k)s.")
                % {"m": m.code, "k": Adjustment.Kind(kind).label.lower()}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    adj = Adjustment.objects.create(subject=subject, kind=kind, points=points, reason=reason, added_by=actor)
    audit_record(
        ADJUSTMENT_ADDED,
        actor=actor,
        target=subject,
        agency_id=subject.agency_id,
        after=snapshot(adj, ["kind", "points", "reason"]),
    )
    return adj


# ---- results --------------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_compute(*, actor, cycle: Cycle) -> int:
    require_perm(actor, MANAGE, cycle.owner)
    if cycle.is_published:
        raise InvalidTransition(_("Published results are final."))
    n = engine.compute_and_store(cycle)
    audit_record(CYCLE_COMPUTED, actor=actor, target=cycle, agency_id=cycle.owner_id, after={"subjects": n})
    return n


@transaction.atomic
def cycle_publish(*, actor, cycle: Cycle) -> Cycle:
    """Compute one last time and publish: results become public and every stage closes."""
    require_perm(actor, MANAGE, cycle.owner)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_published:
        raise InvalidTransition(_("Already published."))
    engine.compute_and_store(cycle)
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        CYCLE_PUBLISHED,
        actor=actor,
        target=cycle,
        agency_id=cycle.owner_id,
        after={"published_at": cycle.published_at},
    )
    return cycle
