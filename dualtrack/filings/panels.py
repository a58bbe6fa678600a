"""一企一档's 复工备案 part (DOMAIN.md §16): the enterprise's latest filing with its state, and its epidemic ledger
of the last days where the user may see it (the officer's phone's policy; each view audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core import audit
from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Table
from dualtrack.core.choices import Action, AuditAction

from . import services
from .models import EnterpriseHealth, Filing

PANEL_LEDGER_DAYS = 7


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """The latest filing (state, code, applied and decided days, on-site check) and the ledger of the last
    ``PANEL_LEDGER_DAYS`` days (a day not reported says 未报送) for those who may see it."""
    if not Filing.permits(user, Action.VIEW):
        return None
    filings = list(Filing.objects.restrict(user).filter(enterprise=enterprise).order_by("-applied_on", "-pk")[:5])
    day = services.as_of()
    ledger: list[tuple[dt.date, Any]] | None = None
    if EnterpriseHealth.permits(user, Action.VIEW):
        rows = {r.date: r for r in EnterpriseHealth.objects.restrict(user).filter(
            enterprise=enterprise, date__gt=day - dt.timedelta(days=PANEL_LEDGER_DAYS), date__lte=day)}
        if rows:
            ledger = [(day - dt.timedelta(days=n), rows.get(day - dt.timedelta(days=n)))
                      for n in range(PANEL_LEDGER_DAYS)]
            reported = sorted(rows)
            audit.record(user, AuditAction.VIEW_PERSONAL, enterprise, detail={
                "fields": ["health_ledger"], "from": reported[0].isoformat(), "to": reported[-1].isoformat(),
                "days": len(reported)})
    if not filings and ledger is None:
        return None
    latest = filings[0] if filings else None
    figures = [Figure(_("备案状态"), latest.get_state_display() if latest else None, missing=_("未申请"),
                      link=reverse("filings:filing", args=[latest.code]) if latest else "", key="filing_state",
                      change=latest.code if latest else "",
                      tone="bad" if latest is None or latest.state in ("returned", "suspended", "revoked") else "")]
    if latest is not None:
        figures.append(Figure(_("申请日期"), latest.applied_on.isoformat(), key="filing_applied",
                              change=_("审核 %(day)s") % {"day": latest.decided_on.isoformat()}
                              if latest.decided_on else _("待审核")))
    if ledger is not None:
        today = ledger[0][1]
        figures.append(Figure(_("发热（防疫台账）"), str(today.fever) if today else None, missing=_("未报送"),
                              key="fever", tone="bad" if today and today.fever else "",
                              link=reverse("filings:ledger", args=[enterprise.uscc])))
    table = None
    if ledger is not None:
        table = Table([_("日期"), _("在岗"), _("市外返岗"), _("隔离观察"), _("发热")], [
            [d.isoformat(), *([str(r.on_duty), str(r.from_outside), str(r.under_observation), str(r.fever)] if r
                              else [_("未报送"), "", "", ""])] for d, r in ledger])
    elif len(filings) > 1:
        table = Table([_("备案编号"), _("申请日期"), _("状态")],
                      [[f.code, f.applied_on.isoformat(), f.get_state_display()] for f in filings],
                      [reverse("filings:filing", args=[f.code]) for f in filings])
    return Card(key="filings", title=_("复工备案"), day=day, figures=figures, table=table,
                link=reverse("filings:filing", args=[latest.code]) if latest else "",
                note=_("防疫台账：近 %(n)d 天；查看记入审计日志") % {"n": PANEL_LEDGER_DAYS} if ledger is not None else "")
