from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResumptionConfig(AppConfig):
    name = "dualtrack.resumption"
    label = "resumption"
    verbose_name = _("复工图")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.core.i18n import register_js_texts

        register_js_texts(gettext_noop("复工电力指数"))  # the page scripts' charts

        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import imports  # noqa: F401  (registers the resumption dataset)
        from .models import ResumptionReport
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)
        register_menu(_("复工图"), "resumption:dashboard", lambda u: ResumptionReport.permits(u, "view")
                      and getattr(u, "role", "") in ("hq", "leader", "district", "department"), order=6)
        register_menu(_("今日复工"), "resumption:report", lambda u: getattr(u, "role", "") == "enterprise", order=7)
