"""Register search by words (edocs/search.py): a search_text column on both registers, filled for the
documents already there. On PostgreSQL a stored generated column search_vector =
to_tsvector('simple', search_text) with a GIN index replaces the trigram indexes of 0002 (trigrams of
Vietnamese syllables select most of a large register). The column is stored rather than an index
expression because the planner often reads the register in order and tests each row: recomputing
to_tsvector there cost ~50 µs a row, reading the stored one ~1 µs. Django does not know the column
(PostgreSQL fills it on every write); only edocs/search.py reads it."""

from django.db import migrations, models

from cchc.edocs.search import incoming_words, outgoing_words

WORDS = [
    ("edocs_in_words", "edocs_incomingdocument"),
    ("edocs_out_words", "edocs_outgoingdocument"),
]
TRGM = [  # from 0002
    ("edocs_in_subject_trgm", "edocs_incomingdocument", "subject"),
    ("edocs_in_notation_trgm", "edocs_incomingdocument", "notation"),
    ("edocs_in_sender_trgm", "edocs_incomingdocument", "sender_name"),
    ("edocs_in_sender_code_trgm", "edocs_incomingdocument", "sender_code"),
    ("edocs_out_document_id_trgm", "edocs_outgoingdocument", "document_id"),
    ("edocs_out_subject_trgm", "edocs_outgoingdocument", "subject"),
    ("edocs_out_notation_trgm", "edocs_outgoingdocument", "notation"),
]


def fill(apps, schema_editor):
    for model, words in (("IncomingDocument", incoming_words), ("OutgoingDocument", outgoing_words)):
        Document = apps.get_model("edocs", model)
        pks = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 2000):  # bounded memory on a large register
            batch = list(Document.objects.filter(pk__in=pks[start : start + 2000]))
            for d in batch:
                d.search_text = words(d)
            Document.objects.bulk_update(batch, ["search_text"])


def words_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRGM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, table in WORDS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector"
            " GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (search_vector)")


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, table in WORDS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")  # and its index
    for name, table, column in TRGM:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("edocs", "0003_order_indexes")]

    operations = [
        migrations.AddField(
            model_name="incomingdocument",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="outgoingdocument",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(words_index, trigram_index),
    ]
