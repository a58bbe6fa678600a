"""Writing an imported row by its natural key: created, updated field by field, or left unchanged; each change
audited in the same transaction. A re-import of the same rows changes nothing and audits nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dualtrack.core import audit
from dualtrack.core.choices import AuditAction

from .base import ImportResult


def upsert(model: Any, key: dict[str, Any], target: dict[str, Any], existing: Any, user: Any, result: ImportResult,
           *, shown: dict[str, Any] | None = None, hidden: Iterable[str] = ()) -> Any:
    """Create ``model`` with ``key`` and ``target`` when ``existing`` is None, else update the fields of ``target``
    that differ. ``shown`` is what the audit row records of a new row (default: all of it); fields in ``hidden``
    (personal data) are audited as "…"."""
    if existing is None:
        obj = model.objects.create(**key, **target)
        audit.record(user, AuditAction.CREATE, obj, after=shown if shown is not None else {**key, **target})
        result.created += 1
        return obj
    changed = [f for f in target if getattr(existing, f) != target[f]]
    if not changed:
        result.unchanged += 1
        return existing
    masked = set(hidden)
    before = {f: ("…" if f in masked else getattr(existing, f)) for f in changed}
    for f in changed:
        setattr(existing, f, target[f])
    existing.save(update_fields=changed)
    audit.record(user, AuditAction.UPDATE, existing, before=before,
                 after={f: ("…" if f in masked else target[f]) for f in changed})
    result.updated += 1
    return existing
