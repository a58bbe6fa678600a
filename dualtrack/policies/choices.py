"""Support types, amount rules and application states of policy fulfilment (DOMAIN.md §8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportType(models.TextChoices):
    RENT_RELIEF = "rent_relief", _("租金减免")
    SUBSIDY = "subsidy", _("财政补贴")
    INTEREST_DISCOUNT = "interest_discount", _("贷款贴息")
    TAX_DEFERRAL = "tax_deferral", _("税费缓缴")
    SOCIAL_INSURANCE = "social_insurance", _("社保减免")
    JOB_STABILISATION = "job_stabilisation", _("稳岗返还")
    CHARTER_BUS = "charter_bus", _("包车补贴")
    LOAN = "loan", _("流动资金贷款")
    OTHER = "other", _("其他")


class AmountRule(models.TextChoices):
    FIXED = "fixed", _("定额")
    PER_HEAD = "per_head", _("按人数")
    SHARE = "share", _("按基数比例（封顶）")


class HeadcountBasis(models.TextChoices):
    NORMAL = "normal", _("正常用工人数")
    DECLARED = "declared", _("申报人数")


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("不予通过")
    PAID = "paid", _("已兑现")


class ApplicationSource(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业申报")
    OFFICER = "officer", _("服务员代报")
    ENTITLEMENT = "entitlement", _("免申即享")


class OutreachState(models.TextChoices):
    OPEN = "open", _("待走访")
    DONE = "done", _("已走访")


# Hard-hit sectors (受冲击较大行业) as GB/T 4754-2017 divisions: transport (53-58 road, water, air, multimodal,
# handling, postal are narrowed to passenger-heavy 53/54/56), lodging (61), catering (62), travel agencies
# and tourism services (72, which holds 7291 旅行社), entertainment (90).
HARD_HIT_DIVISIONS = {"53": "铁路运输业", "54": "道路运输业", "56": "航空运输业", "61": "住宿业", "62": "餐饮业",
                      "72": "商务服务业(旅行社)", "90": "娱乐业"}
