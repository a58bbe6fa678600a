"""The 复工备案 card on 总览: for HQ, districts and leaders the filings of the day (filed, pending, overdue,
suspended, 复工未备案); for a liaison officer the enterprises in their care; for an enterprise its own filing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row, pending_card
from dualtrack.core.choices import Action

from . import services
from .models import Filing, UnfiledVisit
from .policy import applies_for_itself, decides, sees_board


def filings_card(user: Viewer, day: dt.date) -> Card | None:
    if not Filing.permits(user, Action.VIEW) and not Filing.permits(user, Action.APPLY):
        return None
    day = services.as_of(day)
    note = _("数据截至 %(day)s") % {"day": f"{day:%Y-%m-%d}"}
    if applies_for_itself(user):
        return _enterprise_card(user, day, note)
    if not Filing.objects.exists():  # a city that has not started filing (the bulletin says nothing either)
        return None
    result, answer = services.read(day, user)
    link = reverse("filings:home") + f"?date={day:%Y-%m-%d}"
    if result is None:
        return pending_card("filings", _("复工备案"), link, answer)
    own = getattr(getattr(user, "park", None), "code", None) or getattr(getattr(user, "county", None), "code", None)
    scope = next((s for s in result.scopes if s.code == own), None) if own and sees_board(user) else None
    if scope is None and sees_board(user):
        scope = result.city()
    if scope is not None:
        counts = scope
        filed, pending, overdue = counts.filed + counts.suspended, counts.pending, counts.overdue
        suspended, unfiled = counts.suspended, counts.resumed_unfiled
    else:  # a liaison officer: the enterprises in their care
        filed = sum(f.state in ("filed", "suspended") for f in result.filings)
        pending = sum(f.state == "applied" for f in result.filings)
        overdue = sum(f.overdue for f in result.filings)
        suspended = sum(f.state == "suspended" for f in result.filings)
        unfiled = len(result.unfiled)
    if not result.filings and not unfiled and scope is None:
        return None
    board = reverse("filings:board") + f"?date={day:%Y-%m-%d}" if sees_board(user) else link
    figures = [Figure(_("已备案"), str(filed), link=board, key="filed"),
               Figure(_("待审核"), str(pending), link=reverse("filings:queue") if decides(user) else link,
                      key="pending"),
               Figure(_("超期未审核"), str(overdue), tone="bad" if overdue else "", key="overdue"),
               Figure(_("复工未备案"), str(unfiled), link=reverse("filings:unfiled") + f"?date={day:%Y-%m-%d}",
                      tone="bad" if unfiled else "", key="resumed_unfiled")]
    rows = []
    if suspended:
        rows.append(Row(_("%(n)s 家已备案企业因发生聚集性疫情暂停") % {"n": suspended}, board))
    visits = UnfiledVisit.objects.restrict(user).filter(state="open").count()
    if visits:
        rows.append(Row(_("%(n)s 个复工未备案核查任务待完成") % {"n": visits}, reverse("filings:visits")))
    return Card("filings", _("复工备案"), link=link, day=day, figures=figures, rows=rows,
                note=note + " · " + _("规则版本 %(version)s") % {"version": result.rules_version})


def _enterprise_card(user: Viewer, day: dt.date, note: str) -> Card | None:
    enterprise = getattr(user, "enterprise", None)
    if enterprise is None:
        return None
    filing = services.latest_filing(enterprise)
    link = reverse("filings:home")
    if filing is None:
        return Card("filings", _("复工备案"), link=link, day=day, figures=[
            Figure(_("备案状态"), _("未申请"), link=reverse("filings:apply"), tone="bad", key="state")],
            rows=[Row(_("复工前请先申请复工备案，逐项落实防控措施"), reverse("filings:apply"))], note=note)
    rows = []
    if filing.state == "returned" and filing.note:
        rows.append(Row(_("退回理由：%(why)s") % {"why": filing.note}, reverse("filings:apply")))
    return Card("filings", _("复工备案"), link=link, day=day, figures=[
        Figure(_("备案状态"), filing.get_state_display(), link=reverse("filings:filing", args=[filing.code]),
               tone="bad" if filing.state in ("returned", "suspended") else "", key="state")],
        rows=rows, note=note)


def outbreak_flag(day: dt.date, user: Viewer) -> Card | None:
    """复工图's flag (DOMAIN.md §16): the outbreaks in filed enterprises on the day that ``user`` may see — the
    enterprise, its county, the cluster's day and the filing's suspension (备案已暂停, or the day it was lifted)."""
    from django.utils.formats import date_format

    from dualtrack.core.cards import Table

    if not services.can_view(user):
        return None
    day = services.as_of(day)
    found = services.outbreaks_on(day, user)
    if not found:
        return None
    rows = [[o.name, o.county, date_format(o.date, "DATE_FORMAT"), o.filing,
             _("备案已暂停") if o.lifted_on is None else _("%(day)s解除暂停") % {
                 "day": date_format(o.lifted_on, "DATE_FORMAT")}] for o in found]
    table = Table([_("企业"), _("区县（市）"), _("聚集性疫情日期"), _("备案编号"), _("复工备案")], rows,
                  [reverse("filings:filing", args=[o.filing]) for o in found])
    return Card("filings-outbreaks", _("已备案企业发生聚集性疫情"), link=reverse("filings:board") + f"?date={day:%Y-%m-%d}",
                day=day, table=table, note=_("数据截至 %(day)s") % {"day": f"{day:%Y-%m-%d}"})
