from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "dualtrack.epidemic"
    label = "epidemic"
    verbose_name = _("疫情图")

    def ready(self) -> None:
        from dualtrack.core import versions

        from .models import CaseReport, ClusterEvent, PublishedLevel

        for model in (CaseReport, ClusterEvent, PublishedLevel):
            versions.track(model, "epidemic", lambda obj: obj.date)
        versions.register_source("epidemic", _("病例日报"),
                                 lambda: CaseReport.objects.order_by("-date").values_list("date", flat=True).first())
        from django.utils.translation import gettext_noop

        from dualtrack.core.choices import Action, Role  # noqa: F401
        from dualtrack.core.i18n import register_js_texts

        register_js_texts(gettext_noop("新增确诊"), gettext_noop("95%下限"), gettext_noop("95%区间"),
                          gettext_noop("Rt(不可靠)"))  # the page scripts' charts

        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import imports  # noqa: F401  (registers the cases and clusters datasets)
        from .models import CaseReport
        from .rules import RULE_VALIDATORS

        for key, validator in RULE_VALIDATORS.items():
            register_rules(key, validator)
        register_menu(_("疫情图"), "epidemic:map", lambda u: CaseReport.permits(u, Action.VIEW), order=5)
