from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_page, name="page"),
    path("bulletin.<str:fmt>", views.bulletin_file, name="file"),
]
