"""经济运行月报: the month's figures in the seeds' sentences and tables, laid out as the daily bulletin is (the
bulletins app renders it), stored when generated and never recomputed once signed off."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualtrack.bulletins import services as bulletins
from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, AuditAction

from . import services
from .choices import Light, ReportStatus, ScopeKind
from .models import MonthlyReport

LIGHT_TEXT: dict[str | None, str] = {Light.GREEN.value: "绿灯", Light.YELLOW.value: "黄灯", Light.RED.value: "红灯"}


def _pct(value: Any) -> float | None:
    return None if value is None else float(value)


def sections(evaluation: services.Evaluation) -> list[bulletins.Section]:
    """一、总体情况 (the city's sentences); 二、主要指标 (the city's table); 三、分区县(市) (lights and ranks);
    四、双过半 (from June)."""
    month = evaluation.month
    city = [r for r in evaluation.rows if r.scope_kind == ScopeKind.CITY]
    counts = evaluation.lights(city[0].scope if city else None)
    overall = [f"对照年度目标，{services.month_label(month)}全市{len(city)}项主要指标中，绿灯{counts['green']}项，"
               f"黄灯{counts['yellow']}项，红灯{counts['red']}项" + (f"，{counts['none']}项尚未报送" if counts["none"]
                                                                   else "") + "。"]
    overall += [services.sentence(r, month) + "。" for r in city]
    main = bulletins.Table("全市主要指标完成情况", ["指标", "单位", "累计值", "年度目标", "完成率", "时序进度", "累计增速",
                                             "目标增速", "亮灯", "后续需增长"],
                           ["text", "text", "decimal", "decimal", "percent", "percent", "percent", "percent", "text",
                            "percent"])
    for r in city:
        main.rows.append([r.indicator_name, r.unit, _pct(r.actual), _pct(r.target), _pct(r.completion),
                          r.time_progress, _pct(r.growth), _pct(r.target_growth), LIGHT_TEXT.get(r.light, "—"),
                          _pct(r.needed_growth)])
    result = [bulletins.Section("总体情况", overall, []), bulletins.Section("主要指标", [], [main])]
    county_rows = [r for r in evaluation.rows if r.scope_kind in (ScopeKind.COUNTY, ScopeKind.PARK)]
    if county_rows:
        behind = sorted({r.scope_name for r in county_rows if r.light == Light.RED})
        text = [f"{'、'.join(behind)}有指标同比下降（红灯）。" if behind else "各区县（市）、园区主要指标均未出现同比下降。"]
        table = bulletins.Table("分区县（市）、园区指标完成情况", ["范围", "指标", "累计增速", "目标增速", "完成率", "排名", "亮灯"],
                                ["text", "text", "percent", "percent", "percent", "int", "text"])
        for r in county_rows:
            table.rows.append([r.scope_name, r.indicator_name, _pct(r.growth), _pct(r.target_growth),
                               _pct(r.completion), r.rank, LIGHT_TEXT.get(r.light, "—")])
        result.append(bulletins.Section("分区县（市）、园区情况", text, [table]))
    judged = [r for r in evaluation.rows if r.double_half is not None]
    if judged:
        met = [r for r in judged if r.double_half]
        missed = [r for r in judged if not r.double_half]
        text = [f"按“双过半”要求，{len(judged)}项指标（含区县、园区）中{len(met)}项实现“双过半”。"]
        if missed:
            text.append("未实现的：" + "、".join(f"{r.scope_name}{r.indicator_name}" for r in missed[:20])
                        + ("等" if len(missed) > 20 else "") + "。")
        result.append(bulletins.Section("“双过半”情况", text, []))
    for number, section in enumerate(result):
        section.heading = f"{'一二三四五六'[number]}、{section.heading}"
    return result


def _title(month: dt.date) -> str:
    return f"全市经济运行主要指标完成情况（{month.year}年{services.month_label(month)}）"


def _last_day(month: dt.date) -> dt.date:
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


@transaction.atomic
def generate(month: dt.date, actor: Actor) -> MonthlyReport:
    """The month's report now (a draft): its figures, text and files; a released report is never replaced."""
    policy.authorize_create(actor, MonthlyReport, Action.ADD)
    month = services.published(month.replace(day=1))  # January is reported in 1—2月
    existing = MonthlyReport.objects.select_for_update().filter(month=month).first()
    if existing is not None and existing.status == ReportStatus.RELEASED:
        raise ValidationError({"month": _("该月月报已签发，不能重新生成")})
    evaluation = services.evaluate(month, None, with_trend=False)
    if not any(r.reported for r in evaluation.rows):
        raise ValidationError({"month": _("该月尚无报送数据")})
    parts = sections(evaluation)
    content = {"month": f"{month:%Y-%m}", "title": _title(month), "rules_version": evaluation.rules_version,
               "masthead": bulletins.masthead_dict(), "rows": [r.as_json() for r in evaluation.rows],
               "sections": [{"heading": s.heading, "paragraphs": s.paragraphs,
                             "tables": [{"title": t.title, "headers": t.headers, "formats": t.formats,
                                         "rows": t.rows} for t in s.tables]} for s in parts]}
    content = json.loads(json.dumps(content, ensure_ascii=False, default=str))
    files = _files(content)
    stored = existing or MonthlyReport(month=month)
    stored.content, stored.rules_version, stored.generated_at = content, evaluation.rules_version, dates.real_now()
    stored.generated_clock_at = dates.set_clock()  # what readers are shown when an operator set the clock
    stored.docx, stored.xlsx = files["docx"], files["xlsx"]
    stored.save()
    audit.record(actor, AuditAction.CREATE if existing is None else AuditAction.UPDATE, stored,
                 after={"month": content["month"], "rules_version": stored.rules_version})
    return stored


def _sections_of(content: dict[str, Any]) -> list[bulletins.Section]:
    return [bulletins.Section(s["heading"], list(s["paragraphs"]),
                              [bulletins.Table(t["title"], list(t["headers"]), list(t["formats"]),
                                               [list(r) for r in t["rows"]]) for t in s["tables"]])
            for s in content["sections"]]


def _files(content: dict[str, Any]) -> dict[str, bytes]:
    month = dt.date.fromisoformat(content["month"] + "-01")
    return bulletins.document_files(_last_day(month), content["title"], _sections_of(content),
                                    content["rules_version"], content.get("masthead"))


def html(stored: MonthlyReport) -> str:
    content = stored.content
    month = dt.date.fromisoformat(content["month"] + "-01")
    return bulletins.document_html(_last_day(month), content["title"], _sections_of(content),
                                   content["rules_version"], content.get("masthead"))


def stamp(stored: MonthlyReport) -> str:
    """The draft's version as the preview shows it (when it was generated)."""
    return stored.generated_at.isoformat() if stored.generated_at else ""


@transaction.atomic
def sign_off(stored: MonthlyReport, actor: Actor, seen: str | None = None) -> MonthlyReport:
    """HQ signs off (签发) the draft it previewed: numbered within its year, the signer in its files, released and
    never recomputed. ``seen`` is the preview's stamp (:func:`stamp`): a draft generated again since is refused,
    so what is signed is what was read."""
    policy.authorize(actor, stored, Action.PUBLISH)
    locked = MonthlyReport.objects.select_for_update().get(pk=stored.pk)
    if locked.status == ReportStatus.RELEASED:
        return locked
    if seen is not None and seen != stamp(locked):
        raise ValidationError({"month": _("月报已重新生成，请审阅新的送审稿后再签发")})
    locked.status, locked.signed_off_by, locked.released_at = ReportStatus.RELEASED, actor, dates.now()
    released = MonthlyReport.objects.filter(status=ReportStatus.RELEASED, month__year=locked.month.year).count()
    head = dict(locked.content.get("masthead") or bulletins.masthead_dict())
    head |= {"number": released + 1, "year": locked.month.year, "signer": str(actor),
             "released_on": timezone.localdate(locked.released_at).isoformat()}
    locked.content = {**locked.content, "masthead": head}
    files = _files(locked.content)
    locked.docx, locked.xlsx = files["docx"], files["xlsx"]
    locked.save()
    audit.record(actor, AuditAction.UPDATE, locked, before={"status": ReportStatus.DRAFT},
                 after={"status": ReportStatus.RELEASED, "number": released + 1})
    return locked


__all__ = ["generate", "html", "sections", "sign_off", "stamp"]
