from django.urls import path

from . import views

app_name = "poverty"
urlpatterns = [
    path("", views.war_map, name="war_map"),
]
