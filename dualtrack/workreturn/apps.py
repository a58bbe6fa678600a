from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkReturnConfig(AppConfig):
    name = "dualtrack.workreturn"
    label = "workreturn"
    verbose_name = _("点对点返岗")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.core import capability, versions
        from dualtrack.core.exportjobs import register_print
        from dualtrack.core.models import CalendarDay

        from . import (
            imports,  # noqa: F401  (registers the seven datasets)
            policy,  # noqa: F401  (declares the access policy)
            slips,
        )
        from .measure import WorkReturnMeasure
        from .models import Boarding, LabourDemand, ManifestEntry, Receipt, Trip, Worker
        from .services import RECEIPT_TASK_TEXT, SOURCE, receipt_task_text

        # the rule set, the card on 总览, the bulletin section, the menu entry, the worker step (overdue receipts,
        # erasure), the API and the console command: declared by the measure
        capability.register(WorkReturnMeasure())
        # every write the campaign reads makes the stored campaigns stale (judgement store); imports and the
        # manifest's bulk write say so themselves
        for model in (Trip, Worker, Boarding, ManifestEntry, Receipt, LabourDemand):
            versions.track(model, SOURCE, lambda obj: None)
        versions.track(CalendarDay, "calendar", lambda obj: None)  # the receipts' deadlines in working days
        register_print(slips.KIND, slips.make, head="workreturn/_slips_head.html")  # the three slips, as a queued job
        from dualtrack.problems import services as problems

        problems.register_task_text(RECEIPT_TASK_TEXT, receipt_task_text)  # an overdue receipt's task, the reader's language
        gettext_noop("上车扫码"), gettext_noop("到达扫码"), gettext_noop("到岗回执")  # the scan page's modes
