"""The admin app, with the HQ-only site (imported lazily: this module is loaded before the apps)."""

from django.contrib.admin.apps import AdminConfig


class HQAdminConfig(AdminConfig):
    default_site = "dualtrack.core.admin_site.HQAdminSite"
