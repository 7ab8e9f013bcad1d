"""Re-chain the existing audit events with the keyed hash (HMAC-SHA256 under CCHC_AUDIT_KEY).

Before this migration each hash was a plain SHA-256, which anyone able to rewrite rows could
recompute. The old chain is verified first: an intact chain is re-chained under the key; a broken
one stops the migration (re-chaining it would hide the break) — investigate it with the previous
version's `cchc audit verify`."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

from cchc.core.audit import canonical


def rechain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    # The base manager: the model's own refuses updates (this is the one legitimate rewrite).
    events = AuditEvent._base_manager.db_manager(schema_editor.connection.alias)
    key = settings.CCHC_AUDIT_KEY.encode()
    old_prev = new_prev = ""
    batch = []
    for row in events.order_by("id").iterator(chunk_size=2000):
        if row.prev_hash != old_prev or hashlib.sha256(canonical(row)).hexdigest() != row.hash:
            raise RuntimeError(
                f"the audit log is broken at event #{row.pk}; it was not re-chained under the key. "
                "Investigate with the previous version's `cchc audit verify` before upgrading."
            )
        old_prev = row.hash
        row.prev_hash = new_prev
        row.hash = new_prev = hmac.new(key, canonical(row), hashlib.sha256).hexdigest()
        batch.append(row)
        if len(batch) >= 2000:
            events.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    events.bulk_update(batch, ["prev_hash", "hash"])
    AuditChainHead.objects.db_manager(schema_editor.connection.alias).filter(pk=1, last_hash=old_prev).update(last_hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop, elidable=False)]
