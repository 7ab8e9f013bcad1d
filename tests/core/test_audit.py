import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from cchc.core.audit import audit_record, audit_verify, event_type
from cchc.core.models import AuditEvent

TEST_EVENT = event_type("tests.thing.change", "Test change")


def _record(n, actor=None):
    return [
        audit_record(
            TEST_EVENT,
            actor=actor,
            target_type="tests.thing",
            target_id=str(i),
            before={"v": i},
            after={"v": i + 1},
        )
        for i in range(n)
    ]


def _raw(sql, params):
    """Tamper as someone with database access would: lift the append-only guard first (the DROP is
    rolled back with the test)."""
    from cchc.core import audit_guard

    audit_guard.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_verifies(db, superuser):
    _record(5, superuser)
    checked, broken = audit_verify()
    assert broken is None
    assert checked >= 5


def test_an_altered_row_is_named(db):
    events = _record(4)
    _raw("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"v": 99}', events[2].pk])
    _, broken = audit_verify()
    assert broken.event_id == events[2].pk
    assert "altered" in broken.reason


def test_a_removed_row_breaks_the_next_link(db):
    events = _record(4)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    _, broken = audit_verify()
    assert broken.event_id == events[2].pk


def test_removing_the_newest_rows_is_detected(db):
    events = _record(3)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    _, broken = audit_verify()
    assert broken is not None and "newest" in broken.reason


def test_cli_exits_non_zero_and_names_the_event(db, capsys):
    events = _record(3)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    _raw("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["mallory", events[0].pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"#{events[0].pk}" in capsys.readouterr().err


def test_the_orm_refuses_to_change_or_delete_events(db):
    event = _record(1)[0]
    event.after = {"v": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(after=None)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_undeclared_event_types_are_refused(db):
    from cchc.core.audit import EventType

    with pytest.raises(ValueError):
        audit_record(EventType("nobody.declared", "x"))


def test_event_records_actor_target_and_source_ip(db, superuser, client):
    from cchc.core.context import current_ip

    token = current_ip.set("203.0.113.9")
    try:
        event = audit_record(TEST_EVENT, actor=superuser, target=superuser, before={"a": 1}, after={"a": 2})
    finally:
        current_ip.reset(token)
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label, event.source_ip) == (superuser.pk, "root", "203.0.113.9")
    assert event.target_type == "accounts.user" and event.target_id == str(superuser.pk)
    assert event.before == {"a": 1} and event.after == {"a": 2}


def test_snapshots_of_empty_files_are_recorded(db):
    from cchc.core.audit import snapshot
    from cchc.core.models import Job

    job = Job.objects.create(kind="tests.nothing")
    assert snapshot(job, ["output_file", "kind"]) == {"output_file": "", "kind": "tests.nothing"}


def test_the_audit_page_names_linked_records_in_a_fixed_number_of_queries(
    client, superuser, ministry, django_assert_max_num_queries
):
    """Snapshots refer to records by id or by code; the page shows their names, read for the whole
    page at once — not one query per event."""
    from cchc.org.models import Agency

    units = list(Agency.objects.exclude(parent=None)[:5])
    assert len(units) == 5  # under two different parents

    def events(chosen):
        for unit in chosen:
            audit_record(
                TEST_EVENT,
                target_type="org.agency",
                target_id=str(unit.pk),
                before={"parent_id": unit.parent_id},  # by id
                after={"parent": unit.parent.code, "name": unit.name},  # by code
            )

    client.force_login(superuser)
    events(units[:1])
    with django_assert_max_num_queries(100) as one:
        client.get("/audit/")
    events(units[1:])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/audit/").content.decode()
    with translation.override("vi"):
        label = str(Agency._meta.get_field("parent").verbose_name)
    for unit in units:
        assert f"{label}: {unit.parent.name}" in page  # a name, whether stored by id or by code
        assert f"{label}: {unit.parent.code}" not in page and f"{label}: {unit.parent_id}<" not in page
