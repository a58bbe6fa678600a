"""Constants and choices shared by every app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The seven roles of DOMAIN.md §1 (用户角色)."""

    HQ = "hq", _("市指挥部")
    LEADER = "leader", _("市领导")
    DISTRICT = "district", _("区县（市）/园区")
    DEPARTMENT = "department", _("职能部门")
    LIAISON = "liaison", _("驻企联企服务员")
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC = "public", _("公众")


class NoticeKind(models.TextChoices):
    """What an in-application notice is about (通知类别): the notices page groups by it and the bell counts the kinds
    that need the reader (``core.notifications.NEEDS_READER``)."""

    ESCALATION = "escalation", _("提级督办")  # a problem assigned or escalated to the reader: it needs them
    DIGEST = "digest", _("每日汇总")  # the day's automatic tasks, one notice per reader and day
    TASK = "task", _("督办任务")  # an automatic task, told to its handlers one by one (a leader gets the digest)
    INSTRUCTION = "instruction", _("领导批示")
    REPLY = "reply", _("办理答复")  # the reporter's problem answered or returned
    BULLETIN = "bulletin", _("通报")
    NOTICE = "notice", _("其他")


class Action(models.TextChoices):
    """What a user wants to do with an object (操作): the access policy answers per action and role."""

    VIEW = "view", _("查看")
    ADD = "add", _("新增")
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    # Domain verbs
    REPORT = "report", _("报送")
    TRIAGE = "triage", _("梳理")
    ASSIGN = "assign", _("转办")
    RESOLVE = "resolve", _("办理")
    CONFIRM = "confirm", _("确认销号")
    APPLY = "apply", _("申报")
    APPROVE = "approve", _("审核")
    PAY = "pay", _("兑现")
    PUBLISH = "publish", _("发布")
    REVISE = "revise", _("修订")
    PERSONAL = "personal", _("查看个人信息")  # phone and ID numbers unmasked
    INSTRUCT = "instruct", _("批示")  # a leader's written instruction on an escalated item


class AuditAction(models.TextChoices):
    """Kinds of audit record (审计日志)."""

    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    VIEW_PERSONAL = "view_personal", _("查看个人信息")
    WHAT_IF = "what_if", _("规则推演")


# The largest whole number a count may hold (a PostgreSQL ``integer``); a form or API field above it is refused
# with a message instead of overflowing the database.
MAX_COUNT = 2_147_483_647

class DateKind(models.TextChoices):
    """What a date in an import column or a form field is about, which sets the days it may take (DOMAIN.md §15
    "One clock"): a day of data or an event lies between ``DATA_EARLIEST_DAY`` and the clock's today; a date of
    record about the past (established, identified) may be any earlier day since 1900; a plan or a deadline may lie
    ahead, up to ``PLAN_YEARS_AHEAD`` years past the clock."""

    EVENT = "event", _("数据日或事件日期")
    PAST = "past", _("既往日期")
    PLAN = "plan", _("计划或期限日期")


PLAN_YEARS_AHEAD = 30
EARLIEST_PAST_DAY = "1900-01-01"
