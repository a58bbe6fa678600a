from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.report, name="report"),
    path("triage/", views.triage_queue, name="triage"),
    path("inbox/", views.inbox, name="inbox"),
    path("statistics/", views.statistics, name="statistics"),
    path("escalated/", views.escalated, name="escalated"),
    path("<str:ref>/", views.detail, name="detail"),
    path("<str:ref>/attachments/<int:pk>/", views.attachment, name="attachment"),
]
