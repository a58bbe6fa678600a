from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("parks/", views.park_list, name="park_list"),
    path("departments/", views.department_list, name="department_list"),
    path("industries/", views.industry_list, name="industry_list"),
]
