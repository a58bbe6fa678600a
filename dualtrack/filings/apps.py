from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "dualtrack.filings"
    label = "filings"
    verbose_name = _("复工备案")

    def ready(self) -> None:
        from dualtrack.core import capability, versions

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .measure import FilingsMeasure
        from .models import ChecklistItem, Filing, FilingEvent, FilingItem

        # its rule set, the card on 总览, the bulletin section, the menu and the worker's steps
        capability.register(FilingsMeasure())
        # every write of what the filings are judged from makes the stored results stale
        versions.track(Filing, "filings", lambda obj: obj.applied_on)
        versions.track(FilingItem, "filings", lambda obj: None)
        versions.track(FilingEvent, "filings", lambda obj: obj.date)
        versions.track(ChecklistItem, "filings", lambda obj: None)
        from dualtrack.problems import services as problems

        from .choices import OUTBREAK_TASK_TEXT, OVERDUE_TASK_TEXT
        from .texts import outbreak_task_text, overdue_task_text

        problems.register_task_text(OVERDUE_TASK_TEXT, overdue_task_text)
        problems.register_task_text(OUTBREAK_TASK_TEXT, outbreak_task_text)
        from dualtrack.core.cards import register_panel

        from .panels import enterprise_panel

        register_panel(15, "filings", enterprise_panel)  # 一企一档: the filing and the epidemic ledger
        # 复工图 flags the outbreaks in filed enterprises (resumption does not import filings: filings reads it)
        from dualtrack.resumption import services as resumption

        from .cards import outbreak_flag

        resumption.register_dashboard_flag("filings-outbreaks", outbreak_flag)
