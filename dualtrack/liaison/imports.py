"""The ``liaisons`` dataset: which liaison officer looks after which enterprise (驻企服务员名单)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.accounts import services as accounts
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry


@register
class LiaisonDataset(Dataset):
    """驻企服务员名单: which liaison officer looks after which enterprise (one row per pair)."""

    name = "liaisons"
    # Who looks after which enterprise is part of an officer's account: HQ changes it (accounts.User CHANGE)
    model, import_action = "accounts.User", Action.CHANGE
    label = gettext_lazy("驻企服务员联系企业")
    natural_key = ("username", "uscc")
    batch_size = None
    columns = [
        Column("username", "服务员账号", p.text, example="liaison01", max_length=150),
        Column("uscc", "统一社会信用代码", p.code, example="91339102MA2CF0QX4T"),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"officers": {u.username: u for u in accounts.liaison_officers()},
                "enterprises": dict(registry.all_enterprises().values_list("uscc", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["username"] not in state["officers"]:
            ctx.error("username", _("没有这个驻企服务员账号"), values["username"])
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在"), values["uscc"])

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        wanted: dict[str, list[int]] = {}
        for _row, values in rows:
            wanted.setdefault(values["username"], []).append(state["enterprises"][values["uscc"]])
        for username, enterprise_ids in wanted.items():
            added = accounts.assign_enterprises(user, state["officers"][username], enterprise_ids)
            result.created += added
            result.unchanged += len(set(enterprise_ids)) - added
