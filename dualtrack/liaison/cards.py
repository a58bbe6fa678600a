"""The liaison officer's visits card on 总览: visits in the week and the enterprises not visited lately."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Row
from dualtrack.core.choices import Action, Role
from dualtrack.core.scoping import user_role
from dualtrack.registry import services as registry

from .models import Visit
from .policy import logs_visits

VISIT_DUE_DAYS = 14  # an enterprise not visited for two weeks is due a visit
TOP = 5


def visits_card(user: Viewer, day: dt.date) -> Card | None:
    if not logs_visits(user):
        return None
    today = day
    enterprises = registry.enterprises_for(user, Action.VIEW).filter(is_active=True).annotate(
        last_visit=Max("visits__visited_on"))
    due_before = today - dt.timedelta(days=VISIT_DUE_DAYS)
    due = list(enterprises.exclude(last_visit__gt=due_before).order_by("last_visit", "name")
               .values_list("name", "uscc", "last_visit"))
    week = Visit.objects.restrict(user).filter(officer=user, visited_on__range=(today - dt.timedelta(days=6), today))
    page = reverse("liaison:visits")
    rows = [Row(name, link=page + f"?uscc={uscc}", note=_("上次走访 %(day)s") % {"day": last.isoformat()} if last
                else _("尚未走访"), tone="bad") for name, uscc, last in due[:TOP]]
    return Card(key="visits", title=_("走访服务"), link=page, day=today, figures=[
        Figure(_("近7日走访"), f"{week.count()}", key="visits_week", link=page),
        Figure(_("待走访企业"), f"{len(due)}", key="visits_due", link=page, tone="bad" if due else ""),
    ], rows=rows, rows_title=_("超过 %(n)d 天未走访") % {"n": VISIT_DUE_DAYS} if rows else "")


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """一企一档: its liaison officers and their visits (the notes as the visits page shows them)."""
    if not Visit.permits(user, Action.VIEW):
        return None
    from dualtrack.core import privacy
    from dualtrack.core.cards import Table

    visits = list(Visit.objects.restrict(user).filter(enterprise=enterprise).select_related("officer")
                  .order_by("-visited_on")[:30])
    officers = "、".join(str(o) for o in enterprise.liaison_officers.all()) \
        if user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT, Role.LIAISON) else ""
    # The notes as the visits page shows them: the one masking path, masked before the cut.
    rows = [[v.visited_on.isoformat(), str(v.officer), texts["notes"]]
            for v, texts in zip(visits, privacy.texts(user, visits, "notes", limit=120), strict=True)]
    return Card(key="visits", title=_("驻企服务"), figures=[
        Figure(_("走访次数"), f"{len(visits)}", key="visits"),
        Figure(_("上次走访"), visits[0].visited_on.isoformat() if visits else None, key="last_visit",
               missing=_("尚未走访"))],
        note=_("驻企服务员：%(names)s") % {"names": officers} if officers else "",
        table=Table([_("走访日期"), _("服务员"), _("走访情况")], rows) if rows else None)
