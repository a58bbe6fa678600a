"""The public notice pages (公示), served without login."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_notices, name="notices"),
    path("<int:pk>/", views.public_notice, name="notice"),
]
