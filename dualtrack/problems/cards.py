"""The problems' cards on 总览: overdue and escalated problems with the five most urgent (HQ, leaders,
districts), a department's inbox, an enterprise's or a liaison officer's open problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core import dates
from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row
from dualtrack.core.choices import Action
from dualtrack.core.dates import SHANGHAI

from . import policy as access
from . import tasktexts
from .choices import OPEN_STATES, State
from .escalation import deadline_flags, escalated_for
from .models import Problem

TOP = 5


def _urgent(problems: Any, overdue: Q) -> list[Problem]:
    """Overdue first (the longest overdue first), then the highest escalation, then the nearest deadline."""
    return list(problems.filter(state__in=OPEN_STATES).annotate(
        late=Case(When(overdue, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("late", "-escalation_level", "due_at").select_related("enterprise", "department")[:TOP])


def problems_card(user: Viewer, day: dt.date) -> Card | None:
    if not Problem.permits(user, Action.VIEW):  # every role but the public
        return None
    now = dates.now()
    flags = deadline_flags(now)
    problems = Problem.objects.restrict(user)
    start = dt.datetime.combine(now.astimezone(SHANGHAI).date(), dt.time.min, tzinfo=SHANGHAI)
    inbox = access.has_inbox(user)
    ledger = reverse("problems:inbox" if inbox else "problems:ledger")
    if access.reports_own_problems(user):
        figures = [
            Figure(_("办理中"), f"{problems.filter(state__in=[*OPEN_STATES, State.REPORTED, State.TRIAGED]).count()}",
                   key="open", link=ledger),
            Figure(_("待您确认"), f"{problems.filter(state=State.RESOLVED).count()}", key="to_confirm",
                   link=ledger + "?state=resolved", tone="bad"),
            Figure(_("已销号"), f"{problems.filter(state=State.CLOSED).count()}", key="closed", link=ledger),
        ]
        recent = list(problems.exclude(state=State.CLOSED).order_by("-reported_at")[:TOP])
        rows = [Row(texts["description"], link=reverse("problems:detail", args=[p.ref]), note=p.get_state_display())
                for p, texts in zip(recent, tasktexts.shown(user, recent, limit=40), strict=True)]
        return Card(key="problems", title=_("我反映的问题"), link=ledger, figures=figures, rows=rows,
                    rows_title=_("最近的问题") if rows else "", note=_("截至 %(now)s") % {
                        "now": now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")})
    leads = access.receives_escalations(user)
    # One pass over the reader's problems for every count: a district's scope is a sub-query over the county's
    # enterprises, and six counts built it six times (80 ms of 总览 at 200,000 enterprises)
    is_open = Q(state__in=OPEN_STATES)
    counts = problems.aggregate(
        open=Count("pk", filter=is_open), overdue=Count("pk", filter=is_open & flags["overdue"]),
        due_soon=Count("pk", filter=is_open & flags["due_soon"]),
        escalated=Count("pk", filter=is_open & Q(escalation_level__gt=0)),
        new_today=Count("pk", filter=Q(reported_at__gte=start)), to_triage=Count("pk", filter=Q(state=State.REPORTED)))
    escalated = escalated_for(user).count() if leads else counts["escalated"]
    figures = [
        Figure(_("待办结") if not inbox else _("本部门待办"), f"{counts['open']:,}", key="open",
               link=ledger),
        Figure(_("逾期"), f"{counts['overdue']:,}", key="overdue",
               link=ledger + "?deadline=overdue", tone="bad"),
        Figure(_("临期"), f"{counts['due_soon']:,}", key="due_soon",
               link=ledger + "?deadline=due_soon"),
        Figure(_("提级调度"), f"{escalated:,}", key="escalated",
               link=reverse("problems:escalated") if leads else ledger),
        Figure(_("今日新收集"), f"{counts['new_today']:,}", key="new_today", link=ledger),
    ]
    if Problem.permits(user, Action.TRIAGE):
        figures.append(Figure(_("待梳理"), f"{counts['to_triage']:,}", key="to_triage",
                              link=reverse("problems:triage")))
    rows = []
    for p in _urgent(problems, flags["overdue"]):
        late = p.due_at is not None and p.due_at < now
        who = p.enterprise.name if p.enterprise else (p.project_code or "")
        rows.append(Row(f"{p.ref} {who}"[:60], link=reverse("problems:detail", args=[p.ref]),
                        note=(_("逾期") if late else _("时限 %(due)s") % {
                            "due": p.due_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")} if p.due_at else "")
                        + (f" · {p.department.name}" if p.department else "")
                        + (" · " + _("第%(n)d级调度") % {"n": p.escalation_level} if p.escalation_level else ""),
                        tone="bad" if late else ""))
    return Card(key="problems", title=_("问题闭环"), link=ledger, figures=figures, rows=rows,
                rows_title=_("最紧急的 %(n)d 个问题") % {"n": len(rows)} if rows else "",
                note=_("截至 %(now)s") % {"now": now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")})


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """一企一档: the enterprise's problems, as far as the user may see them."""
    if not Problem.permits(user, Action.VIEW):
        return None
    from dualtrack.core.cards import Table

    problems = list(Problem.objects.restrict(user).filter(enterprise=enterprise).select_related("department")
                    .order_by("-reported_at")[:50])
    now = dates.now()
    rows, links = [], []
    # The enterprise's phone in a description: whole only where the policy grants it (the one masking path).
    shown = tasktexts.shown(user, problems, limit=60)
    for p, texts in zip(problems, shown, strict=True):
        late = p.state in OPEN_STATES and p.due_at is not None and p.due_at < now
        rows.append([p.ref, texts["description"], p.get_state_display() + (" · " + _("逾期") if late else ""),
                     p.department.name if p.department else "—",
                     p.reported_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")])
        links.append(reverse("problems:detail", args=[p.ref]))
    open_count = sum(1 for p in problems if p.state in OPEN_STATES)
    return Card(key="problems", title=_("困难和问题"), figures=[
        Figure(_("问题"), f"{len(problems)}", key="problems"), Figure(_("办理中"), f"{open_count}", key="open")],
        table=Table([_("编号"), _("描述"), _("状态"), _("责任部门"), _("提出日期")], rows, links) if rows else None)
