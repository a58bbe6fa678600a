"""The enterprise's own page of 亩均论英雄 (DOMAIN.md §18), phone-first: once its year is published (公示, never a
draft) the enterprise sees its row — class, score, rank in its county of how many rated, each indicator beside the
county's base, or T with its reason in plain words — the year's status, and while the notice lasts an objection
form (its reason); its objections with their answers; its classes over the years. Thin: parse typed input, call one
action (``actions.object_to``), respond; the row is the stored judgement's (``services.read``), never computed
here. Other roles go to the board (``assessment:home``). No page wider than 390 px."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualtrack.core import dates
from dualtrack.core.actors import actor_of
from dualtrack.core.judgements import Pending
from dualtrack.registry import services as registry

from . import actions, services
from .choices import AssessmentStatus, ObjectionState
from .policy import is_enterprise

REASON_MAX = 500


def _enterprise(request: HttpRequest) -> Any:
    """The enterprise account's own enterprise (404 when the account has none)."""
    found = registry.enterprises_for(request.user).filter(pk=getattr(request.user, "enterprise_id", None) or 0).first()
    if found is None:
        raise Http404
    return found


def _year(raw: str | None) -> int | None:
    """``?year=`` when it is a year that has been published, else the latest such year (None: none yet)."""
    years = services.shown_years()
    raw = (raw or "").strip()
    if raw.isdigit() and len(raw) == 4 and int(raw) in years:
        return int(raw)
    return years[-1] if years else None


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _shown_row(result: Any, row: Any, year: int) -> dict[str, Any]:
    """The enterprise's row as the phone shows it: class, score, rank of n rated in its county, and each indicator
    (name, unit, value, the county's base) or the reason it is not rated."""
    known = services.indicators(result.rules_version)
    bases = {b.indicator: b.base for b in result.bases if b.county == row.county}
    county = next((c for c in result.counties if c.code == row.county), None)
    shown: dict[str, Any] = {"row": row, "score": _number(row.score), "rated_in_county": county.rated if county else None,
                             "county": county.name if county else registry.region_names().get(row.county, row.county)}
    if not row.rated:
        shown["reason"] = services.not_rated_words(row.not_rated_reason, year)
        return shown
    shown["indicators"] = [{
        "code": code, "name": known.get(code, {}).get("name", code), "unit": known.get(code, {}).get("unit", ""),
        "weight": known.get(code, {}).get("weight"), "value": services.indicator_text(code, value, known),
        "base": services.indicator_text(code, bases.get(code), known)}
        for code, value in zip(result.indicators, row.values, strict=True)]
    rules = services.rules_of(result.rules_version)
    shown.update(has_bases=bool(bases), multiplier=f"{float(rules.get('base_multiplier', 2)):g}",
                 cap=f"{float(rules.get('ratio_cap', 1.5)):g}")
    return shown


def _page(request: HttpRequest, *, errors: dict[str, list[str]] | None = None, typed: str = "",
          year: int | None = None) -> HttpResponse:
    user = request.user
    enterprise = _enterprise(request)
    year = year if year is not None else _year(request.GET.get("year"))
    today = dates.today()
    context: dict[str, Any] = {
        "enterprise": enterprise, "year": year, "years": services.shown_years(), "today": today,
        "classes": services.classes_of(enterprise.pk), "objections": services.enterprise_objections(user, enterprise.pk),
        "errors": errors or {}, "typed": typed, "reason_max": REASON_MAX, "open_state": ObjectionState.OPEN}
    assessment = services.latest(year) if year is not None else None
    context["assessment"] = assessment
    if assessment is None:
        return render(request, "assessment/phone_mine.html", context)
    if assessment.status == AssessmentStatus.DRAFT:  # a correction in progress: the year's new version is a draft
        context["correcting"] = True
        return render(request, "assessment/phone_mine.html", context)
    result, answer = services.read(year, user)  # type: ignore[arg-type]
    if result is not None and (result.status != assessment.status or result.version != assessment.version):
        # a result stored before this version was published or finalised: being computed again
        result, answer = None, Pending(answer.measure, answer.period, answer.rules_version)
    if result is None:
        from dualtrack.core import capability

        context.update(waiting=answer, waiting_measure=capability.measure("assessment"),
                       waiting_period=answer.period)
        return render(request, "assessment/phone_mine.html", context)
    context["rules_version"] = result.rules_version
    row = next((r for r in result.enterprises if r.enterprise_id == enterprise.pk), None)
    if row is not None:
        context["shown"] = _shown_row(result, row, year)  # type: ignore[arg-type]
    in_notice = assessment.status == AssessmentStatus.PUBLISHED and (
        assessment.notice_ends_on is None or today <= assessment.notice_ends_on)
    context["in_notice"] = in_notice
    if assessment.status == AssessmentStatus.PUBLISHED and not in_notice:
        context["closed"] = _("公示期已于%(day)s结束，不能再提出异议；评价结果待定稿。") % {
            "day": assessment.notice_ends_on.isoformat()}  # type: ignore[union-attr]
    elif in_notice and row is not None and services.open_objection(assessment, enterprise.pk):
        context["closed"] = _("已有待答复的异议，请等待答复；答复后如仍有异议可再次提出。")
    elif in_notice and row is not None:
        context["can_object"] = True
    return render(request, "assessment/phone_mine.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的亩均评价: an enterprise's own row of its latest published year (``?year=`` another published year)."""
    if not is_enterprise(request.user):
        return redirect("assessment:home")
    return _page(request)


@login_required
@require_POST
def object_to(request: HttpRequest) -> HttpResponse:
    """提出异议 during the notice, with its reason: ``actions.object_to`` decides; a refusal is drawn beside the
    field (the reason) or above the form (the notice over, not in the list), and what was typed is kept."""
    if not is_enterprise(request.user):
        raise PermissionDenied
    enterprise = _enterprise(request)
    raw = (request.POST.get("year") or "").strip()
    year = int(raw) if raw.isdigit() and len(raw) == 4 else None
    typed = (request.POST.get("reason") or "")[:2000]
    assessment = services.latest(year) if year is not None else None
    if assessment is None:
        return _page(request, errors={"assessment": [_("请选择正在公示的评价年度")]}, typed=typed)
    try:
        actions.object_to(actor_of(request), assessment, enterprise, typed)
    except ValidationError as exc:
        return _page(request, errors=exc.message_dict, typed=typed, year=year)
    messages.success(request, _("已提出异议，评价工作机构将在定稿前答复。"))
    return redirect(reverse("assessment:mine") + f"?year={year}")
