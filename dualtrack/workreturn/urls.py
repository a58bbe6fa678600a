from django.urls import path

from . import views

app_name = "workreturn"
urlpatterns = [
    path("", views.board, name="board"),
    path("trips/", views.trips, name="trips"),
    path("trips/new/", views.trip_new, name="trip_new"),  # before trips/<code>/, which would take "new"
    path("trips/<str:code>/", views.trip, name="trip"),
    path("trips/<str:code>/slips.pdf", views.trip_slips, name="trip_slips"),
    path("workers/<str:code>/slips.pdf", views.worker_slips, name="worker_slips"),
    path("scan/", views.scan, name="scan"),
    path("receipts/", views.receipts, name="receipts"),
    path("demand/new/", views.demand_new, name="demand_new"),
    path("workers/new/", views.worker_new, name="worker_new"),

]
