"""Lists must not degrade with size: a fixed number of queries whatever the row count."""

from rest_framework.authtoken.models import Token

from cchc.core.audit import audit_record
from cchc.org.models import Role
from cchc.org.services import AGENCY_RENAMED


def test_people_list_queries_do_not_grow_with_people(
    client, ministry, make_staff, django_assert_max_num_queries
):
    leader = make_staff("leader", ministry["ministry"], [(Role.UNIT_LEADER, ministry["ministry"], True)])
    for i in range(30):
        make_staff(
            f"p{i}", ministry["a1"] if i % 2 else ministry["b1"], [(Role.VIEWER, ministry["a"], False)]
        )
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get("/org/people/")
    assert response.content.decode().count("/org/people/") >= 30
    token = Token.objects.create(user=leader)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/org/people/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert body["count"] == 31


def test_tree_and_audit_pages_use_a_fixed_number_of_queries(
    client, ministry, superuser, django_assert_max_num_queries
):
    for _i in range(40):
        audit_record(AGENCY_RENAMED, actor=superuser, target=ministry["a"], agency_id=ministry["a"].pk)
    client.force_login(superuser)
    with django_assert_max_num_queries(10):
        assert client.get("/org/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/audit/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/org/units/{ministry['a'].code}/").status_code == 200
