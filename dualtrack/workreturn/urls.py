from django.urls import path

from . import views

app_name = "workreturn"
urlpatterns = [
    path("", views.board, name="board"),
    path("trips/", views.trips, name="trips"),
    path("trips/<str:code>/", views.trip, name="trip"),
    path("trips/<str:code>/slips.pdf", views.trip_slips, name="trip_slips"),
    path("workers/<str:code>/slips.pdf", views.worker_slips, name="worker_slips"),
    path("scan/", views.scan, name="scan"),
    path("receipts/", views.receipts, name="receipts"),
]
