"""Filing states, events, checklist defaults and the names the safe-resumption capability uses (DOMAIN.md §16)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingState(models.TextChoices):
    """复工备案的状态: 申请 → 已备案 | 退回; 已备案 → 暂停（疫情） → 已备案; 撤销."""

    APPLIED = "applied", _("待审核")
    FILED = "filed", _("已备案")
    RETURNED = "returned", _("退回")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("撤销")


#: the states in which a filing counts as filed for 复工未备案 (a suspended filing still counts, §16)
FILED_STATES = (FilingState.FILED, FilingState.SUSPENDED)
#: an enterprise may not apply again while one of its filings is in one of these
OPEN_STATES = (FilingState.APPLIED, FilingState.FILED, FilingState.SUSPENDED)


class Decision(models.TextChoices):
    """审核结果."""

    FILED = "filed", _("已备案")
    RETURNED = "returned", _("退回")


class EventKind(models.TextChoices):
    """A filing's recorded events (备案记录): a change is a new event, never an overwrite."""

    APPLIED = "applied", _("提交申请")
    FILED = "filed", _("准予备案")
    RETURNED = "returned", _("退回")
    INSPECTED = "inspected", _("现场查勘")
    SUSPENDED = "suspended", _("因疫情暂停")
    LIFTED = "lifted", _("解除暂停")
    REVOKED = "revoked", _("撤销备案")


class UnfiledSource(models.TextChoices):
    """How an enterprise is known to have resumed without a filing (复工未备案的来源)."""

    REPORT = "report", _("企业报送")
    POWER = "power", _("用电监测")


class VisitState(models.TextChoices):
    OPEN = "open", _("待核查")
    DONE = "done", _("已核查")


LEVELS = ("low", "medium", "high")

#: the default checklist (our reading of 国发明电〔2020〕4号's headings as 003's "七个必须"): code, text, levels
DEFAULT_CHECKLIST = [  # as migration 0002 seeds it
    ("C1", "主体责任：明确防控责任人，主要负责人为第一责任人", LEVELS),
    ("C2", "返岗人员隔离观察：市外返岗人员按规定隔离观察14天", ("medium", "high")),
    ("C3", "健康监测：每日两次测温，设立症状报告电话，每日报送员工健康情况", LEVELS),
    ("C4", "出入登记：设置单一出入口，登记并在门口测温", LEVELS),
    ("C5", "通风消毒：落实通风、清洁和消毒并留存记录", LEVELS),
    ("C6", "减少聚集：错峰就餐、错时上下班，不召开大型会议", LEVELS),
    ("C7", "应急处置：设立隔离室，制定应急预案，储备口罩和消毒液", LEVELS),
]

RULES_KEY = "filing"
#: a filing overdue for a decision raises this §6 task (source key + the filing's code)
OVERDUE_TASK_KEY = "filing-overdue:"
#: an outbreak in a filed enterprise raises this §6 task (source key + the filing's code + the cluster's id)
OUTBREAK_TASK_KEY = "filing-outbreak:"
OVERDUE_TASK_TEXT = "filings.overdue"
OUTBREAK_TASK_TEXT = "filings.outbreak"
CODE_PREFIX = "FB"
MAX_WORKERS = 1_000_000  # beyond any one enterprise: a typing slip
MAX_STOCK = 100_000_000
