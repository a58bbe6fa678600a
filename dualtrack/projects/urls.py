from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.register, name="register"),
    path("map/", views.project_map, name="map"),
    path("board/", views.board, name="board"),
    path("<str:code>/", views.detail, name="detail"),
]
