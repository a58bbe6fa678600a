from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyConfig(AppConfig):
    name = "dualtrack.poverty"
    label = "poverty"
    verbose_name = _("脱贫攻坚")

    def ready(self) -> None:
        from dualtrack.core.rules import register_rules

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        from dualtrack.workreturn import services as workreturn

        from . import services

        # A worker registered with a labourer's ID number is linked to the labourer then (the link outlives erasure).
        workreturn.worker_identified.connect(services.match_worker, dispatch_uid="poverty-match-worker")
        from dualtrack.core import periodic

        from . import board

        # After the problems' escalation (its findings' states are read): last week's board is frozen once.
        periodic.register("poverty-week", lambda: {"frozen": board.freeze_due()}, order=60)
        from dualtrack.core.choices import Action
        from dualtrack.core.navigation import register_menu

        from .models import RegionFlag

        register_menu(_("脱贫攻坚"), "poverty:war_map", lambda u: RegionFlag.permits(u, Action.VIEW), order=15)
        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.cards import register_card

        from .bulletin import section
        from .cards import poverty_card

        bulletins.register_section(55, "poverty", section)
        register_card(50, "poverty", poverty_card)
