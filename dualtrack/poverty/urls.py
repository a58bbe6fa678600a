from django.urls import path

from . import views

app_name = "poverty"
urlpatterns = [
    path("", views.war_map, name="war_map"),
    path("households/", views.households, name="households"),
    path("households/<str:code>/", views.household, name="household"),
    path("findings/", views.finding_list, name="findings"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("forces/", views.forces, name="forces"),
    path("census/", views.census, name="census"),
    path("census/<int:order>/", views.census_tick, name="census_tick"),
    path("weekly/", views.weekly_list, name="weekly_list"),
    path("weekly/<str:week>/", views.weekly, name="weekly"),
    path("weekly/<str:week>/xlsx/", views.weekly_xlsx, name="weekly_xlsx"),
]
