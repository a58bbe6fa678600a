from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "dualtrack.economy"
    label = "economy"
    verbose_name = _("经济运行监测")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.cards import register_card
        from dualtrack.core.i18n import register_js_texts
        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import (
            imports,  # noqa: F401  (registers the three datasets)
            policy,  # noqa: F401  (declares the access policy)
            services,
        )
        from .bulletin import section
        from .cards import economy_card
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        bulletins.register_section(45, "economy", section)
        register_card(25, "economy", economy_card)
        register_js_texts(gettext_noop("完成率"), gettext_noop("时序进度"), gettext_noop("累计增速"),
                          gettext_noop("目标增速"))
        register_menu(_("经济运行"), "economy:overview", services.can_view, order=7)
