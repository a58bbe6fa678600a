from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "dualtrack.problems"
    label = "problems"
    verbose_name = _("问题闭环")

    def ready(self) -> None:
        from dualtrack.core import policy
        from dualtrack.core.choices import Action
        from dualtrack.core.rules import register_rules

        from . import imports  # noqa: F401  (registers the problems dataset)
        from . import policy as access
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)

        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.navigation import register_menu

        from .bulletin import section
        from .models import Problem

        bulletins.register_section(40, "problems", section)
        from dualtrack.core import versions

        # a task's state and level are shown with the key projects' month-end consequences (their stored lights)
        versions.track(Problem, "problems", lambda obj: None)

        from dualtrack.core import periodic

        from . import services

        periodic.register("problems-escalation", services.escalate_due)
        from . import suggest

        periodic.register("problems-triage-model", suggest.retrain)
        from dualtrack.core.cards import register_card

        from .cards import problems_card

        register_card(20, "problems", problems_card, first_screen=True)
        from dualtrack.core.cards import register_panel

        from .cards import enterprise_panel

        register_panel(20, "problems", enterprise_panel)

        from dualtrack.core.exportjobs import register_export

        from .views import ledger_export

        register_export("problems.ledger", ledger_export)
        register_menu(_("问题闭环"), "problems:ledger", lambda u: Problem.permits(u, Action.VIEW), order=9)
        register_menu(_("反映问题"), "problems:report", lambda u: policy.allows(u, Problem, Action.REPORT),
                      order=10)
        register_menu(_("领导督办"), "problems:escalated", access.escalations_in_menu, order=11)
