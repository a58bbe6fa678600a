from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_page, name="page"),
    path("bulletin.<str:fmt>", views.bulletin_file, name="file"),
    path("stored/", views.stored_list, name="stored_list"),
    path("stored/<str:day>/", views.stored_detail, name="stored"),
    path("stored/<str:day>/bulletin.<str:fmt>", views.stored_file, name="stored_file"),
    path("jobs/<int:pk>/retry/", views.retry_job, name="retry_job"),
]
