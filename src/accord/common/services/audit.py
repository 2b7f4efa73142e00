"""The audit log writer. Every service that creates, changes or moves an object calls it."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from accord.common.models import AuditAction, AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-ready data (foreign keys as ids)."""
    names = list(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"}:
            continue
        if names is not None and field.name not in names:
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def log_action(
    *,
    actor: Any,
    action: AuditAction | str,
    instance: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one audit entry. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action must be called inside the service's transaction.atomic()")
    entry = _entry(actor, action, instance, before, after, reason)
    entry.save(force_insert=True)
    return entry


def log_actions(
    *,
    actor: Any,
    action: AuditAction | str,
    changes: Iterable[tuple[models.Model, Mapping[str, Any]]],
    reason: str = "",
) -> list[AuditEntry]:
    """Append one audit entry per ``(instance, after)`` in one INSERT: the same entries
    ``log_action`` writes, for a bulk write (e.g. a batch of imported publications). Must run
    inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_actions must be called inside the service's transaction.atomic()")
    entries = [_entry(actor, action, instance, None, after, reason) for instance, after in changes]
    return AuditEntry.objects.bulk_create(entries)


def _entry(
    actor: Any,
    action: AuditAction | str,
    instance: models.Model,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str,
) -> AuditEntry:
    user = actor if getattr(actor, "pk", None) is not None else None
    label = str(actor) if actor is not None else "system"
    return AuditEntry(
        actor=user,
        actor_label=label[:200],
        action=str(action),
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=_jsonable(dict(before or {})),
        after=_jsonable(dict(after or {})),
        reason=reason,
    )


def save_with_audit(
    instance: models.Model,
    *,
    actor: Any,
    values: Mapping[str, Any],
    reason: str = "",
) -> tuple[models.Model, bool]:
    """Create ``instance`` (unsaved) or update it with ``values``; audit what changed.

    Returns the instance and whether anything was written. An update that changes nothing writes
    nothing (no save, no audit entry), which keeps re-running loaders idempotent.
    """
    with transaction.atomic():
        creating = instance.pk is None
        before = {} if creating else snapshot(instance, values.keys())
        for name, value in values.items():
            setattr(instance, name, value)
        instance.full_clean()
        after = snapshot(instance, values.keys())
        if not creating and before == after:
            return instance, False
        if creating:
            instance.save()
            log_action(
                actor=actor,
                action=AuditAction.CREATE,
                instance=instance,
                after=snapshot(instance),
                reason=reason,
            )
        else:
            changed = [k for k in after if before.get(k) != after.get(k)]
            instance.save(
                update_fields=[
                    *changed,
                    *(["updated_at"] if hasattr(instance, "updated_at") else []),
                ]
            )
            log_action(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=instance,
                before={k: before.get(k) for k in changed},
                after={k: after[k] for k in changed},
                reason=reason,
            )
        return instance, True


def set_related_with_audit(
    instance: models.Model,
    *,
    field: str,
    objects: Iterable[models.Model],
    actor: Any,
    reason: str = "",
) -> bool:
    """Set a many-to-many field to exactly ``objects``; audit the change. Returns whether it changed."""
    with transaction.atomic():
        manager = getattr(instance, field)
        before = sorted(manager.values_list("pk", flat=True))
        wanted = sorted(obj.pk for obj in objects)
        if before == wanted:
            return False
        manager.set(wanted)
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=instance,
            before={field: before},
            after={field: wanted},
            reason=reason,
        )
        return True
