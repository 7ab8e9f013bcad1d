"""PostgreSQL only: the pg_trgm extension and a GIN trigram index on the search key, for the search's
last-resort fuzzy match (search.PostgresBackend.fuzzy). SQLite has no equivalent and needs none."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS martyrs_sn_key_trgm ON martyrs_searchname USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS martyrs_sn_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("martyrs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
