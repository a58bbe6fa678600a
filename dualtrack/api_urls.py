"""``/api/v1/``: every app's API under one router, with the OpenAPI schema."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dualtrack.core import capability_api
from dualtrack.core.api import ImportView
from dualtrack.epidemic import api as epidemic_api
from dualtrack.investment import api as investment_api
from dualtrack.policies import api as policies_api
from dualtrack.problems import api as problems_api
from dualtrack.projects import api as projects_api
from dualtrack.registry import api as registry_api
from dualtrack.resumption import api as resumption_api

router = DefaultRouter(trailing_slash=False)
router.register("regions", registry_api.RegionViewSet)
router.register("parks", registry_api.ParkViewSet)
router.register("departments", registry_api.DepartmentViewSet)
router.register("industries", registry_api.IndustryViewSet)
router.register("enterprises", registry_api.EnterpriseViewSet)
router.register("problems", problems_api.ProblemViewSet)
router.register("projects", projects_api.ProjectViewSet)
router.register("measures", policies_api.MeasureViewSet)
router.register("policy-applications", policies_api.ApplicationViewSet)

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page loads its script from a URL of its own (no inline script, so the CSP holds) and Swagger UI from
    # the vendored sidecar; a browser that is not signed in is sent to the sign-in page.
    path("docs", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("imports/<str:dataset>", ImportView.as_view(), name="api-import"),
    path("epidemic/cases", epidemic_api.CaseReportsView.as_view(), name="api-epidemic-cases"),
    path("resumption/reports", resumption_api.ReportsView.as_view(), name="api-resumption-reports"),
    path("investment/pipeline", investment_api.PipelineView.as_view(), name="api-investment-pipeline"),
    *capability_api.urlpatterns(),  # every measure's result (core.capability)
    path("", include(router.urls)),
]
