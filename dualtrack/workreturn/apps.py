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
        from dualtrack.core import versions

        from .models import Boarding, Trip, Worker

        # the trips and who boarded them (a poor labourer brought back counts as 已外出 in poverty alleviation's
        # stored results, which read this source)
        for model in (Trip, Boarding, Worker):
            versions.track(model, "workreturn", lambda obj: None)
        from dualtrack.core.exportjobs import register_print

        from . import slips

        register_print(slips.KIND, slips.make, head="workreturn/_slips_head.html")  # the three slips, as a queued job
        from django.utils.translation import gettext_noop

        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.cards import register_card
        from dualtrack.core.choices import Action
        from dualtrack.core.navigation import register_menu

        from .bulletin import section
        from .cards import worker_return_card
        from .models import Trip

        bulletins.register_section(48, "worker-return", section)
        register_card(45, "worker-return", worker_return_card)
        register_menu(_("点对点返岗"), "workreturn:board", lambda u: Trip.permits(u, Action.VIEW), order=14)
        gettext_noop("上车扫码"), gettext_noop("到达扫码"), gettext_noop("到岗回执")  # the scan page's modes
