"""经济运行 pages: the indicator × scope matrix of a month, an indicator's page, 双过半, and the monthly report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, dates, exports
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.views import validation_messages
from dualtrack.core.views_judgements import pending

from . import engine, report, services
from .choices import IndicatorKind, ReportStatus, ScopeKind
from .models import MonthlyReport
from .policy import sees_own_area

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_view(request: HttpRequest) -> None:
    if not services.can_view(request.user):
        raise PermissionDenied


def _month(request: HttpRequest) -> dt.date:
    """The month asked for, as statistics publish it: January is 1—2月 (February)."""
    return services.published(dates.requested_month(request, lambda: services.as_of_month(request.user)))


def _scope(request: HttpRequest, scopes: list[tuple[str, str, str]]) -> str | None:
    """The scope asked for (``?scope=``), else the user's own (a district's county, a park operator's park),
    else the city. A scope the user may not see is a 404."""
    codes = [code for code, _name, _kind in scopes]
    asked = request.GET.get("scope", "").strip().upper()[:20]
    if asked:
        if asked not in codes:
            raise Http404
        return asked
    user = request.user
    own = getattr(getattr(user, "county", None), "code", None) or getattr(getattr(user, "park", None), "code", None)
    if sees_own_area(user) and own in codes:
        return own
    return codes[0] if codes else None


@login_required
def overview(request: HttpRequest) -> HttpResponseBase:
    """经济运行: every indicator against its target in every scope the user sees, for a month."""
    _require_view(request)
    month = _month(request)
    evaluation, answer = services.read(month, request.user)
    if evaluation is None:
        return pending(request, answer, _("经济运行"))
    scopes = services.scopes_for(request.user, month.year)
    scope = _scope(request, scopes)
    if request.GET.get("format") == "xlsx":
        return _matrix_xlsx(request, evaluation)
    indicators = list(dict.fromkeys((r.indicator, r.indicator_name, r.unit, r.kind) for r in evaluation.rows))
    cells = {(r.indicator, r.scope): r for r in evaluation.rows}
    matrix = [(code, name, unit, kind, [cells.get((code, s)) for s, _n, _k in scopes])
              for code, name, unit, kind in indicators]
    return render(request, "economy/overview.html", {
        "month": month, "period": services.period_label(month), "evaluation": evaluation, "scopes": scopes,
        "scope": scope, "scope_name": dict((c, n) for c, n, _k in scopes).get(scope or "", ""),
        "rows": [r for r in evaluation.rows if r.scope == scope], "matrix": matrix,
        "time_progress": engine.time_progress(month), "latest": services.as_of_month(request.user),
        "counts": evaluation.lights(scope)})


def _matrix_xlsx(request: HttpRequest, evaluation: services.Evaluation) -> HttpResponseBase:
    def pct(value: Any) -> Any:
        return None if value is None else round(float(value) * 100, 1)

    rows = ([r.indicator_name, r.unit, r.scope_name, r.actual, r.target, pct(r.completion), pct(r.time_progress),
             pct(r.growth), pct(r.target_growth), r.gap_pp, r.rank, str(dict(LIGHT_NAMES).get(r.light or "", "")),
             pct(r.needed_growth), "" if r.double_half is None else "是" if r.double_half else "否"]
            for r in evaluation.rows)
    sheet = exports.Sheet(_("经济运行"), [
        _("指标"), _("单位"), _("范围"), _("累计值"), _("年度目标"), _("完成率（%）"), _("时序进度（%）"), _("累计增速（%）"),
        _("目标增速（%）"), _("差距（百分点）"), _("区县排名"), _("亮灯"), _("后续需增长（%）"), _("双过半")], rows)
    return exports.xlsx_download(request, [sheet], exports.dated_name(
        _("经济运行") + f"-{evaluation.month.year}年{services.month_label(evaluation.month)}", None),
        object_type="economy.actual", object_repr=f"{evaluation.month:%Y-%m}",
        detail={"month": f"{evaluation.month:%Y-%m}"})


LIGHT_NAMES = [("green", _("绿灯")), ("yellow", _("黄灯")), ("red", _("红灯"))]


@login_required
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator: its months against time progress in one scope, and the counties ranked for the month."""
    _require_view(request)
    found = services.indicator_by_code(code.upper()[:20])
    if found is None:
        raise Http404
    month = _month(request)
    scopes = services.scopes_for(request.user, month.year)
    scope = _scope(request, scopes)
    if scope is None:
        raise Http404
    series, answer = services.indicator_series(found, scope, month, request.user)
    evaluation, answer = services.read(month, request.user) if answer is None else (None, answer)
    if evaluation is None:  # the asked month named; the page comes once January to it are all computed
        return pending(request, answer, found.name, since=month.replace(month=1))
    counties = sorted((r for r in evaluation.rows if r.indicator == found.code and r.scope_kind == ScopeKind.COUNTY),
                      key=lambda r: (r.rank is None, r.rank or 0, r.scope))
    parks = [r for r in evaluation.rows if r.indicator == found.code and r.scope_kind == ScopeKind.PARK]
    labels = [services.period_label(dt.date(month.year, n, 1))
              for n in range(services.FIRST_MONTH, month.month + 1)][:len(series)]
    chart = {"months": labels,
             "completion": [None if r.completion is None else round(float(r.completion) * 100, 1) for r in series],
             "time_progress": [round(r.time_progress * 100, 1) for r in series],
             "growth": [None if r.growth is None else round(float(r.growth) * 100, 1) for r in series],
             "target_growth": [None if r.target_growth is None else round(float(r.target_growth) * 100, 1)
                               for r in series],
             "amount": found.kind == IndicatorKind.AMOUNT}
    return render(request, "economy/indicator.html", {
        "indicator": found, "month": month, "period": services.period_label(month), "scopes": scopes,
        "scope": scope, "scope_name": dict((c, n) for c, n, _k in scopes).get(scope, scope),
        "series": list(zip(labels, series, strict=True)),
        "counties": counties, "parks": parks, "chart": chart, "rules_version": evaluation.rules_version})


@login_required
def double_half(request: HttpRequest) -> HttpResponseBase:
    """双过半: at June (or the latest month after it), every indicator and scope with completion ≥ 50% and growth
    ≥ its target (amount indicators) or growth ≥ its target (growth indicators)."""
    _require_view(request)
    latest = services.as_of_month(request.user)
    try:
        year = int(request.GET.get("year") or (latest.year if latest else dates.today().year))
    except ValueError:
        year = latest.year if latest else dates.today().year
    year = min(max(year, dates.earliest_day().year), dates.today().year)
    rules = services.current_rules()
    from_month = rules["double_half_from_month"]
    reported = services.as_of_month(request.user, dt.date(year + 1, 1, 1))  # the year's last month ended by then
    month = reported if reported is not None and reported.year == year and reported.month >= from_month else None
    evaluation, answer = services.read(month, request.user) if month else (None, None)
    if month and evaluation is None and answer is not None:
        return pending(request, answer, _("双过半"))
    every = evaluation.rows if evaluation else []
    filters = DoubleHalfFilters.of(request, every)
    rows = filters.apply(every)
    if month and request.GET.get("format") == "xlsx":
        return _double_half_xlsx(request, month, rows)
    missed = [r for r in rows if r.double_half is False]
    return render(request, "economy/double_half.html", {
        "year": year, "month": month, "period": services.period_label(month) if month else "",
        "from_month": from_month, "rows": rows, "missed": missed, "filters": filters,
        "met": sum(1 for r in rows if r.double_half), "judged": sum(1 for r in rows if r.double_half is not None),
        "evaluation": evaluation})


MET_CHOICES = [("", gettext_lazy("全部")), ("yes", gettext_lazy("实现")), ("no", gettext_lazy("未实现"))]


@dataclass
class DoubleHalfFilters:
    """The 双过半 filters (met / not met / all, scope, indicator): one set read from the query string, applied alike
    by the page and its Excel export. A value that is not among the rows' own is ignored (all)."""

    met: str = ""
    scope: str = ""
    indicator: str = ""
    scopes: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, request: HttpRequest, rows: list[services.Row]) -> DoubleHalfFilters:
        scopes = list(dict.fromkeys((r.scope, r.scope_name) for r in rows))
        indicators = list(dict.fromkeys((r.indicator, r.indicator_name) for r in rows))
        met = request.GET.get("met", "")
        scope = request.GET.get("scope", "").strip().upper()[:20]
        indicator = request.GET.get("indicator", "").strip().upper()[:20]
        return cls(met=met if met in ("yes", "no") else "", scope=scope if scope in dict(scopes) else "",
                   indicator=indicator if indicator in dict(indicators) else "", scopes=scopes, indicators=indicators)

    def apply(self, rows: list[services.Row]) -> list[services.Row]:
        wanted = {"yes": True, "no": False}.get(self.met)
        return [r for r in rows if (wanted is None or r.double_half is wanted)
                and (not self.scope or r.scope == self.scope) and (not self.indicator or r.indicator == self.indicator)]

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in (("met", self.met), ("scope", self.scope), ("indicator", self.indicator))
                          if v})

    @property
    def met_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in MET_CHOICES]


def _double_half_xlsx(request: HttpRequest, month: dt.date, rows: list[services.Row]) -> HttpResponseBase:
    def pct(value: Any) -> Any:
        return None if value is None else round(float(value) * 100, 1)

    met = {True: _("实现"), False: _("未实现"), None: _("未报送")}
    sheet = exports.Sheet(_("双过半"), [_("范围"), _("指标"), _("完成率（%）"), _("累计增速（%）"), _("目标增速（%）"),
                                     _("双过半")],
                          ([r.scope_name, r.indicator_name, pct(r.completion), pct(r.growth), pct(r.target_growth),
                            str(met[r.double_half])] for r in rows))
    return exports.xlsx_download(request, [sheet], exports.dated_name(
        _("双过半") + f"-{month.year}年{services.month_label(month)}", None),
        object_type="economy.actual", object_repr=f"{month:%Y-%m}", detail={"month": f"{month:%Y-%m}",
                                                                            "filters": dict(request.GET.items())})


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """经济运行月报 of a month: the stored draft or released report, its Word and Excel files; HQ generates a
    draft and signs it off, after which it never changes."""
    if not MonthlyReport.permits(request.user, Action.VIEW):
        raise PermissionDenied
    month = _month(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "sign_off":
                stored = MonthlyReport.objects.filter(month=month).first()
                if stored is None:
                    raise Http404
                report.sign_off(stored, actor_of(request), request.POST.get("seen", ""))
                messages.success(request, _("月报已签发"))
            else:
                report.generate(month, actor_of(request))
                messages.success(request, _("送审稿已生成，请在下方预览审阅后签发"))
        except ValidationError as exc:
            validation_messages(request, exc)
        return redirect(f"{request.path}?month={month:%Y-%m}")
    stored = MonthlyReport.objects.restrict(request.user).filter(month=month).defer("docx", "xlsx").first()
    fmt = request.GET.get("fmt")
    if fmt in ("docx", "xlsx"):
        if stored is None:
            raise Http404
        data = bytes(getattr(MonthlyReport.objects.get(pk=stored.pk), fmt))
        audit.record(request.user, AuditAction.EXPORT, stored, detail={"format": fmt})
        response = HttpResponse(data, content_type=DOCX if fmt == "docx" else XLSX)
        name = f"经济运行月报-{month.year}年{services.month_label(month)}.{fmt}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or \
            "attachment"
        return response
    reports = list(MonthlyReport.objects.restrict(request.user).defer("docx", "xlsx", "content")[:24])
    for r in reports:
        r.period = services.period_label(r.month)  # type: ignore[attr-defined]
    latest = services.as_of_month(request.user)
    # the year's cumulative periods from 1—2月 up to the latest reported, and the months of the reports kept
    offered = sorted({*(m for m in services.months_offered(month.year, latest)
                        if latest is None or m <= max(latest, month)), *(r.month for r in reports)})
    return render(request, "economy/report.html", {
        "month": month, "period": services.period_label(month), "stored": stored,
        "months": [(m, services.period_label(m)) for m in reversed(offered)],  # the latest first
        "stamp": report.stamp(stored) if stored else "",
        "document": report.html(stored) if stored else "",
        "can_generate": MonthlyReport.permits(request.user, Action.ADD)
        and (stored is None or stored.status == ReportStatus.DRAFT),
        "can_sign": stored is not None and stored.status == ReportStatus.DRAFT
        and MonthlyReport.permits(request.user, Action.PUBLISH),
        "reports": reports})
