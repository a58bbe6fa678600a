"""What other pages show of safe resumption: the link to the day's epidemic ledger (防疫台账) beside 今日复工."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from dualtrack.core import policy
from dualtrack.core.choices import Action

from ..policy import applies_for_itself

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_url(context: Any, enterprise: Any) -> str:
    """The ledger page of ``enterprise`` for the reader, or "" when the reader may not keep its ledger (a county's
    operator reports the resumption on an enterprise's behalf, not its staff's health)."""
    user = context.get("user")
    if enterprise is None or not policy.allows(user, "filings.EnterpriseHealth", Action.REPORT):
        return ""
    url = reverse("filings:ledger_today")
    return url if applies_for_itself(user) else f"{url}?uscc={enterprise.uscc}"
