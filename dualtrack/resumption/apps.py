from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResumptionConfig(AppConfig):
    name = "dualtrack.resumption"
    label = "resumption"
    verbose_name = _("复工图")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dualtrack.core import policy
        from dualtrack.core.choices import Action
        from dualtrack.core.i18n import register_js_texts

        register_js_texts(gettext_noop("复工电力指数"), gettext_noop("五色图"), gettext_noop("未报送"),
                          gettext_noop("数据未到"))  # the page scripts' charts

        from dualtrack.core.navigation import register_menu
        from dualtrack.core.rules import register_rules

        from . import imports  # noqa: F401  (registers the resumption dataset)
        from .models import ResumptionReport
        from .rules import RULES_KEY, validate

        register_rules(RULES_KEY, validate)

        from dualtrack.core import periodic, versions

        from . import snapshot

        versions.track(ResumptionReport, "resumption", lambda obj: obj.date)

        def stale_from(sender: object, source: str, day: object = None, **kwargs: object) -> None:
            if source in snapshot.SOURCES:  # other sources (the poverty checks …) are not in the picture
                snapshot.mark_stale(day)  # type: ignore[arg-type]

        versions.data_changed.connect(stale_from, weak=False, dispatch_uid="resumption:pictures")
        periodic.register("pictures", snapshot.worker_step, order=10)

        from dualtrack.core.cards import register_card

        from . import cards

        register_card(10, "situation", cards.situation_card)
        register_card(11, "own-status", cards.enterprise_card)
        register_card(12, "liaison-enterprises", cards.liaison_card)
        from dualtrack.core.cards import register_panel

        register_panel(10, "resumption", cards.enterprise_panel)
        from . import policy as access

        register_menu(_("复工图"), "resumption:dashboard", access.sees_command_picture, order=6)
        register_menu(_("今日复工"), "resumption:report", lambda u: policy.allows(u, "registry.Enterprise", Action.REPORT), order=7)
