from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "dualtrack.projects"
    label = "projects"
    verbose_name = _("重点项目调度")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.core.choices import Action, Role  # noqa: F401
        from dualtrack.core.i18n import register_js_texts

        register_js_texts(gettext_noop("计划累计"), gettext_noop("完成累计"))  # the page scripts' charts

        from dualtrack.bulletins import services as bulletins
        from dualtrack.core import capability, periodic, versions

        from . import (
            imports,  # noqa: F401  (registers the three datasets)
            services,
        )
        from .bulletin import section
        from .measure import ProjectsMeasure
        from .models import MonthlyLight, Project, ProjectPlan, ProjectProgress

        # its rule set, the card on 总览 and the menu; the lights of a day are stored (core.judgements)
        capability.register(ProjectsMeasure())
        # every write of what the lights are judged from makes the stored results stale
        versions.track(Project, "projects", lambda obj: None)
        versions.track(ProjectPlan, "projects", lambda obj: obj.month)
        versions.track(ProjectProgress, "projects", lambda obj: obj.date)
        versions.track(MonthlyLight, "projects", lambda obj: obj.month)
        bulletins.register_section(50, "projects", section)
        from dualtrack.core.cards import register_panel

        from .cards import enterprise_panel

        register_panel(30, "projects", enterprise_panel)
        periodic.register("projects-month-end", services.evaluate_due)
        from dualtrack.problems import services as problems

        from . import reasons

        problems.register_task_text(reasons.TASK_TEXT, reasons.task_text)  # a dispatch task in the reader's language
        from dualtrack.liaison import services as liaison

        liaison.register_coverage(services.liaison_coverage)
