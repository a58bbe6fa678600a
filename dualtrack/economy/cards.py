"""The 经济运行 card on 总览: the latest month's lights in the user's scope and the indicators falling behind."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card

from . import services
from .choices import Light, ScopeKind
from .policy import sees_economy_card, sees_own_area


def economy_card(user: Viewer, day: dt.date) -> Card | None:
    if not services.can_view(user) or not sees_economy_card(user):
        return None
    month = services.as_of_month(user, day)
    if month is None:
        return None
    evaluation, answer = services.read(month, user)
    link = reverse("economy:overview") + f"?month={month:%Y-%m}"
    if evaluation is None:
        return pending_card("economy", _("经济运行"), link, answer)
    own = [r for r in evaluation.rows if r.scope_kind != ScopeKind.CITY] if sees_own_area(user) \
        else [r for r in evaluation.rows if r.scope_kind == ScopeKind.CITY]
    if not own:
        return None
    scope = own[0].scope
    counts = evaluation.lights(scope)
    figures = [Figure(_("绿灯"), str(counts["green"]), link=link, tone="good", key="economy_green"),
               Figure(_("黄灯"), str(counts["yellow"]), link=link, key="economy_yellow"),
               Figure(_("红灯"), str(counts["red"]), link=link, tone="bad" if counts["red"] else "", key="economy_red")]
    if counts["none"]:
        figures.append(Figure(_("未报送"), None, missing=str(counts["none"]), link=link, key="economy_missing"))
    behind = [r for r in own if r.scope == scope and r.light == Light.RED] + \
             [r for r in own if r.scope == scope and r.on_schedule is False and r.light != Light.RED]
    rows = [Row(_short(r), reverse("economy:indicator", args=[r.indicator])
                + f"?month={month:%Y-%m}&scope={r.scope}", tone="bad" if r.light == Light.RED else "")
            for r in behind[:5]]
    return Card("economy", _("经济运行") + f" · {own[0].scope_name}", link=link, figures=figures, rows=rows,
                rows_title=_("落后的指标") if rows else "",
                note=_("%(year)s年%(period)s累计，对照年度目标") % {"year": month.year,
                                                              "period": services.period_label(month)})


def _short(row: services.Row) -> str:
    """One line of the card in the user's language: the growth against its target, and completion against time
    progress for an amount indicator."""
    def pct(value: object) -> str:
        return "—" if value is None else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]

    text = _("%(name)s：累计增速 %(growth)s（目标 %(target)s）") % {
        "name": row.indicator_name, "growth": pct(row.growth), "target": pct(row.target_growth)}
    if row.completion is not None:
        text += _("，完成 %(done)s（时序进度 %(tau)s）") % {"done": pct(row.completion), "tau": pct(row.time_progress)}
    return text
