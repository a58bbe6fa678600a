"""The yearly report of 亩均论英雄 (DOMAIN.md §18) in the daily bulletin's layout: Word after GB/T 9704 with the red
header (rendered by the bulletins app, ``bulletins.services.document_files``), titled like
“宁江市2019年度工业企业亩均效益综合评价情况通报” (“（公示稿）” while it is not final), its paragraphs in Chinese: how
many enterprises were assessed and rated, the classes per county (a table), the parks' province board (a table), the
D list handed to the counties (腾笼换鸟), the year's status; and Excel with a sheet each for the counties, the
enterprises and the parks through the one export path (``core.exports``). HQ, the assessment office and leaders
(403 others); every download audited. Read from the stored judgement (``services.read``), never computed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dualtrack.bulletins import services as bulletins
from dualtrack.core import audit, dates, exports
from dualtrack.core.choices import AuditAction
from dualtrack.core.judgements import Pending
from dualtrack.core.views_judgements import pending
from dualtrack.registry import services as registry

from . import services
from .choices import GRADES, AssessmentStatus, NotRatedReason
from .policy import sees_city

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERALS = "一二三四五六七八九十"


def cn_day(day: dt.date | None) -> str:
    return "—" if day is None else f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Report:
    """What the report is made of: the year's latest assessment, its stored result and the names it shows."""

    year: int
    assessment: Any
    result: Any
    city: str
    regions: dict[str, str]
    parks: dict[str, str]

    @property
    def final(self) -> bool:
        return bool(self.assessment.status == AssessmentStatus.FINAL)

    @property
    def mark(self) -> str:
        """（公示稿） while published, （草稿） before: never taken for the final report."""
        if self.final:
            return ""
        return "（公示稿）" if self.assessment.status == AssessmentStatus.PUBLISHED else "（草稿）"

    @property
    def title(self) -> str:
        return f"{self.city}{self.year}年度工业企业亩均效益综合评价情况通报{self.mark}"

    @property
    def day(self) -> dt.date:
        """The day it is dated (落款): finalised, else published, else today."""
        a = self.assessment
        return a.finalised_on or a.published_on or dates.today()

    def totals(self) -> dict[str, int]:
        counties = self.result.counties
        found = {g: sum(getattr(c, g) for c in counties) for g in GRADES}
        found["rated"] = sum(c.rated for c in counties)
        return found


def _year(request: HttpRequest) -> int | None:
    raw = (request.GET.get("year") or "").strip()
    if raw.isdigit() and len(raw) == 4:
        return int(raw)
    return services.assessed_year()


def _report(request: HttpRequest) -> Report | HttpResponseBase:
    """The year's report for a user who reads the whole city (403 others; 404 for a year never computed), or the
    page that says it is being computed."""
    if not sees_city(request.user):
        raise PermissionDenied
    year = _year(request)
    assessment = services.latest(year) if year is not None else None
    if assessment is None:
        raise Http404
    result, answer = services.read(assessment.year, request.user)
    if result is not None and (result.status != assessment.status or result.version != assessment.version):
        result, answer = None, Pending(answer.measure, answer.period, answer.rules_version)
    if result is None:
        return pending(request, answer, "亩均效益综合评价情况通报")
    city = registry.city()
    return Report(assessment.year, assessment, result, city.name if city else "", registry.region_names(),
                  registry.park_names())


# --- the text --------------------------------------------------------------------------------------------------


def _signed(n: int | None) -> str:
    return "—" if n is None else f"{n:+d}" if n else "0"


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:+.0f}%" if rate else "0"


def sections(report: Report) -> list[bulletins.Section]:
    """一、总体情况; 二、分区县（市）评价结果 (a table); 三、园区亩产效益全省排名 (a table); 四、D类企业处置 (腾笼换鸟)."""
    result, a, year = report.result, report.assessment, report.year
    totals = report.totals()
    listed = len(result.enterprises)
    reasons = {r: sum(e.not_rated_reason == r for e in result.enterprises) for r in NotRatedReason.values}
    overall = [f"按照亩均效益综合评价规则（{result.rules_version}），{year}年度全市纳入评价的工业企业共{listed}家，"
               f"其中参评企业{totals['rated']}家，不参评（T类）企业{totals['T']}家。参评企业中，A类{totals['A']}家、"
               f"B类{totals['B']}家、C类{totals['C']}家、D类{totals['D']}家。"]
    why = "、".join(f"{NotRatedReason(r).label}{n}家" for r, n in reasons.items() if n)
    if why:
        overall.append(f"不参评企业中，{why}。")
    asked, answered = services.objection_counts(a)
    if a.status == AssessmentStatus.FINAL:
        overall.append(f"评价结果于{cn_day(a.published_on)}起公示，公示期至{cn_day(a.notice_ends_on)}，公示期间收到企业异议"
                       f"{asked}件，均已答复；{cn_day(a.finalised_on)}定稿，评价结果不再变更。")
    elif a.status == AssessmentStatus.PUBLISHED:
        overall.append(f"评价结果于{cn_day(a.published_on)}起公示，公示期至{cn_day(a.notice_ends_on)}，公示期间企业可对本企业"
                       f"评价结果提出异议；截至目前收到异议{asked}件，已答复{answered}件。本通报为公示稿，以定稿为准。")
    else:
        overall.append("本通报依据评价草稿生成，评价结果尚未公示，仅供审核。")
    if a.version > 1 and a.reason:
        overall.append(f"本年度评价为第{a.version}版（更正理由：{a.reason}）。")

    county_table = bulletins.Table("各区县（市）企业分类情况", ["区县（市）", "参评企业", "A类", "B类", "C类", "D类", "T类（不参评）"],
                                   ["text", "int", "int", "int", "int", "int", "int"])
    for c in result.counties:
        county_table.rows.append([c.name, c.rated, c.A, c.B, c.C, c.D, c.T])
    county_table.rows.append(["全市合计", totals["rated"], totals["A"], totals["B"], totals["C"], totals["D"],
                              totals["T"]])
    with_firms = [c for c in result.counties if c.rated]
    rules = services.rules_of(result.rules_version)
    a_share, b_share, d_share = (float(rules.get(k, default)) for k, default in (
        ("a_share", 0.2), ("b_share", 0.6), ("d_share", 0.05)))
    county_text = [f"各区县（市）参评企业按综合得分在本区县（市）内排序分类：前{a_share * 100:g}%为A类，{a_share * 100:g}%至"
                   f"{b_share * 100:g}%为B类，末尾{d_share * 100:g}%为D类，其余为C类。"]
    if with_firms:
        most = max(with_firms, key=lambda c: (c.A, c.rated))
        county_text.append(f"参评企业最多的是{max(with_firms, key=lambda c: c.rated).name}"
                           f"（{max(c.rated for c in with_firms)}家），A类企业最多的是{most.name}（{most.A}家）。")

    ranked = [p for p in result.parks if p.rank is not None]
    park_table = bulletins.Table("园区亩产效益全省排名", ["园区", "全省排名", "参评园区数", "上年排名", "名次变化", "奖励档次",
                                                "绩效奖金基数浮动"],
                                 ["text", "int", "int", "int", "text", "text", "text"])
    for p in sorted(result.parks, key=lambda p: (p.rank is None, p.rank or 0, p.code)):
        park_table.rows.append([report.parks.get(p.code, p.code), p.rank, p.of, p.last_rank, _signed(p.rank_change),
                                f"第{p.reward_tier}档" if p.reward_tier else "—", _rate(p.bonus_rate)])
    if ranked:
        park_text = [f"{year}年度全省开发区（园区）亩产效益综合评价中，我市{len(ranked)}个园区参加排名。"]
        climbers = sorted((p for p in ranked if p.rank_change is not None and p.rank_change > 0),
                          key=lambda p: (-(p.rank_change or 0), p.rank or 0))
        if climbers:
            best = climbers[0]
            park_text.append(f"进位最多的是{report.parks.get(best.code, best.code)}，全省排名第{best.rank}位，比上年前进"
                             f"{best.rank_change}位" + (f"，获第{best.reward_tier}档进位奖励" if best.reward_tier else "")
                             + "。")
        fallen = [p for p in ranked if p.rank_change is not None and p.rank_change < 0]
        if fallen:
            park_text.append("名次后退的有" + "、".join(f"{report.parks.get(p.code, p.code)}（后退{-(p.rank_change or 0)}位）"
                                                  for p in fallen) + "。")
        rated_bonus = [p for p in ranked if p.bonus_rate]
        if rated_bonus:
            park_text.append("按绩效奖金基数浮动规则，" + "、".join(
                f"{report.parks.get(p.code, p.code)}{'上浮' if (p.bonus_rate or 0) > 0 else '下浮'}"
                f"{abs(p.bonus_rate or 0) * 100:.0f}%" for p in rated_bonus) + "。")
    else:
        park_text = [f"尚未录入{year}年度全省园区排名。"]

    d_counties = [c for c in result.counties if c.D]
    if not totals["D"]:
        d_text = [f"{year}年度无D类企业。"]
    else:
        spread = "、".join(f"{c.name}{c.D}家" for c in d_counties)
        if report.final:
            d_text = [f"D类企业共{totals['D']}家（{spread}），名单已交各区县（市），由属地制定低效用地整治方案，"
                      "通过“腾笼换鸟”、兼并重组、技术改造、有机更新等方式盘活低效用地，提高亩均效益。"]
        else:
            d_text = [f"D类企业共{totals['D']}家（{spread}）。评价定稿后，名单将交各区县（市），由属地制定低效用地整治方案，"
                      "通过“腾笼换鸟”、兼并重组、技术改造、有机更新等方式盘活低效用地。"]
    parts = [bulletins.Section("总体情况", overall, []),
             bulletins.Section("分区县（市）评价结果", county_text, [county_table]),
             bulletins.Section("园区亩产效益全省排名", park_text, [park_table] if ranked else []),
             bulletins.Section("D类企业（低效用地）处置", d_text, [])]
    for number, section in enumerate(parts):
        section.heading = f"{NUMERALS[number]}、{section.heading}"
    return parts


# --- the files ---------------------------------------------------------------------------------------------------


def _detail(report: Report, fmt: str) -> dict[str, Any]:
    a = report.assessment
    return {"year": report.year, "version": a.version, "status": a.status, "format": fmt,
            "rules_version": report.result.rules_version}


def _masthead(report: Report) -> dict[str, Any] | None:
    """A final year's report is issued (its number the version, its day the final one, issued by the department in
    charge); a draft's or a notice's stays a 送审稿 awaiting sign-off."""
    from django.conf import settings

    from dualtrack.registry import services as registry

    a = report.assessment
    if a.status != AssessmentStatus.FINAL or a.finalised_on is None:
        return None
    office = registry.department_by_code(settings.ASSESSMENT_OFFICE)
    return {**bulletins.masthead_dict(), "number": a.version, "year": a.finalised_on.year,
            "signer": office.name if office is not None else "", "released_on": a.finalised_on.isoformat()}


@login_required
def report_docx(request: HttpRequest) -> HttpResponseBase:
    """The yearly report in Word, the bulletin's layout with the red header."""
    found = _report(request)
    if not isinstance(found, Report):
        return found
    files = bulletins.document_files(found.day, found.title, sections(found), found.result.rules_version,
                                     _masthead(found))
    name = f"{found.title}.docx"
    audit.record(request.user, AuditAction.EXPORT, found.assessment, detail={**_detail(found, "docx"),
                                                                             "filename": name})
    response = HttpResponse(files["docx"], content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    return response


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The yearly report in Excel: the counties, the enterprises and the parks, a sheet each."""
    found = _report(request)
    if not isinstance(found, Report):
        return found
    result, year = found.result, found.year
    known = services.indicators(result.rules_version)
    totals = found.totals()
    counties = exports.Sheet(_("区县（市）"), [_("区划代码"), _("区县（市）"), _("参评企业"), _("A类"), _("B类"), _("C类"),
                                             _("D类"), _("T类（不参评）"), _("年度")], [
        *([c.code, c.name, c.rated, c.A, c.B, c.C, c.D, c.T, year] for c in result.counties),
        ["", _("全市合计"), totals["rated"], totals["A"], totals["B"], totals["C"], totals["D"], totals["T"], year]],
        widths={"B": 16}, formats=[None, None, "0", "0", "0", "0", "0", "0", "0"])
    names = registry.enterprise_names(r.enterprise_id for r in result.enterprises)
    reasons = {r.value: str(r.label) for r in NotRatedReason}
    headers = [f"{known.get(code, {}).get('name', code)}（{known[code]['unit']}）" if known.get(code, {}).get("unit")
               else str(known.get(code, {}).get("name", code)) for code in result.indicators]
    ordered = sorted(result.enterprises, key=lambda r: (r.county, not r.rated, r.rank_in_county or 0, r.uscc))
    enterprises = exports.Sheet(_("企业"), [_("统一社会信用代码"), _("企业名称"), _("区县（市）"), _("园区"), _("参评"),
                                          _("不参评原因"), *headers, _("得分"), _("类别"), _("区县内排名")], (
        [r.uscc, names.get(r.enterprise_id, ""), found.regions.get(r.county, r.county), found.parks.get(r.park, r.park),
         _("是") if r.rated else _("否"), reasons.get(r.not_rated_reason or "", ""), *r.values,
         None if r.score is None else round(r.score, 2), r.grade, r.rank_in_county] for r in ordered),
        widths={"A": 22, "B": 30}, formats=[None] * 6 + ["0.00"] * (len(headers) + 1) + [None, "0"])
    parks = exports.Sheet(_("园区"), [_("园区代码"), _("园区"), _("全省排名"), _("参评园区数"), _("上年排名"), _("名次变化"),
                                    _("奖励档次"), _("绩效奖金基数浮动")], (
        [p.code, found.parks.get(p.code, p.code), p.rank, p.of, p.last_rank, p.rank_change, p.reward_tier, p.bonus_rate]
        for p in result.parks), widths={"B": 30}, formats=[None, None, "0", "0", "0", "+0;-0;0", "0", "+0%;-0%;0%"])
    return exports.xlsx_download(request, [counties, enterprises, parks], f"{found.title}.xlsx",
                                 object_type="assessment.assessment", object_repr=found.title,
                                 detail=_detail(found, "xlsx"))
