"""What a bulletin says (DOMAIN.md §5): sections of Chinese sentences and tables, all from one
computation of the command picture, so the numbers in the text and in the tables are the same numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from dualtrack.core.actors import Viewer
from dualtrack.epidemic import services as epidemic
from dualtrack.epidemic.choices import Colour, RiskLevel
from dualtrack.resumption import services as resumption

COLOUR_NAMES = {"green": "绿色", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
LEVEL_NAMES = {c.value: str(c.label) for c in RiskLevel}
TOP_SECTIONS = 10
# A table longer than this is a list (enterprises, problems, projects, measures): it goes to the annex (附件) after the
# bulletin's core, which a leader reads in a few pages; the core names it and its count.
CORE_TABLE_ROWS = 10


@dataclass
class Table:
    """One table: ``formats`` per column ("text", "int", "percent", "pp", "decimal")."""

    title: str
    headers: list[str]
    formats: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    annex: bool = False  # a long list: printed in the annex (附件) after the core, a sheet 附件N in the Excel file


@dataclass
class Masthead:
    """The official layout's parts (GB/T 9704): the issuing body (红头), the issue number (第X期, given at
    sign-off), the issuer (签发人), the distribution line (抄送) and the printing line (印发)."""

    issuer: str
    office: str
    cc: list[str] = field(default_factory=list)
    number: int | None = None
    year: int | None = None
    signer: str = ""
    released_on: str = ""  # ISO date of the sign-off

    def as_dict(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "office": self.office, "cc": self.cc, "number": self.number,
                "year": self.year, "signer": self.signer, "released_on": self.released_on}


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Bulletin:
    day: dt.date
    title: str
    rules_version: str
    sections: list[Section]
    figures: dict[str, Any]  # the headline numbers, for tests and the API
    # The maps' and the trend's data (the web page's charts, the files' pictures): stored with the bulletin, so a
    # released bulletin keeps the pictures of its day.
    charts: dict[str, Any] = field(default_factory=dict)
    masthead: Masthead | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "title": self.title, "rules_version": self.rules_version,
            "figures": self.figures, "charts": self.charts,
            "masthead": self.masthead.as_dict() if self.masthead else None,
            "sections": [{"heading": s.heading, "paragraphs": s.paragraphs,
                          "tables": [{"title": t.title, "headers": t.headers, "formats": t.formats, "rows": t.rows,
                                      "annex": t.annex} for t in s.tables]}
                         for s in self.sections],
        }


def md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def change(pp: float | None, day: dt.date) -> str:
    """"比2月18日提高2.3个百分点" in the register of the source speeches."""
    before = md(day - dt.timedelta(days=1))
    if pp is None:
        return ""
    if abs(pp) < 0.05:
        return f"，与{before}持平"
    return f"，比{before}{'提高' if pp > 0 else '下降'}{abs(pp):.1f}个百分点"


@dataclass(frozen=True)
class SectionContext:
    """What a section builder reads: the date, who the bulletin is built for (None: the worker's draft, for
    nobody in particular), the command picture computed once (the city's row) and its groupings (rows by county,
    by size class, by industry, by park)."""

    day: dt.date
    user: Viewer
    city: dict[str, Any]
    regions: list[dict[str, Any]]
    sizes: dict[str, Any]
    industries: list[dict[str, Any]]
    parks: list[dict[str, Any]]


Context = SectionContext  # the earlier name

SectionBuilder: TypeAlias = Callable[[SectionContext], Section | None]
"""An app's part of the bulletin: a :class:`Section`, or None to add nothing that day."""
_SECTIONS: list[tuple[int, str, SectionBuilder]] = []


def register_section(order: int, name: str, builder: SectionBuilder) -> None:
    """Apps add their part of the bulletin (problems, key projects, policies …); sections are ordered by
    ``order`` and numbered in that order. A builder returning None adds nothing that day."""
    if any(existing == name for _o, existing, _b in _SECTIONS):
        return
    _SECTIONS.append((order, name, builder))
    _SECTIONS.sort(key=lambda item: item[0])


def registered_sections() -> list[tuple[int, str, SectionBuilder]]:
    """The apps' sections and those the measures declare (``core.capability``), in order."""
    from dualtrack.core import capability

    merged: list[tuple[int, str, SectionBuilder]] = [
        *_SECTIONS, *((o, n, b) for o, n, b in capability.sections() if n not in {x[1] for x in _SECTIONS})]
    return sorted(merged, key=lambda item: item[0])


NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 35 → 三十五 (section headings; a bulletin has under 100)."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[units - 1] if units else "")


def charts(day: dt.date) -> dict[str, Any]:
    """The page's maps and trend for ``day`` (not part of the stored bulletin): from the day's stored picture."""
    pic = resumption.picture(day, allow_stale=True)
    return {"regions": [{"name": r["name"], "code": r["code"], "colour": r["risk"]["colour"],
                         "reported": r["reported"], "index": r["power"]["index"]} for r in resumption.counties(pic)],
            "trend": resumption.trend(pic)}


def _masked(section: Section) -> Section:
    """A section as the bulletin's readers may see it: a bulletin goes to leaders and is sent on (抄送), and no
    record's policy grants its readers the personal data in free text (an event's title, a place, a name typed by
    a county), so phone and ID numbers in every paragraph and table cell are masked (core.privacy), whichever
    section wrote them, in the Word, Excel and PDF files alike."""
    from dualtrack.core import privacy

    section.heading = privacy.mask(section.heading)
    section.paragraphs = [privacy.mask(p) for p in section.paragraphs]
    for table in section.tables:
        table.title = privacy.mask(table.title)
        table.rows = [[privacy.mask(v) if isinstance(v, str) else v for v in row] for row in table.rows]
    return section


def annex_long_tables(sections: list[Section]) -> list[Section]:
    """Every table longer than :data:`CORE_TABLE_ROWS` rows goes to the annex (the core keeps the short ones)."""
    for section in sections:
        for table in section.tables:
            table.annex = table.annex or len(table.rows) > CORE_TABLE_ROWS
    return sections


def _joined(sections: list[Section]) -> list[Section]:
    """A section without a heading continues the one before it (复工备案's sentence in 复工复产进展): its paragraphs
    follow that section's, before its tables."""
    joined: list[Section] = []
    for section in sections:
        if not section.heading and joined:
            joined[-1].paragraphs.extend(section.paragraphs)
            joined[-1].tables.extend(section.tables)
        elif section.heading:
            joined.append(section)
    return joined


def build(day: dt.date, user: Viewer = None) -> Bulletin:
    pic = resumption.picture(day, user=user)
    regions = resumption.counties(pic)
    city = pic.data["city"]
    sizes = {g["key"]: g for g in resumption.groups(pic, "size")}
    ctx = SectionContext(day=day, user=user, city=city, regions=regions, sizes=sizes,
                  industries=resumption.groups(pic, "industry"), parks=resumption.groups(pic, "park"))
    sections = annex_long_tables(_joined([_masked(section) for _order, _name, builder in registered_sections()
                                          if (section := builder(ctx)) is not None]))
    for number, section in enumerate(sections):
        section.heading = f"{chinese_numeral(number + 1)}、{section.heading}"
    figures = {
        "cumulative_confirmed": city["risk"]["cumulative_confirmed"], "new_confirmed": city["risk"]["new_confirmed"],
        "city_level": city["risk"]["level"], "resumption_rate": city["resumption"]["rate"],
        "resumed": city["resumption"]["resumed"], "rate_change_pp": city["resumption"]["rate_change_pp"],
        "power_index": city["power"]["index"],
        "industrial_resumed": sizes.get("规上工业", {}).get("resumption", {}).get("resumed"),
        "industrial_rate": sizes.get("规上工业", {}).get("resumption", {}).get("rate"),
    }
    charts = {
        "regions": [{"name": r["name"], "code": r["code"], "colour": r["risk"]["colour"], "reported": r["reported"],
                     "index": r["power"]["index"]} for r in regions],
        "trend": resumption.trend(pic),
    }
    return Bulletin(day=day, title=f"全市统筹推进疫情防控和经济社会发展工作情况通报（{day.year}年{md(day)}）",
                    rules_version=pic.data["rules_version"], sections=sections, figures=figures, charts=charts,
                    masthead=masthead())


def masthead() -> Masthead:
    """The issuing body and distribution from the settings (``BULLETIN_ISSUER``, ``BULLETIN_OFFICE``,
    ``BULLETIN_CC``); the issuing body defaults to the city's command headquarters."""
    from django.conf import settings

    from dualtrack.registry import services as registry

    city = registry.city()
    city_name = city.name if city is not None else ""
    issuer = settings.BULLETIN_ISSUER or f"{city_name}统筹推进疫情防控和经济社会发展工作指挥部"
    office = settings.BULLETIN_OFFICE or f"{issuer}办公室"
    return Masthead(issuer=issuer, office=office, cc=list(settings.BULLETIN_CC))


def _epidemic(day: dt.date, city: dict[str, Any], regions: list[dict[str, Any]]) -> Section:
    risk = city["risk"]
    counts = {c: [r["name"] for r in regions if r["risk"]["colour"] == c] for c in Colour.values}
    colour_text = "，".join(f"{COLOUR_NAMES[c]}{len(names)}个（{'、'.join(names)}）" for c in reversed(Colour.values)
                           if (names := counts[c]))
    reporting = city.get("reporting", {})
    reported_n, county_n = reporting.get("counties_reported", 0), reporting.get("counties", len(regions))
    if reported_n == county_n:
        today = f"当日新增{risk['new_confirmed']}例"
    elif reported_n == 0:
        today = f"{md(day)}各区县（市）尚未报送病例日报，当日新增病例未计"
    else:  # what was not reported is not counted as zero: say how many counties the figure covers
        today = (f"当日{reported_n}个区县（市）报送病例日报，新增{risk['new_confirmed']}例，"
                 f"{'、'.join(reporting.get('missing', []))}未报送")
    paragraphs = [
        f"截至{md(day)}24时，全市累计报告确诊病例{risk['cumulative_confirmed']:,}例，{today}，"
        f"近14天新增{risk['new_confirmed_14d']}例；累计治愈{risk['cumulative_cured']:,}例，治愈率{pct(risk['cure_rate'])}。",
        f"按五色图，全市各区县（市）{colour_text}。城区风险等级为{LEVEL_NAMES[risk['level']]}，"
        f"防控策略为“{risk['strategy']}”。",
    ]
    previous = {r["code"]: r["risk"]["colour"]
                for r in resumption.picture(day - dt.timedelta(days=1)).data["regions"]}
    changes = [f"{r['name']}由{COLOUR_NAMES[previous[r['code']]]}调整为{COLOUR_NAMES[r['risk']['colour']]}"
               for r in regions if previous.get(r["code"]) and previous[r["code"]] != r["risk"]["colour"]]
    if changes:
        paragraphs.append("当日调级：" + "；".join(changes) + "。")
    table = Table("各区县（市）疫情等级", ["区县（市）", "五色等级", "风险等级", "累计确诊", "近14天新增", "近3天新增", "Rt"],
                  ["text", "text", "text", "int", "int", "int", "decimal"])
    for r in regions:
        table.rows.append([r["name"], COLOUR_NAMES[r["risk"]["colour"]] + ("（发布）" if r["risk"]["published"] else "")
                           + ("" if r.get("reported", True) else "（未报送）"),
                           LEVEL_NAMES[r["risk"]["level"]], r["risk"]["cumulative_confirmed"],
                           r["risk"]["new_confirmed_14d"], r["risk"]["new_confirmed_3d"], r["risk"]["rt_mean"]])
    return Section("疫情防控形势", paragraphs, [table])


def _resumption(day: dt.date, city: dict[str, Any], sizes: dict[str, Any], industries: list[dict[str, Any]],
                regions: list[dict[str, Any]], parks: list[dict[str, Any]]) -> Section:
    paragraphs = []
    res = city["resumption"]
    paragraphs.append(f"截至{md(day)}，全市{res['scope_total']:,}家企业中累计复工{res['resumed']:,}家，复工率{pct(res['rate'])}"
                      f"{change(res['rate_change_pp'], day)}；复岗率{pct(res['worker_return_rate'])}。")
    industrial = sizes.get("规上工业")
    if industrial:
        r = industrial["resumption"]
        paragraphs.append(f"截至{md(day)}，全市规上工业企业累计复工{r['resumed']:,}家，复工率{pct(r['rate'])}"
                          f"{change(r['rate_change_pp'], day)}。")
    power = city["power"]
    if power["index"] is not None:
        paragraphs.append(f"全市复工电力指数为{power['index']:.2f}，复工企业户数比例{pct(power['count_share'])}，"
                          f"复产率{pct(power['energy_share'])}。")
    elif not city.get("reporting", {}).get("power_arrived", True):
        paragraphs.append(f"{md(day)}用电数据未到，复工电力指数和复产率暂缺。")
    top = sorted([g for g in industries if g["power"]["index"] is not None],
                 key=lambda g: -g["resumption"]["scope_total"])[:TOP_SECTIONS]
    if len(top) >= 2:
        best = max(top, key=lambda g: g["power"]["index"])
        worst = min(top, key=lambda g: g["power"]["index"])
        paragraphs.append(f"{_count_name(len(top))}大行业中复工电力指数最高的为{best['name']}（{best['power']['index']:.2f}），"
                          f"最低的为{worst['name']}（{worst['power']['index']:.2f}）。")
    ranked = sorted([r for r in regions if r["power"]["index"] is not None], key=lambda r: -r["power"]["index"])
    if ranked:
        paragraphs.append(f"各区县（市）中复工电力指数最高的为{ranked[0]['name']}（{ranked[0]['power']['index']:.2f}），"
                          f"最低的为{ranked[-1]['name']}（{ranked[-1]['power']['index']:.2f}）。")
    tables = [
        _group_table("分区县（市）复工情况", "区县（市）", regions),
        _group_table("分园区复工情况", "园区", parks),
        _group_table("分行业复工情况", "行业门类", industries),
        _group_table("分规模类型复工情况", "规模类型", list(sizes.values())),
    ]
    return Section("复工复产进展", paragraphs, tables)


def _count_name(n: int) -> str:
    return "十" if n == 10 else str(n)


def _group_table(title: str, label: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title, ["排名", label, "企业数", "已复工", "复工率", "比上日（百分点）", "复工电力指数", "复产率"],
                  ["int", "text", "int", "int", "percent", "pp", "decimal", "percent"])
    ordered = sorted(rows, key=lambda r: (r["power"]["index"] is None, -(r["power"]["index"] or 0)))
    for rank, r in enumerate(ordered, start=1):
        table.rows.append([rank if r["power"]["index"] is not None else None, r["name"], r["resumption"]["scope_total"],
                           r["resumption"]["resumed"], r["resumption"]["rate"], r["resumption"]["rate_change_pp"],
                           r["power"]["index"], r["power"]["energy_share"]])
    return table


def _matching(day: dt.date, regions: list[dict[str, Any]], power_arrived: bool = True) -> Section:
    below = [r for r in regions if r["target"]["met"] is False]
    if not power_arrived:  # no readings for the day: whether targets are met is unknown, not "met" or "not met"
        paragraphs = [f"{md(day)}用电数据未到，暂不能对照五色图产能目标。"]
    else:
        # Counties of one colour share its target: it is said once per colour, each county with its own figures
        # (the core stays within its pages; every county's match is in the annex).
        groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        for r in below:
            groups.setdefault((r["risk"]["colour"], r["target"]["capacity_target"]), []).append(r)
        paragraphs = [
            f"对照五色图产能目标，{len(below)}个区县（市）未达标。"
            + "".join(f"{COLOUR_NAMES[colour]}区县（市）目标{pct(target)}，复产率："
                      + "；".join(f"{r['name']}{pct(r['power']['energy_share'])}"
                                 f"（差{abs(r['target']['gap_pp']):.1f}个百分点）" for r in rows) + "。"
                      for (colour, target), rows in groups.items()) if below
            else "各区县（市）复产率均达到五色图产能目标。"]
    rising = [r["name"] for r in regions if r["target"].get("fast_rise")]
    if rising:
        paragraphs.append(f"{'、'.join(rising)}风险等级较高但复工电力指数上升较快，请疫情防控组关注。")
    # every county's match in the annex: the text names each county below its target with its figures
    table = Table("疫情图与复工图匹配", ["区县（市）", "五色等级", "产能目标", "复产率", "是否达标", "差距（百分点）"],
                  ["text", "text", "percent", "percent", "text", "pp"], annex=True)
    for r in regions:
        met = r["target"]["met"]
        table.rows.append([r["name"], COLOUR_NAMES[r["risk"]["colour"]], r["target"]["capacity_target"],
                           r["power"]["energy_share"],
                           ("—" if power_arrived else "数据未到") if met is None else ("达标" if met else "未达标"),
                           r["target"]["gap_pp"]])
    return Section("疫情图与复工图匹配情况", paragraphs, [table])


def _quality(day: dt.date, city: dict[str, Any], user: Viewer) -> Section:
    missing = [r["name"] for r in epidemic.data_quality(day, day, user) if r["missing"]]
    paragraphs = [f"{md(day)}未报送病例日报的区县（市）：{'、'.join(missing)}。" if missing else f"{md(day)}各区县（市）均按时报送病例日报。",
                  f"{city['power_without_baseline']:,}家企业无基期用电量，未计入复工电力指数。"]
    return Section("数据质量", paragraphs)


register_section(10, "epidemic", lambda c: _epidemic(c.day, c.city, c.regions))
register_section(20, "resumption", lambda c: _resumption(c.day, c.city, c.sizes, c.industries, c.regions, c.parks))
register_section(30, "matching", lambda c: _matching(c.day, c.regions,
                                                     c.city.get("reporting", {}).get("power_arrived", True)))
register_section(90, "quality", lambda c: _quality(c.day, c.city, c.user))


def from_dict(data: dict[str, Any]) -> Bulletin:
    """A bulletin back from its stored form (a released bulletin is rendered from this, never recomputed)."""
    sections = [Section(s["heading"], list(s["paragraphs"]),
                        [Table(t["title"], list(t["headers"]), list(t["formats"]), [list(r) for r in t["rows"]],
                               annex=bool(t.get("annex"))) for t in s["tables"]]) for s in data["sections"]]
    head = data.get("masthead")
    return Bulletin(day=dt.date.fromisoformat(data["date"]), title=data["title"], rules_version=data["rules_version"],
                    sections=sections, figures=dict(data["figures"]), charts=dict(data.get("charts") or {}),
                    masthead=Masthead(**head) if head else None)
