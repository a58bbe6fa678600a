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
    """Why a lead is lit. The codes (stored, and in the ``--json``/API contract) are named after the default
    thresholds and never change: the text shown names the threshold the light was judged under, rendered by
    ``services.reason_text`` from the rule set (满4个月 under a 4-month yellow threshold)."""

    NOT_STARTED_6M = "not_started_6m", _("正式签约满黄灯月数未开工")
    NOT_STARTED_9M = "not_started_9m", _("正式签约满红灯月数未开工")
    STALE = "stale", _("签约前超过规定天数无招商活动")


class FundKind(models.TextChoices):
    """争资的资金类别."""

    CENTRAL_BUDGET = "central_budget", _("中央预算内投资")
    SPECIAL_BOND = "special_bond", _("地方政府专项债券")
    PROVINCIAL = "provincial", _("省级专项")


class BidState(models.TextChoices):
    PENDING = "pending", _("申报中")
    WON = "won", _("已获批")
    REJECTED = "rejected", _("未获批")


class PipelineStage(models.TextChoices):
    """四个一批: where a key project stands at a quarter's end, read from its dates."""

    RESERVE = "reserve", _("储备")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")


# A key project created when a lead starts gets this default plan (its planned investment spread evenly over
# these months from the start month) until its responsible unit imports its own monthly plan.
HANDOVER_PLAN_MONTHS = 24
HANDOVER_PROJECT_PREFIX = "ZS-"  # the key project of lead ZS2020-0001 is ZS-ZS2020-0001 unless one is linked


def aliases(choices: type[models.TextChoices]) -> dict[str, str]:
    return {str(c.label): c.value for c in choices} | {c.value: c.value for c in choices}


LEAD_TASK_KEY = "investment:red:"  # the source key of a red lead's task in the closed loop
LEAD_TASK_TEXT = "investment.red_lead"  # its text as a code (problems.create_task's ``text_code``, #28 §3)
