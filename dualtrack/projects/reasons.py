"""A light's reasons and a dispatch task's text kept as codes with parameters (原因代码), written in the reader's
language when shown (#28 §3): ``{"code": "ratio_below", "ratio": 0.752, "limit": 0.8}`` reads
"投资完成率75.2%，低于80%" on a Chinese page and "investment completed 75.2% of plan, below 80%" on an English one.
A reason stored as text before the codes (a legacy month-end light) is shown as it was written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext

RATIO_BELOW = "ratio_below"  # ratio, limit
ZERO_PLAN = "zero_plan"
MISSING_PLAN = "missing_plan"
NOT_RESUMED = "not_resumed"  # deadline (ISO date)
NOT_STARTED = "not_started"  # planned (ISO date), days
CODES = (RATIO_BELOW, ZERO_PLAN, MISSING_PLAN, NOT_RESUMED, NOT_STARTED)

# The dispatch task's text (problems.create_task's ``text_code``)
TASK_TEXT = "projects.consequence"


def reason(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, **params}


def encode(item: dict[str, Any]) -> str:
    """One reason as the stored judgement keeps it (a string column)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode(raw: Any) -> dict[str, Any] | str:
    """A stored reason: its code and parameters, or the text a legacy row kept."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            found = json.loads(raw)
        except ValueError:
            return raw
        return found if isinstance(found, dict) and "code" in found else raw
    return str(raw)


def _month_day(iso: str) -> str:
    return formats.date_format(dt.date.fromisoformat(iso), "MONTH_DAY_FORMAT")


def text(raw: Any) -> str:
    """One reason in the active language (a legacy text as it was written)."""
    item = decode(raw)
    if isinstance(item, str):
        return item
    code = item.get("code")
    try:
        if code == RATIO_BELOW:
            return gettext("投资完成率%(ratio)s，低于%(limit)s") % {
                "ratio": f"{float(item['ratio']):.1%}", "limit": f"{float(item['limit']):.0%}"}
        if code == ZERO_PLAN:
            return gettext("截至当日计划投资为0，不亮灯")
        if code == MISSING_PLAN:
            return gettext("缺少月度计划数据")
        if code == NOT_RESUMED:
            return gettext("续建项目%(deadline)s复工时限后仍未复工") % {"deadline": _month_day(item["deadline"])}
        if code == NOT_STARTED:
            days = int(item["days"])
            return ngettext("新开工项目计划开工（%(planned)s）%(days)s天后仍未开工",
                            "新开工项目计划开工（%(planned)s）%(days)s天后仍未开工", days) % {
                "planned": item["planned"], "days": days}
    except (KeyError, TypeError, ValueError):
        pass
    return str(code)


def texts(raws: Any) -> list[str]:
    return [text(r) for r in raws or []]


def codes(raws: Any) -> list[str]:
    """The reasons' codes (a legacy text has none: "text")."""
    return [item["code"] if isinstance(item, dict) else "text" for item in (decode(r) for r in raws or [])]


def joined(raws: Any) -> str:
    return gettext("；").join(texts(raws))


def chinese(render: Any, *args: Any) -> Any:
    """``render(*args)`` in Chinese (the stored text, the CLI's and API's ``reasons``), whoever asked."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return render(*args)


def task_text(params: dict[str, Any]) -> str:
    """A month-end consequence's task (督办任务) in the active language, from its code and parameters."""
    from .choices import Consequence

    consequence = params["consequence"]
    month = dt.date.fromisoformat(params["month"] + "-01")
    values = {"name": params["name"], "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
              "leader": params.get("leader") or "—", "reasons": joined(params.get("reasons")) or "—"}
    if consequence == Consequence.TALK:
        return gettext("项目“%(name)s”%(month)s亮黄灯，请约谈项目责任人，督促加快进度。原因：%(reasons)s") % values
    if consequence == Consequence.VICE_MAYOR:
        return gettext("项目“%(name)s”连续两个月亮黄灯，报分管副市长督办。原因：%(reasons)s") % values
    if consequence == Consequence.CITY_LEADER:
        return gettext("项目“%(name)s”%(month)s亮红灯，报联系市领导（%(leader)s）协调推进。原因：%(reasons)s") % values
    why = params.get("why") or {}
    months = int(why.get("months") or 0)
    if why.get("code") == "no_start":
        values["why"] = ngettext("计划开工%(n)s个月后仍未开工", "计划开工%(n)s个月后仍未开工", months) % {"n": months}
    else:
        values["why"] = ngettext("连续%(n)s个月亮红灯", "连续%(n)s个月亮红灯", months) % {"n": months}
    return gettext("项目“%(name)s”%(why)s，启动退出评审。原因：%(reasons)s") % values
