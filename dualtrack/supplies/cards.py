"""The 防疫物资 card on 总览: for HQ, leaders and the supplies office the days of cover of what is used per head (a
warning under 3 days), the queue's length and its head, the overdue requests; for a county, a liaison officer or an
enterprise its own requests (waiting, overdue) and, for an enterprise, from which day it may ask again."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card
from dualtrack.core.choices import Action

from . import services
from .choices import RequestKind
from .models import SupplyRequest
from .policy import allocates, sees_stock


def cover_text(days: float | None) -> str:
    return "—" if days is None else _("%(days)s天") % {"days": f"{days:g}"}


def supplies_card(user: Viewer, day: dt.date) -> Card | None:
    if not SupplyRequest.permits(user, Action.VIEW) and not SupplyRequest.permits(user, Action.APPLY):
        return None
    if not services.has_data():  # a city that keeps no supplies here (the bulletin says nothing either)
        return None
    day = services.as_of(day)
    link = reverse("supplies:home") + f"?date={day:%Y-%m-%d}"
    result, answer = services.read(day, user)
    if result is None:
        return pending_card("supplies", _("防疫物资"), link, answer)
    note = _("数据截至 %(day)s") % {"day": f"{day:%Y-%m-%d}"} + " · " + _("规则版本 %(version)s") % {
        "version": result.rules_version}
    figures, rows = [], []
    if sees_stock(user):
        for item in result.items:
            if item.days_of_cover is not None or item.daily_need is not None:
                figures.append(Figure(_("%(item)s可保障") % {"item": item.name}, cover_text(item.days_of_cover),
                                      link=reverse("supplies:stock") + f"?date={day:%Y-%m-%d}",
                                      tone="bad" if item.warning else "", key=f"cover_{item.code}"))
    overdue = sum(r.overdue for r in result.requests)
    queue_link = reverse("supplies:queue") + f"?date={day:%Y-%m-%d}" if allocates(user) else link
    figures.append(Figure(_("待发放申请"), str(len(result.queue)), link=queue_link, key="queue"))
    figures.append(Figure(_("超期未发放"), str(overdue), tone="bad" if overdue else "", link=queue_link,
                          key="overdue"))
    if not result.requests and not sees_stock(user):
        return None
    by_code = {r.code: r for r in result.requests}
    for code in result.queue[:3]:
        row = by_code[code]
        rows.append(Row(f"{row.position}. {row.applicant_name}（{RequestKind(row.kind).label}）",
                        reverse("supplies:request", args=[code]), note=_("需用 %(day)s") % {
                            "day": row.needed_by.isoformat()}, tone="bad" if row.overdue else ""))
    for item in result.items:
        if item.warning:
            rows.insert(0, Row(_("%(item)s库存仅可保障%(days)s，低于预警线") % {
                "item": item.name, "days": cover_text(item.days_of_cover)},
                reverse("supplies:stock") + f"?date={day:%Y-%m-%d}", tone="bad"))
    enterprise = getattr(user, "enterprise", None)
    if enterprise is not None and getattr(user, "role", None) == "enterprise":
        allowance = services.allowance(enterprise, day)
        if allowance.next_day is not None:
            rows.append(Row(_("%(day)s起可再申请") % {"day": allowance.next_day.isoformat()}))
        else:
            rows.append(Row(_("现在可以申请防疫物资"), reverse("supplies:apply")))
    return Card("supplies", _("防疫物资"), link=link, day=day, figures=figures, rows=rows,
                rows_title=_("分配队列前列") if result.queue else "", note=note)
