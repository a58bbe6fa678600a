"""一企一档's 防疫物资 part (DOMAIN.md §17): the enterprise's latest supply requests (its own and its key projects')
with, per item, what was asked for, committed and issued kept apart, and both statuses, for those who may see its
requests. The figures are the stored judgement's of the supplies' as-of day (``services.read``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Table, pending_card
from dualtrack.core.choices import Action

from . import services
from .choices import COMMIT_STATUS_LABELS, FULFIL_STATUS_LABELS
from .models import SupplyRequest

PANEL_REQUESTS = 5


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """The count of requests, those waiting in the queue and those overdue, and the latest ``PANEL_REQUESTS``
    requests one row per item (申请 / 已承诺 / 已发放, 承诺状态 · 发放状态); None when the user sees none of them."""
    if not SupplyRequest.permits(user, Action.VIEW):
        return None
    projects = services.owned_project_ids(enterprise)
    if not SupplyRequest.objects.restrict(user).filter(enterprise=enterprise).exists() and not (
            projects and SupplyRequest.objects.restrict(user).filter(project_id__in=projects).exists()):
        return None
    day = services.as_of()
    title = _("防疫物资申请")
    result, answer = services.read(day, user)
    if result is None:
        return pending_card("supplies", title, "", answer)
    rows = sorted((r for r in result.requests if r.enterprise_id == enterprise.pk or (
        r.project_id is not None and r.project_id in projects)), key=lambda r: (r.date, r.code), reverse=True)
    if not rows:
        return None
    waiting = sum(r.position is not None for r in rows)
    overdue = sum(r.overdue for r in rows)
    figures = [Figure(_("申请次数"), str(len(rows)), key="supply_requests"),
               Figure(_("待发放"), str(waiting), key="supply_waiting"),
               Figure(_("超期未发放"), str(overdue), key="supply_overdue", tone="bad" if overdue else "")]
    names = services.item_names()
    lines: dict[str, list[Any]] = {}
    for line in result.lines:
        lines.setdefault(line.request, []).append(line)
    cells, links = [], []
    for row in rows[:PANEL_REQUESTS]:
        status = f"{COMMIT_STATUS_LABELS.get(row.commit_status, row.commit_status)} · " \
                 f"{FULFIL_STATUS_LABELS.get(row.fulfil_status, row.fulfil_status)}"
        if row.overdue:
            status += " · " + _("已超期")
        for n, line in enumerate(lines.get(row.code, [])):
            item = names.get(line.item)
            unit = item.unit if item else ""
            cells.append([row.code if n == 0 else "", row.date.isoformat() if n == 0 else "",
                          item.name if item else line.item, f"{line.requested}{unit}", f"{line.committed}{unit}",
                          f"{line.issued}{unit}", status if n == 0 else ""])
            links.append(reverse("supplies:request", args=[row.code]) if n == 0 else "")
    table = Table([_("申请编号"), _("申请日期"), _("物资"), _("申请"), _("已承诺"), _("已发放"), _("状态")], cells, links)
    return Card(key="supplies", title=title, day=day, figures=figures, table=table,
                note=_("数据截至 %(day)s；最近 %(n)d 次申请") % {"day": day.isoformat(), "n": min(len(rows),
                                                                                          PANEL_REQUESTS)})
