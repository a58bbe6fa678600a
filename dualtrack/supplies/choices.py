"""Request kinds, receipt sources, statuses and the names the supplies capability uses (防疫物资, DOMAIN.md §17)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    """申请方类型 (the order here is the allocation order's, see ``ALLOCATION_RANK``)."""

    MEDICAL = "medical", _("医疗机构")
    CITY = "city", _("城市运行")
    KEY_ENTERPRISE = "key_enterprise", _("重点企业")
    KEY_PROJECT = "key_project", _("重点项目")
    GRASSROOTS = "grassroots", _("基层单位")
    RESUMED = "resumed", _("复工企业")
    PUBLIC = "public", _("公众批次")


#: the allocation order of §17: 医疗机构, 城市运行, 重点企业 and 重点项目 (one rank), 基层单位, 复工企业, 公众批次
ALLOCATION_RANK = {RequestKind.MEDICAL: 0, RequestKind.CITY: 1, RequestKind.KEY_ENTERPRISE: 2,
                   RequestKind.KEY_PROJECT: 2, RequestKind.GRASSROOTS: 3, RequestKind.RESUMED: 4,
                   RequestKind.PUBLIC: 5}
#: the kinds whose applicant is an enterprise (a credit code): the cap and the 7-day interval apply to them
ENTERPRISE_KINDS = (RequestKind.KEY_ENTERPRISE, RequestKind.RESUMED)


class Source(models.TextChoices):
    """入库来源."""

    PURCHASE = "purchase", _("采购")
    ALLOCATED = "allocated", _("上级调拨")
    DONATION = "donation", _("捐赠")
    LOCAL = "local", _("本地生产")


class Status(models.TextChoices):
    """承诺状态 / 发放状态 of a request: every line reached (complete), none (none), else partial."""

    NONE = "none", _("未")
    PARTIAL = "partial", _("部分")
    COMPLETE = "complete", _("全部")


#: the words of the two statuses on pages: 未承诺 / 部分承诺 / 全部承诺, 未发放 / 部分发放 / 全部发放
COMMIT_STATUS_LABELS = {Status.NONE: _("未承诺"), Status.PARTIAL: _("部分承诺"), Status.COMPLETE: _("全部承诺")}
FULFIL_STATUS_LABELS = {Status.NONE: _("未发放"), Status.PARTIAL: _("部分发放"), Status.COMPLETE: _("全部发放")}

RULES_KEY = "supplies"
#: an overdue request raises this §6 task for the depot's department (source key + the request's code)
OVERDUE_TASK_KEY = "supplies-overdue:"
OVERDUE_TASK_TEXT = "supplies.overdue"
CODE_PREFIX = "WZ"
MAX_QUANTITY = 100_000_000  # beyond any one line: a typing slip
MAX_LINES = 20  # items on one request
