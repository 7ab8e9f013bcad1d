from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.exceptions import InvalidTransition
from cchc.core.metrics import Period, get_metric
from cchc.core.models import AuditEvent
from cchc.households import services
from cchc.households.models import Classification, PovertyStandard, ReviewRound
from cchc.households.standards import load_definition, read_definition, shipped_files

from .conftest import add_household

pytestmark = pytest.mark.django_db


def run_round(officer, chair, commune, year):
    rnd = services.round_open(actor=officer, commune=commune, year=year)
    services.round_classify(actor=officer, round=rnd)
    services.round_submit(actor=officer, round=rnd, board_note="Biên bản họp")
    return services.round_approve(actor=chair, round=rnd, decision=f"QĐ {year}")


def test_review_round_to_approved_list(officer, chair, area):
    poor = add_household(
        officer,
        area["a"],
        "P1",
        members=2,
        income_per_person=1_000_000,
        floor_area=10,
        water_source="surface",
        latrine="none",
    )
    add_household(officer, area["a"], "R1", income_per_person=5_000_000)
    rnd = services.round_open(actor=officer, commune=area["a"], year=2025)
    assert rnd.standard.code == "nd-07-2021"
    counts = services.round_classify(actor=officer, round=rnd)
    assert counts["poor"] == 1 and counts["none"] == 1
    with pytest.raises(ValidationError):
        services.round_submit(actor=officer, round=rnd, board_note=" ")
    services.round_submit(actor=officer, round=rnd, board_note="Biên bản họp Ban chỉ đạo")
    with pytest.raises(InvalidTransition):
        services.round_classify(actor=officer, round=rnd)
    with pytest.raises(PermissionDenied):  # the officer cannot approve their own list
        services.round_approve(actor=officer, round=rnd, decision="QĐ 1")
    services.round_approve(actor=chair, round=rnd, decision="QĐ 12/QĐ-UBND")
    rnd.refresh_from_db()
    assert rnd.status == ReviewRound.Status.APPROVED and rnd.approved_by == chair
    c = Classification.objects.get(round=rnd, household=poor)
    assert (c.category, c.deprivation_score, c.standard.code) == ("poor", 30, "nd-07-2021")
    assert c.deprived == ["floor_area", "water_source", "latrine"]
    assert AuditEvent.objects.filter(action="households.round.approve", target_id=str(rnd.pk)).exists()


def test_movements_between_years(officer, chair, area):
    escapes = add_household(
        officer,
        area["a"],
        "E",
        income_per_person=1_000_000,
        floor_area=1,
        latrine="none",
        water_source="surface",
    )
    newly = add_household(
        officer,
        area["a"],
        "N",
        income_per_person=9_000_000,
        floor_area=1,
        latrine="none",
        water_source="surface",
    )
    run_round(officer, chair, area["a"], 2023)
    services.household_update(actor=officer, household=escapes, income_per_person=9_000_000)
    services.household_update(actor=officer, household=newly, income_per_person=900_000)
    run_round(officer, chair, area["a"], 2024)
    services.household_update(actor=officer, household=escapes, income_per_person=900_000)
    r = run_round(officer, chair, area["a"], 2025)
    moves = dict(Classification.objects.filter(round__year=2024).values_list("household__code", "movement"))
    assert moves == {"E": "escaped_poor", "N": "newly_poor"}
    moves = dict(r.classifications.values_list("household__code", "movement"))
    assert moves == {"E": "re_poor", "N": "stayed_poor"}


def test_classification_keeps_its_standard(officer, chair, area):
    add_household(officer, area["a"], "K", income_per_person=1_400_000)
    rnd = run_round(officer, chair, area["a"], 2025)
    data = read_definition([p for p in shipped_files() if p.name.startswith("nd-07")][0])
    # A hypothetical new standard for the same period (new data, no code), with a higher line.
    new, _ = load_definition(
        {
            **data,
            "code": "local-2025",
            "valid_from": date(2025, 1, 1),
            "thresholds": {"rural": {"income_line": 1_000_000}, "urban": {"income_line": 1_000_000}},
        }
    )
    c = rnd.classifications.get()
    assert c.standard.code == "nd-07-2021" and c.category == "near_poor"
    assert PovertyStandard.objects.filter(code="local-2025").exists()


def test_officer_sees_only_their_commune(officer, area, superuser, client):
    mine = add_household(officer, area["a"], "MINE")
    other = add_household(superuser, area["b"], "OTHER")
    with pytest.raises(PermissionDenied):
        services.household_update(actor=officer, household=other, income_per_person=1)
    client.force_login(officer)
    assert client.get(f"/households/{other.pk}/").status_code == 404
    page = client.get("/households/list/").content.decode()
    assert "MINE" in page and "OTHER" not in page
    assert "001080000100" not in page and "•••••••••100" in page  # identity numbers masked in lists
    before = AuditEvent.objects.filter(action="households.household.view").count()
    response = client.get(f"/households/{mine.pk}/")
    assert response.status_code == 200 and "001080000100" in response.content.decode()
    assert AuditEvent.objects.filter(action="households.household.view").count() == before + 1


def test_member_validation(officer, area):
    h = add_household(officer, area["a"], "V", members=0)
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=officer,
            household=h,
            full_name="X",
            birth_date=date(2099, 1, 1),
            sex="M",
            identity_number="123",
            relation="Con",
            education="none",
            work="not_working",
        )
    assert set(exc.value.message_dict) == {"birth_date", "identity_number"}


def test_poverty_rate_metric(officer, chair, area):
    add_household(
        officer,
        area["a"],
        "P",
        income_per_person=500_000,
        floor_area=1,
        latrine="none",
        water_source="surface",
    )
    add_household(officer, area["a"], "Q", income_per_person=500_000)
    add_household(officer, area["a"], "R", income_per_person=9_000_000)
    add_household(officer, area["a"], "S", income_per_person=9_000_000)
    run_round(officer, chair, area["a"], 2025)
    value = get_metric("households.poverty_rate").value(area["province"], Period.year(2025))
    assert (value.numerator, value.denominator, value.value) == (1, 4, 25)
    near = get_metric("households.near_poverty_rate").value(area["a"], Period.year(2025))
    assert (near.numerator, near.denominator) == (1, 4)
    assert get_metric("households.poverty_rate").value(area["b"], Period.year(2025)).value is None


def test_in_year_application(officer, chair, area):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    h = add_household(officer, area["a"], "APP", income_per_person=800_000)
    received = datetime(2025, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday
    app = services.application_receive(actor=officer, household=h, kind="join", received_at=received)
    assert app.due_at.date() == date(2025, 11, 12)  # 7 working days: Tue 4 … Wed 12
    with pytest.raises(ValidationError):
        services.application_decide(actor=chair, application=app, accept=False, reason="")
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=officer, application=app, accept=True)
    app = services.application_decide(
        actor=chair, application=app, accept=True, decided_on=date(2025, 11, 10)
    )
    assert app.classification.category == "near_poor" and app.classification.standard.code == "nd-07-2021"


def test_area_stats_counts_poor_households_with_social_protection_and_af(officer, chair, area):
    from cchc.households.selectors import area_stats

    poor = add_household(
        officer,
        area["a"],
        "SP",
        income_per_person=500_000,
        floor_area=1,
        latrine="none",
        water_source="surface",
    )
    services.member_add(
        actor=officer,
        household=poor,
        full_name="Bà Cụ",
        birth_date=date(1940, 1, 1),
        sex="F",
        relation="Mẹ",
        education="none",
        work="not_working",
        social_protection="5",
    )
    add_household(officer, area["a"], "OK", income_per_person=9_000_000)
    run_round(officer, chair, area["a"], 2025)
    stats = area_stats(area["province"], 2025)
    assert (stats.total.households, stats.total.poor, stats.poor_with_social_protection) == (2, 1, 1)
    assert stats.af.q == 1 and stats.af.H == 0.5
    assert [r.label for r in stats.by_commune] == ["Xã Nông Thôn"]
    assert area_stats(area["province"], 2025, cutoff=1.0).af.q == 0
