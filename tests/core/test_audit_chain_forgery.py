"""The audit log against someone with database access (issue 14): append-only triggers in the
database, a keyed hash they cannot recompute, and signed checkpoints outside the database."""

import hashlib
import hmac
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from cchc.core import audit_guard
from cchc.core.apps import audit_key_check
from cchc.core.audit import audit_checkpoint_write, audit_record, audit_verify, canonical, event_type
from cchc.core.models import AuditChainHead, AuditEvent

FORGERY_EVENT = event_type("tests.forgery.change", "Test change")


def _record(n):
    return [
        audit_record(FORGERY_EVENT, target_type="tests.thing", target_id=str(i), after={"amount": i})
        for i in range(n)
    ]


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rechain(hash_function):
    """What a forger does after rewriting rows: recompute every link and the chain head with raw SQL."""
    prev = ""
    last_id = 0
    for row in AuditEvent.objects.order_by("id"):
        row.prev_hash = prev
        prev = hash_function(canonical(row))
        _sql(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [row.prev_hash, prev, row.pk],
        )
        last_id = row.pk
    _sql("UPDATE core_auditchainhead SET last_hash = %s, last_id = %s WHERE id = 1", [prev, last_id])


def _forge(event_id, hash_function):
    audit_guard.remove(connection)  # the forger may drop triggers; rolled back with the test
    _sql("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"amount": 1000000}', event_id])
    _rechain(hash_function)


def _unkeyed(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keyed(data: bytes) -> str:
    from django.conf import settings

    return hmac.new(settings.CCHC_AUDIT_KEY.encode(), data, hashlib.sha256).hexdigest()


def test_a_rewritten_log_rechained_without_the_key_fails_verify(db):
    events = _record(4)
    assert audit_verify()[1] is None
    _forge(events[1].pk, _unkeyed)
    assert AuditEvent.objects.get(pk=events[1].pk).after == {"amount": 1000000}
    _, broken = audit_verify()
    assert broken is not None and "hash does not match" in broken.reason


def test_the_cli_names_the_forgery(db, capsys):
    events = _record(3)
    _forge(events[0].pk, _unkeyed)
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "BROKEN" in err and "triggers are missing" in err


def test_even_the_key_holder_cannot_rewrite_events_before_a_checkpoint(db, tmp_path):
    events = _record(4)
    call_command("audit", "checkpoint", "--dir", str(tmp_path))
    assert audit_verify(tmp_path)[1] is None
    _forge(events[2].pk, _keyed)
    assert audit_verify(tmp_path / "none-here")[1] is None  # without the checkpoints: undetectable
    _, broken = audit_verify(tmp_path)
    assert broken.event_id == events[-1].pk and "checkpoint" in broken.reason


def test_events_after_the_newest_checkpoint_verify_and_removal_is_named(db, tmp_path):
    events = _record(3)
    audit_checkpoint_write(tmp_path)
    more = _record(2)
    assert audit_verify(tmp_path) == (len(events) + len(more) + AuditEvent.objects.count() - 5, None)
    # Remove every event since the checkpoint's and fix the chain head (key not even needed).
    audit_guard.remove(connection)
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[-1].pk])
    _sql(
        "UPDATE core_auditchainhead SET last_hash = %s, last_id = %s WHERE id = 1",
        [events[-2].hash, events[-2].pk],
    )
    _, broken = audit_verify(tmp_path)
    assert broken.event_id == events[-1].pk and "checkpoint" in broken.reason


def test_a_checkpoint_written_without_the_key_is_refused(db, tmp_path):
    _record(2)
    path = audit_checkpoint_write(tmp_path)
    data = json.loads(path.read_text())
    data["head"] = "0" * 64
    path.write_text(json.dumps(data))
    _, broken = audit_verify(tmp_path)
    assert broken is not None and "signature does not match" in broken.reason


def test_checkpoints_are_never_overwritten(db, tmp_path):
    _record(1)
    first, second = audit_checkpoint_write(tmp_path), audit_checkpoint_write(tmp_path)
    assert first != second and first.exists() and second.exists()


def _refused(sql, params=()):
    with pytest.raises(DatabaseError) as info, transaction.atomic():  # savepoint: PostgreSQL goes on
        _sql(sql, params)
    assert "append-only" in str(info.value)


def test_the_database_refuses_update_and_delete_of_audit_rows(db):
    event = _record(1)[0]
    assert audit_guard.missing(connection) == []
    _refused("UPDATE core_auditevent SET after = NULL WHERE id = %s", [event.pk])
    _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    _refused("DELETE FROM core_auditevent")
    _refused("DELETE FROM core_auditchainhead")
    if connection.vendor == "postgresql":
        _refused("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk, after__isnull=False).exists()
    _record(1)  # the chain head still advances (its UPDATE is allowed)
    assert audit_verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_puts_the_guard_back():
    _record(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and not AuditChainHead.objects.exists()
    assert audit_guard.missing(connection) == []
    _record(1)
    _refused("DELETE FROM core_auditevent")


def test_the_upgrade_rechains_an_intact_unkeyed_log_under_the_key(db):
    from importlib import import_module

    events = _record(3)
    audit_guard.remove(connection)
    _rechain(_unkeyed)  # the log as the previous version wrote it
    assert audit_verify()[1] is not None
    migration = import_module("cchc.core.migrations.0003_audit_keyed_hash")
    editor = SimpleNamespace(connection=connection)  # all the migration's function uses
    migration.rechain(django_apps, editor)
    assert audit_verify()[1] is None
    # A broken unkeyed log is not laundered: the upgrade stops.
    _rechain(_unkeyed)
    _sql("UPDATE core_auditevent SET target_label = 'x' WHERE id = %s", [events[1].pk])
    with pytest.raises(RuntimeError, match=f"#{events[1].pk}"):
        migration.rechain(django_apps, editor)


def test_deploying_with_the_demo_key_is_refused(settings):
    assert [m.id for m in audit_key_check()] == ["core.E001"]
    settings.CCHC_AUDIT_KEY = "short"
    assert [m.id for m in audit_key_check()] == ["core.W001"]
    settings.CCHC_AUDIT_KEY = "k" * 48
    assert audit_key_check() == []


def test_demo_reset_sets_the_erased_logs_checkpoints_aside(db, settings, tmp_path):
    from cchc.core.management.commands.demo import Command

    settings.CCHC_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    _record(1)
    written = audit_checkpoint_write()
    Command().set_checkpoints_aside()
    (aside,) = tmp_path.glob("audit-checkpoints.before-reset-*")
    assert (aside / written.name).exists() and not written.exists()


def test_a_hash_rewritten_to_any_text_is_reported_not_crashed(db, tmp_path):
    events = _record(2)
    audit_checkpoint_write(tmp_path)
    audit_guard.remove(connection)
    _sql("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["ẞ" * 10, events[0].pk])
    _, broken = audit_verify(tmp_path)
    assert broken.event_id == events[0].pk
