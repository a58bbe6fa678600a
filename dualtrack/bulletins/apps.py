from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "dualtrack.bulletins"
    label = "bulletins"
    verbose_name = _("每日通报")

    def ready(self) -> None:
        from dualtrack.core import periodic
        from dualtrack.core.navigation import register_menu

        from . import services
        from .policy import reads_bulletins

        def bulletin_step() -> dict[str, object]:
            services.schedule_daily()
            return {**services.run_due(), "drafts": services.keep_drafts_current()}

        periodic.register("bulletins", bulletin_step, order=60)  # after the day's pictures
        from dualtrack.core.exportjobs import register_print

        register_print(services.PRINT_KIND, services.print_pdf)  # a bulletin's PDF printed on request

        register_menu(_("每日通报"), "bulletins:page", reads_bulletins, order=8)
