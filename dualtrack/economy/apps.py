from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "dualtrack.economy"
    label = "economy"
    verbose_name = _("经济运行监测")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.core import capability, versions
        from dualtrack.core.i18n import register_js_texts

        from . import (
            imports,  # noqa: F401  (registers the three datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .measure import EconomyMeasure
        from .models import Actual, Indicator, Target

        capability.register(EconomyMeasure())
        # every write of the economy's figures makes the stored results stale (judgement store)
        versions.track(Actual, "economy", lambda obj: obj.month)
        versions.track(Target, "economy", lambda obj: None)
        versions.track(Indicator, "economy", lambda obj: None)
        register_js_texts(gettext_noop("完成率"), gettext_noop("时序进度"), gettext_noop("累计增速"),
                          gettext_noop("目标增速"))
