from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowerConfig(AppConfig):
    name = "dualtrack.power"
    label = "power"
    verbose_name = _("复工电力指数")

    def ready(self) -> None:
        from dualtrack.core import versions

        from .engine import last_reading_day

        versions.register_source("power", _("用电数据"), last_reading_day)
        from dualtrack.core.imports.base import register_file_importer

        from .store import import_power

        register_file_importer("power", import_power)
