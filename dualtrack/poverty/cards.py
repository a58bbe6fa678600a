"""The 脱贫攻坚 card on 总览: households not meeting the standard, monitoring cases, counties warning (aggregates)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card
from dualtrack.core.choices import Action

from . import services
from .models import Household, RegionFlag
from .policy import sees_own_county


def poverty_card(user: Viewer, day: dt.date) -> Card | None:
    # RegionFlag VIEW: HQ, leaders, districts and departments (aggregates, never a household).
    if not RegionFlag.permits(user, Action.VIEW) or not Household.objects.exists():
        return None
    from . import board, findings

    day = board.as_of(day)  # the war map's day on this picture: the card links to it
    year = board.as_of_year(day)
    link = reverse("poverty:war_map") + f"?year={year}&date={day:%Y-%m-%d}"
    evaluation, answer = services.read(year, user)  # the stored year: the card never judges
    if evaluation is None:
        return pending_card("poverty", _("脱贫攻坚"), link, answer)
    counties = evaluation.counties
    if sees_own_county(user):
        own = getattr(getattr(user, "county", None), "code", None)
        counties = [c for c in counties if c.code == own]
        if not counties:
            return None
    households = sum(c.households for c in counties)
    not_met = sum(c.not_met for c in counties)
    monitored = sum(c.monitored for c in counties)
    rows = [Row(_("%(name)s：监测对象占 %(share)s，超过预警线") % {
        "name": c.name, "share": f"{(c.monitored_share or 0) * 100:.1f}%"}, link + f"&area={c.code}", tone="bad")
        for c in counties if c.warning]
    open_findings = findings.counts_by_area(day)
    for c in counties:
        overdue = open_findings.get(c.code, {}).get("overdue", 0)
        if overdue:
            rows.append(Row(_("%(name)s：%(n)s 个整改问题逾期") % {"name": c.name, "n": overdue},
                            reverse("poverty:findings") + f"?county={c.code}&state=overdue&date={day:%Y-%m-%d}", tone="bad"))
    census = board.census(day)
    if census.items and census.days_left > 0:
        rows.append(Row(_("距普查 %(n)s 天，准备事项完成 %(done)s/%(items)s") % {
            "n": census.days_left, "done": census.done, "items": census.items}, reverse("poverty:census") + f"?date={day:%Y-%m-%d}",
            tone="bad" if census.late else ""))
    return Card("poverty", _("脱贫攻坚"), link=link, day=day, figures=[
        Figure(_("建档立卡户"), f"{households:,}", link=link, key="households"),
        Figure(_("未达标"), str(not_met), link=link, tone="bad" if not_met else "", key="not_met"),
        Figure(_("监测对象"), str(monitored), link=link, key="monitored")], rows=rows,
        note=_("%(year)s年核查 · 规则版本 %(version)s") % {"year": year, "version": evaluation.rules_version})
