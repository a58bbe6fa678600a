"""The investment section of the daily bulletin: the week's signings and starts, the year's progress against the
target, the leads that are red, 集中开工 and 争资."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from . import pipeline, services
from .choices import Reason
from .models import Lead


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section

    if not Lead.objects.exists():
        return None
    day = services.as_of(ctx.day)  # the pipeline's as-of day on the bulletin's day
    evaluation = services.evaluate(day)
    week = pipeline.week_activity(None, pipeline.monday_of(day))
    city = evaluation.scopes[0]
    parts = [f"本周新签约项目{week.signed}个、总投资{week.signed_amount:.2f}亿元，新开工项目{week.started}个、"
             f"总投资{week.started_amount:.2f}亿元；开展外出拜访{week.by_kind['visit_out']}次、接待来访"
             f"{week.by_kind['visit_in']}次、线上洽谈{week.by_kind['online']}次。"]
    year = f"{day.year}年全市累计签约{city.signed_amount:.2f}亿元"
    if city.progress is not None:
        year += f"，完成年度目标的{city.progress * 100:.1f}%"
    if city.big_target:
        year += f"；{city.big_signed}个大项目签约（目标{city.big_target}个）"
    if city.start_rate is not None:
        year += f"；签约项目开工率{city.start_rate * 100:.1f}%"
    if city.funds_rate is not None:
        year += f"，资金到位率{city.funds_rate * 100:.1f}%"
    parts.append(year + "。")
    red = [s for s in evaluation.leads if s.light == "red"]
    if red:
        with translation.override(settings.LANGUAGE_CODE):  # the bulletin is written in Chinese
            why = services.reason_texts(evaluation.rules_version)[Reason.NOT_STARTED_9M]
        parts.append(f"{why}的项目{len(red)}个，计划投资"
                     f"{sum((s.amount for s in red), Decimal(0)):.2f}亿元，已交首席服务员督办。")
    held = [e for e in pipeline.groundbreakings(None, day.year) if e.date <= day]
    for event in held:
        if event.date >= week.monday:  # this week's events in full; the year's in one sentence
            parts.append(f"{event.date.month}月{event.date.day}日{event.title}在{event.place}举行，"
                         f"{event.n}个项目集中开工、总投资{event.amount_yi:.2f}亿元。")
    if held:
        parts.append(f"今年已举办集中开工活动{len(held)}次，集中开工项目{sum(e.n for e in held)}个、总投资"
                     f"{sum((e.amount_yi for e in held), Decimal(0)):.2f}亿元。")
    bids = pipeline.bid_figures(None, day.year)[-1]
    if bids.bids:
        text = f"今年争取上级资金申报{bids.bids}个，已获批{bids.won_bids}个、{bids.won / pipeline.WAN_PER_YI:.2f}亿元"
        if bids.growth is not None:
            text += f"，比上年{'增长' if bids.growth >= 0 else '下降'}{abs(bids.growth) * 100:.1f}%"
        parts.append(text + "。")
    return Section("招商引资和项目建设", parts, [])
