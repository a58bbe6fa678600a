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

        def bulletin_step() -> dict[str, int]:
            services.schedule_daily()
            return services.run_due()

        periodic.register("bulletins", bulletin_step)

        register_menu(_("每日通报"), "bulletins:page", lambda u: getattr(u, "role", "") in ("hq", "leader", "department")
                      and getattr(u, "is_authenticated", False), order=8)
