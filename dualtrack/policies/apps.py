from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "dualtrack.policies"
    label = "policies"
    verbose_name = _("惠企政策兑现")

    def ready(self) -> None:
        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.choices import Action
        from dualtrack.core.navigation import register_menu

        from . import policy as rules
        from .bulletin import section
        from .models import Measure

        bulletins.register_section(60, "policies", section)
        from dualtrack.core.cards import register_card

        from .cards import policies_card

        register_card(40, "policies", policies_card)
        from dualtrack.core.cards import register_panel

        from .cards import enterprise_panel

        register_panel(40, "policies", enterprise_panel)

        from dualtrack.core.exportjobs import register_export

        from .views import ledger_export

        register_export("policies.ledger", ledger_export)
        register_menu(_("惠企政策"), "policies:list", lambda u: Measure.permits(u, Action.VIEW), order=13)
        register_menu(_("上门服务"), "policies:outreach", rules.does_outreach, order=14)
        from dualtrack.core import versions

        from .models import Application

        versions.track(Application, "policies", lambda obj: None)  # 总览's card sums them again only after a change
