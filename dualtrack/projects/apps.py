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
        from dualtrack.core import periodic
        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import (
            imports,  # noqa: F401  (registers the three datasets)
            services,
        )
        from .bulletin import section
        from .models import Project
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        bulletins.register_section(50, "projects", section)
        from dualtrack.core.cards import register_card

        from .cards import projects_card

        register_card(30, "projects", projects_card)
        from dualtrack.core.cards import register_panel

        from .cards import enterprise_panel

        register_panel(30, "projects", enterprise_panel)
        periodic.register("projects-month-end", services.evaluate_due)
        from dualtrack.liaison import services as liaison

        liaison.register_coverage(services.liaison_coverage)
        register_menu(_("重点项目"), "projects:register", lambda u: Project.permits(u, Action.VIEW), order=8)
