"""The audit log: one typed event per state-changing operation, hash-chained.

Each app declares its event types once (`AGENCY_CREATED = event_type("org.agency.create", ...)`) and
its services call `audit_record(...)` inside their transaction, so the event commits or rolls back
with the change it describes.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

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


def _related_label(field, value, cache: dict) -> str | None:
    """The name of the record a snapshot refers to by id or by code (None if there is none)."""
    model = field.related_model
    key = (model, value)
    if key not in cache:
        lookups = [{"pk": value}] if str(value).isdigit() else []
        if any(f.name == "code" for f in model._meta.fields):
            lookups.append({"code": value})
        cache[key] = None
        for lookup in lookups:
            obj = model._default_manager.filter(**lookup).first()
            if obj is not None:
                cache[key] = str(obj)
                break
    return cache[key]


def readable_changes(target_type: str, data, cache: dict | None = None) -> list[tuple[str, str]]:
    """A before/after snapshot as (field label, value) pairs: verbose names, choice labels and the
    names of linked records in place of codes (the target model's own fields first). `cache`
    keeps linked names across the events of one page."""
    from django.apps import apps

    if not isinstance(data, dict):
        return [] if data in (None, "") else [("", str(data))]
    try:
        own = {f.name: f for f in apps.get_model(target_type)._meta.concrete_fields} if target_type else {}
    except (LookupError, ValueError):
        own = {}
    pairs = []
    for key, value in data.items():
        field = own.get(key) or own.get(key.removesuffix("_id")) or _field_named(key)
        label = str(field.verbose_name) if field is not None else _key_label(key)
        choices = dict(field.choices or ()) if field is not None else {}
        if isinstance(value, str) and value in choices:
            value = choices[value]
        elif field is not None and field.many_to_one and value not in (None, ""):
            value = _related_label(field, value, {} if cache is None else cache) or value
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


def _canonical(event: AuditEvent) -> bytes:
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


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


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


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the first event. Returns (events checked, first break or None)."""
    expected_prev = ""
    checked = 0
    last_id = 0
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if row.prev_hash != expected_prev:
            return checked, ChainBreak(row.pk, "previous event missing or altered (link does not match)")
        if compute_hash(row) != row.hash:
            return checked, ChainBreak(row.pk, "event content altered (hash does not match)")
        expected_prev = row.hash
        last_id = row.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.last_id != last_id):
        return checked, ChainBreak(head.last_id, "newest events removed (chain head does not match)")
    return checked, None
