"""Writing the audit log. Domain write functions call these in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from dualtrack.core import dates

from .actors import Viewer
from .bulk import insert_rows
from .choices import AuditAction
from .middleware import client_ip
from .models import AuditLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # a stored photo: its name in storage ("" when none)
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), JSON-ready, for before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password", "created_at", "updated_at"}:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def m2m_snapshot(obj: models.Model) -> dict[str, list[Any]]:
    """The many-to-many links of ``obj`` (ids, sorted), for auditing changes to them."""
    if obj.pk is None:
        return {}
    return {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in obj._meta.many_to_many}


def record_m2m_change(actor: Viewer, obj: models.Model, before: dict[str, list[Any]]) -> AuditLog | None:
    after = m2m_snapshot(obj)
    changed = [k for k in after if before.get(k, []) != after[k]]
    if not changed:
        return None
    return record(actor, AuditAction.UPDATE, obj, before={k: before.get(k, []) for k in changed},
                  after={k: after[k] for k in changed})


def _actor_fields(actor: Viewer) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_username": ""}
    if isinstance(actor, AbstractBaseUser):
        return {"actor": actor, "actor_username": actor.get_username()}
    return {"actor": None, "actor_username": actor.get_username()}  # the console operator


def build(actor: Viewer, action: str, obj: models.Model | None = None, *, before: dict | None = None,
          after: dict | None = None, detail: dict | None = None, object_type: str = "",
          object_id: str = "", object_repr: str = "", ip: str | None = None) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    return AuditLog(
        clock_at=dates.set_clock(), action=action, object_type=object_type, object_id=object_id, object_repr=object_repr[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        detail=_jsonable(detail) if detail is not None else None,
        ip=ip or client_ip(), **_actor_fields(actor),
    )


def record(actor: Viewer, action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditLog:
    entry = build(actor, action, obj, **kwargs)
    entry.save()
    return entry


AUDIT_FIELDS = ("at", "clock_at", "actor", "actor_username", "action", "object_type", "object_id", "object_repr", "before",
                "after", "detail", "ip")


def record_many(entries: list[AuditLog]) -> None:
    """Write many audit rows at once (imports), through one prepared INSERT."""
    now = dates.real_now()
    insert_rows(AuditLog, AUDIT_FIELDS, (
        (now, e.clock_at, e.actor_id, e.actor_username, e.action, e.object_type, e.object_id, e.object_repr, e.before, e.after,
         e.detail, e.ip) for e in entries))


def record_change(actor: Viewer, obj: models.Model, before: dict[str, Any] | None) -> AuditLog | None:
    """Audit a create (``before`` None) or an update (only when something changed)."""
    after = snapshot(obj)
    if before is None:
        return record(actor, AuditAction.CREATE, obj, after=after)
    changed = {k for k in after if before.get(k) != after[k]}
    if not changed:
        return None
    return record(actor, AuditAction.UPDATE, obj, before={k: before.get(k) for k in changed},
                  after={k: after[k] for k in changed})


def record_delete(actor: Viewer, obj: models.Model) -> AuditLog:
    return record(actor, AuditAction.DELETE, obj, before=snapshot(obj))


# --- reading the log --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    """One field of an audited object, before and after, under its Chinese name."""

    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Reading:
    """An audit entry as a person reads it: who (their name), what kind of object (its Chinese name), and each
    changed field before → after."""

    entry: AuditLog
    actor: str
    object_label: str
    changes: list[FieldChange]


def _shown(value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:300]
    return value


def model_label(object_type: str) -> str:
    """The Chinese name of ``app.model`` (the audit log's object type), or the type itself if unknown."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def read(entries: Iterable[AuditLog]) -> list[Reading]:
    """Audit entries for the log's page: names, not logins; Chinese model and field names; one line per field
    that changed (an entry that creates shows what was set, one that deletes what was removed)."""
    out = []
    for entry in entries:
        try:
            model = apps.get_model(entry.object_type) if entry.object_type else None
        except (LookupError, ValueError):
            model = None
        fields = {f.attname: f for f in model._meta.concrete_fields} if model else {}
        if model:
            fields.update({f.name: f for f in model._meta.many_to_many})
        before, after = entry.before or {}, entry.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            before, after = {"value": before}, {"value": after}
        changes = []
        for key in list(dict.fromkeys([*before, *after])):
            old, new = before.get(key), after.get(key)
            if key in before and key in after and old == new:
                continue
            field = fields.get(key)
            label = str(getattr(field, "verbose_name", "")) if field is not None else key
            choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}

            def label_of(value: Any, choices: dict[Any, Any] = choices) -> Any:
                return choices.get(value, value) if isinstance(value, str | int | bool) else value

            changes.append(FieldChange(key, label or key, _shown(label_of(old)), _shown(label_of(new))))
        actor = str(entry.actor) if entry.actor else (entry.actor_username or _("系统"))
        out.append(Reading(entry, actor, model_label(entry.object_type) if entry.object_type else "", changes))
    return out
