from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyConfig(AppConfig):
    name = "dualtrack.poverty"
    label = "poverty"
    verbose_name = _("脱贫攻坚")

    def ready(self) -> None:
        from dualtrack.core import capability, versions
        from dualtrack.workreturn import services as workreturn

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
            services,
        )
        from .measure import PovertyMeasure
        from .models import Household, HouseholdCheck, Labourer, RegionFlag

        # The rule set, the 总览 card, the bulletin section, the menu and the weekly board's worker step
        # (一周一调度, after the problems' escalation) are declared by the measure.
        capability.register(PovertyMeasure())
        # every write of what the year is judged from makes the stored results stale (judgement store); the
        # imports bump the source once per file, set_flags and the worker match themselves
        for model in (Household, HouseholdCheck, Labourer, RegionFlag):
            versions.track(model, services.SOURCE, lambda obj: None)
        # A worker registered with a labourer's ID number is linked to the labourer then (the link outlives erasure).
        workreturn.worker_identified.connect(services.match_worker, dispatch_uid="poverty-match-worker")
