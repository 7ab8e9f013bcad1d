"""A user of one unit cannot read or change another unit's data, through the UI or the API."""

import pytest
from rest_framework.authtoken.models import Token

from cchc.org.models import Role, RoleAssignment


@pytest.fixture
def two_units(ministry, make_staff):
    leader_a = make_staff("leader-a", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    staff_a = make_staff("staff-a", ministry["a1"])
    staff_b = make_staff("staff-b", ministry["b1"])
    return leader_a, staff_a, staff_b


def test_people_list_shows_only_the_users_units(client, two_units):
    leader_a, staff_a, staff_b = two_units
    client.force_login(leader_a)
    page = client.get("/org/people/").content.decode()
    assert "Staff-A" in page and "Staff-B" not in page


def test_another_units_person_is_not_found(client, two_units):
    leader_a, staff_a, staff_b = two_units
    client.force_login(leader_a)
    assert client.get(f"/org/people/{staff_a.pk}/").status_code == 200
    assert client.get(f"/org/people/{staff_b.pk}/").status_code == 404


def test_api_applies_the_same_scope(client, two_units):
    leader_a, staff_a, staff_b = two_units
    token = Token.objects.create(user=leader_a)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    names = [p["username"] for p in client.get("/api/v1/org/people/", **auth).json()["results"]]
    assert "staff-a" in names and "staff-b" not in names
    response = client.get(f"/api/v1/org/people/{staff_b.pk}/", **auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_roles_cannot_be_assigned_in_another_unit(client, ministry, make_staff, two_units):
    _, staff_a, staff_b = two_units
    admin_a = make_staff("admin-a", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    client.force_login(admin_a)
    response = client.post(
        f"/org/people/{staff_b.pk}/roles/", {"role": Role.VIEWER, "agency": ministry["b"].pk}
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=staff_b).exists()
    response = client.post(
        f"/org/people/{staff_a.pk}/roles/", {"role": Role.VIEWER, "agency": ministry["a1"].pk}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=staff_a, role=Role.VIEWER, agency=ministry["a1"]).exists()


def test_revoking_a_role_in_another_unit_is_refused(client, ministry, make_staff, two_units):
    _, _, staff_b = two_units
    from cchc.org.services import role_assign

    assignment = role_assign(
        actor=staff_b.__class__.objects.get(username="root"),
        user=staff_b,
        role=Role.VIEWER,
        agency=ministry["b1"],
    )
    admin_a = make_staff("admin-a", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    client.force_login(admin_a)
    assert client.post(f"/org/roles/{assignment.pk}/revoke/").status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_audit_log_shows_only_events_of_the_users_units(client, ministry, two_units, superuser):
    leader_a, _, _ = two_units
    from cchc.org.services import agency_rename

    agency_rename(
        actor=superuser, agency=ministry["a1"], name="Phòng A1 mới", effective_on=ministry["a1"].valid_from
    )
    agency_rename(
        actor=superuser, agency=ministry["b1"], name="Phòng B1 mới", effective_on=ministry["b1"].valid_from
    )
    client.force_login(leader_a)
    page = client.get("/audit/").content.decode()
    assert "Phòng A1 mới" in page and "Phòng B1 mới" not in page


def test_citizens_cannot_open_staff_pages(client, citizen):
    client.force_login(citizen)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/org/").status_code == 403


def test_staff_accounts_can_be_created_only_in_the_admins_units(client, ministry, make_staff):
    from django.contrib.auth import get_user_model

    admin_a = make_staff("admin-a", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    client.force_login(admin_a)
    data = {
        "username": "new.one",
        "full_name": "Người Mới",
        "unit": ministry["b1"].pk,
        "password": "Str0ng-Pass-2026",
    }
    response = client.post("/org/people/new/", data)
    assert response.status_code == 200  # the form refuses a unit outside the scope
    assert not get_user_model().objects.filter(username="new.one").exists()
    response = client.post("/org/people/new/", {**data, "unit": ministry["a1"].pk})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="new.one").unit == ministry["a1"]
