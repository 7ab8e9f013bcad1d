"""Writes to the household registry. Each service checks permission, runs in one transaction and
writes one audit event. Views, the API, the CLI, the demo and tests all call these."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.audit import audit_record, snapshot
from cchc.core.exceptions import InvalidTransition
from cchc.org.access import require_perm
from cchc.org.models import AgencyType

from . import access
from .engine import classify_household, classify_queryset, deprived_codes, setting_of
from .models import Category, Classification, Household, InYearApplication, Member, Movement, ReviewRound
from .standards import spec_of, standard_on

HOUSEHOLD_EDITABLE = [
    "village",
    "head_name",
    "address",
    "income_per_person",
    "floor_area",
    "wall_durable",
    "column_durable",
    "roof_durable",
    "water_source",
    "latrine",
    "uses_telecom",
    "uses_internet",
    "uses_digital_services",
    "has_information_device",
    "hears_loudspeaker",
    "treats_waste",
    "livelihood",
]
MEMBER_EDITABLE = [
    "full_name",
    "birth_date",
    "sex",
    "identity_number",
    "relation",
    "has_disability",
    "health_insurance",
    "in_school",
    "behind_grade",
    "education",
    "work",
    "ill_untreated",
    "malnourished",
    "social_protection",
]


def _check_commune(commune) -> None:
    if commune.type != AgencyType.COMMUNE:
        raise ValidationError({"commune": _("%(unit)s is not a commune.") % {"unit": commune}})
    if commune.area_id is None:
        raise ValidationError(
            {"commune": _("%(unit)s has no administrative area (urban/rural unknown).") % {"unit": commune}}
        )


@transaction.atomic
def household_create(*, actor, commune, code: str, is_synthetic: bool = False, **fields) -> Household:
    require_perm(actor, access.EDIT, commune)
    _check_commune(commune)
    unknown = set(fields) - set(HOUSEHOLD_EDITABLE)
    if unknown:
        raise TypeError(f"unknown household fields {sorted(unknown)}")
    if Household.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Household code %(code)s is already used.") % {"code": code}})
    household = Household(commune=commune, code=code, is_synthetic=is_synthetic, **fields)
    household.full_clean()
    household.save()
    audit_record(
        access.HOUSEHOLD_CREATED,
        actor=actor,
        target=household,
        agency_id=commune.pk,
        after=snapshot(household),
    )
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **fields) -> Household:
    require_perm(actor, access.EDIT, household.commune)
    unknown = set(fields) - set(HOUSEHOLD_EDITABLE)
    if unknown:
        raise TypeError(f"unknown household fields {sorted(unknown)}")
    before = snapshot(household, list(fields))
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    household.save()
    audit_record(
        access.HOUSEHOLD_UPDATED,
        actor=actor,
        target=household,
        agency_id=household.commune_id,
        before=before,
        after=snapshot(household, list(fields)),
    )
    return household


def household_viewed(*, actor, household: Household) -> None:
    """Record that a person opened a household's record (personal data), after checking they may."""
    require_perm(actor, access.VIEW, household.commune)
    audit_record(access.HOUSEHOLD_VIEWED, actor=actor, target=household, agency_id=household.commune_id)


def _validate_member(member: Member) -> None:
    errors = {}
    if member.birth_date and member.birth_date > timezone.localdate():
        errors["birth_date"] = _("The date of birth is in the future.")
    if member.identity_number and not (
        member.identity_number.isdigit() and len(member.identity_number) == 12
    ):
        errors["identity_number"] = _("A citizen identity number has 12 digits.")
    if errors:
        raise ValidationError(errors)
    member.full_clean()


@transaction.atomic
def member_add(*, actor, household: Household, **fields) -> Member:
    require_perm(actor, access.EDIT, household.commune)
    member = Member(household=household, **fields)
    _validate_member(member)
    member.save()
    audit_record(
        access.MEMBER_ADDED,
        actor=actor,
        target=member,
        agency_id=household.commune_id,
        target_label=f"{household.code}: {member.full_name}",
        after=snapshot(member, [f for f in fields if f != "identity_number"]),
    )
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    require_perm(actor, access.EDIT, member.household.commune)
    changed = [f for f in fields if f != "identity_number"]
    before = snapshot(member, changed)
    for name, value in fields.items():
        setattr(member, name, value)
    _validate_member(member)
    member.save()
    audit_record(
        access.MEMBER_UPDATED,
        actor=actor,
        target=member,
        agency_id=member.household.commune_id,
        before=before,
        after=snapshot(member, changed),
    )
    return member


@transaction.atomic
def member_remove(*, actor, member: Member) -> None:
    require_perm(actor, access.EDIT, member.household.commune)
    audit_record(access.MEMBER_REMOVED, actor=actor, target=member, agency_id=member.household.commune_id)
    member.delete()


# ---------------------------------------------------------------- review rounds


@transaction.atomic
def round_open(*, actor, commune, year: int, reference_date: date | None = None) -> ReviewRound:
    """Open the yearly review of a commune under the standard in force on the reference date."""
    require_perm(actor, access.EDIT, commune)
    _check_commune(commune)
    reference_date = reference_date or date(year, 11, 1)
    if ReviewRound.objects.filter(commune=commune, year=year).exists():
        raise ValidationError(
            _("%(commune)s already has a review round for %(year)s.") % {"commune": commune, "year": year}
        )
    rnd = ReviewRound.objects.create(
        commune=commune, year=year, reference_date=reference_date, standard=standard_on(reference_date)
    )
    audit_record(
        access.ROUND_OPENED,
        actor=actor,
        target=rnd,
        agency_id=commune.pk,
        after={"year": year, "standard": rnd.standard.code},
    )
    return rnd


@transaction.atomic
def round_classify(*, actor, round: ReviewRound) -> dict:
    """Classify every household of the commune from its current form. Repeatable while the round is open."""
    require_perm(actor, access.EDIT, round.commune)
    if round.status != ReviewRound.Status.OPEN:
        raise InvalidTransition(_("Only an open round can be classified."))
    spec = spec_of(round.standard)
    households = Household.objects.filter(commune=round.commune)
    hdf, results = classify_queryset(spec, households, round.reference_date)
    round.classifications.all().delete()
    deprived = deprived_codes(results, spec)
    rows = [
        Classification(
            household_id=int(pk),
            round=round,
            standard=round.standard,
            reference_date=round.reference_date,
            setting=setting,
            income_per_person=int(income),
            category=str(cat),
            deprivation_count=int(count),
            deprivation_score=int(score),
            deprived=dep,
        )
        for pk, setting, income, cat, count, score, dep in zip(
            hdf["pk"],
            hdf["setting"],
            hdf["income_per_person"],
            results["category"],
            results["deprivation_count"],
            results["deprivation_score"],
            deprived,
            strict=True,
        )
    ]
    Classification.objects.bulk_create(rows, batch_size=2000)
    counts = {c: int((results["category"] == c).sum()) for c in Category.values}
    audit_record(
        access.ROUND_CLASSIFIED,
        actor=actor,
        target=round,
        agency_id=round.commune_id,
        after={"households": len(rows), **counts},
    )
    return counts


@transaction.atomic
def round_submit(*, actor, round: ReviewRound, board_note: str) -> ReviewRound:
    """The commune board has reviewed the results (village meeting, public posting); send for approval."""
    require_perm(actor, access.EDIT, round.commune)
    if round.status != ReviewRound.Status.OPEN:
        raise InvalidTransition(_("Only an open round can be submitted."))
    if not round.classifications.exists():
        raise InvalidTransition(_("Classify the households before submitting the round."))
    if not board_note.strip():
        raise ValidationError({"board_note": _("Record the commune board's review (minutes).")})
    round.status = ReviewRound.Status.SUBMITTED
    round.board_note = board_note
    round.submitted_at = timezone.now()
    round.save(update_fields=["status", "board_note", "submitted_at", "updated_at"])
    audit_record(access.ROUND_SUBMITTED, actor=actor, target=round, agency_id=round.commune_id)
    return round


@transaction.atomic
def round_return(*, actor, round: ReviewRound, reason: str) -> ReviewRound:
    """The chairperson sends the list back to the board for corrections."""
    require_perm(actor, access.APPROVE, round.commune)
    if round.status != ReviewRound.Status.SUBMITTED:
        raise InvalidTransition(_("Only a submitted round can be returned."))
    round.status = ReviewRound.Status.OPEN
    round.board_note = f"{round.board_note}\n\n{_('Returned')}: {reason}".strip()
    round.save(update_fields=["status", "board_note", "updated_at"])
    audit_record(
        access.ROUND_RETURNED, actor=actor, target=round, agency_id=round.commune_id, after={"reason": reason}
    )
    return round


def _movement(previous: str | None, current: str, ever_poor: bool) -> str:
    was_poor, is_poor = previous == Category.POOR, current == Category.POOR
    was_near, is_near = previous == Category.NEAR_POOR, current == Category.NEAR_POOR
    if is_poor:
        if was_poor:
            return Movement.STAYED_POOR
        return Movement.RE_POOR if ever_poor else Movement.NEWLY_POOR
    if was_poor:
        return Movement.ESCAPED_POOR
    if is_near and not was_near:
        return Movement.NEWLY_NEAR_POOR
    if was_near and not is_near:
        return Movement.ESCAPED_NEAR_POOR
    return Movement.UNCHANGED


@transaction.atomic
def round_approve(*, actor, round: ReviewRound, decision: str) -> ReviewRound:
    """The commune chairperson recognises the list; movements since the last approved round are fixed."""
    require_perm(actor, access.APPROVE, round.commune)
    if round.status != ReviewRound.Status.SUBMITTED:
        raise InvalidTransition(_("Only a submitted round can be approved."))
    if not decision.strip():
        raise ValidationError({"decision": _("Give the number and date of the approval decision.")})
    earlier = Classification.objects.filter(
        round__commune=round.commune, round__status=ReviewRound.Status.APPROVED, round__year__lt=round.year
    )
    previous_year = earlier.order_by("-round__year").values_list("round__year", flat=True).first()
    previous = dict(earlier.filter(round__year=previous_year).values_list("household_id", "category"))
    ever_poor = set(earlier.filter(category=Category.POOR).values_list("household_id", flat=True))
    results = list(round.classifications.all())
    for c in results:
        c.movement = _movement(previous.get(c.household_id), c.category, c.household_id in ever_poor)
    Classification.objects.bulk_update(results, ["movement"], batch_size=2000)
    round.status = ReviewRound.Status.APPROVED
    round.approved_at = timezone.now()
    round.approved_by = actor
    round.decision = decision
    round.save(update_fields=["status", "approved_at", "approved_by", "decision", "updated_at"])
    audit_record(
        access.ROUND_APPROVED,
        actor=actor,
        target=round,
        agency_id=round.commune_id,
        after={"decision": decision, "households": len(results)},
    )
    return round


def round_exported(*, actor, round: ReviewRound) -> None:
    require_perm(actor, access.VIEW, round.commune)
    audit_record(access.ROUND_EXPORTED, actor=actor, target=round, agency_id=round.commune_id)


# ---------------------------------------------------------------- in-year applications


@transaction.atomic
def application_receive(
    *, actor, household: Household, kind: str, received_at: datetime | None = None
) -> InYearApplication:
    """Record a household's request; the decision is due 7 working days later (TT 14/2018)."""
    from cchc.workdays.selectors import add_working_days

    require_perm(actor, access.EDIT, household.commune)
    received_at = received_at or timezone.now()
    app = InYearApplication.objects.create(
        household=household, kind=kind, received_at=received_at, due_at=add_working_days(received_at, 7)
    )
    audit_record(
        access.APPLICATION_RECEIVED,
        actor=actor,
        target=app,
        agency_id=household.commune_id,
        after={"kind": kind, "due_at": app.due_at},
    )
    return app


@transaction.atomic
def application_decide(
    *, actor, application: InYearApplication, accept: bool, reason: str = "", decided_on: date | None = None
) -> InYearApplication:
    """The commune chairperson decides, on a fresh classification under the standard in force that day."""
    household = application.household
    require_perm(actor, access.APPROVE, household.commune)
    if application.status != InYearApplication.Status.PENDING:
        raise InvalidTransition(_("This application has already been decided."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("A refusal must give its reasons.")})
    decided_on = decided_on or timezone.localdate()
    standard = standard_on(decided_on)
    result = classify_household(spec_of(standard), household, decided_on)
    classification = Classification.objects.create(
        household=household,
        standard=standard,
        reference_date=decided_on,
        setting=setting_of(household),
        income_per_person=household.income_per_person,
        category=result.category,
        deprivation_count=result.deprivation_count,
        deprivation_score=result.deprivation_score,
        deprived=result.deprived,
    )
    application.status = InYearApplication.Status.ACCEPTED if accept else InYearApplication.Status.REFUSED
    application.decided_on = decided_on
    application.reason = reason
    application.classification = classification
    application.save(update_fields=["status", "decided_on", "reason", "classification", "updated_at"])
    audit_record(
        access.APPLICATION_DECIDED,
        actor=actor,
        target=application,
        agency_id=household.commune_id,
        after={"status": application.status, "category": result.category, "reason": reason},
    )
    return application
