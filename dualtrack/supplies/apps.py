from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "dualtrack.supplies"
    label = "supplies"
    verbose_name = _("防疫物资")

    def ready(self) -> None:
        from dualtrack.core import capability, versions

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .measure import SuppliesMeasure
        from .models import Commitment, Depot, Issue, Receipt, RequestLine, SupplyItem, SupplyRequest

        # its rule set, the card on 总览, the bulletin section, the menu and the worker's step
        capability.register(SuppliesMeasure())
        # every write of what the supplies are judged from makes the stored results stale
        versions.track(Receipt, "supplies", lambda obj: obj.date)
        versions.track(SupplyRequest, "supplies", lambda obj: obj.date)
        versions.track(RequestLine, "supplies", lambda obj: None)
        versions.track(Commitment, "supplies", lambda obj: obj.date)
        versions.track(Issue, "supplies", lambda obj: obj.date)
        versions.track(SupplyItem, "supplies", lambda obj: None)
        versions.track(Depot, "supplies", lambda obj: None)
        from dualtrack.problems import services as problems

        from .choices import OVERDUE_TASK_TEXT
        from .texts import overdue_task_text

        problems.register_task_text(OVERDUE_TASK_TEXT, overdue_task_text)
        from dualtrack.core.cards import register_panel

        from .panels import enterprise_panel

        register_panel(25, "supplies", enterprise_panel)  # 一企一档: the enterprise's supply requests
