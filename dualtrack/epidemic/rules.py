"""Default rule sets of DOMAIN.md §3.1 and §3.2, and their validators."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from dualtrack.core.rules import RuleError, listed, named, out_of_bounds, validate_decision_list

from .choices import FIVE_COLOUR_RULES, NATIONAL_RULES, Colour, RiskLevel

FACTS = {"cumulative", "new14", "new3", "local14", "cluster14"}

NATIONAL_2020: dict[str, Any] = {
    "window_days": 14,
    "rules": [
        {"outcome": "low", "any": [["cumulative", "==", 0], ["new14", "==", 0]]},
        {"outcome": "high", "all": [["cumulative", ">", 50], ["cluster14", "==", True]]},
        {"outcome": "medium", "all": []},
    ],
    "strategy": {
        # marked for the catalogue: the English interface shows the default texts translated (a revised text is
        # shown as written)
        "low": gettext_noop("外防输入、全面恢复生产生活秩序"),
        "medium": gettext_noop("外防输入、内防扩散、尽快有序恢复生产生活秩序"),
        "high": gettext_noop("内防扩散、外防输出、严格管控"),
    },
}

FIVE_COLOUR: dict[str, Any] = {
    "window_days": 14,
    "recent_days": 3,
    "rules": [
        {"outcome": "red", "all": [["cumulative", ">", 50], ["cluster14", "==", True]]},
        {"outcome": "orange", "any": [["cluster14", "==", True], ["local14", ">", 10]]},
        {"outcome": "yellow", "all": [["new3", ">", 0]]},
        {"outcome": "blue", "all": [["new14", ">", 0]]},
        {"outcome": "green", "all": []},
    ],
}

DEFAULTS = {NATIONAL_RULES: NATIONAL_2020, FIVE_COLOUR_RULES: FIVE_COLOUR}


#: the fields' names for people: the five-colour measure's help on the what-if page, and the messages of both sets
HELP = {
    "window_days": gettext_lazy("近期病例统计窗口（天）"),
    "recent_days": gettext_lazy("最近新增统计窗口（天）"),
    "national_rules": gettext_lazy("风险等级判定规则（自上而下，第一条成立者定级）"),
    "colour_rules": gettext_lazy("五色判定规则（自上而下，第一条成立者定色）"),
    "strategy": gettext_lazy("各风险等级的防控策略"),
}


def _windows(definition: Any, keys: tuple[str, ...]) -> None:
    if not isinstance(definition, dict):
        raise RuleError(_("规则定义须为 JSON 对象（{…}）"))
    for key in keys:
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
            raise RuleError(out_of_bounds(named(key, HELP[key]), whole=True, low=1, high=60))


def validate_national(definition: Any) -> None:
    _windows(definition, ("window_days",))
    validate_decision_list(definition.get("rules"), FACTS, set(RiskLevel.values), "rules", HELP["national_rules"])
    strategy = definition.get("strategy")
    if not isinstance(strategy, dict) or set(strategy) != set(RiskLevel.values):
        raise RuleError(_("%(field)s须为每个风险等级（%(levels)s）各一段文字") % {
            "field": named("strategy", HELP["strategy"]), "levels": listed(RiskLevel.values)})


def validate_five_colour(definition: Any) -> None:
    _windows(definition, ("window_days", "recent_days"))
    validate_decision_list(definition.get("rules"), FACTS, set(Colour.values), "rules", HELP["colour_rules"])


RULE_VALIDATORS = {NATIONAL_RULES: validate_national, FIVE_COLOUR_RULES: validate_five_colour}
