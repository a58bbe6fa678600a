from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "dualtrack.policies"
    label = "policies"
    verbose_name = _("惠企政策兑现")

    def ready(self) -> None:
        from dualtrack.bulletins import services as bulletins
        from dualtrack.core.navigation import register_menu

        from .bulletin import section
        from .models import Measure, Outreach

        bulletins.register_section(60, "policies", section)
        register_menu(_("惠企政策"), "policies:list", lambda u: Measure.permits(u, "view"), order=13)
        register_menu(_("上门服务"), "policies:outreach", lambda u: getattr(u, "role", "") == "liaison"
                      and Outreach.permits(u, "view"), order=14)
