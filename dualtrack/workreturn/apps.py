from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkReturnConfig(AppConfig):
    name = "dualtrack.workreturn"
    label = "workreturn"
    verbose_name = _("点对点返岗")

    def ready(self) -> None:
        from dualtrack.core import periodic
        from dualtrack.core.rules import register_rules

        from . import (
            imports,  # noqa: F401  (registers the seven datasets)
            policy,  # noqa: F401  (declares the access policy)
            services,
        )
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        periodic.register("worker-return", services.worker_step, order=40)
