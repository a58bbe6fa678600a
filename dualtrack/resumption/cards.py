"""The command picture's cards on 总览 (疫情图与复工图, reporting completeness; an enterprise's own status; a
liaison officer's enterprises), read from the day's stored picture."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card
from dualtrack.core.choices import Action
from dualtrack.epidemic import services as epidemic
from dualtrack.epidemic.choices import COLOUR_HEX, Colour
from dualtrack.registry import services as registry

from . import legend as legends
from . import picture as pictures
from . import policy as access
from . import snapshot as snapshots
from .models import ResumptionReport

Builder = Callable[[Any, dt.date], Card | None]


def pct(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.1f}%"


def signed(value: float | None, unit: str, digits: int = 1) -> str:
    if value is None:
        return ""
    return _("比上日 %(v)s%(unit)s") % {"v": f"{value:+.{digits}f}", "unit": unit}


def _pp_change(now: float | None, before: float | None) -> str:
    return signed((now - before) * 100, _("个百分点")) if now is not None and before is not None else ""


def _query(day: dt.date) -> str:
    return f"?date={day.isoformat()}"


def _pending_while_computed(key: str, title: str, url_name: str) -> Callable[[Builder], Builder]:
    """A card of the day's picture says 计算中 while the picture is computed (``snapshot.NotReady``)."""
    def wrap(builder: Builder) -> Builder:
        @functools.wraps(builder)
        def card(user: Viewer, day: dt.date) -> Card | None:
            try:
                return builder(user, day)
            except snapshots.NotReady as exc:
                return pending_card(key, _(title), reverse(url_name) + _query(day), exc.answer)
        return card
    return wrap


@_pending_while_computed("situation", gettext_noop("疫情图与复工图"), "resumption:dashboard")
def situation_card(user: Viewer, day: dt.date) -> Card | None:
    """HQ, leaders, a district or park operator: the two maps, the headline figures with their change on the day
    before, the counties below their capacity target, and what has been reported."""
    if not access.sees_situation(user):
        return None
    pic = pictures.picture(day, user=user, allow_stale=True, page=True)
    counties = pictures.counties(pic)
    before = pictures.picture(day - dt.timedelta(days=1), user=user, allow_stale=True, page=True)
    city, city_before = pic.data["city"], before.data["city"]
    reporting = city["reporting"]
    risk = city["risk"]
    trend = {row["date"]: row["index"] for row in pictures.trend(pic)}
    index, index_before = city["power"]["index"], trend.get((day - dt.timedelta(days=1)).isoformat())
    arrived = reporting["power_arrived"]
    no_cases = _("未报送") if reporting["counties_reported"] == 0 else ""
    new_cases, new_before = risk["new_confirmed"], city_before["risk"]["new_confirmed"]
    # as the map draws them: a county that sent no case report for the day is grey 未报送, never counted as a colour
    reported_counties = [r for r in counties if r["reported"]]
    colour_counts = {c: sum(r["risk"]["colour"] == c for r in reported_counties) for c in Colour.values}
    unreported = len(counties) - len(reported_counties)
    colours_before = {r["code"]: r["risk"]["colour"] for r in before.data["regions"]}
    changed = sum(1 for r in pic.data["regions"] if colours_before.get(r["code"], r["risk"]["colour"]) != r["risk"]["colour"])
    labels = {c.value: str(c.label) for c in Colour}
    short = {"red": _("红"), "orange": _("橙"), "yellow": _("黄"), "blue": _("蓝"), "green": _("绿")}
    q = _query(day)
    figures = [
        Figure(_("新增确诊"), None if new_cases is None else f"{new_cases}", key="new_confirmed", missing=no_cases,
               change=_("比上日 %(v)+d例") % {"v": new_cases - new_before}
               if new_cases is not None and new_before is not None else "",
               link=reverse("epidemic:map") + q),
        Figure(_("五色图"), " ".join([*(f"{short[c]} {colour_counts[c]}" for c in reversed(Colour.values)
                                         if colour_counts[c]), *([f"{_('未报送')} {unreported}"] if unreported else [])])
               or "—", key="colours", link=reverse("epidemic:map") + q,
               change=_("当日调级 %(n)d 个") % {"n": changed} if changed else _("与上日相同")),
        Figure(_("复工率"), pct(city["resumption"]["rate"]), key="resumption_rate",
               change=signed(city["resumption"]["rate_change_pp"], _("个百分点")), link=reverse("resumption:dashboard") + q),
        Figure(_("复岗率"), pct(city["resumption"]["worker_return_rate"]), key="worker_return_rate",
               change=_pp_change(city["resumption"]["worker_return_rate"],
                                 city_before["resumption"]["worker_return_rate"]),
               link=reverse("resumption:dashboard") + q),
        Figure(_("复工电力指数"), None if index is None else f"{index:.2f}", key="power_index",
               missing="" if index is not None else (_("数据未到") if not arrived else "—"),
               change=signed(index - index_before, "", 2) if index is not None and index_before is not None else "",
               link=reverse("resumption:dashboard") + q),
        Figure(_("复产率"), pct(city["power"]["energy_share"]), key="energy_share",
               missing="" if city["power"]["energy_share"] is not None else (_("数据未到") if not arrived else "—"),
               change=_pp_change(city["power"]["energy_share"], city_before["power"]["energy_share"]),
               link=reverse("resumption:dashboard") + q),
    ]
    below = [r for r in counties if r["target"]["met"] is False]
    rows = [Row(f"{r['name']}({labels[r['risk']['colour']]})",
                link=reverse("epidemic:county", args=[r["code"]]) + q,
                note=_("目标 %(target)s，复产率 %(share)s，差 %(gap).1f 个百分点") % {
                    "target": pct(r["target"]["capacity_target"]), "share": pct(r["power"]["energy_share"]),
                    "gap": abs(r["target"]["gap_pp"])}, tone="bad") for r in below]
    if not arrived:
        note_below = _("%(day)s 用电数据未到，暂不能对照产能目标") % {"day": day.isoformat()}
    elif not below:
        note_below = _("各区县（市）均达到产能目标")
    else:
        note_below = ""
    completeness = _("病例日报 %(n)d/%(total)d 个区县（市）已报送；企业当日报送 %(reported)s 家（共 %(all)s 家）；"
                     "用电数据截至 %(through)s") % {
        "n": reporting["counties_reported"], "total": reporting["counties"],
        "reported": f"{reporting['enterprises_reported']:,}", "all": f"{reporting['enterprises']:,}",
        "through": reporting["power_through"] or _("无")}
    if reporting.get("missing"):
        completeness += "；" + _("未报送：%(names)s") % {"names": "、".join(reporting["missing"])}
    return Card(
        key="situation", title=_("疫情图与复工图"), link=reverse("resumption:dashboard") + q, day=day, figures=figures,
        rows=rows, rows_title=note_below or _("未达到产能目标的区县（市）"),
        note=completeness + (" · " + _("数据更新中，稍后刷新") if pic.stale else ""), wide=True,
        chart={"kind": "maps", "geojson": epidemic.map_geojson(user), "colours": COLOUR_HEX, "labels": labels,
               "regions": [{"name": r["name"], "code": r["code"], "colour": r["risk"]["colour"],
                            "reported": r["reported"], "index": r["power"]["index"]} for r in counties],
               "power_arrived": arrived,
               # the legends under the maps, drawn by the page and used by its script for the fills and label colours
               "colour_legend": epidemic.colour_legend(missing=any(not r["reported"] for r in counties)),
               "index_legend": legends.index_legend(missing=any(r["power"]["index"] is None for r in counties))},
    )


@_pending_while_computed("own-status", gettext_noop("本企业复工情况"), "resumption:report")
def enterprise_card(user: Viewer, day: dt.date) -> Card | None:
    """An enterprise: its own reported status (and when it last reported) and the power cross-check flag."""
    enterprise_id = getattr(user, "enterprise_id", None)
    if not access.reports_for_itself(user) or not enterprise_id:
        return None
    latest = ResumptionReport.objects.filter(enterprise_id=enterprise_id, date__lte=day).order_by("-date").first()
    status = None if latest is None else (_("已复工") if latest.resumed else _("未复工"))
    figures = [
        Figure(_("复工状态"), status, key="status", missing=_("未报送") if latest is None else "",
               change=_("%(day)s 报送") % {"day": latest.date.isoformat()} if latest else "",
               link=reverse("resumption:report")),
        Figure(_("在岗人数"), f"{latest.workers_on_duty:,}" if latest else None, key="workers_on_duty",
               missing=_("未报送") if latest is None else ""),
    ]
    pic = pictures.picture(day, user=user, allow_stale=True, page=True)
    rows = [Row(_("用电数据与报送状态不符（%(kind)s），请核实后重新报送") % {
        "kind": _("报复工但用电很低") if f["kind"] == "paper" else _("用电已恢复但未报复工")},
        link=reverse("resumption:report"), tone="bad") for f in pictures.crosscheck_rows(pic)]
    return Card(key="own-status", title=_("本企业复工情况"), link=reverse("resumption:report"), day=day,
                figures=figures, rows=rows, rows_title=_("数据核验提示") if rows else "")


@_pending_while_computed("liaison-enterprises", gettext_noop("我联系的企业"), "resumption:report")
def liaison_card(user: Viewer, day: dt.date) -> Card | None:
    """A liaison officer: their enterprises with today's status and the cross-check flags to follow up."""
    if not access.follows_own_enterprises(user):
        return None
    enterprises = registry.enterprises_for(user, Action.VIEW).filter(is_active=True)
    from .services import with_resumed_status

    statuses = list(with_resumed_status(enterprises, day).values_list("report_resumed", flat=True))
    reported_today = ResumptionReport.objects.filter(enterprise__in=enterprises, date=day).count()
    pic = pictures.picture(day, user=user, allow_stale=True, page=True)
    flags = pictures.crosscheck_rows(pic)
    figures = [
        Figure(_("联系企业"), f"{len(statuses)}", key="enterprises"),
        Figure(_("已复工"), f"{sum(1 for s in statuses if s)}", key="resumed"),
        Figure(_("未复工或未报送"), f"{sum(1 for s in statuses if not s)}", key="not_resumed",
               link=reverse("resumption:report")),
        Figure(_("当日已报送"), f"{reported_today}", key="reported_today"),
        Figure(_("数据核验提示"), f"{len(flags)}", key="flags", link=reverse("resumption:crosscheck") + _query(day),
               tone="bad" if flags else ""),
    ]
    rows = [Row(f"{f['name']}", link=reverse("resumption:report") + f"?uscc={f['uscc']}",
                note=_("报复工但用电很低") if f["kind"] == "paper" else _("用电已恢复但未报复工"), tone="bad")
            for f in flags[:5]]
    return Card(key="liaison-enterprises", title=_("我联系的企业"), link=reverse("resumption:report"), day=day,
                figures=figures, rows=rows, rows_title=_("待核实的企业") if rows else "")



HISTORY_REPORTS = 30
POWER_DAYS = 90


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """一企一档: the enterprise's reports, its power ratio over the last 90 days against its baseline, and its
    cross-check flag on the data-as-of day."""
    if not ResumptionReport.permits(user, Action.VIEW):
        return None
    from dualtrack.core import versions
    from dualtrack.core.cards import Table

    from .services import power_history

    day = versions.data_day()
    reports = list(ResumptionReport.objects.restrict(user).filter(enterprise=enterprise).order_by("-date")
                   [:HISTORY_REPORTS])
    history = power_history(enterprise, day, POWER_DAYS)
    try:
        pic = pictures.picture(day, allow_stale=True, page=True)
        flag = next((f for f in pic.snapshot.crosscheck if f.enterprise_id == enterprise.pk), None)
    except snapshots.NotReady:  # the day's picture is being computed: no flag to show yet
        flag = None
    baseline = history["baseline_kwh"]
    last = next((p for p in reversed(history["points"]) if p["ratio"] is not None), None)
    figures = [
        Figure(_("最近报送"), (_("已复工") if reports[0].resumed else _("未复工")) if reports else None, key="status",
               missing=_("未报送"), change=reports[0].date.isoformat() if reports else ""),
        Figure(_("基期日均用电（千瓦时）"), f"{baseline:,.0f}" if baseline else None, key="baseline",
               missing=_("无基期")),
        Figure(_("最近用电比"), f"{last['ratio'] * 100:.0f}%" if last else None, key="ratio",
               missing=_("数据未到"), change=last["date"] if last else ""),
        Figure(_("数据核验"), (_("报复工但用电很低") if flag.kind == "paper" else _("用电已恢复但未报复工")) if flag
               else _("无异常"), key="crosscheck", tone="bad" if flag else "good"),
    ]
    table = Table([_("日期"), _("是否复工"), _("在岗人数"), _("来源")], [
        [r.date.isoformat(), _("已复工") if r.resumed else _("未复工"), f"{r.workers_on_duty:,}", r.get_source_display()]
        for r in reports])
    return Card(key="resumption", title=_("复工复产"), day=day, figures=figures, table=table if reports else None,
                note=_("最近 %(n)d 次报送；用电比 = 当日用电量 ÷ 基期日均用电量，达到 %(threshold).0f%% 视为复工") % {
                    "n": len(reports), "threshold": history["resumed_ratio"] * 100},
                chart={"kind": "ratio", "points": history["points"], "threshold": history["resumed_ratio"],
                       "label": _("用电比")} if history["points"] else None, wide=True)
