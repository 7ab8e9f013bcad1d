"""The shipped standards' notes are shown on the standards page of a Vietnamese interface: a database
that loaded the English notes of the first releases gets the Vietnamese ones. Only rows still holding a
shipped English note (marked UNCONFIRMED) change; notes an operator wrote are left as they are."""

from django.db import migrations

from cchc.households.standards import read_definition, shipped_files


def notes_in_vietnamese(apps, schema_editor):
    PovertyStandard = apps.get_model("households", "PovertyStandard")
    shipped = {d["code"]: d.get("notes", "") for d in map(read_definition, shipped_files())}
    for standard in PovertyStandard.objects.filter(code__in=shipped, notes__contains="UNCONFIRMED"):
        standard.notes = shipped[standard.code]
        standard.save(update_fields=["notes"])


class Migration(migrations.Migration):
    dependencies = [("households", "0002_livelihood_middle_rule")]

    operations = [migrations.RunPython(notes_in_vietnamese, migrations.RunPython.noop)]
