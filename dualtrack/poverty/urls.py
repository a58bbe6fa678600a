from django.urls import path

from . import views

app_name = "poverty"
urlpatterns = [
    path("", views.war_map, name="war_map"),
    path("households/", views.households, name="households"),
    path("households/<str:code>/", views.household, name="household"),
]
