from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _in_menu(user: Any) -> bool:
    """A liaison officer's phone menu is short: 招商引资 shows only once they are a lead's chief service officer."""
    from dualtrack.core.choices import Action

    from .models import Lead
    from .policy import menu_waits_for_a_lead

    if not Lead.permits(user, Action.VIEW):
        return False
    return not menu_waits_for_a_lead(user) or Lead.objects.restrict(user, Action.VIEW).exists()


class InvestmentConfig(AppConfig):
    name = "dualtrack.investment"
    label = "investment"
    verbose_name = _("招商引资")

    def ready(self) -> None:
        from dualtrack.core.rules import register_rules

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        from dualtrack.core import periodic

        from . import services

        # After the problems' escalation: a red lead's new task starts its own clock.
        periodic.register("investment-red-leads", services.raise_due, order=55)
        from dualtrack.core.navigation import register_menu

        register_menu(_("招商引资"), "investment:leads", _in_menu, order=16)
        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.cards import register_card

        from .bulletin import section
        from .cards import investment_card

        bulletins.register_section(57, "investment", section)
        register_card(52, "investment", investment_card)
