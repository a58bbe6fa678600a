"""Resumption pages: the dashboard, the enterprise self-report, not-resumed and cross-check lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, exports, policy, versions
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.views import form_errors, paginate, query_without_page
from dualtrack.core.views_judgements import pending
from dualtrack.epidemic import services as epidemic
from dualtrack.epidemic.choices import COLOUR_HEX, Colour
from dualtrack.registry import services as registry

from . import policy as access
from . import services
from .models import ReportSource, ResumptionReport
from .snapshot import NotReady

CROSSCHECK_PAGE = 50


def _day(request: HttpRequest) -> dt.date:
    """The date asked for, else the data-as-of day (the latest day every source has reached: power readings
    arrive a day after the reports), else today."""
    return dates.requested_day(request, versions.data_day)


def _require_dashboard(request: HttpRequest) -> None:
    if not access.sees_command_picture(request.user):
        raise PermissionDenied


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank by power index (highest first; rows without an index last)."""
    ordered = sorted(rows, key=lambda r: (r["power"]["index"] is None, -(r["power"]["index"] or 0)))
    for rank, row in enumerate(ordered, start=1):
        row["rank"] = rank if row["power"]["index"] is not None else None
    return ordered


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    day = _day(request)
    scope = request.GET.get("scope", "all")
    if scope not in services.SIZE_SCOPES:
        scope = "all"
    try:
        pic = services.picture(day, size_scope=scope, user=request.user, allow_stale=True, page=True)
    except NotReady as exc:
        return pending(request, exc.answer, _("复工图"))
    counties = _ranked(services.counties(pic))
    trend = services.trend(pic)
    below = [r for r in counties if r["target"]["met"] is False]
    legend = services.index_legend(missing=any(r["power"]["index"] is None for r in counties))
    return render(request, "resumption/dashboard.html", {
        "day": day, "scope": scope, "scopes": services.SIZE_SCOPES, "city": pic.data["city"],
        "counties": counties, "parks": _ranked(services.groups(pic, "park")),
        "industries": _ranked(services.groups(pic, "industry")), "sizes": _ranked(services.groups(pic, "size")),
        "below": below, "colour_labels": {c.value: c.label for c in Colour},
        "payload": {"geojson": epidemic.map_geojson(request.user), "trend": trend,
                    "regions": [{"name": r["name"], "code": r["code"], "index": r["power"]["index"]} for r in counties],
                    "colours": COLOUR_HEX, "legend": legend},
        "legend": legend,
        "rules_version": pic.data["rules_version"], "stale": pic.stale, "computed_at": pic.snapshot.computed_at,
        "as_of": versions.as_of(),
        "flags": services.dashboard_flags(day, request.user),  # what other apps flag (outbreaks in filed firms)
    })


class SelfReportForm(forms.Form):
    resumed = forms.TypedChoiceField(label=gettext_lazy("今日是否复工"), coerce=lambda v: v == "1",
                                     choices=[("1", gettext_lazy("今日已复工")), ("0", gettext_lazy("今日未复工"))])
    workers_on_duty = forms.IntegerField(label=gettext_lazy("在岗人数"), min_value=0, max_value=MAX_COUNT, required=False)


@login_required
def self_report(request: HttpRequest) -> HttpResponse:
    """One tap on a phone: resumed today or not, and workers on duty. An enterprise reports for itself; a
    liaison officer, a district (or park) operator or HQ picks one of the enterprises they may report for
    (``?uscc=``), the same rule as ``POST /api/v1/resumption/reports``."""
    policy.authorize_create(request.user, "registry.Enterprise", Action.REPORT)
    reachable = registry.enterprises_for(request.user, Action.REPORT)
    uscc = (request.GET.get("uscc") or request.POST.get("uscc") or "").strip().upper()[:18]
    if access.reports_for_itself(request.user):
        enterprise = reachable.filter(pk=getattr(request.user, "enterprise_id", None) or 0).first()
    elif uscc:
        enterprise = reachable.filter(uscc=uscc).first()
        if enterprise is None:
            raise Http404
    else:
        query = request.GET.get("q", "").strip()[:50]
        choices = reachable.filter(Q(name__icontains=query) | Q(uscc__startswith=query.upper())) if query else reachable
        # Each enterprise's latest report up to today, so a liaison officer sees whom to chase.
        latest = ResumptionReport.objects.filter(enterprise=OuterRef("pk"), date__lte=dates.today()).order_by("-date")
        choices = choices.annotate(last_day=Subquery(latest.values("date")[:1]),
                                   last_resumed=Subquery(latest.values("resumed")[:1]),
                                   last_workers=Subquery(latest.values("workers_on_duty")[:1]))
        return render(request, "resumption/self_report_pick.html", {
            "page": paginate(request, choices.select_related("county").order_by("name")), "q": query,
            "query": query_without_page(request), "today": dates.today()})
    if enterprise is None:
        raise Http404
    today = dates.today()
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_report(actor_of(request), enterprise, today, form.cleaned_data["resumed"],
                                 form.cleaned_data["workers_on_duty"] or 0,
                                 source=ReportSource.SELF if access.reports_for_itself(request.user)
                                 else ReportSource.ON_BEHALF)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已报送，谢谢！"))
            target = reverse("resumption:report")
            return redirect(f"{target}?uscc={enterprise.uscc}" if not access.reports_for_itself(request.user)
                            else target)
    latest = ResumptionReport.objects.restrict(request.user).filter(enterprise=enterprise, date__lte=today) \
        .order_by("-date").first()
    return render(request, "resumption/self_report.html", {"form": form, "enterprise": enterprise, "latest": latest,
                                                           "today": today,
                                                           "for_other": not access.reports_for_itself(request.user)})


@login_required
def not_resumed(request: HttpRequest) -> HttpResponse:
    if not access.sees_not_resumed(request.user):
        raise PermissionDenied
    day = _day(request)
    queryset = services.not_resumed(day, request.user)
    return render(request, "resumption/not_resumed.html", {"day": day, "page": paginate(request, queryset),
                                                           "query": query_without_page(request)})


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """数据质量: reports that contradict themselves (not resumed, yet workers on duty) on the day, and the
    enterprises left out of the power indicators for want of a baseline."""
    _require_dashboard(request)
    day = _day(request)
    ctx = services.power_context(request.user)
    days = dict(zip(ctx.baselines["enterprise_id"].to_pylist(), ctx.baselines["days"].to_pylist(), strict=True))
    queryset = registry.enterprises_for(request.user).filter(pk__in=services.no_baseline(ctx)) \
        .select_related("county").order_by("county__code", "name")
    page = paginate(request, queryset)
    for enterprise in page:
        enterprise.baseline_days = days.get(enterprise.pk)  # type: ignore[attr-defined]
    return render(request, "resumption/quality.html", {
        "page": page, "query": query_without_page(request), "window_days": ctx.rules.window_days, "day": day,
        "inconsistent": services.inconsistent_reports(day, request.user)[:200],
        "start": ctx.rules.baseline_start, "end": ctx.rules.baseline_end, "min_days": ctx.rules.min_coverage
        * ctx.rules.window_days})


@login_required
def crosscheck(request: HttpRequest) -> HttpResponse | FileResponse:
    if not access.sees_crosscheck(request.user):
        raise PermissionDenied
    day = _day(request)
    try:
        pic = services.picture(day, user=request.user, allow_stale=True, page=True)
    except NotReady as exc:
        return pending(request, exc.answer, _("数据核验"))
    rows = services.crosscheck_rows(pic)
    if access.follows_own_enterprises(request.user):
        rows = [r for r in rows if request.user.username in r["liaisons"]]  # type: ignore[union-attr]
    if request.GET.get("format") == "xlsx":
        return _crosscheck_xlsx(request, day, rows)
    by_county: dict[str, dict[str, int]] = {}
    by_liaison: dict[str, int] = {}
    nobody = [_("（未指定服务员）")]  # translated once: per row it was 7,600 look-ups (120 ms) at 200,000 enterprises
    for row in rows:
        counts = by_county.setdefault(row["county"], {"paper": 0, "unreported": 0})
        counts[row["kind"]] += 1
        for officer in row["liaisons"] or nobody:
            by_liaison[officer] = by_liaison.get(officer, 0) + 1
    county = request.GET.get("county", "")[:50]
    kind = request.GET.get("kind", "")
    listed = [r for r in rows if (not county or r["county"] == county) and (not kind or r["kind"] == kind)]
    page = Paginator(listed, CROSSCHECK_PAGE).get_page(request.GET.get("page"))
    return render(request, "resumption/crosscheck.html", {
        "day": day, "rows": rows, "page": page, "query": query_without_page(request), "county": county,
        "kind": kind, "by_county": sorted(by_county.items()), "by_liaison": sorted(by_liaison.items()),
        "kinds": {"paper": _("虚报复工"), "unreported": _("未报复工")}})


def _crosscheck_xlsx(request: HttpRequest, day: dt.date, rows: list[dict[str, Any]]) -> FileResponse:
    kinds = {"paper": _("虚报复工"), "unreported": _("未报复工")}
    header = [_("区县（市）"), _("统一社会信用代码"), _("企业名称"), _("近3日最低用电比"), _("近3日最高用电比"),
              _("最近读数日期"), _("驻企服务员")]
    def of_kind(kind: str) -> list[list[Any]]:
        return [[r["county"], r["uscc"], r["name"], round(r["min_ratio"], 4), round(r["max_ratio"], 4), r["last_date"],
                 "、".join(r["liaisons"])] for r in rows if r["kind"] == kind]

    sheets = [exports.Sheet(title, header, of_kind(kind)) for kind, title in kinds.items()]
    return exports.xlsx_download(request, sheets, exports.dated_name(_("数据核验"), day),
                                 object_type="resumption.crosscheck", object_repr=f"数据核验 {day.isoformat()}",
                                 detail={"date": day.isoformat()})

