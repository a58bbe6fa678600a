"""The key projects' card on 总览: red and yellow lights (count and the largest by investment)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row
from dualtrack.core.choices import Action

from .choices import Light
from .models import Project
from .policy import follows_the_board
from .services import as_of, lights_by_code, lights_read

TOP = 5


def projects_card(user: Viewer, day: dt.date) -> Card | None:
    """Read from the stored lights of the day (the measure ``projects``), narrowed to the projects ``user`` sees;
    计算中 while they are computed."""
    from dualtrack.core import judgements
    from dualtrack.core.cards import pending_card

    if not follows_the_board(user) or not Project.permits(user, Action.VIEW):
        return None
    day = as_of(day)  # the projects' as-of day on this picture, as the board it links to opens on
    q = f"?date={day.isoformat()}"
    board = reverse("projects:board") + q
    investment = dict(Project.objects.restrict(user).values_list("code", "total_investment"))
    if not investment:  # no project in the reader's scope: no card (nothing asked of the store)
        return None
    answer = lights_read(day, user, codes=investment)
    if isinstance(answer, judgements.Pending):
        return pending_card("projects", _("重点项目"), board, answer)
    rows = answer.projects
    if not rows:
        return None
    counts = {light: sum(1 for r in rows if r.light == light) for light in Light.values}
    flagged = sorted((r for r in rows if r.light in (Light.RED, Light.YELLOW)),
                     key=lambda r: (-(investment.get(r.code) or Decimal(0)), r.code))[:TOP]
    figures = [
        Figure(_("重点项目"), f"{len(rows):,}", key="projects", link=reverse("projects:register")),
        Figure(_("红灯"), f"{counts[Light.RED]:,}", key="red", link=board, tone="bad"),
        Figure(_("黄灯"), f"{counts[Light.YELLOW]:,}", key="yellow", link=board),
        Figure(_("绿灯"), f"{counts[Light.GREEN]:,}", key="green", link=board, tone="good"),
        Figure(_("未亮灯"), f"{sum(1 for r in rows if r.light is None):,}", key="unlit", link=board),
    ]
    lights = {c.value: str(c.label) for c in Light}
    items = [Row(f"{r.name}", link=reverse("projects:detail", args=[r.code]) + q,
                 note=f"{lights[r.light or '']} · " + _("总投资 %(v)s 万元") % {
                     "v": f"{investment.get(r.code) or 0:,.0f}"} + (f" · {r.reasons[0]}" if r.reasons else ""),
                 tone="bad" if r.light == Light.RED else "") for r in flagged]
    return Card(key="projects", title=_("重点项目"), link=board, day=day, figures=figures, rows=items,
                rows_title=_("投资最大的红黄灯项目") if items else "")


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """一企一档: the key projects the enterprise owns, with their stored light on the data-as-of day (计算中 while
    the day is computed)."""
    from dualtrack.core import judgements
    from dualtrack.core.cards import Table, pending_card

    if not Project.permits(user, Action.VIEW):
        return None
    codes = list(Project.objects.restrict(user).filter(owner=enterprise).values_list("code", flat=True))
    if not codes:
        return None
    day = as_of()
    found = lights_by_code(day, codes)
    if isinstance(found, judgements.Pending):
        return pending_card("projects", _("重点项目"), reverse("projects:register"), found)
    lights = {c.value: str(c.label) for c in Light}
    rows = list(found.values())
    return Card(key="projects", title=_("重点项目"), day=day, table=Table(
        [_("项目"), _("亮灯"), _("投资完成率")],
        [[r.name, lights.get(r.light or "", _("未亮灯")),
          f"{r.progress_ratio * 100:.1f}%" if r.progress_ratio is not None else "—"] for r in rows],
        [reverse("projects:detail", args=[r.code]) for r in rows]))
