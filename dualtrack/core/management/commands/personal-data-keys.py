"""``dualtrack personal-data-keys``: the stored ID-number hashes of every table by the key chain that made them, and
``--rehash`` to roll them over to the current key after a rotation (README, "Keys for personal data"). Re-hashing
needs no ID number: each hash is wrapped in the current key (HMAC of the stored hash) and its chain extended."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Count

from dualtrack.core import audit, privacy
from dualtrack.core.choices import AuditAction


def hashed_models() -> list[type[models.Model]]:
    """Every model that keeps a keyed hash with its key chain (``id_hash`` and ``id_key``)."""
    out = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"id_hash", "id_key"} <= names:
            out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def chains(model: type[models.Model]) -> dict[str, int]:
    rows = (model._base_manager.exclude(id_hash="").values("id_key").annotate(n=Count("pk")).order_by("id_key"))
    return {row["id_key"]: row["n"] for row in rows}


def rehash(model: type[models.Model]) -> int:
    """Wrap every hash of ``model`` not yet under the current key; returns how many rows moved."""
    current = privacy.current_key_id()
    moved = 0
    with transaction.atomic():
        stale = (model._base_manager.exclude(id_hash="").exclude(id_key="")
                 .exclude(id_key=current).exclude(id_key__endswith=f"{privacy.CHAIN}{current}"))
        for pk, id_hash, chain in stale.values_list("pk", "id_hash", "id_key").iterator(chunk_size=2000):
            new_hash, new_chain = privacy.rewrap(id_hash, chain)
            moved += model._base_manager.filter(pk=pk, id_hash=id_hash, id_key=chain).update(
                id_hash=new_hash, id_key=new_chain)
        if moved:
            audit.record(None, AuditAction.UPDATE, object_type=model._meta.label_lower,
                         object_repr=f"{moved} hashes", detail={"rehashed": moved, "to_key": current})
    return moved


class Command(BaseCommand):
    help = "Stored ID-number hashes by key chain; --rehash moves them to the current key (PERSONAL_DATA_KEY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rehash", action="store_true", help="wrap every older hash in the current key")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            known = privacy.keys()
        except Exception as exc:
            raise CommandError(str(exc)) from exc
        current = next(iter(known))
        moved = {m._meta.label_lower: rehash(m) for m in hashed_models()} if options["rehash"] else {}
        report: list[dict[str, Any]] = []
        for model in hashed_models():
            for chain, n in chains(model).items():
                ids = chain.split(privacy.CHAIN) if chain else []
                missing = [i for i in ids if i not in known]
                report.append({"table": model._meta.label_lower, "chain": chain, "rows": n,
                               "current": bool(ids) and ids[-1] == current, "missing_keys": missing})
        if options["json"]:
            self.stdout.write(json.dumps({"current_key": current, "keys": list(known), "rehashed": moved,
                                          "hashes": report}, ensure_ascii=False))
            return
        self.stdout.write(f"current key: {current}; known keys: {', '.join(known)}")
        for label, n in moved.items():
            if n:
                self.stdout.write(f"rehashed {n} rows of {label} to {current}")
        for row in report:
            state = ("current" if row["current"] else "older key: run --rehash") if not row["missing_keys"] else \
                f"key {', '.join(row['missing_keys'])} not configured: these rows cannot be matched"
            self.stdout.write(f"{row['table']:<24} {row['chain'] or '-':<24} {row['rows']:>8}  {state}")
