"""Seed the document types (effective-dated data) and, on PostgreSQL, trigram indexes for the
register search (icontains compiles to UPPER(col) LIKE UPPER(%s), which a GIN index on
UPPER(col) gin_trgm_ops serves)."""

from datetime import date

from django.db import migrations

BASIS = "QCVN 102:2016/BTTTT SĐ1:2022, phụ lục (nhóm B: văn bản hành chính)"
KINDS = [
    # code, name, abbreviation, group, note. Only B18 = Công văn is confirmed in the project's reference;
    # the other appendix indexes must be checked against the official text (docs/edocs.md).
    ("B18", "Công văn", "CV", "B", ""),
    ("B01", "Nghị quyết (cá biệt)", "NQ", "B", " – mã cần đối chiếu"),
    ("B02", "Quyết định (cá biệt)", "QĐ", "B", " – mã cần đối chiếu"),
    ("B05", "Thông báo", "TB", "B", " – mã cần đối chiếu"),
    ("B08", "Kế hoạch", "KH", "B", " – mã cần đối chiếu"),
    ("B10", "Báo cáo", "BC", "B", " – mã cần đối chiếu"),
    ("B12", "Tờ trình", "TTr", "B", " – mã cần đối chiếu"),
]

TRGM = [
    ("edocs_in_subject_trgm", "edocs_incomingdocument", "subject"),
    ("edocs_in_notation_trgm", "edocs_incomingdocument", "notation"),
    ("edocs_in_sender_trgm", "edocs_incomingdocument", "sender_name"),
    ("edocs_in_sender_code_trgm", "edocs_incomingdocument", "sender_code"),
    ("edocs_out_document_id_trgm", "edocs_outgoingdocument", "document_id"),
    ("edocs_out_subject_trgm", "edocs_outgoingdocument", "subject"),
    ("edocs_out_notation_trgm", "edocs_outgoingdocument", "notation"),
]


def forwards(apps, schema_editor):
    DocumentKind = apps.get_model("edocs", "DocumentKind")
    for code, name, abbreviation, group, note in KINDS:
        DocumentKind.objects.get_or_create(
            code=code,
            valid_from=date(2022, 4, 1),
            defaults={"name": name, "abbreviation": abbreviation, "group": group, "legal_basis": BASIS + note},
        )


def trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRGM:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def untrigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRGM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("edocs", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(trigram, untrigram),
    ]
