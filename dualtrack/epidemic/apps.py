from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpidemicConfig(AppConfig):
    name = "dualtrack.epidemic"
    label = "epidemic"
    verbose_name = _("疫情图")

    def ready(self) -> None:
        from django.db.models.signals import post_save

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
                          gettext_noop("Rt（不可靠）"))  # the page scripts' charts

        from dualtrack.core import capability, judgements
        from dualtrack.core.models import RuleSet
        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import imports  # noqa: F401  (registers the cases and clusters datasets)
        from .choices import NATIONAL_RULES
        from .measure import measure
        from .models import CaseReport
        from .rules import RULE_VALIDATORS

        register_rules(NATIONAL_RULES, RULE_VALIDATORS[NATIONAL_RULES])
        capability.register(measure())  # the five-colour rule set, the stored situation, /api/v1/epidemic/situation

        def rules_revised(sender: object, instance: RuleSet, **kwargs: object) -> None:
            if instance.key in RULE_VALIDATORS:  # a stored situation (or picture) names both versions it read
                versions.changed(f"rules:{instance.key}")

        post_save.connect(rules_revised, sender=RuleSet, weak=False, dispatch_uid="epidemic:rules")

        def keep_earlier(sender: object, source: str, day: object = None, **kwargs: object) -> None:
            judgements.keep_earlier(measure(), source, day)  # type: ignore[arg-type]

        versions.data_changed.connect(keep_earlier, weak=False, dispatch_uid="epidemic:keep-earlier")
        register_menu(_("疫情图"), "epidemic:map", lambda u: CaseReport.permits(u, Action.VIEW), order=5)
