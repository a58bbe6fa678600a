"""The texts of the tasks the supplies raise (kept as codes with parameters, shown in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def overdue_task_text(params: dict[str, Any]) -> str:
    return _("物资申请 %(code)s（%(name)s）需用日期 %(needed_by)s 已过，已承诺的物资尚未发放完毕，请尽快发放") % params
