from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("double-half/", views.double_half, name="double_half"),
    path("report/", views.monthly_report, name="report"),
]
