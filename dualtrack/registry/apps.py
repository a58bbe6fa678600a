from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "dualtrack.registry"
    label = "registry"
    verbose_name = _("基础信息")

    def ready(self) -> None:
        from dualtrack.core import versions

        from .models import ElectricityAccount, Enterprise, Park, Region

        for model in (Enterprise, ElectricityAccount, Park, Region):  # a region's name or urban flag is judged on
            versions.track(model, "registry", lambda obj: None)

        from dualtrack.core.exportjobs import register_export

        from .exports import enterprises_export

        register_export("registry.enterprises", enterprises_export)
        from dualtrack.core.navigation import register_menu

        from . import imports  # noqa: F401  (registers the registry datasets)
        from .policy import has_own_file, keeps_reference, sees_directory

        def own_file(user: object) -> str | None:
            enterprise = getattr(user, "enterprise", None)
            return reverse("registry:enterprise_detail", args=[enterprise.uscc]) if enterprise else None

        # An enterprise has its own file (一企一档), not a directory of one; reference data (code lists) is
        # HQ's to keep: the others reach it from the import page, where the codes are needed.
        register_menu(_("企业名录"), "registry:enterprise_list", sees_directory, order=10)
        register_menu(_("本企业档案"), "registry:own_enterprise", has_own_file, order=10, url_for=own_file)
        register_menu(_("行政区划"), "registry:region_list", keeps_reference, order=20)
        register_menu(_("功能园区"), "registry:park_list", keeps_reference, order=21)
        register_menu(_("职能部门"), "registry:department_list", keeps_reference, order=22)
        register_menu(_("行业分类"), "registry:industry_list", keeps_reference, order=23)
