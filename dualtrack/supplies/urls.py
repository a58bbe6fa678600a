from django.urls import path

from . import views

app_name = "supplies"
urlpatterns = [
    path("", views.home, name="home"),
    path("stock/", views.stock, name="stock"),
    path("queue/", views.queue, name="queue"),
    path("apply/", views.apply, name="apply"),
    path("r/<str:code>/", views.request_detail, name="request"),
]
