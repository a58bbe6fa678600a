"""The sub-menu of the poverty pages: each link only for those who may open it."""

from __future__ import annotations

from typing import Any

from django import template

from dualtrack.core.choices import Action

from ..models import Household

register = template.Library()


@register.inclusion_tag("poverty/_subnav.html", takes_context=True)
def poverty_subnav(context: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"households": Household.permits(user, Action.VIEW)}
