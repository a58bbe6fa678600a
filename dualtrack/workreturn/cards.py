"""The 点对点返岗 card on 总览: trips and workers brought back on the day, the total so far, poor labourers among
them, overdue receipts: the stored campaign's figures of the moment the board it links to shows, summed for the
reader's scope (the campaign itself is not assembled)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, pending_card
from dualtrack.core.choices import Action
from dualtrack.core.dates import SHANGHAI

from . import services
from .models import Trip


def worker_return_card(user: Viewer, day: dt.date) -> Card | None:
    if not Trip.permits(user, Action.VIEW) or not Trip.objects.restrict(user).exists():
        return None
    at = services.as_of(day)  # the moment the figures are as of: the board this links to shows the same
    link = reverse("workreturn:board") + f"?date={day:%Y-%m-%d}"
    # the stored campaign of that moment, its figures summed for the reader's scope (计算中 while it is computed)
    figures, answer = services.read_day_figures(day, user)
    if figures is None:
        return pending_card("worker-return", _("点对点返岗"), link, answer)
    label = answer.rules_version
    return Card("worker-return", _("点对点返岗"), link=link, day=day, note=_("截至 %(t)s · 规则版本 %(v)s") % {
        "t": f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}", "v": label}, figures=[
        Figure(_("当日到达车次"), str(figures["trips_today"]), link=reverse("workreturn:trips"), key="trips_today"),
        Figure(_("当日接返人数"), str(figures["workers_today"]), link=link, key="workers_today"),
        Figure(_("累计接返"), str(figures["workers_total"]), link=link, key="workers_total"),
        Figure(_("其中贫困劳动力"), str(figures["poor_total"]), link=link, key="poor_total"),
        Figure(_("回执逾期"), str(figures["overdue"]), link=reverse("workreturn:receipts"),
               tone="bad" if figures["overdue"] else "", key="receipts_overdue")])
