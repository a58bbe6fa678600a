from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "dualtrack.bulletins"
    label = "bulletins"
    verbose_name = _("每日通报")
