from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "dualtrack.investment"
    label = "investment"
    verbose_name = _("招商引资")

    def ready(self) -> None:
        from dualtrack.core import capability, versions

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .measure import InvestmentMeasure
        from .models import FundArrival, InvestmentTarget, Lead, LeadActivity

        # its rule set, the card on 总览, the bulletin section, the menu and the red leads' tasks (a worker step)
        capability.register(InvestmentMeasure())
        # every write of what the lights and the figures are judged from makes the stored results stale
        versions.track(Lead, "investment", lambda obj: None)
        versions.track(LeadActivity, "investment", lambda obj: obj.date)
        versions.track(FundArrival, "investment", lambda obj: obj.month)
        versions.track(InvestmentTarget, "investment", lambda obj: None)
        from dualtrack.problems import services as problems

        from .choices import LEAD_TASK_TEXT
        from .services import red_task_text

        problems.register_task_text(LEAD_TASK_TEXT, red_task_text)  # a red lead's task in the reader's language
