from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.leads, name="leads"),
    path("league/", views.league, name="league"),
    path("leads/<str:code>/", views.lead, name="lead"),
]
