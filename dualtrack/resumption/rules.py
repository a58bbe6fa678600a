"""The rule set ``resumption`` (DOMAIN.md §4.2–§4.4): baseline window, thresholds, colour targets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.rules import RuleError, a_date, listed, named, out_of_bounds

if TYPE_CHECKING:
    from dualtrack.power.services import PowerRules

RULES_KEY = "resumption"
COLOURS = ("green", "blue", "yellow", "orange", "red")

DEFAULT: dict[str, Any] = {
    "baseline_start": "2019-10-01",
    "baseline_end": "2019-12-31",
    "min_coverage": 0.5,
    "resumed_ratio": 0.3,
    "paper_ratio": 0.1,
    "crosscheck_days": 3,
    "count_weight": 0.5,
    "targets": {"green": 0.9, "blue": 0.8, "yellow": 0.7, "orange": 0.5, "red": None},
    "fast_rise_pp": 10,
    "fast_rise_days": 3,
}


#: the fields' names for people (the measure's help on the what-if page, and the messages here)
HELP = {
    "baseline_start": gettext_lazy("电力基线起始日"),
    "baseline_end": gettext_lazy("电力基线截止日"),
    "min_coverage": gettext_lazy("基线期最低数据覆盖率"),
    "resumed_ratio": gettext_lazy("电力复工阈值（占基线）"),
    "paper_ratio": gettext_lazy("纸面复工阈值（占基线）"),
    "crosscheck_days": gettext_lazy("交叉核验连续天数"),
    "count_weight": gettext_lazy("复工电力指数中企业数占比的权重"),
    "targets": gettext_lazy("各色产能恢复目标"),
    "fast_rise_pp": gettext_lazy("快速回升阈值（百分点）"),
    "fast_rise_days": gettext_lazy("快速回升比较天数"),
}


def _named(key: str) -> str:
    return named(key, HELP.get(key.split(".")[0], ""))


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError(_("规则定义须为 JSON 对象（{…}）"))
    for key in ("baseline_start", "baseline_end"):
        try:
            dt.date.fromisoformat(definition[key])
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(a_date(_named(key))) from exc
    if dt.date.fromisoformat(definition["baseline_end"]) < dt.date.fromisoformat(definition["baseline_start"]):
        raise RuleError(_("%(end)s不能早于%(start)s") % {"end": _named("baseline_end"),
                                                         "start": _named("baseline_start")})
    for key in ("min_coverage", "resumed_ratio", "paper_ratio", "count_weight"):
        value = definition.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise RuleError(out_of_bounds(_named(key), whole=False, low=0, high=1))
    for key in ("crosscheck_days", "fast_rise_days"):
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 30:
            raise RuleError(out_of_bounds(_named(key), whole=True, low=1, high=30))
    if not isinstance(definition.get("fast_rise_pp"), int | float):
        raise RuleError(out_of_bounds(_named("fast_rise_pp"), whole=False))
    targets = definition.get("targets")
    if not isinstance(targets, dict) or set(targets) != set(COLOURS):
        raise RuleError(_("%(field)s须为每种颜色（%(colours)s）各一个 0 到 1 之间的数（无目标为 null）") % {
            "field": _named("targets"), "colours": listed(COLOURS)})
    for colour, value in targets.items():
        if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 1):
            raise RuleError(_("%(field)s须为 0 到 1 之间的数，或 null") % {"field": _named(f"targets.{colour}")})


def power_rules(definition: dict[str, Any]) -> PowerRules:
    from dualtrack.power.services import PowerRules  # the pipeline (Ibis) loaded when first used

    return PowerRules(
        baseline_start=dt.date.fromisoformat(definition["baseline_start"]),
        baseline_end=dt.date.fromisoformat(definition["baseline_end"]),
        min_coverage=definition["min_coverage"], resumed_ratio=definition["resumed_ratio"],
        paper_ratio=definition["paper_ratio"], crosscheck_days=definition["crosscheck_days"],
        count_weight=definition["count_weight"],
    )
