from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dualtrack.core"
    label = "core"
    verbose_name = _("平台框架")

    def ready(self) -> None:
        from . import checks, policy, signals  # noqa: F401  (signals: login / failed-login audit; checks: the keys)

        policy.autodiscover()  # every app's policy.py declares its models' access rules
        from .cards import notices_card, register_card

        register_card(90, "notices", notices_card, first_screen=True)

        from . import exportjobs, periodic

        periodic.register("exports", exportjobs.worker_step, order=90)
        from . import judgements

        periodic.register("judgements", judgements.worker_step, order=20)  # every measure's stored results
        from django.utils.translation import gettext_noop

        from .choices import Action
        from .i18n import register_js_texts
        from .imports import registered_datasets
        from .navigation import register_menu
        from .policy import allows, signed_in
        from .scoping import is_hq

        register_js_texts(gettext_noop("尚未导入区县边界，无法绘制地图"))
        register_menu(_("总览"), "home", signed_in, order=0)
        register_menu(_("数据导入"), "import_index",
                      lambda u: any(d.can_import(u) for d in registered_datasets()), order=80)
        register_menu(_("审计日志"), "audit_log", lambda u: allows(u, "core.AuditLog", Action.VIEW), order=90)
        register_menu(_("规则集"), "rule_sets", lambda u: allows(u, "core.RuleSet", Action.REVISE), order=91)
        register_menu(_("规则推演"), "what_if", lambda u: allows(u, "core.RuleSet", Action.REVISE), order=92)
        register_menu(_("系统管理"), "admin:index", is_hq, order=95)
