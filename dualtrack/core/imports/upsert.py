"""Writing an imported row by its natural key: created, updated field by field, or left unchanged; each change
audited in the same transaction. A re-import of the same rows changes nothing and audits nothing.

An existing record is changed only when the importing user may: the model's declared policy is judged on the
record as it is (``RowContext.may_change``), and a record of another scope is refused with the row and its owner
named. ``ctx`` and ``row`` are required, so a dataset cannot write past that check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dualtrack.core import audit, policy
from dualtrack.core.choices import AuditAction

from ..actors import Actor
from .base import Row, RowContext


def upsert(model: Any, key: dict[str, Any], target: dict[str, Any], existing: Any, user: Actor, ctx: RowContext, *,
           row: Row, action: str | None = None, shown: dict[str, Any] | None = None,
           hidden: Iterable[str] = ()) -> Any:
    """Create ``model`` with ``key`` and ``target`` when ``existing`` is None, else update the fields of ``target``
    that differ. ``shown`` is what the audit row records of a new row (default: all of it); fields in ``hidden``
    (personal data) are audited as "…".

    ``existing`` (found by the natural key of ``row``) is first judged by the model's declared policy for the
    dataset's action (``action`` to override it): out of the user's scope, the row is refused (a row error through
    ``ctx``), nothing is written and None is returned. The written record must be within the scope too."""
    result = ctx.result
    action = action or ctx.action
    if existing is not None and not ctx.may_change(user, existing, row, action):
        return None
    if existing is None:
        obj = model.objects.create(**key, **target)
        _stays_in_scope(ctx, user, obj, row, action)
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
    _stays_in_scope(ctx, user, existing, row, action)
    audit.record(user, AuditAction.UPDATE, existing, before=before,
                 after={f: ("…" if f in masked else target[f]) for f in changed})
    result.updated += 1
    return existing


def _stays_in_scope(ctx: RowContext, user: Actor, obj: Any, row: Row, action: str) -> None:
    """A row may not put a record where its author cannot reach (the import then writes nothing)."""
    if not policy.may(user, obj, action):
        ctx.row = row[0]
        ctx.error(None, _("写入后该记录将不在您的导入范围内，不能导入"))
