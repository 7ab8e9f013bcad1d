"""Access control: deny by default, roles scoped to a unit (and optionally its subtree)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from cchc.org.access import MANAGE_PEOPLE, VIEW_AUDIT, VIEW_PEOPLE, agencies_with_perm, has_perm, require_perm
from cchc.org.models import Role


def test_no_role_means_no_permission(ministry, make_staff):
    nobody = make_staff("nobody", ministry["a"])
    assert not has_perm(nobody, VIEW_PEOPLE)
    assert not has_perm(nobody, VIEW_PEOPLE, ministry["a"])
    assert not has_perm(AnonymousUser(), VIEW_PEOPLE)
    with pytest.raises(PermissionDenied):
        require_perm(nobody, VIEW_PEOPLE, ministry["a"])


def test_a_role_holds_in_its_unit_only_unless_the_subtree_is_included(ministry, make_staff):
    leader = make_staff("leader", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], False)])
    assert has_perm(leader, VIEW_PEOPLE, ministry["a"])
    assert not has_perm(leader, VIEW_PEOPLE, ministry["a1"])
    assert not has_perm(leader, VIEW_PEOPLE, ministry["b"])

    head = make_staff("head", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    assert has_perm(head, VIEW_PEOPLE, ministry["a1"])
    assert not has_perm(head, VIEW_PEOPLE, ministry["b1"])
    assert set(agencies_with_perm(head, VIEW_PEOPLE)) == {ministry["a"], ministry["a1"]}


def test_a_role_grants_only_the_permissions_declared_for_it(ministry, make_staff):
    viewer = make_staff("viewer", ministry["a"], [(Role.VIEWER, ministry["ministry"], True)])
    assert not has_perm(viewer, VIEW_PEOPLE, ministry["a"])
    assert not has_perm(viewer, VIEW_AUDIT, ministry["a"])


def test_administrator_role_grants_everything_within_its_scope(ministry, make_staff):
    admin_a = make_staff("admin-a", ministry["a"], [(Role.ADMIN, ministry["a"], True)])
    assert has_perm(admin_a, MANAGE_PEOPLE, ministry["a1"])
    assert not has_perm(admin_a, MANAGE_PEOPLE, ministry["b"])


def test_roles_end_with_their_unit(ministry, make_staff, superuser):
    from datetime import date

    from cchc.org.services import agency_dissolve

    leader = make_staff("leader-b1", ministry["b1"], [(Role.UNIT_LEADER, ministry["b1"], False)])
    agency_dissolve(actor=superuser, agency=ministry["b1"], effective_on=date(2020, 1, 1))
    leader = type(leader).objects.get(pk=leader.pk)
    assert not has_perm(leader, VIEW_PEOPLE)


def test_inactive_accounts_hold_nothing(ministry, make_staff):
    leader = make_staff("gone", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])
    leader.is_active = False
    assert not has_perm(leader, VIEW_PEOPLE, ministry["a"])
