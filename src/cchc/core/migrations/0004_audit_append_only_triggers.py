"""Triggers refusing UPDATE and DELETE of audit events (and DELETE of the chain head) in the
database itself, per vendor: SQLite and PostgreSQL (the SQL lives in core/audit_guard.py)."""

from django.db import migrations

from cchc.core import audit_guard


def forwards(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


def backwards(apps, schema_editor):
    audit_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_keyed_hash")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
