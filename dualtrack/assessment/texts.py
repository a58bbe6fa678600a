"""The texts of the tasks the assessment raises (kept as codes with parameters, shown in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def d_list_task_text(params: dict[str, Any]) -> str:
    return _("%(year)s年度亩均效益评价已定稿，%(county)s有%(n)s家D类企业（%(names)s），请制定低效用地整治（腾笼换鸟）方案") % params
