from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cchc.org import selectors, services
from cchc.org.models import Agency, AgencyChange, AgencyType


def test_merging_and_dissolving_keep_history_and_count_in_the_summary(ministry, superuser):
    m = ministry
    services.agency_dissolve(actor=superuser, agency=m["a1"], effective_on=date(2018, 3, 1), decision="QĐ 1")
    services.agency_dissolve(actor=superuser, agency=m["b1"], effective_on=date(2018, 4, 1), decision="QĐ 2")
    services.agency_merge(actor=superuser, agency=m["vu"], into=m["a"], effective_on=date(2018, 5, 1))
    summary = selectors.restructuring_summary(m["ministry"], date(2018, 1, 1), date(2018, 12, 31))
    assert summary.units_reduced == 1
    assert summary.divisions_ended == 2
    assert [p.name for p in summary.division_parents] == ["Cục A", "Cục B"]
    # Nothing is deleted: the ended units stay, dated.
    assert Agency.objects.get(pk=m["a1"].pk).valid_to == date(2018, 3, 1)
    assert AgencyChange.objects.get(agency=m["vu"]).successor == m["a"]
    # Outside the period nothing counts.
    assert selectors.restructuring_summary(m["ministry"], date(2019, 1, 1), date(2019, 12, 31)).events == []


def test_a_unit_with_active_units_below_cannot_end(ministry, superuser):
    with pytest.raises(ValidationError):
        services.agency_dissolve(actor=superuser, agency=ministry["a"], effective_on=date(2020, 1, 1))


def test_moving_a_unit_moves_its_subtree(ministry, superuser):
    services.agency_move(
        actor=superuser, agency=ministry["a"], new_parent=ministry["vu"], effective_on=date(2020, 1, 1)
    )
    a1 = Agency.objects.get(pk=ministry["a1"].pk)
    assert a1.path.startswith(Agency.objects.get(pk=ministry["vu"].pk).path)
    assert a1.depth == 3
    with pytest.raises(ValidationError):
        services.agency_move(
            actor=superuser, agency=ministry["vu"], new_parent=a1, effective_on=date(2020, 1, 1)
        )


def test_identifier_codes_are_unique(ministry, superuser):
    with pytest.raises(ValidationError):
        services.agency_create(
            actor=superuser,
            code=ministry["a"].code,
            name="Trùng",
            type=AgencyType.DIVISION,
            parent=ministry["a"],
            valid_from=date(2020, 1, 1),
        )


def test_demo_ministry_2018_restructuring_is_a_query_over_the_tree(db):
    from io import StringIO

    from cchc.org import demo

    demo.load(StringIO())
    molisa = Agency.objects.get(code=demo.MOLISA_CODE)
    summary = selectors.restructuring_summary(molisa, date(2018, 1, 1), date(2018, 12, 31))
    assert summary.units_reduced == 1
    assert summary.divisions_ended == 10
    assert len(summary.division_parents) == 3
    assert all(p.type == AgencyType.VU for p in summary.division_parents)


def test_areas_represent_both_shapes_of_the_2025_reform(db):
    from io import StringIO

    from cchc.org import demo
    from cchc.org.models import AdministrativeArea as A

    demo.load(StringIO())
    before = A.objects.filter(A.valid_on(date(2024, 1, 1)), code="02698").get()
    after = A.objects.filter(A.valid_on(date(2026, 1, 1)), code="02698").get()
    assert before.parent.level == A.Level.DISTRICT
    assert after.parent.level == A.Level.PROVINCE
    assert not A.objects.filter(A.valid_on(date(2026, 1, 1)), level=A.Level.DISTRICT).exists()


def test_administrators_restructure_through_the_unit_page(client, ministry, make_staff):
    from cchc.org.models import Role

    admin_a = make_staff("admin-a", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    client.force_login(admin_a)
    page = client.get(f"/org/units/{ministry['a'].code}/").content.decode()
    assert "org/units/000.00.01.G99/change/" in page
    response = client.post(
        f"/org/units/{ministry['a'].code}/children/",
        {
            "code": "000.02.01.G99",
            "name": "Phòng A2",
            "type": "division",
            "valid_from": "2018-02-01",
            "decision": "QĐ 5/QĐ-BTN",
        },
    )
    assert response.status_code == 302
    a2 = Agency.objects.get(code="000.02.01.G99")
    assert a2.parent == ministry["a"] and a2.changes.get().kind == AgencyChange.Kind.CREATED
    client.post(
        f"/org/units/{a2.code}/change/",
        {"action": "dissolve", "effective_on": "2018-09-01", "decision": "QĐ 9/QĐ-BTN"},
    )
    assert Agency.objects.get(pk=a2.pk).valid_to == date(2018, 9, 1)
    # Not in another unit's subtree.
    response = client.post(
        f"/org/units/{ministry['b1'].code}/change/",
        {"action": "dissolve", "effective_on": "2018-09-01", "decision": "QĐ 9"},
    )
    assert response.status_code == 403
    assert Agency.objects.get(pk=ministry["b1"].pk).valid_to is None


def test_bad_codes_are_refused_with_the_field_named(client, ministry, superuser):
    client.force_login(superuser)
    response = client.post(
        f"/org/units/{ministry['a'].code}/children/",
        {"code": "ABC", "name": "X", "type": "division", "valid_from": "2018-02-01"},
        follow=True,
    )
    assert "Mã định danh" in response.content.decode()
    assert not Agency.objects.filter(name="X").exists()
