"""Each shipped standard's edges: exactly at a threshold, urban versus rural, 2 versus 3 deprivations,
members of different ages. Uses the one-household evaluator on the standards as loaded from the
shipped data (the rows created after migrate)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cchc.households.models import Indicator, PovertyStandard
from cchc.households.rules import RuleError, evaluate_household, validate_rule
from cchc.households.standards import spec_of, standard_on

DAY = date(2025, 11, 1)
# A household deprived in nothing under any shipped standard.
CLEAN = dict(
    income_per_person=0,
    floor_area=100,
    wall_durable=True,
    column_durable=True,
    roof_durable=True,
    water_source="piped",
    latrine="septic",
    uses_telecom=True,
    uses_internet=True,
    uses_digital_services=True,
    has_information_device=True,
    hears_loudspeaker=True,
    treats_waste=True,
    livelihood="agriculture",
)
ADULT = dict(
    birth_date=date(1980, 1, 1),
    sex="M",
    has_disability=False,
    health_insurance=True,
    in_school=False,
    behind_grade=False,
    education="upper_secondary",
    work="contract",
    ill_untreated=False,
    malnourished=False,
    social_protection="",
)
# Three housing/water deprivations shared by all three standards, applied one by one.
DEPRIVE = [dict(floor_area=10), dict(water_source="surface"), dict(latrine="none")]


def spec(code):
    return spec_of(PovertyStandard.objects.get(code=code))


def classify(code, setting, income, deprivations=0, members=None, **fields):
    h = dict(CLEAN, income_per_person=income, **fields)
    for extra in DEPRIVE[:deprivations]:
        h.update(extra)
    return evaluate_household(spec(code), setting, h, members or [dict(ADULT), dict(ADULT)], DAY)


@pytest.mark.django_db
class TestQD59:
    @pytest.mark.parametrize(
        "setting,income,deps,expected",
        [
            ("rural", 700_000, 0, "poor"),  # at the poverty line: poor whatever the deprivations
            ("rural", 700_001, 2, "near_poor"),
            ("rural", 700_001, 3, "poor"),
            ("rural", 1_000_000, 2, "near_poor"),  # exactly at the near-poverty line
            ("rural", 1_000_000, 3, "poor"),
            ("rural", 1_000_001, 3, "middle"),  # above the line: never poor, whatever the deprivations
            ("rural", 1_500_000, 0, "middle"),
            ("rural", 1_500_001, 0, "none"),
            ("urban", 900_000, 0, "poor"),
            ("urban", 900_001, 2, "near_poor"),
            ("urban", 1_300_000, 3, "poor"),
            ("urban", 1_300_001, 0, "middle"),
            ("urban", 1_950_000, 0, "middle"),
            ("urban", 1_950_001, 0, "none"),
        ],
    )
    def test_income_bands(self, setting, income, deps, expected):
        assert classify("qd-59-2015", setting, income, deps).category == expected

    def test_urban_and_rural_differ_at_the_same_income(self):
        assert classify("qd-59-2015", "rural", 900_000).category == "near_poor"
        assert classify("qd-59-2015", "urban", 900_000).category == "poor"

    def test_score_and_deprived_list(self):
        r = classify("qd-59-2015", "rural", 800_000, 3)
        assert (r.deprivation_count, r.deprivation_score) == (3, 30)
        assert r.deprived == ["floor_area", "water_source", "latrine"]

    def test_child_schooling_age_edges(self):
        def child(born, in_school=False):
            return dict(ADULT, birth_date=born, in_school=in_school, education="primary")

        def dep(m):
            return (
                "child_schooling"
                in classify("qd-59-2015", "rural", 800_000, members=[dict(ADULT), m]).deprived
            )  # noqa: E731

        assert dep(child(date(2011, 11, 2)))  # 13 years old, out of school
        assert dep(child(date(2010, 11, 2)))  # 14, the day before turning 15
        assert not dep(child(date(2010, 11, 1)))  # 15 on the reference day: no longer school age
        assert not dep(child(date(2020, 11, 2)))  # 4 years old
        assert dep(child(date(2020, 11, 1)))  # 5 on the reference day


@pytest.mark.django_db
class TestND07:
    @pytest.mark.parametrize(
        "setting,income,deps,expected",
        [
            ("rural", 1_500_000, 3, "poor"),
            ("rural", 1_500_000, 2, "near_poor"),
            ("rural", 0, 2, "near_poor"),  # no automatically-poor band any more
            ("rural", 1_500_001, 3, "middle"),
            ("rural", 2_250_000, 0, "middle"),
            ("rural", 2_250_001, 0, "none"),
            ("urban", 2_000_000, 3, "poor"),
            ("urban", 2_000_000, 2, "near_poor"),
            ("urban", 1_800_000, 2, "near_poor"),
            ("rural", 1_800_000, 2, "middle"),  # the same household is middle in a rural commune
            ("urban", 3_000_000, 0, "middle"),
            ("urban", 3_000_001, 0, "none"),
        ],
    )
    def test_income_bands(self, setting, income, deps, expected):
        assert classify("nd-07-2021", setting, income, deps).category == expected

    @pytest.mark.parametrize(
        "livelihood,expected",
        [
            ("agriculture", "middle"),
            ("forestry", "middle"),
            ("fishery", "middle"),
            ("salt_making", "middle"),
            ("other", "none"),  # a trading or wage household in the band is not "middle"
            ("", "none"),  # livelihood not recorded: never assumed to be farming
        ],
    )
    @pytest.mark.parametrize(
        "setting,income",
        [("rural", 1_500_001), ("rural", 2_250_000), ("urban", 2_000_001), ("urban", 3_000_000)],
    )
    def test_middle_band_only_for_farming_forestry_fishery_salt(self, setting, income, livelihood, expected):
        assert classify("nd-07-2021", setting, income, livelihood=livelihood).category == expected

    @pytest.mark.parametrize(
        "setting,income,deps,expected",
        [
            ("rural", 1_500_000, 3, "poor"),
            ("rural", 1_500_000, 2, "near_poor"),
            ("rural", 2_250_001, 0, "none"),
            ("urban", 2_000_000, 3, "poor"),
            ("urban", 2_000_000, 0, "near_poor"),
            ("urban", 3_000_001, 0, "none"),
        ],
    )
    def test_livelihood_does_not_change_poor_or_near_poor(self, setting, income, deps, expected):
        for livelihood in ("agriculture", "other", ""):
            assert classify("nd-07-2021", setting, income, deps, livelihood=livelihood).category == expected

    def test_middle_scope_is_data_and_says_so(self):
        nd07 = PovertyStandard.objects.get(code="nd-07-2021")
        assert nd07.middle_rule == {
            "field": "livelihood",
            "op": "in",
            "value": ["agriculture", "forestry", "fishery", "salt_making"],
        }
        assert "chưa xác nhận" in nd07.middle_rule_text and "CHƯA XÁC NHẬN" in nd07.notes
        assert "ngành nghề sinh sống chính" in nd07.notes
        # QĐ 59/2015's middle band covers every household: no scope rule
        assert PovertyStandard.objects.get(code="qd-59-2015").middle_rule is None
        assert classify("qd-59-2015", "rural", 1_200_000, livelihood="other").category == "middle"
        assert classify("qd-59-2015", "rural", 1_200_000, livelihood="").category == "middle"

    def test_health_insurance_from_age_six(self):
        def dep(born):
            m = dict(ADULT, birth_date=born, health_insurance=False, education="none", in_school=True)
            return "health_insurance" in classify("nd-07-2021", "rural", 1, members=[dict(ADULT), m]).deprived

        assert dep(date(2019, 11, 1))  # 6 on the reference day
        assert not dep(date(2019, 11, 2))  # 5 until tomorrow

    def test_adult_education_up_to_thirty(self):
        def dep(born):
            m = dict(ADULT, birth_date=born, education="lower_secondary")
            return "adult_education" in classify("nd-07-2021", "rural", 1, members=[m]).deprived

        assert dep(date(1995, 1, 1))  # 30 years old
        assert not dep(date(1994, 11, 1))  # 31 on the reference day
        assert not dep(date(2008, 1, 1))  # 17, lower secondary finished: enough for 16–<18

    def test_dependants_over_half(self):
        child = dict(ADULT, birth_date=date(2015, 1, 1), in_school=True, education="primary")
        two_of_four = [dict(ADULT), dict(ADULT), child, dict(child)]
        assert (
            "dependants" not in classify("nd-07-2021", "rural", 1, members=two_of_four).deprived
        )  # exactly 50 %
        assert (
            "dependants"
            in classify("nd-07-2021", "rural", 1, members=[dict(ADULT), child, dict(child)]).deprived
        )

    def test_floor_area_exactly_eight_square_metres(self):
        members = [dict(ADULT), dict(ADULT), dict(ADULT)]
        assert "floor_area" not in classify("nd-07-2021", "rural", 1, members=members, floor_area=24).deprived
        assert "floor_area" in classify("nd-07-2021", "rural", 1, members=members, floor_area=23.9).deprived

    def test_housing_two_of_three_structures(self):
        one = classify("nd-07-2021", "rural", 1, wall_durable=False)
        two = classify("nd-07-2021", "rural", 1, wall_durable=False, roof_durable=False)
        assert "housing_quality" not in one.deprived and "housing_quality" in two.deprived


@pytest.mark.django_db
class TestND351:
    @pytest.mark.parametrize(
        "setting,income,deps,expected",
        [
            ("rural", 2_200_000, 3, "poor"),
            ("rural", 2_200_000, 2, "near_poor"),
            ("rural", 2_200_001, 3, "none"),  # no middle band is shipped (unconfirmed)
            ("urban", 2_800_000, 3, "poor"),
            ("urban", 2_800_000, 2, "near_poor"),
            ("urban", 2_800_001, 0, "none"),
        ],
    )
    def test_income_bands(self, setting, income, deps, expected):
        assert classify("nd-351-2025", setting, income, deps).category == expected

    def test_waste_is_an_indicator_and_information_devices_are_not(self):
        codes = spec("nd-351-2025").indicator_codes
        assert "waste" in codes and "information_devices" not in codes


@pytest.mark.django_db
def test_standard_in_force_by_date():
    assert standard_on(date(2016, 1, 1)).code == "qd-59-2015"
    assert standard_on(date(2021, 6, 1)).code == "qd-59-2015"  # 2021 extended by NĐ 07/2021
    assert standard_on(date(2022, 1, 1)).code == "nd-07-2021"
    assert standard_on(date(2026, 12, 31)).code == "nd-07-2021"  # 2026 carried over by NĐ 351/2025
    assert standard_on(date(2027, 1, 1)).code == "nd-351-2025"
    with pytest.raises(ValidationError):
        standard_on(date(2015, 12, 31))


@pytest.mark.django_db
def test_shipped_data_says_what_is_unconfirmed():
    assert Indicator.objects.count() == 34
    assert not Indicator.objects.filter(confirmed=True).exists()
    for standard in PovertyStandard.objects.all():
        assert "CHƯA XÁC NHẬN" in standard.notes  # in Vietnamese: the standards page shows it as it is
    assert PovertyStandard.objects.get(code="qd-59-2015").deprivation_cutoff == 3  # "từ 03 chỉ số", not 1/3


def test_rules_are_validated():
    validate_rule({"any_member": {"field": "age", "op": "ge", "value": 6}})
    with pytest.raises(RuleError, match="unknown household field 'age'"):
        validate_rule({"field": "age", "op": "ge", "value": 6})
    with pytest.raises(RuleError, match="operator"):
        validate_rule({"field": "latrine", "op": "like", "value": "x"})
    with pytest.raises(RuleError, match="nested"):
        validate_rule({"any_member": {"any_member": {"field": "age", "op": "ge", "value": 1}}})


def test_a_bad_middle_rule_is_rejected_naming_the_file(tmp_path):
    from cchc.households.standards import SHIPPED_DIR, read_definition

    text = (SHIPPED_DIR / "nd-07-2021.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("middle_rule: {field: livelihood,", "middle_rule: {field: trade,"), encoding="utf-8"
    )
    with pytest.raises(ValidationError, match="bad.yaml middle_rule: unknown household field 'trade'"):
        read_definition(bad)
    unexplained = tmp_path / "unexplained.yaml"
    unexplained.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("middle_rule_text")),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="middle_rule_text"):
        read_definition(unexplained)


@pytest.mark.django_db
def test_migration_scopes_the_middle_band_of_an_existing_nd07_row():
    """A database that loaded nd-07-2021 before the livelihood rule existed gets it from migration 0002."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cchc.households.migrations.0002_livelihood_middle_rule")
    nd07 = PovertyStandard.objects.get(code="nd-07-2021")
    PovertyStandard.objects.filter(pk=nd07.pk).update(
        middle_rule=None, middle_rule_text="", notes="… procedure; " + migration.OLD_NOTE + " UNCONFIRMED: …"
    )
    migration.scope_nd07_middle_band(apps, None)
    nd07.refresh_from_db()
    assert nd07.middle_rule == migration.ND07_MIDDLE_RULE and nd07.middle_rule_text
    assert migration.OLD_NOTE not in nd07.notes and "QĐ 24/2021" in nd07.notes
    assert classify("nd-07-2021", "rural", 1_800_000, livelihood="other").category == "none"


@pytest.mark.django_db
def test_migration_puts_the_shipped_notes_in_vietnamese_and_leaves_an_operators_notes():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cchc.households.migrations.0003_vietnamese_standard_notes")
    shipped = PovertyStandard.objects.get(code="nd-07-2021")
    expected = shipped.notes
    own = PovertyStandard.objects.get(code="qd-59-2015")
    PovertyStandard.objects.filter(pk=shipped.pk).update(notes="Poor: income … UNCONFIRMED: the cut-offs.")
    PovertyStandard.objects.filter(pk=own.pk).update(notes="Ghi chú của Sở")
    migration.notes_in_vietnamese(apps, None)
    assert PovertyStandard.objects.get(pk=shipped.pk).notes == expected
    assert PovertyStandard.objects.get(pk=own.pk).notes == "Ghi chú của Sở"
