from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "dualtrack.liaison"
    label = "liaison"
    verbose_name = _("驻企联企服务员")

    def ready(self) -> None:
        from dualtrack.core.cards import register_card

        from .cards import visits_card

        register_card(13, "visits", visits_card)
        from dualtrack.core.cards import register_panel

        from .cards import enterprise_panel

        register_panel(50, "visits", enterprise_panel)
        from dualtrack.core.navigation import register_menu

        from . import imports  # noqa: F401  (registers the liaisons dataset)
        from .policy import logs_visits

        register_menu(_("走访记录"), "liaison:visits", logs_visits, order=12)
