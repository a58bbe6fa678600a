from django.urls import path

from . import views

app_name = "liaison"
urlpatterns = [
    path("visits/", views.visits, name="visits"),
    path("coverage/", views.coverage, name="coverage"),
]
