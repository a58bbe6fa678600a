"""The rule set ``projects``: light thresholds, the resumption deadline, the start grace period and the
consequences' thresholds (DOMAIN.md §7), as a frozen dataclass with bounds (``core.capability.Rules``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.capability import Rules, bound
from dualtrack.core.rules import RuleError, a_date

RULES_KEY = "projects"
DEFAULT: dict[str, Any] = {
    "red_below": 0.6,
    "yellow_below": 0.8,
    "resumption_deadline": "2020-03-15",
    "start_grace_days": 30,
    "exit_red_months": 3,
    "exit_no_start_months": 6,
    "ranking_low_rate": 0.6,
    # The department (its code) that follows the dispatch tasks of a project with no responsible city
    # department: a county government or an enterprise as the responsible unit.
    "dispatch_department": "FGW",
}
_DEPARTMENT = gettext_lazy("%(field)s须为部门代码（不超过 20 个字符）")


@dataclass(frozen=True)
class ProjectRules(Rules):
    """项目亮灯规则: completed ÷ planned below ``red_below`` is red, below ``yellow_below`` yellow."""

    red_below: float = field(metadata=bound(0, 2, low_open=True, help=gettext_lazy("完成率低于此值亮红灯")))
    yellow_below: float = field(metadata=bound(0, 2, low_open=True, help=gettext_lazy("完成率低于此值亮黄灯")))
    resumption_deadline: str = field(metadata=bound(help=gettext_lazy("复工截止日期 YYYY-MM-DD"),
                                                    message=gettext_lazy("%(field)s须为日期（YYYY-MM-DD）")))
    start_grace_days: int = field(metadata=bound(1, help=gettext_lazy("计划开工后的宽限天数")))
    exit_red_months: int = field(metadata=bound(1, help=gettext_lazy("连续红灯几个月调出")))
    exit_no_start_months: int = field(metadata=bound(1, help=gettext_lazy("几个月未开工调出")))
    ranking_low_rate: float = field(default=0.6, metadata=bound(0, 2, help=gettext_lazy("排名中视为偏低的完成率")))
    dispatch_department: str = field(default="", metadata=bound(help=gettext_lazy("无市级责任部门时跟踪督办的部门代码"),
                                                               message=_DEPARTMENT))

    def check(self) -> None:
        if self.red_below > self.yellow_below:
            raise RuleError(_("%(red)s不能高于%(yellow)s") % {"red": self.named("red_below"),
                                                             "yellow": self.named("yellow_below")})
        try:
            dt.date.fromisoformat(self.resumption_deadline)
        except ValueError as exc:
            raise RuleError(a_date(self.named("resumption_deadline"))) from exc
        if len(self.dispatch_department) > 20:
            raise RuleError(str(_DEPARTMENT) % {"field": self.named("dispatch_department")})


def validate(definition: Any) -> None:
    ProjectRules.parse(definition)
