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

        from dualtrack.core import capability, judgements, periodic, versions
        from dualtrack.core.navigation import register_menu

        from . import (
            imports,  # noqa: F401  (registers the resumption dataset)
            snapshot,
        )
        from .measure import measure
        from .models import ResumptionReport

        versions.track(ResumptionReport, "resumption", lambda obj: obj.date)
        capability.register(measure())  # the day's picture in the judgement store

        def keep_earlier(sender: object, source: str, day: object = None, **kwargs: object) -> None:
            # a change from ``day`` on leaves the pictures of the days before it fresh (the others are stale)
            judgements.keep_earlier(measure(), source, day)  # type: ignore[arg-type]

        versions.data_changed.connect(keep_earlier, weak=False, dispatch_uid="resumption:pictures")
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
