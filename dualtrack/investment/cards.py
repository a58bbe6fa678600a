"""The 招商引资 card on 总览: signed this year against the target, red and yellow leads, this week's signings."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card
from dualtrack.core.rules import listed

from . import pipeline, services
from .models import Lead
from .policy import sees_pipeline


def investment_card(user: Viewer, day: dt.date) -> Card | None:
    if not sees_pipeline(user) or not Lead.objects.exists():
        return None
    day = services.as_of(day)  # the pipeline's as-of day on this picture, as the pages it links to open on
    evaluation, answer = services.read(day, user)  # the stored judgement of the day, never computed here
    link = reverse("investment:leads") + f"?date={day:%Y-%m-%d}"
    if evaluation is None:  # being computed: said so where the card would show leads
        return pending_card("investment", _("招商引资"), link, answer) if Lead.objects.restrict(user).exists() \
            else None
    if not evaluation.leads:
        return None
    own = getattr(getattr(user, "park", None), "code", None) or getattr(getattr(user, "county", None), "code", None)
    scope = next((s for s in evaluation.scopes if s.scope == own), None) if own else evaluation.scopes[0]
    red = sum(1 for s in evaluation.leads if s.light == "red")
    yellow = sum(1 for s in evaluation.leads if s.light == "yellow")
    week = pipeline.week_activity(user, pipeline.monday_of(day))
    figures = [Figure(_("今年签约（亿元）"), f"{scope.signed_amount:,.2f}" if scope else "—",
                      link=reverse("investment:league") + f"?date={day:%Y-%m-%d}", key="signed_amount")]
    if scope is not None and scope.progress is not None:
        figures.append(Figure(_("目标进度"), f"{scope.progress * 100:.1f}%", key="progress"))
    figures.append(Figure(_("红灯项目"), str(red), link=link + "&light=red", tone="bad" if red else "", key="red"))
    rows = [Row(_("本周新签约 %(n)s 个、计划投资 %(amount)s 亿元；新开工 %(started)s 个") % {
        "n": week.signed, "amount": f"{week.signed_amount:.2f}", "started": week.started},
        reverse("investment:weekly") + f"?date={day:%Y-%m-%d}")]
    if yellow:
        texts = services.reason_texts(evaluation.rules_version)  # the thresholds the day was judged under
        why = dict.fromkeys(r for s in evaluation.leads if s.light == "yellow" for r in s.reasons)
        rows.append(Row(_("%(n)s 个项目亮黄灯（%(reasons)s）") % {
            "n": yellow, "reasons": listed(texts.get(r, r) for r in why)}, link + "&light=yellow"))
    return Card("investment", _("招商引资"), link=link, figures=figures, rows=rows,
                note=_("数据截至 %(day)s · 规则版本 %(version)s") % {"day": f"{day:%Y-%m-%d}",
                                                                 "version": evaluation.rules_version})
