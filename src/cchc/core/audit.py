"""The audit log: one typed event per state-changing operation, hash-chained with a key.

Each app declares its event types once (`AGENCY_CREATED = event_type("org.agency.create", ...)`) and
its services call `audit_record(...)` inside their transaction, so the event commits or rolls back
with the change it describes.

Each event's hash is an HMAC-SHA256, under CCHC_AUDIT_KEY (kept outside the database), of its
content and the previous hash: someone who can rewrite rows but does not hold the key cannot
re-chain them. `audit_checkpoint_write` signs (last id, chain head) into a file outside the
database; `audit_verify` checks the chain and every checkpoint, so even the key's holder cannot
rewrite events older than the newest checkpoint unnoticed. Threat model: docs/architecture.md.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import current_ip
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class EventType:
    code: str
    label: str

    def __str__(self) -> str:
        return str(self.label)


EVENT_TYPES: dict[str, EventType] = {}


def event_type(code: str, label) -> EventType:
    """Declare an audit event type; codes are unique across the platform."""
    existing = EVENT_TYPES.get(code)
    if existing is not None:
        return existing
    et = EventType(code, label)
    EVENT_TYPES[code] = et
    return et


def event_label(code: str) -> str:
    """What an action code means, for people ("Tạo tài khoản" rather than accounts.user.create)."""
    et = EVENT_TYPES.get(code)
    return str(et.label) if et is not None else code


_FIELDS_BY_NAME: dict[str, models.Field] = {}
_CHOICE_LABELS: dict[str, str] = {}


def _field_named(name: str):
    """A model field of that name anywhere on the platform (a snapshot may be filed under a related
    target, e.g. a role assignment under its user), for its verbose name and choices."""
    if not _FIELDS_BY_NAME:
        from django.apps import apps

        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                _FIELDS_BY_NAME.setdefault(f.name, f)
                _FIELDS_BY_NAME.setdefault(f.attname, f)
                for value, label in f.flatchoices if f.choices else ():
                    if isinstance(value, str):
                        _CHOICE_LABELS.setdefault(value, label)
    return _FIELDS_BY_NAME.get(name)


def _key_label(key: str) -> str:
    """A key of a nested summary ({"near_poor": 3}) as words: a field's verbose name or a choice's label."""
    field = _field_named(key)
    return str(field.verbose_name if field is not None else _CHOICE_LABELS.get(key, key))


def _own_fields(target_type: str) -> dict:
    from django.apps import apps

    try:
        return {f.name: f for f in apps.get_model(target_type)._meta.concrete_fields} if target_type else {}
    except (LookupError, ValueError):
        return {}


def _snapshot_fields(target_type: str, data: dict):
    """(key, value, field or None) for each entry of a snapshot (the target model's own fields first)."""
    own = _own_fields(target_type)
    for key, value in data.items():
        yield key, value, own.get(key) or own.get(key.removesuffix("_id")) or _field_named(key)


def _is_link(field, value) -> bool:
    return (
        field is not None
        and field.many_to_one
        and value not in (None, "")
        and not (isinstance(value, str) and value in dict(field.choices or ()))
    )


def linked_names(snapshots) -> dict:
    """The names of every record the (target_type, data) snapshots refer to by id or by code, keyed
    (model, value): two queries per linked model at most, however many events a page shows."""
    wanted: dict = {}
    for target_type, data in snapshots:
        if isinstance(data, dict):
            for _key, value, field in _snapshot_fields(target_type, data):
                if _is_link(field, value):
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for model, values in wanted.items():
        ids = [str(v) for v in values if str(v).isdigit()]
        by_pk = {str(o.pk): str(o) for o in model._default_manager.filter(pk__in=ids)} if ids else {}
        by_code = {}
        codes = [str(v) for v in values if str(v) not in by_pk]
        if codes and any(f.name == "code" for f in model._meta.fields):
            by_code = {o.code: str(o) for o in model._default_manager.filter(code__in=codes)}
        for v in values:
            names[(model, v)] = by_pk.get(str(v)) or by_code.get(str(v))
    return names


def readable_changes(target_type: str, data, names: dict | None = None) -> list[tuple[str, str]]:
    """A before/after snapshot as (field label, value) pairs: verbose names, choice labels and the
    names of linked records in place of codes. `names` (from `linked_names`) holds the linked
    names of a whole page; without it they are read for this snapshot."""
    if not isinstance(data, dict):
        return [] if data in (None, "") else [("", str(data))]
    if names is None:
        names = linked_names([(target_type, data)])
    pairs = []
    for key, value, field in _snapshot_fields(target_type, data):
        label = str(field.verbose_name) if field is not None else _key_label(key)
        choices = dict(field.choices or ()) if field is not None else {}
        if isinstance(value, str) and value in choices:
            value = choices[value]
        elif _is_link(field, value):
            value = names.get((field.related_model, value)) or value
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, dict):
            value = "; ".join(f"{_key_label(str(k))}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False)
        pairs.append((label, "—" if value in (None, "") else str(value)))
    return pairs


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def jsonable(data):
    """The JSON-safe form of data, exactly as it will read back from the database."""
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_json_default, ensure_ascii=False))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, for before/after."""
    result = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        result[f.attname] = f.value_from_object(instance)
    return jsonable(result)


def canonical(event) -> bytes:
    """The bytes an event's hash covers (any object with AuditEvent's attributes)."""
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "occurred_at": occurred,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "agency_id": event.agency_id,
        "before": event.before,
        "after": event.after,
        "source_ip": event.source_ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def audit_key() -> bytes:
    return settings.CCHC_AUDIT_KEY.encode()


_KEYED: dict[bytes, "hmac.HMAC"] = {}


def compute_hash(event) -> str:
    """HMAC-SHA256 of the event under the audit key (a keyed state copied per event: the key's
    padding is hashed once, not for each of a million events that `audit verify` reads)."""
    key = audit_key()
    base = _KEYED.get(key)
    if base is None:
        base = _KEYED[key] = hmac.new(key, digestmod=hashlib.sha256)
    h = base.copy()
    h.update(canonical(event))
    return h.hexdigest()


def audit_event(
    event: EventType,
    *,
    actor=None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    agency_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    source_ip: str | None = None,
) -> AuditEvent:
    """An audit event, not yet chained or saved: give it to `audit_record_many`."""
    if event.code not in EVENT_TYPES:
        raise ValueError(f"undeclared audit event type {event.code!r}")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:300]
    now = timezone.now()
    return AuditEvent(
        # Truncated to milliseconds so the hash reads back identically on every database.
        occurred_at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        action=event.code,
        actor_id=getattr(actor, "pk", None),
        actor_label=(actor.get_username() if actor is not None and actor.pk else "")[:200],
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:300],
        agency_id=agency_id,
        before=jsonable(before),
        after=jsonable(after),
        source_ip=source_ip or current_ip.get(),
    )


def audit_record_many(rows: list[AuditEvent]) -> list[AuditEvent]:
    """Chain `rows` (from `audit_event`) after the newest event and save them.

    The chain head's row lock, taken here, is held until the surrounding transaction commits: it
    serialises every writer, so take it as late as possible and record an operation's events in
    one call (three statements, however many events)."""
    if not rows:
        return rows
    # No savepoint: an event that cannot be written must roll back the change it describes.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        for row in rows:
            row.prev_hash = prev
            row.hash = prev = compute_hash(row)
        AuditEvent.objects.bulk_create(rows)
        head.last_id, head.last_hash = rows[-1].pk, prev
        head.save(update_fields=["last_id", "last_hash"])
    return rows


def audit_record(event: EventType, **fields) -> AuditEvent:
    """Record one event (keyword arguments as for `audit_event`) in the caller's transaction."""
    return audit_record_many([audit_event(event, **fields)])[0]


@dataclass(frozen=True)
class ChainBreak:
    event_id: int | None
    reason: str


# --- checkpoints: (last id, chain head) signed into files outside the database -----------------
CHECKPOINT_FORMAT = 1


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    head: str
    events: int
    created_at: str
    path: Path | None = None

    def body(self) -> bytes:
        data = {
            "format": CHECKPOINT_FORMAT,
            "last_id": self.last_id,
            "head": self.head,
            "events": self.events,
            "created_at": self.created_at,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()

    def signature(self) -> str:
        # A key of its own, derived from the audit key: a checkpoint's signature can never be
        # replayed as an event's hash or the other way round.
        key = hmac.new(audit_key(), b"cchc audit checkpoint", hashlib.sha256).digest()
        return hmac.new(key, self.body(), hashlib.sha256).hexdigest()


def checkpoint_dir(directory=None) -> Path:
    return Path(directory or settings.CCHC_AUDIT_CHECKPOINT_DIR)


def audit_checkpoint_write(directory=None) -> Path:
    """Sign the current chain head into a new file in `directory` (never overwriting one).

    Run it periodically (cron, a systemd timer) and keep the directory where the database's users
    cannot write: another machine, write-once storage."""
    head = AuditChainHead.objects.filter(pk=1).first()
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, "")
    now = timezone.now().astimezone(UTC)
    cp = Checkpoint(
        last_id=last_id,
        head=last_hash,
        events=AuditEvent.objects.filter(pk__lte=last_id).count(),
        created_at=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    folder = checkpoint_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-checkpoint-{last_id:012d}-{now:%Y%m%dT%H%M%S%f}.json"
    data = json.loads(cp.body()) | {"signature": cp.signature()}
    # O_EXCL: an existing checkpoint is never replaced.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    return path


def _checkpoints_read(directory) -> tuple[list[Checkpoint], ChainBreak | None]:
    """The folder's checkpoints by last id; a file that does not parse or whose signature does not
    match is a break (someone wrote there without the key)."""
    folder = checkpoint_dir(directory)
    found = []
    for path in sorted(folder.glob("audit-checkpoint-*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text())
            cp = Checkpoint(
                last_id=int(data["last_id"]),
                head=str(data["head"]),
                events=int(data["events"]),
                created_at=str(data["created_at"]),
                path=path,
            )
            signature = str(data["signature"])
        except (ValueError, KeyError, TypeError):
            return [], ChainBreak(None, f"checkpoint {path.name} is unreadable")
        if data.get("format") != CHECKPOINT_FORMAT or not hmac.compare_digest(
            signature.encode(), cp.signature().encode()
        ):
            return [], ChainBreak(cp.last_id, f"checkpoint {path.name}: signature does not match")
        found.append(cp)
    return sorted(found, key=lambda cp: cp.last_id), None


def audit_verify(checkpoints=None) -> tuple[int, ChainBreak | None]:
    """Walk the chain from the first event, checking each keyed hash, then every signed checkpoint
    in `checkpoints` (a folder; default CCHC_AUDIT_CHECKPOINT_DIR) against the events.

    Returns (events checked, first break or None)."""
    pending, broken = _checkpoints_read(checkpoints)
    if broken:
        return 0, broken
    pending = [cp for cp in pending if cp.last_id > 0]  # a checkpoint of the empty log says nothing
    expected_prev = ""
    checked = 0
    last_id = 0
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if pending and pending[0].last_id < row.pk:  # the checkpoint's event is gone
            cp = pending[0]
            return checked, ChainBreak(cp.last_id, f"event signed in checkpoint {cp.path.name} is missing")
        if row.prev_hash != expected_prev:
            return checked, ChainBreak(row.pk, "previous event missing or altered (link does not match)")
        if compute_hash(row) != row.hash:
            return checked, ChainBreak(row.pk, "event content altered (hash does not match)")
        expected_prev = row.hash
        last_id = row.pk
        checked += 1
        while pending and pending[0].last_id == row.pk:
            cp = pending.pop(0)
            if cp.head != row.hash or cp.events != checked:
                return checked, ChainBreak(
                    row.pk, f"chain differs from signed checkpoint {cp.path.name} (events rewritten)"
                )
    if pending:
        cp = pending[0]
        return checked, ChainBreak(
            cp.last_id, f"newest events removed (signed checkpoint {cp.path.name} names #{cp.last_id})"
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.last_id != last_id):
        return checked, ChainBreak(head.last_id, "newest events removed (chain head does not match)")
    return checked, None
