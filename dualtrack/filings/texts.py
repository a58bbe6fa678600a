"""The texts of the tasks safe resumption raises (kept as codes with parameters, shown in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def overdue_task_text(params: dict[str, Any]) -> str:
    return _("复工备案 %(code)s（%(name)s）于 %(applied)s 申请，审核期限 %(due)s 已过仍未审核，请尽快审核") % params


def outbreak_task_text(params: dict[str, Any]) -> str:
    return _("已备案企业 %(name)s 于 %(date)s 发生聚集性疫情（%(cases)s例），复工备案 %(code)s 已暂停，请处置并评估"
             "是否解除暂停") % params
