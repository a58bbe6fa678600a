from django.urls import path

from dualtrack.core import views_rules

from . import views

app_name = "epidemic"
urlpatterns = [
    path("", views.epidemic_map, name="map"),
    path("quality/", views.quality, name="quality"),
    path("cases/new/", views.enter_cases, name="enter"),
    path("rules/", views_rules.rule_sets, name="rules"),  # the same page as /rules/, kept for old links
    path("counties/<str:code>/", views.county_detail, name="county"),
    path("counties/<str:code>/publish/", views.publish, name="publish"),
]
