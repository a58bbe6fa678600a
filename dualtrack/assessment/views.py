"""Pages of 亩均论英雄 (DOMAIN.md §18) for HQ, the assessment office (``ASSESSMENT_OFFICE``), leaders and counties:
the year's board by county with the distribution of scores, the enterprise list with its indicators and classes,
the parks' rank board with their 亩产 figures, the office's workflow (draft → 公示 → final, a correction, another
preset), the objections and their answers, an enterprise's page, and their Excel exports. Every figure is the stored
judgement of its year (``services.read``), never computed here; an enterprise's own page is ``phone.mine``. Thin:
parse typed input, call one action, respond."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dualtrack.core import dates, exports
from dualtrack.core.actors import Actor, Viewer, actor_of
from dualtrack.core.choices import Action
from dualtrack.core.rules import RuleError
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate_list, query_without_page
from dualtrack.core.views_judgements import pending
from dualtrack.registry import services as registry

from . import actions, services
from . import policy as access
from .choices import GRADES, PRESETS, AssessmentStatus, NotRatedReason, ObjectionState
from .measure import current_park_rules
from .models import AssessmentRow, Objection

SCORE_BIN = 10  # the histogram's bins: 0–10, 10–20, … up to the highest score (the cap of 1.5 allows 150)
TIER_LABELS = {1: gettext_lazy("一档"), 2: gettext_lazy("二档"), 3: gettext_lazy("三档")}


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("assessment")


def nav(user: Viewer) -> dict[str, bool]:
    """Which of the section's pages the user may open (the sub-menu shows only those)."""
    return {"can_board": services.can_view(user), "can_parks": access.sees_parks(user),
            "can_report": access.sees_city(user),
            "can_manage": access.runs_assessment(user), "can_objections": access.sees_objections(user),
            "is_enterprise": access.is_enterprise(user)}


def _year(request: HttpRequest) -> int:
    """The year a page is for: ``?year=`` (the measure's parse, YYYY, not after the clock's year), else the year the
    pages open on; a bad year is said as a notice and the page opens on the default."""
    try:
        period = _measure().parse(request.GET.get("year"))
    except dates.BadDay as exc:
        messages.warning(request, str(exc))
        period = None
    if period is not None:
        return int(period.start.year)
    return services.as_of_year(user=request.user) or dates.today().year


def _posted_year(request: HttpRequest, raw: Any) -> int | None:
    """A workflow form's year (``raw``, as posted), or None with the refusal said."""
    try:
        period = _measure().parse(raw)
    except dates.BadDay as exc:
        messages.error(request, str(exc))
        return None
    if period is None:
        messages.error(request, _("请选择年度"))
        return None
    return int(period.start.year)


def _with_year(name: str, year: int, chosen: dict[str, str] | None = None, **kwargs: Any) -> str:
    """A page's or an export's URL for the year it shows (and its filters)."""
    return reverse(name, kwargs=kwargs or None) + "?" + urlencode(
        {"year": year, **{k: v for k, v in (chosen or {}).items() if v}})


def _status_label(status: str) -> str:
    return str(dict(AssessmentStatus.choices).get(status, status))


def _page_context(request: HttpRequest, year: int, answer: Any, result: Any) -> dict[str, Any]:
    """What every page of the section shows: its sub-menu, the year picker, the year's status and version, the rule
    set it was judged under, and whether the stored result is being recomputed (its data changed since)."""
    years = services.years_offered()
    if year not in years:
        years = sorted([*years, year], reverse=True)
    return {**nav(request.user), "year": year, "years": years, "rules_version": result.rules_version,
            "status": result.status if result.version is not None else "",
            "status_label": _status_label(result.status) if result.version is not None else _("尚未发起"),
            "version": result.version,
            "stale": bool(getattr(answer, "stale", False))}


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    """Each message of a refusal, as the page's notice."""
    found = exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
    for messages_of_field in found:
        for message in messages_of_field:
            messages.error(request, message)


def _mine(request: HttpRequest) -> HttpResponse | None:
    """An enterprise's account has its own page (its row, its objection): the office's pages send it there."""
    return redirect("assessment:mine") if access.is_enterprise(request.user) else None


#: the unit of each figure an indicator divides (``choices.FIGURE_NAMES``)
UNITS = {"tax": gettext_lazy("万元"), "sales": gettext_lazy("万元"), "added_value": gettext_lazy("万元"),
         "rd": gettext_lazy("万元"), "land_mu": gettext_lazy("亩"), "power": gettext_lazy("万千瓦时"),
         "employees": gettext_lazy("人"), "energy": gettext_lazy("吨标准煤"), "emissions": gettext_lazy("吨")}


def _rules_of(result: Any) -> Any:
    """The rules the result was judged under (its ``rules_version``; the current ones for a year not yet judged)."""
    return _measure().rules_named(result.rules_version) if result.rules_version else _measure().current_rules()[1]


def _indicator_names(result: Any) -> list[str]:
    """The result's indicators by the names the rule set it was judged under gives them, each with its unit
    (亩均税收（万元/亩）); a code unknown to it as it is."""
    known = {i["code"]: i for i in _rules_of(result).indicators}
    out = []
    for code in result.indicators:
        item = known.get(code)
        if item is None:
            out.append(code)
            continue
        top, bottom = UNITS.get(item["numerator"]), UNITS.get(item["denominator"])
        unit = "" if top is None or bottom is None else (
            _("（比值）") if str(top) == str(bottom) else _("（%(top)s/%(bottom)s）") % {"top": top, "bottom": bottom})
        out.append(f"{item.get('name') or code}{unit}")
    return out


def _reason(code: str | None) -> str:
    return str(dict(NotRatedReason.choices).get(code, code)) if code else ""


def _rated_in(result: Any) -> dict[str, int]:
    return {c.code: c.rated for c in result.counties}


# --- the board -------------------------------------------------------------------------------------------------------


def _histogram(result: Any) -> dict[str, Any]:
    """The rated enterprises' scores (those the user sees) in bins of ``SCORE_BIN``: labels and counts."""
    scores = [r.score for r in result.enterprises if r.rated and r.score is not None]
    top = max(100, SCORE_BIN * math.ceil(max(scores, default=0) / SCORE_BIN))
    counts = [0] * (top // SCORE_BIN)
    for score in scores:
        counts[min(int(score // SCORE_BIN), len(counts) - 1)] += 1
    labels = [f"{n * SCORE_BIN}–{(n + 1) * SCORE_BIN}" for n in range(len(counts))]
    return {"labels": labels, "counts": counts, "x_name": _("得分"), "y_name": _("企业数"), "rated": len(scores)}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """亩均论英雄: the year's board by county (A/B/C/D/T and rated counts, the city's total), the year's status (草稿,
    公示中 until its end day, 已定稿), version and rule set, the distribution of scores, the year's other pages."""
    if (mine := _mine(request)) is not None:
        return mine
    if not services.can_view(request.user):
        raise PermissionDenied
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    current = services.latest(year)
    total = {key: sum(getattr(c, key) for c in result.counties) for key in ("rated", *GRADES)}
    histogram = _histogram(result)
    rules = _rules_of(result)
    shares = {"a": f"{rules.a_share * 100:g}%", "b": f"{rules.b_share * 100:g}%", "d": f"{rules.d_share * 100:g}%"}
    return render(request, "assessment/home.html", {
        **_page_context(request, year, answer, result), "counties": result.counties, "total": total,
        "grades": GRADES, "assessment": current if current is not None and current.version == result.version
        else None, "histogram": histogram, "chart": {k: histogram[k] for k in ("labels", "counts", "x_name", "y_name")},
        "seen": len(result.enterprises), "shares": shares})


# --- the enterprise list -----------------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, result: Any, names: dict[int, str], parks: dict[str, str]
              ) -> tuple[list[Any], dict[str, str]]:
    """One filter for the list and its export: ?county=, ?park=, ?grade= (A–D, T), ?rated= (yes: rated; no: T),
    ?reason= (a T reason) and ?q= (part of the name or the credit code); the rows in the counties' order, each
    county's rated by rank, then its T by credit code; and the filter's values as read."""
    counties = [c.code for c in result.counties]
    county = request.GET.get("county", "")[:20]
    county = county if county in counties else ""
    park = request.GET.get("park", "")[:20]
    park = park if park in parks else ""
    grade = request.GET.get("grade", "")[:1]
    grade = grade if grade in GRADES else ""
    rated = request.GET.get("rated", "")
    rated = rated if rated in ("yes", "no") else ""
    reason = request.GET.get("reason", "")
    reason = reason if reason in NotRatedReason.values else ""
    q = request.GET.get("q", "").strip()[:60]
    needle = q.upper()
    rows = [r for r in result.enterprises if (not county or r.county == county) and (not park or r.park == park)
            and (not grade or r.grade == grade) and (not rated or r.rated == (rated == "yes"))
            and (not reason or r.not_rated_reason == reason)
            and (not needle or needle in r.uscc.upper() or q in names.get(r.enterprise_id, ""))]
    order = {code: n for n, code in enumerate(counties)}
    rows.sort(key=lambda r: (order.get(r.county, len(order)), not r.rated, r.rank_in_county or 0, r.uscc))
    return rows, {"county": county, "park": park, "grade": grade, "rated": rated, "reason": reason, "q": q}


def _names(result: Any) -> dict[int, str]:
    return registry.enterprise_names([r.enterprise_id for r in result.enterprises])


@login_required
def enterprises(request: HttpRequest) -> HttpResponse:
    """参评企业名单: each enterprise in the year's assessment (those the user sees) with its indicators (named by the
    rule set it was judged under), score, class and rank in its county, or T with its reason; filtered by county,
    park, class, rated or T, and name or credit code; paginated."""
    if (mine := _mine(request)) is not None:
        return mine
    if not services.can_view(request.user):
        raise PermissionDenied
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    names, parks = _names(result), registry.park_names()
    rows, chosen = _filtered(request, result, names, parks)
    page = paginate_list(request, rows)
    counties, rated_in = {c.code: c.name for c in result.counties}, _rated_in(result)
    page.object_list = [{"row": r, "name": names.get(r.enterprise_id, r.uscc),
                         "county": counties.get(r.county, r.county), "park": parks.get(r.park, r.park),
                         "reason": _reason(r.not_rated_reason), "of": rated_in.get(r.county)}
                        for r in page.object_list]
    seen_counties = {r.county for r in result.enterprises}
    seen_parks = {r.park for r in result.enterprises if r.park}
    return render(request, "assessment/enterprises.html", {
        **_page_context(request, year, answer, result), "page": page, "filters": chosen,
        "query": query_without_page(request), "total": len(result.enterprises),
        "indicators": _indicator_names(result), "cap": f"{_rules_of(result).ratio_cap:g}",
        "export": _with_year("assessment:enterprises_xlsx", year, chosen),
        "county_choices": [(c.code, c.name) for c in result.counties
                           if c.code in seen_counties or c.code == chosen["county"]],
        "park_choices": [(code, name) for code, name in sorted(parks.items())
                         if code in seen_parks or code == chosen["park"]],
        "grade_choices": GRADES, "reason_choices": NotRatedReason.choices})


@login_required
def enterprises_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The list as filtered, one row per enterprise, every indicator in its own column."""
    if access.is_enterprise(request.user) or not services.can_view(request.user) or not AssessmentRow.permits(
            request.user, Action.EXPORT):
        raise PermissionDenied
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    names, parks = _names(result), registry.park_names()
    rows, chosen = _filtered(request, result, names, parks)
    counties, rated_in = {c.code: c.name for c in result.counties}, _rated_in(result)
    indicators = _indicator_names(result)
    status = _status_label(result.status) if result.version is not None else _("尚未发起")
    header = [_("统一社会信用代码"), _("企业名称"), _("区县（市）"), _("园区"), _("参评"), _("不参评原因"), *indicators,
              _("得分"), _("类别"), _("区县内排名"), _("区县参评企业数"), _("年度"), _("状态"), _("规则版本")]
    body = ([r.uscc, names.get(r.enterprise_id, ""), counties.get(r.county, r.county), parks.get(r.park, r.park),
             _("是") if r.rated else _("否"), _reason(r.not_rated_reason), *r.values,
             None if r.score is None else round(r.score, 2), r.grade, r.rank_in_county,
             rated_in.get(r.county) if r.rated else None, year, status, result.rules_version] for r in rows)
    sheet = exports.Sheet(_("参评企业"), header, body, widths={"A": 22, "B": 32},
                          formats=[*[None] * 6, *["0.0000"] * len(indicators), "0.00", None, "0", "0", "0"])
    return exports.xlsx_download(request, [sheet], f"{_('亩均效益评价企业名单')}-{year}年度.xlsx",
                                 object_type="assessment.assessmentrow", object_repr=_("亩均效益评价企业名单"),
                                 detail={"year": year, "rules_version": result.rules_version,
                                         "filters": {k: v for k, v in chosen.items() if v}})


# --- the parks -----------------------------------------------------------------------------------------------------


def _park_rows(result: Any, year: int) -> list[dict[str, Any]]:
    """Each park of the registry: its province rank (of how many), last year's, the change, the reward tier and the
    bonus rate, and its 亩产 figures of the year; by rank (parks without one last)."""
    names, figures = registry.park_names(), services.park_figures(year)
    rows = [{"row": p, "name": names.get(p.code, p.code), "figures": figures.get(p.code, services.ParkFigures()),
             "tier": str(TIER_LABELS[p.reward_tier]) if p.reward_tier in TIER_LABELS else "",
             "bonus": _bonus(p.bonus_rate), "drop": -p.rank_change if p.rank_change and p.rank_change < 0 else None}
            for p in result.parks]
    rows.sort(key=lambda r: (r["row"].rank is None, r["row"].rank or 0, r["row"].code))
    return rows


def _bonus(rate: float | None) -> str:
    """A performance-bonus rate as the page says it: +30%, −20%, 0 (None: no rank, —)."""
    if rate is None:
        return "—"
    if not rate:
        return "0"
    return f"{'+' if rate > 0 else '−'}{abs(rate) * 100:.0f}%"


def _park_rules_said() -> dict[str, Any]:
    """The current park rules as the page's legend says them (rates as +30%, −20%)."""
    rules = current_park_rules()[1]
    return {"tiers": rules.tiers, "top": rules.top, "climb": rules.climb, "tail": f"{rules.tail_share * 100:.0f}%",
            **{name: _bonus(getattr(rules, name)) for name in ("top_rate", "last_rate", "climb_rate", "tail_rate")}}


@login_required
def parks(request: HttpRequest) -> HttpResponse:
    """园区亩产论英雄: the province's rank board of the parks (rank, of, last year's rank, the change, the reward tier
    and the bonus rate) and each park's 亩产 figures (output, tax and investment per 亩)."""
    if not access.sees_parks(request.user):
        raise PermissionDenied
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    return render(request, "assessment/parks.html", {
        **_page_context(request, year, answer, result), "rules_version": result.park_rules_version,
        "parks": _park_rows(result, year),
        "park_rules": _park_rules_said(), "export": _with_year("assessment:parks_xlsx", year)})


@login_required
def parks_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not access.sees_parks(request.user):
        raise PermissionDenied
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    rows = _park_rows(result, year)
    header = [_("园区代码"), _("园区"), _("全省排名"), _("参评园区数"), _("上年排名"), _("名次变化"), _("奖励档次"),
              _("绩效奖金基数浮动"), _("用地面积（亩）"), _("企业数"), _("销售收入（万元）"), _("税收（万元）"),
              _("重点项目完成投资（万元）"), _("亩均产出（万元/亩）"), _("亩均税收（万元/亩）"), _("亩均投资（万元/亩）"),
              _("年度"), _("规则版本")]
    body = ([r["row"].code, r["name"], r["row"].rank, r["row"].of, r["row"].last_rank, r["row"].rank_change,
             r["tier"], r["row"].bonus_rate, r["figures"].land_mu, r["figures"].firms, r["figures"].sales,
             r["figures"].tax, r["figures"].investment, r["figures"].sales_per_mu, r["figures"].tax_per_mu,
             r["figures"].investment_per_mu, year, result.park_rules_version] for r in rows)
    sheet = exports.Sheet(_("园区排名"), header, body, widths={"B": 30},
                          formats=[None, None, "0", "0", "0", "+0;-0;0", None, "+0%;-0%;0", "0.00", "0", "0.00",
                                   "0.00", "0.00", "0.00", "0.00", "0.00", "0"])
    return exports.xlsx_download(request, [sheet], f"{_('园区亩产论英雄')}-{year}年度.xlsx",
                                 object_type="assessment.parkrank", object_repr=_("园区亩产论英雄"),
                                 detail={"year": year, "rules_version": result.park_rules_version})


# --- the workflow --------------------------------------------------------------------------------------------------


def _runs(request: HttpRequest) -> Actor:
    if not access.runs_assessment(request.user):
        raise PermissionDenied
    return actor_of(request)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """评价管理 (HQ and the assessment office): the year's versions and their status; compute the draft, publish it
    (the notice's end day it will have), finalise it (or why not yet), correct it as a new version with its reason;
    adopt another preset (HQ), after seeing in the what-if how the classes would move."""
    _runs(request)
    from dualtrack.core import calendar

    year = _year(request)
    found = services.versions(year)
    latest = found[0] if found else None
    label, rules = _measure().current_rules()
    today = dates.today()
    waits: list[str] = []
    if latest is not None and latest.status == AssessmentStatus.PUBLISHED:
        if latest.notice_ends_on is not None and today <= latest.notice_ends_on:
            waits.append(_("公示期至%(day)s，期满后方可定稿") % {"day": latest.notice_ends_on.isoformat()})
        if latest.open_objections:  # type: ignore[attr-defined]
            waits.append(_("还有%(n)s件异议未答复") % {"n": latest.open_objections})  # type: ignore[attr-defined]
    current = rules.definition()
    presets = [{"name": name, "indicators": indicators, "current": name == rules.preset,
                "definition": json.dumps({**current, "preset": name, "indicators": indicators}, ensure_ascii=False,
                                         indent=2)} for name, indicators in PRESETS.items()]
    status = latest.status if latest is not None else ""
    return render(request, "assessment/manage.html", {
        **nav(request.user), "year": year, "years": sorted({*services.years_offered(), year}, reverse=True),
        "versions": found, "latest": latest, "today": today, "label": label, "rules": rules,
        "notice_days": rules.notice_working_days,
        "notice_end": calendar.add_working_days(today, rules.notice_working_days)[0],
        "can_draft": status in ("", AssessmentStatus.DRAFT), "can_publish": status in ("", AssessmentStatus.DRAFT),
        "can_finalise": status == AssessmentStatus.PUBLISHED, "waits": waits,
        "can_correct": status in (AssessmentStatus.PUBLISHED, AssessmentStatus.FINAL),
        "presets": presets, "adopts_presets": access.adopts_presets(request.user),
        "what_if": reverse("what_if") + "?" + urlencode({"measure": "assessment", "year": year})})


def _step(request: HttpRequest, do: Callable[[Actor, int], str]) -> HttpResponse:
    """A workflow button: the year as posted, one action, its outcome or refusal said, back to the manage page."""
    actor = _runs(request)
    year = _posted_year(request, request.POST.get("year"))
    if year is None:
        return redirect("assessment:manage")
    try:
        said = do(actor, year)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, said)
    return redirect(_with_year("assessment:manage", year))


@login_required
@require_POST
def compute_draft(request: HttpRequest) -> HttpResponse:
    def do(actor: Actor, year: int) -> str:
        made = actions.compute_draft(actor, year)
        return _("已计算%(year)s年度评价草稿（第%(v)s版）") % {"year": year, "v": made.version}
    return _step(request, do)


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    def do(actor: Actor, year: int) -> str:
        made = actions.publish(actor, year)
        return _("%(year)s年度评价（第%(v)s版）已公示，公示期至%(day)s") % {
            "year": year, "v": made.version, "day": made.notice_ends_on.isoformat() if made.notice_ends_on else "—"}
    return _step(request, do)


@login_required
@require_POST
def finalise(request: HttpRequest) -> HttpResponse:
    def do(actor: Actor, year: int) -> str:
        made = actions.finalise(actor, year)
        return _("%(year)s年度评价（第%(v)s版）已定稿，不再变更；D类企业已作为低效用地整治任务交各区县") % {
            "year": year, "v": made.version}
    return _step(request, do)


@login_required
@require_POST
def correct(request: HttpRequest) -> HttpResponse:
    reason = str(request.POST.get("reason", ""))

    def do(actor: Actor, year: int) -> str:
        if len(reason.strip()) > 300:
            raise ValidationError({"reason": _("更正理由最多300字")})
        made = actions.correct(actor, year, reason)
        return _("已发起%(year)s年度评价更正（第%(v)s版，草稿），原版本保持不变") % {"year": year, "v": made.version}
    return _step(request, do)


@login_required
@require_POST
def adopt_preset(request: HttpRequest) -> HttpResponse:
    """采用方案 (HQ): the preset becomes the rule set's current version; the year's draft is judged under it."""
    actor = _runs(request)
    if not access.adopts_presets(request.user):
        raise PermissionDenied
    try:
        year = _measure().parse(request.POST.get("year"))
    except dates.BadDay:
        year = None
    back = _with_year("assessment:manage", year.start.year) if year is not None else reverse("assessment:manage")
    name = str(request.POST.get("preset", "")).strip()[:40]
    try:
        made = actions.adopt_preset(actor, name, str(request.POST.get("comment", "")).strip()[:300])
    except ValidationError as exc:
        _refused(request, exc)
    except RuleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已采用%(name)s方案（规则版本 %(label)s）；已公示或定稿的评价保持原规则版本") % {
            "name": name, "label": made.label})
    return redirect(back)


# --- the objections ------------------------------------------------------------------------------------------------


@login_required
def objections(request: HttpRequest) -> HttpResponse:
    """公示期异议: the year's objections the user sees, open first (the enterprise, its row's class and score as
    published, the reason, the day filed), an answer form beside each open one for HQ and the office; a county reads
    its enterprises' objections."""
    if (mine := _mine(request)) is not None:
        return mine
    if not access.sees_objections(request.user):
        raise PermissionDenied
    year = _year(request)
    found = services.objections_of(request.user, year)
    counties = dict(registry.counties().values_list("code", "name")) if found else {}
    for objection in found:
        row = objection.row  # type: ignore[attr-defined]
        objection.county_name = counties.get(row.county, row.county) if row else ""  # type: ignore[attr-defined]
    current = services.latest(year)
    return render(request, "assessment/objections.html", {
        **nav(request.user), "year": year, "years": sorted({*services.years_offered(), year}, reverse=True),
        "objections": found, "open": sum(1 for o in found if o.state == ObjectionState.OPEN),
        "answers": access.runs_assessment(request.user), "assessment": current,
        "status_label": _status_label(current.status) if current else ""})


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """答复 an open objection (HQ, the office): refused with its message (no text, answered already)."""
    found = get_scoped_or_404(Objection.objects.select_related("assessment", "enterprise"), request.user, Action.VIEW, pk=pk)
    actor = _runs(request)
    try:
        actions.answer(actor, found, str(request.POST.get("answer", ""))[:2000])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已答复%(name)s的异议") % {"name": found.enterprise.name})
    return redirect(_with_year("assessment:objections", found.assessment.year) + f"#objection-{found.pk}")


# --- an enterprise's page ------------------------------------------------------------------------------------------


@login_required
def enterprise(request: HttpRequest, uscc: str) -> HttpResponse:
    """An enterprise's assessment (HQ, the office, leaders, its county): its classes over the years, the year's
    indicators, score and rank in its county (or T with its reason), its county's bases, its objections. Out of the
    user's scope: 404."""
    if (mine := _mine(request)) is not None:
        return mine
    found = services.firm_in_view(request.user, uscc.strip()[:30]) if services.can_view(request.user) else None
    if found is None:
        raise Http404
    year = _year(request)
    result, answer = services.read(year, request.user)
    if result is None:
        return pending(request, answer, _("亩均论英雄"))
    row = next((r for r in result.enterprises if r.enterprise_id == found.pk), None)
    names = _indicator_names(result)
    county = row.county if row is not None else ""
    bases = {b.indicator: b.base for b in result.bases if b.county == county}
    indicators = [{"name": name, "value": row.values[n] if row is not None else None,
                   "base": bases.get(code)} for n, (code, name) in enumerate(zip(result.indicators, names,
                                                                                  strict=True))]
    counties = {c.code: c.name for c in result.counties}
    return render(request, "assessment/enterprise.html", {
        **_page_context(request, year, answer, result), "found": found, "row": row, "indicators": indicators,
        "has_bases": bool(bases), "county": counties.get(county, county), "of": _rated_in(result).get(county),
        "reason": _reason(row.not_rated_reason) if row is not None else "",
        "park": registry.park_names().get(row.park, row.park) if row is not None and row.park else "",
        "classes": [(y, grade, _status_label(status)) for y, grade, status in services.classes_of(found.pk)],
        "objections": services.objections_of(request.user, enterprise_id=found.pk)})
