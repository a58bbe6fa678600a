from django.urls import path

from . import views

app_name = "resumption"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.self_report, name="report"),
    path("not-resumed/", views.not_resumed, name="not_resumed"),
    path("crosscheck/", views.crosscheck, name="crosscheck"),
    path("quality/", views.quality, name="quality"),
]
