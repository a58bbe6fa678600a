from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "dualtrack.assessment"
    label = "assessment"
    verbose_name = _("亩均论英雄")

    def ready(self) -> None:
        from dualtrack.core import capability, versions
        from dualtrack.core import rules as rule_sets

        from . import (
            imports,  # noqa: F401  (registers the datasets)
            policy,  # noqa: F401  (declares the access policy)
        )
        from .choices import D_TASK_TEXT, PARK_RULES_KEY
        from .measure import AssessmentMeasure, validate_park_rules
        from .models import Assessment, AssessmentRow, EnterpriseAnnual, LandUse, ParkRank

        capability.register(AssessmentMeasure())
        rule_sets.register_rules(PARK_RULES_KEY, validate_park_rules)
        # every write of what a year is judged from makes its stored results stale
        versions.track(LandUse, "assessment", lambda obj: None)
        versions.track(EnterpriseAnnual, "assessment", lambda obj: None)
        versions.track(ParkRank, "assessment", lambda obj: None)
        versions.track(Assessment, "assessment", lambda obj: None)
        versions.track(AssessmentRow, "assessment", lambda obj: None)
        from dualtrack.problems import services as problems

        from .texts import d_list_task_text

        problems.register_task_text(D_TASK_TEXT, d_list_task_text)
        from dualtrack.core.cards import register_panel

        from .panels import enterprise_panel

        register_panel(35, "assessment", enterprise_panel)  # 一企一档: the classes over the years, the latest indicators
