from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from dualtrack.accounts import views as account_views
from dualtrack.core import views as core_views
from dualtrack.core import views_exports, views_imports, views_judgements, views_rules
from dualtrack.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): the platform's icon, not a 404.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("account/", account_views.account, name="account"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("registry/", include("dualtrack.registry.urls")),
    path("epidemic/", include("dualtrack.epidemic.urls")),
    path("resumption/", include("dualtrack.resumption.urls")),
    path("bulletins/", include("dualtrack.bulletins.urls")),
    path("problems/", include("dualtrack.problems.urls")),
    path("liaison/", include("dualtrack.liaison.urls")),
    path("projects/", include("dualtrack.projects.urls")),
    path("policies/", include("dualtrack.policies.urls")),
    path("economy/", include("dualtrack.economy.urls")),
    path("worker-return/", include("dualtrack.workreturn.urls")),
    path("poverty/", include("dualtrack.poverty.urls")),
    path("investment/", include("dualtrack.investment.urls")),
    path("filings/", include("dualtrack.filings.urls")),
    path("supplies/", include("dualtrack.supplies.urls")),
    path("assessment/", include("dualtrack.assessment.urls")),
    path("public/notices/", include("dualtrack.policies.public_urls")),
    path("imports/", views_imports.import_index, name="import_index"),
    path("imports/<str:name>/", views_imports.import_upload, name="import_upload"),
    path("imports/<str:name>/template.xlsx", views_imports.import_template, name="import_template"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("rules/", views_rules.rule_sets, name="rule_sets"),
    path("rules/what-if/", views_judgements.what_if, name="what_if"),
    path("judgements/status", views_judgements.judgement_status, name="judgement_status"),
    path("judgements/export", views_judgements.judgement_export, name="judgement_export"),
    path("notifications/", core_views.notification_list, name="notifications"),
    path("exports/<uuid:token>/", views_exports.export_job, name="export_job"),
    path("exports/<uuid:token>/file", views_exports.export_file, name="export_file"),
    path("api/v1/", include("dualtrack.api_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "dualtrack.core.views.error_400"
handler403 = "dualtrack.core.views.error_403"
handler404 = "dualtrack.core.views.error_404"
handler500 = "dualtrack.core.views.error_500"
