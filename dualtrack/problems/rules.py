"""The rule set ``problems``: deadlines in working days per complexity and the escalation chain, as a frozen
dataclass (``core.capability.Rules``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.capability import Rules, bound
from dualtrack.core.rules import RuleError, listed

from .choices import Complexity

RULES_KEY = "problems"
DEFAULT: dict[str, Any] = {
    "deadline_days": {"policy": 1, "simple": 1, "general": 3, "complex": 15},
    "levels": ["责任人/驻企服务员", "行业主管部门", "分管副市长", "常务副市长", "市政府常务会", "市委常委会"],
    "due_soon_hours": 24,
    "recurrence": {"count": 3, "days": 30},
}


@dataclass(frozen=True)
class ProblemRules(Rules):
    """问题办理时限与升级链."""

    deadline_days: dict[str, int] = field(metadata=bound(help=gettext_lazy("各复杂程度的办理时限（工作日）")))
    levels: list[str] = field(metadata=bound(help=gettext_lazy("逐级升级链（至少两级）")))
    due_soon_hours: int = field(default=24, metadata=bound(1, 24 * 30, help=gettext_lazy("临期提醒提前小时数")))
    recurrence: dict[str, int] = field(default_factory=lambda: {"count": 3, "days": 30},
                                       metadata=bound(help=gettext_lazy("同一企业重复反映的次数与天数")))

    def check(self) -> None:
        days = self.deadline_days
        if not isinstance(days, dict) or set(days) != set(Complexity.values) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 60 for v in days.values()):
            raise RuleError(_("%(field)s须为每个复杂程度（%(levels)s）各一个 1 到 60 之间的工作日数") % {
                "field": self.named("deadline_days"), "levels": listed(Complexity.values)})
        levels = self.levels
        if not isinstance(levels, list) or len(levels) < 2 or not all(isinstance(x, str) and x for x in levels):
            raise RuleError(_("%(field)s须为至少两级的名称列表") % {"field": self.named("levels")})


def validate(definition: Any) -> None:
    ProblemRules.parse(definition)
