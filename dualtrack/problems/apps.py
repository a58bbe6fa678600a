from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "dualtrack.problems"
    label = "problems"
    verbose_name = _("问题闭环")

    def ready(self) -> None:
        from dualtrack.core.rules import register_rules

        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
