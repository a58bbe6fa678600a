"""The 亩均论英雄 card on 总览 (DOMAIN.md §18): for HQ, the assessment office and leaders the latest year's status
(公示中 until …, 已定稿, 草稿), the A/B/C/D/T counts of the city, the objections waiting for an answer (for those who
answer them) and the parks' best climber; for a county (or a park) its enterprises' counts; for an enterprise its
class of the latest published or final year. A city that keeps no assessment gets no card, at the cost of one query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card

from . import services
from .choices import GRADES, AssessmentStatus
from .policy import county_side, is_enterprise, runs_assessment, sees_city


def in_notice(assessment: Any) -> bool:
    """Published and its notice not over (objections may be made)."""
    from dualtrack.core import dates

    return assessment is not None and assessment.status == AssessmentStatus.PUBLISHED and (
        assessment.notice_ends_on is None or dates.today() <= assessment.notice_ends_on)


def status_text(assessment: Any) -> str:
    """公示中（至 2020-03-05）/ 公示期满待定稿 / 已定稿 / 草稿, with the version when it is a correction."""
    if assessment is None:
        return _("未计算")
    if assessment.status == AssessmentStatus.PUBLISHED:
        ends = assessment.notice_ends_on
        text = _("公示中（至 %(day)s）") % {"day": ends.isoformat() if ends else "—"} if in_notice(assessment) \
            else _("公示期满待定稿")
    else:
        text = str(AssessmentStatus(assessment.status).label)
    if assessment.version > 1:
        text += _("（第%(v)s版）") % {"v": assessment.version}
    return text


def _note(year: int, rules_version: str = "") -> str:
    note = _("评价年度 %(year)s") % {"year": year}  # an assessment is of a year: its figures are the year's
    return note + (" · " + _("规则版本 %(version)s") % {"version": rules_version} if rules_version else "")


def assessment_card(user: Viewer, day: dt.date) -> Card | None:
    if not services.can_view(user):
        return None
    if not services.has_data():  # no assessment and no annual figures: nothing to say, one query spent
        return None
    title = _("亩均论英雄")
    if is_enterprise(user):
        return _enterprise_card(user, title)
    if not sees_city(user) and not county_side(user):
        return None
    year = services.as_of_year(day, user)
    if year is None:
        return None
    link = reverse("assessment:home") + f"?year={year}"
    assessment = services.latest(year)
    result, answer = services.read(year, user)
    if result is None:
        return pending_card("assessment", title, link, answer)
    figures = [Figure(_("%(year)s年度评价") % {"year": year}, status_text(assessment), link=link, key="status")]
    rows: list[Row] = []
    if sees_city(user):
        counts = {g: sum(getattr(c, g) for c in result.counties) for g in GRADES}
        rated = sum(c.rated for c in result.counties)
    else:  # a county's or a park's: its enterprises' rows (the result is narrowed to them)
        counts = {g: sum(r.grade == g for r in result.enterprises) for g in GRADES}
        rated = sum(r.rated for r in result.enterprises)
    if not rated and not counts["T"]:
        figures.append(Figure(_("参评企业"), None, missing=_("暂无数据"), key="rated"))
    else:
        figures.append(Figure(_("参评企业"), str(rated), link=link, key="rated"))
        for grade in GRADES:
            label = _("%(g)s类") % {"g": grade} if grade != "T" else _("T类（不参评）")
            figures.append(Figure(label, str(counts[grade]), link=link, key=f"class_{grade}",
                                  tone="bad" if grade == "D" and counts[grade] else ""))
    if runs_assessment(user):
        waiting = services.open_objections_for(user, year)
        figures.append(Figure(_("待答复异议"), str(waiting), link=reverse("assessment:objections"),
                              tone="bad" if waiting else "", key="objections"))
    if sees_city(user):
        climbers = [p for p in result.parks if p.rank_change is not None and p.rank_change > 0]
        if climbers:
            from dualtrack.registry import services as registry

            best = max(climbers, key=lambda p: (p.rank_change, -(p.rank or 0)))
            name = registry.park_names().get(best.code, best.code)
            rows.append(Row(_("%(park)s全省排名第%(rank)s位，比上年前进%(n)s位") % {
                "park": name, "rank": best.rank, "n": best.rank_change}, reverse("assessment:parks") + f"?year={year}",
                note=_("奖励第%(tier)s档") % {"tier": best.reward_tier} if best.reward_tier else "", tone="good"))
    return Card("assessment", title, link=link, figures=figures, rows=rows,
                rows_title=_("园区进位最多") if rows else "", note=_note(year, result.rules_version))


def _enterprise_card(user: Viewer, title: str) -> Card | None:
    """The enterprise's class of its latest published or final year; nothing before one is published."""
    enterprise_id = getattr(user, "enterprise_id", None)
    if not enterprise_id:
        return None
    classes = services.classes_of(enterprise_id)
    if not classes:
        return None
    year, grade, status = classes[-1]
    link = reverse("assessment:mine") + f"?year={year}"
    label = _("%(g)s类") % {"g": grade} if grade != "T" else _("T类（不参评）")
    assessment = services.latest(year)
    shown = assessment if assessment is not None and assessment.status == status else None
    figures = [Figure(_("%(year)s年度类别") % {"year": year}, label, link=link, key="class",
                      tone="bad" if grade == "D" else "good" if grade == "A" else "",
                      change=status_text(shown) if shown is not None else str(AssessmentStatus(status).label))]
    rows = []
    if in_notice(shown):
        rows.append(Row(_("公示期内可对本企业结果提出异议"), link))
    return Card("assessment", title, link=link, figures=figures, rows=rows, note=_note(year))
