"""Lead stages, investor classes and activity kinds (DOMAIN.md §14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """招商项目的阶段: 线索 → 洽谈 → 签约意向 → 正式签约 → 注册 → 供地 → 开工 → 投产, or 终止."""

    LEAD = "lead", _("线索")
    TALKS = "talks", _("洽谈")
    INTENT = "intent", _("签约意向")
    SIGNED = "signed", _("正式签约")
    REGISTERED = "registered", _("注册")
    LAND = "land", _("供地")
    STARTED = "started", _("开工")
    OPERATING = "operating", _("投产")
    STOPPED = "stopped", _("终止")


BEFORE_SIGNING = (Stage.LEAD, Stage.TALKS, Stage.INTENT)
SIGNED_NOT_STARTED = (Stage.SIGNED, Stage.REGISTERED, Stage.LAND)
STARTED_STAGES = (Stage.STARTED, Stage.OPERATING)
FORMALLY_SIGNED = (*SIGNED_NOT_STARTED, *STARTED_STAGES)


class InvestorClass(models.TextChoices):
    GLOBAL_500 = "global500", _("世界500强")
    CHINA_500 = "china500", _("中国500强")
    PRIVATE_500 = "private500", _("民营500强")
    SERVICE_500 = "service500", _("服务业500强")
    NEW_ECONOMY_500 = "neweco500", _("新经济500强")
    OTHER = "other", _("其他")


class ActivityKind(models.TextChoices):
    VISIT_OUT = "visit_out", _("外出拜访")
    VISIT_IN = "visit_in", _("来访")
    ONLINE = "online", _("线上洽谈")  # 云招商
    PROMOTION = "promotion", _("推介会")
    SIGNING = "signing", _("签约仪式")


class Reason(models.TextChoices):
    NOT_STARTED_6M = "not_started_6m", _("正式签约满6个月未开工")
    NOT_STARTED_9M = "not_started_9m", _("正式签约满9个月未开工")
    STALE = "stale", _("30天无招商活动")


def aliases(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(c.label): c.value for c in choices} | {c.value: c.value for c in choices}


LEAD_TASK_KEY = "investment:red:"  # the source key of a red lead's task in the closed loop
