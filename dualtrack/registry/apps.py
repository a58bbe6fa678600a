from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "dualtrack.registry"
    label = "registry"
    verbose_name = _("基础信息")

    def ready(self) -> None:
        from dualtrack.core import versions

        from .models import ElectricityAccount, Enterprise, Park

        for model in (Enterprise, ElectricityAccount, Park):
            versions.track(model, "registry", lambda obj: None)

        from dualtrack.core.exportjobs import register_export

        from .exports import enterprises_export

        register_export("registry.enterprises", enterprises_export)
        from dualtrack.core.choices import Action, Role  # noqa: F401
        from dualtrack.core.navigation import register_menu

        from . import imports  # noqa: F401  (registers the registry datasets)
        from .models import Enterprise, Region

        register_menu(_("企业名录"), "registry:enterprise_list", lambda u: Enterprise.permits(u, Action.VIEW), order=10)
        register_menu(_("行政区划"), "registry:region_list", lambda u: Region.permits(u, Action.VIEW), order=20)
        register_menu(_("功能园区"), "registry:park_list", lambda u: Region.permits(u, Action.VIEW), order=21)
        register_menu(_("职能部门"), "registry:department_list", lambda u: Region.permits(u, Action.VIEW), order=22)
        register_menu(_("行业分类"), "registry:industry_list", lambda u: Region.permits(u, Action.VIEW), order=23)
