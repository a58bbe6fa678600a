from django.urls import path

from . import views

app_name = "epidemic"
urlpatterns = [
    path("", views.epidemic_map, name="map"),
    path("quality/", views.quality, name="quality"),
    path("cases/new/", views.enter_cases, name="enter"),
    path("rules/", views.rule_sets, name="rules"),
    path("counties/<str:code>/", views.county_detail, name="county"),
    path("counties/<str:code>/publish/", views.publish, name="publish"),
]
