"""招商引资: the lead pipeline by stage with lights, the league table against targets, one lead's page with its
work (activities, stages, the hand-over), a signing ceremony, the week's activity, the 四个一批 board with 集中开工
events, 争资 bids, and their Excel exports. Views parse typed input and call one function of :mod:`.actions`,
:mod:`.services` or :mod:`.pipeline`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualtrack.core import dates, exports, privacy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action
from dualtrack.core.rules import listed
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, paginate_list, query_without_page
from dualtrack.core.views_judgements import pending

from . import actions, pipeline, services
from . import policy as access
from .choices import (
    BEFORE_SIGNING,
    ActivityKind,
    BidState,
    FundKind,
    InvestorClass,
    PipelineStage,
    Stage,
)
from .forms import ActivityForm, GroundbreakingForm, LeadForm, OfficerForm, SigningForm, StageForm
from .models import FundBid, GroundbreakingEvent, InvestmentTarget, Lead

AMOUNT_FORMAT = "#,##0.00"  # 争资 amounts (万元) in Excel: numbers, shown with thousands separators


def _year(request: HttpRequest) -> int:
    raw = (request.GET.get("year") or "").strip()
    fallback = services.as_of().year
    year = int(raw) if raw.isdigit() and len(raw) == 4 else fallback
    return min(max(year, 2000), dates.today().year)


def _filtered(request: HttpRequest, evaluation: services.Evaluation
              ) -> tuple[list[services.LeadStatus], str, str, str]:
    """One filter for the pipeline page and its export: ?stage=, ?light= and ?q= (a code or part of a name); the
    rows and the filter's values as read."""
    stage = request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else ""
    light = request.GET.get("light", "") if request.GET.get("light") in ("red", "yellow") else ""
    q = (request.GET.get("q") or "").strip()[:50]
    rows = [s for s in evaluation.leads if (not stage or s.stage == stage) and (not light or s.light == light)
            and (not q or q.upper() in s.code or q in s.name)]
    rows.sort(key=lambda s: ({"red": 0, "yellow": 1}.get(s.light or "", 2), s.code))
    return rows, stage, light, q


@login_required
def leads(request: HttpRequest) -> HttpResponse:
    """The pipeline: how many leads at each stage, and the leads with their lights (the ones needing action first)."""
    if not Lead.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, services.as_of)
    evaluation, answer = services.read(day, request.user)
    if evaluation is None:
        return pending(request, answer, _("招商引资"))
    rows, stage, light, q = _filtered(request, evaluation)
    counts = Counter(s.stage for s in evaluation.leads)
    page = paginate_list(request, rows)
    return render(request, "investment/leads.html", {
        "day": day, "rules_version": evaluation.rules_version, "page": page, "about": _about(page),
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices], "stage": stage,
        "light": light, "reasons": services.reason_texts(evaluation.rules_version), "stage_names": dict(Stage.choices),
        "query": query_without_page(request), "may_add": Lead.permits(request.user, Action.ADD),
        "q": q,
        # A department or liaison officer sees only the leads in their care as chief service officer.
        "as_officer": access.sees_as_officer(request.user)})


def _about(rows: Any) -> dict[str, dict[str, str]]:
    """The list's rows' investor and place (区县, and 园区 where it lies in one), by code: one query for the page's
    leads, whatever their number (the stored judgement keeps neither)."""
    from dualtrack.registry import services as registry

    codes = [s.code for s in rows]
    names = registry.region_names() | registry.park_names() if codes else {}
    return {code: {"investor": investor, "place": " · ".join(n for n in (names.get(county, county),
                                                                        names.get(park or "", "")) if n)}
            for code, investor, county, park in Lead.objects.filter(code__in=codes).values_list(
                "code", "investor", "county__code", "park__code")}


@login_required
def leads_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not Lead.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = dates.requested_day(request, services.as_of)
    evaluation, answer = services.read(day, request.user)
    if evaluation is None:
        return pending(request, answer, _("招商项目"))
    rows, _stage, _light, _q = _filtered(request, evaluation)
    stage_names, reasons = dict(Stage.choices), services.reason_texts(evaluation.rules_version)
    lights = {"red": _("红灯"), "yellow": _("黄灯")}
    investors = dict(Lead.objects.restrict(request.user).values_list("code", "investor"))
    sheet = exports.Sheet(_("招商项目"), [_("线索编号"), _("项目名称"), _("阶段"), _("计划投资（亿元）"), _("区县"), _("园区"),
                                     _("亮灯"), _("原因"), _("数据截至"), _("投资方")],
                          ([s.code, s.name, str(stage_names.get(s.stage, s.stage)), s.amount, s.county_code,
                            s.park_code, str(lights.get(s.light or "", "")),
                            "、".join(str(reasons.get(r, r)) for r in s.reasons), day, investors.get(s.code, "")]
                           for s in rows), widths={"B": 36, "J": 30})
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("招商项目"), day),
                                 object_type="investment.lead", object_repr=_("招商项目"),
                                 detail={"date": day.isoformat(), "rules_version": evaluation.rules_version})


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """The league table: the city, each county and park against its targets for the year."""
    if not InvestmentTarget.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, services.as_of)
    evaluation, answer = services.read(day, None)  # the scopes' figures: the city's, each county's and park's
    if evaluation is None:
        return pending(request, answer, _("目标进度"))
    scopes = sorted(evaluation.scopes[1:], key=lambda s: -(s.progress or 0))
    return render(request, "investment/league.html", {
        "day": day, "rules_version": evaluation.rules_version, "city": evaluation.scopes[0], "scopes": scopes,
        "informants": services.informants_shown(request.user, day)})


@login_required
def league_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not InvestmentTarget.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, services.as_of)
    evaluation, answer = services.read(day, None)
    if evaluation is None:
        return pending(request, answer, _("目标进度"))
    sheet = exports.Sheet(_("目标进度"), [_("范围代码"), _("范围"), _("今年签约（亿元）"), _("目标（亿元）"), _("完成进度"),
                                      _("大项目"), _("大项目目标"), _("开工率"), _("资金到位率"), _("数据截至")],
                          ([s.scope, s.name, s.signed_amount, s.amount_target, s.progress, s.big_signed, s.big_target,
                            s.start_rate, s.funds_rate, day] for s in evaluation.scopes), widths={"B": 20})
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("招商目标进度"), day),
                                 object_type="investment.investmenttarget", object_repr=_("招商目标进度"),
                                 detail={"date": day.isoformat(), "rules_version": evaluation.rules_version})


@login_required
def lead(request: HttpRequest, code: str) -> HttpResponse:
    found = get_scoped_or_404(Lead.objects.select_related("county", "park", "officer", "enterprise"), request.user,
                              Action.VIEW, code=code.upper()[:30])
    return _lead_page(request, found, _lead_forms(request, found))


def _stage_form(found: Lead, data: Any = None) -> StageForm:
    """Forward from the lead's stage, or 终止 (the same choices on the page and when a move is posted)."""
    form = StageForm(data, initial={"date": dates.today()})
    at = actions.ORDER.index(Stage(found.stage)) if found.stage in actions.ORDER else len(actions.ORDER)
    form.fields["stage"].choices = [  # type: ignore[attr-defined]
        (s.value, s.label) for s in [*actions.ORDER[at + 1:], Stage.STOPPED]]
    return form


def _stage_rows(found: Lead, form: StageForm) -> list[dict[str, Any]]:
    """The stage form's fields, each with the stages (of the form's choices) that read it (``actions.stage_fields``):
    the page's script shows only the chosen stage's fields; without it every field shows, its stages named."""
    stages = [value for value, _label in form.fields["stage"].choices]  # type: ignore[attr-defined]
    names = dict(Stage.choices)
    rows = []
    for field in form:
        if field.name == "stage":
            rows.append({"field": field, "stages": None, "names": ""})
            continue
        using = [s for s in stages if field.name in actions.stage_fields(found, s)]
        if using or field.errors:  # a field no stage on offer reads is not drawn
            rows.append({"field": field, "stages": " ".join(using), "names": listed(names[s] for s in using)})
    return rows


def _officer_form(found: Lead, data: Any = None) -> OfficerForm:
    from dualtrack.accounts import services as accounts

    form = OfficerForm(data, initial={"officer": found.officer_id})
    form.fields["officer"].choices = [  # type: ignore[attr-defined]
        ("", "—"), *((u.pk, f"{u.full_name or u.username}({u.get_role_display()})")
                     for u in accounts.officer_candidates(found.county_id)[:500])]
    return form


def _lead_forms(request: HttpRequest, found: Lead) -> dict[str, Any]:
    """The forms of the lead's page that the user may use: logging an activity (the staff and the chief service
    officer), moving the stage and naming the officer (the staff, until the lead is 终止 or 投产)."""
    may_report, may_change = found.in_scope(request.user, Action.REPORT), found.in_scope(request.user, Action.CHANGE)
    closed = found.stage in (Stage.STOPPED, Stage.OPERATING)
    return {"activity_form": ActivityForm(initial={"date": dates.today()}) if may_report else None,
            "stage_form": _stage_form(found) if may_change and not closed else None,
            "officer_form": _officer_form(found) if may_change and found.stage != Stage.STOPPED else None}


def _lead_page(request: HttpRequest, found: Lead, forms: dict[str, Any]) -> HttpResponse:
    day = services.as_of()  # the pipeline's as-of day, as on the list the user came from
    light, reasons = services.lead_light(found, day)
    if forms.get("stage_form") is not None:
        forms = {**forms, "stage_rows": _stage_rows(found, forms["stage_form"])}
    return render(request, "investment/lead.html", {
        "lead": found, "informant": services.informant_shown(request.user, found),
        "activities": privacy.attach(request.user, found.activities.order_by("-date")[:200], "note"),
        "arrivals": found.arrivals.order_by("month"), "kinds": dict(ActivityKind.choices),
        "light": light, "light_reasons": reasons, "day": day, **forms})


Notes = list[tuple[int, str]]


def _work_lead(request: HttpRequest, found: Lead, name: str, form: Any, run: Callable[[dict[str, Any]], Notes]
               ) -> HttpResponse:
    """A form posted on the lead's page: ``run`` calls the domain function and answers the messages to show, and the
    user goes back to the lead; on an error the page comes again with this form's errors beside its fields and the
    lead's other forms as they were."""
    if form.is_valid():
        try:
            notes = run(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            for level, text in notes:
                messages.add_message(request, level, text)
            return redirect("investment:lead", code=found.code)
    forms = _lead_forms(request, found)
    forms[name] = form
    return _lead_page(request, found, forms)


def _posted_lead(request: HttpRequest, code: str) -> Lead:
    return get_scoped_or_404(Lead.objects.all(), request.user, Action.VIEW, code=code.upper()[:30])


@login_required
@require_POST
def lead_activity(request: HttpRequest, code: str) -> HttpResponse:
    found = _posted_lead(request, code)

    def run(data: dict[str, Any]) -> Notes:
        actions.log_activity(actor_of(request), found, day=data["date"], kind=data["kind"], note=data["note"])
        return [(messages.SUCCESS, _("已登记招商活动"))]

    return _work_lead(request, found, "activity_form", ActivityForm(request.POST), run)


@login_required
@require_POST
def lead_stage(request: HttpRequest, code: str) -> HttpResponse:
    found = _posted_lead(request, code)

    def run(data: dict[str, Any]) -> Notes:
        moved = actions.move_stage(actor_of(request), found, stage=data["stage"], day=data["date"],
                                   uscc=data["uscc"], project_code=data["project_code"], reason=data["reason"])
        notes = [(messages.SUCCESS, _("已推进到：%(stage)s") % {"stage": moved.get_stage_display()})]
        if moved.project_code and data["stage"] in (Stage.STARTED, Stage.OPERATING):
            notes.append((messages.INFO, _("已转入重点项目 %(code)s，按重点项目调度亮灯") % {"code": moved.project_code}))
        return notes

    return _work_lead(request, found, "stage_form", _stage_form(found, request.POST), run)


@login_required
@require_POST
def lead_officer(request: HttpRequest, code: str) -> HttpResponse:
    found = _posted_lead(request, code)
    if found.stage == Stage.STOPPED:
        messages.error(request, _("项目已终止，不能再变更阶段"))
        return redirect("investment:lead", code=found.code)

    def run(data: dict[str, Any]) -> Notes:
        named = actions.name_officer(actor_of(request), found, data["officer"])
        return [(messages.SUCCESS, _("已确定首席服务员：%(name)s") % {
            "name": named.officer.full_name if named.officer else ""})]

    return _work_lead(request, found, "officer_form", _officer_form(found, request.POST), run)


def _county_choices(request: HttpRequest) -> list[tuple[str, str]]:
    from dualtrack.registry import services as registry

    return [("", "—"), *((str(c.pk), c.name) for c in registry.counties())]


@login_required
def lead_new(request: HttpRequest) -> HttpResponse:
    """A lead entered on a phone by a county's or park's investment staff (HQ names the county)."""
    if not Lead.permits(request.user, Action.ADD):
        raise PermissionDenied
    from dualtrack.registry import services as registry

    form = LeadForm(request.POST or None)
    user = request.user
    anywhere = access.adds_anywhere(user)
    if anywhere:
        form.fields["county"].choices = _county_choices(request)  # type: ignore[attr-defined]
        form.fields["county"].required = True
    else:
        del form.fields["county"]
    if getattr(user, "park_id", None):
        del form.fields["park"]  # a park's staff add to their own park
    else:
        county_id = None if anywhere else getattr(user, "county_id", None)
        form.fields["park"].choices = [("", "—"), *(  # type: ignore[attr-defined]
            (str(p.pk), f"{p.name}({p.county.name})") for p in registry.parks(county_id))]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.add_lead(actor_of(request), actions.NewLead(
                name=data["name"], investor=data["investor"], amount=data["amount"],
                investor_class=data["investor_class"], industry_code=data["industry_code"], source=data["source"],
                informant=data["informant"], county_id=int(data["county"]) if data.get("county") else None,
                park_id=int(data["park"]) if data.get("park") else None))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已登记招商项目 %(code)s") % {"code": created.code})
            return redirect("investment:lead", code=created.code)
    return render(request, "investment/lead_new.html", {"form": form, "classes": InvestorClass.choices})


@login_required
def signing(request: HttpRequest) -> HttpResponse:
    """签约仪式: several leads before signing formally signed at once (a ceremony, often online 云签约)."""
    if not Lead.permits(request.user, Action.CHANGE):
        raise PermissionDenied
    open_leads = Lead.objects.restrict(request.user, Action.CHANGE).filter(stage__in=BEFORE_SIGNING).order_by(
        "code")[:300]
    form = SigningForm(request.POST or None, initial={"date": dates.today()})
    form.fields["leads"].choices = [  # type: ignore[attr-defined]
        (lead.code, f"{lead.code} {lead.name}({lead.amount:.2f} {_('亿元')})") for lead in open_leads]
    if request.method == "POST" and form.is_valid():
        chosen = list(Lead.objects.restrict(request.user, Action.CHANGE).filter(code__in=form.cleaned_data["leads"]))
        try:
            signed = actions.sign_at_ceremony(actor_of(request), chosen, day=form.cleaned_data["date"],
                                              place=form.cleaned_data["place"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(n)s 个项目已正式签约，计划总投资 %(amount)s 亿元") % {
                "n": len(signed), "amount": f"{sum((s.amount for s in signed), Decimal(0)):.2f}"})
            return redirect("investment:leads")
    return render(request, "investment/signing.html", {"form": form})


@login_required
def weekly(request: HttpRequest) -> HttpResponse:
    """The week's activity: signings, starts, visits out and in, online negotiations, promotions and events."""
    if not Lead.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, services.as_of)
    monday = pipeline.monday_of(day)
    week = pipeline.week_activity(request.user, monday)
    visible = Lead.objects.restrict(request.user, Action.VIEW)
    signed = visible.filter(signed_on__range=(monday, week.sunday)).exclude(stage=Stage.STOPPED).order_by("signed_on")
    started = visible.filter(started_on__range=(monday, week.sunday)).exclude(stage=Stage.STOPPED).order_by(
        "started_on")
    return render(request, "investment/weekly.html", {
        "day": day, "week": week, "kinds": ActivityKind.choices, "signed": signed[:100], "started": started[:100],
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7) if monday + dt.timedelta(days=7) <= services.as_of()
        else None})


def _board(request: HttpRequest) -> pipeline.Board:
    """The 四个一批 board of ``?year=`` up to the data-as-of day, of the projects the user may see (page and export)."""
    if not GroundbreakingEvent.permits(request.user, Action.VIEW):
        raise PermissionDenied
    return pipeline.four_batches(request.user, _year(request), until=services.as_of())


@login_required
def pipeline_board(request: HttpRequest) -> HttpResponse:
    """四个一批 per quarter with the moves between stages, and the year's 集中开工 events."""
    board = _board(request)
    names = dict(PipelineStage.choices)
    return render(request, "investment/pipeline.html", {
        "year": board.year, "board": board, "stages": PipelineStage.choices, "names": names,
        "may_add": GroundbreakingEvent.permits(request.user, Action.ADD)})


@login_required
def pipeline_xlsx(request: HttpRequest) -> HttpResponseBase:
    board = _board(request)
    year = board.year
    names = dict(PipelineStage.choices)
    # outside the f-strings, where makemessages finds them: "(亿元)" stayed Chinese in the English file (#28 §5)
    count, amount = _("（个）"), _("（亿元）")
    quarters = exports.Sheet(_("四个一批"), [_("季度"), _("数据截至"), *(f"{names[s]}{count}" for s in PipelineStage.values),
                                         *(f"{names[s]}{amount}" for s in PipelineStage.values), _("本季度阶段变动")],
                             ([q.label, q.end, *(q.counts[s] for s in PipelineStage.values),
                               *(q.amounts[s] for s in PipelineStage.values),
                               ";".join(f"{names[a]}→{names[b]} {n}" for a, b, n in q.moves)] for q in board.quarters))
    events = exports.Sheet(_("集中开工活动"), [_("日期"), _("活动名称"), _("主会场"), _("项目数"), _("总投资（亿元）")],
                           ([e.date, e.title, e.place, e.n, e.amount_yi] for e in board.events), widths={"B": 36})
    return exports.xlsx_download(request, [quarters, events], f"{_('四个一批')}-{year}.xlsx",
                                 object_type="investment.groundbreakingevent", object_repr=_("四个一批"),
                                 detail={"year": year})


@login_required
def groundbreaking_new(request: HttpRequest) -> HttpResponse:
    if not GroundbreakingEvent.permits(request.user, Action.ADD):
        raise PermissionDenied
    form = GroundbreakingForm(request.POST or None, initial={"date": dates.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [c for part in data["projects"].replace(",", ",").splitlines() for c in part.split(",")]
        try:
            event = actions.add_groundbreaking(actor_of(request), day=data["date"], title=data["title"],
                                               place=data["place"], county_id=None, project_codes=codes)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已登记集中开工活动：%(title)s") % {"title": event.title})
            return redirect(f"/investment/pipeline/?year={event.date.year}")
    return render(request, "investment/groundbreaking_new.html", {"form": form})


def _bids(request: HttpRequest, year: int) -> Any:
    bids = FundBid.objects.restrict(request.user, Action.VIEW).filter(year=year).select_related("project")
    kind = request.GET.get("kind", "")
    if kind in FundKind.values:
        bids = bids.filter(fund_kind=kind)
    state = request.GET.get("state", "")
    if state in BidState.values:
        bids = bids.filter(state=state)
    return bids.order_by("project__code", "fund_kind")


@login_required
def bids(request: HttpRequest) -> HttpResponse:
    """争资: each fund kind's bids, success rate and growth of funds won, and the bids themselves."""
    if not FundBid.permits(request.user, Action.VIEW):
        raise PermissionDenied
    year = _year(request)
    return render(request, "investment/bids.html", {
        "year": year, "figures": pipeline.bid_figures(request.user, year), "kinds": dict(FundKind.choices),
        "states": dict(BidState.choices), "page": paginate(request, _bids(request, year)),
        "query": query_without_page(request), "kind": request.GET.get("kind", ""),
        "state": request.GET.get("state", ""), "kind_choices": FundKind.choices, "state_choices": BidState.choices})


@login_required
def bids_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not FundBid.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    year = _year(request)
    kinds, states = dict(FundKind.choices), dict(BidState.choices)
    sheet = exports.Sheet(_("争取上级资金"), [_("项目代码"), _("项目名称"), _("年度"), _("资金类别"), _("申请金额（万元）"),
                                        _("获得金额（万元）"), _("状态")],
                          ([b.project.code, b.project.name, b.year, str(kinds.get(b.fund_kind, b.fund_kind)),
                            b.requested, b.won, str(states.get(b.state, b.state))]
                           for b in _bids(request, year).iterator(chunk_size=1000)), widths={"B": 36, "E": 16, "F": 16},
                          formats=[None, None, None, None, AMOUNT_FORMAT, AMOUNT_FORMAT])
    return exports.xlsx_download(request, [sheet], f"{_('争取上级资金')}-{year}.xlsx",
                                 object_type="investment.fundbid", object_repr=_("争取上级资金"), detail={"year": year})
