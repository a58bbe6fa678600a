from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("", views.leads, name="leads"),
    path("leads.xlsx", views.leads_xlsx, name="leads_xlsx"),
    path("new/", views.lead_new, name="lead_new"),
    path("signing/", views.signing, name="signing"),
    path("league/", views.league, name="league"),
    path("league.xlsx", views.league_xlsx, name="league_xlsx"),
    path("weekly/", views.weekly, name="weekly"),
    path("pipeline/", views.pipeline_board, name="pipeline"),
    path("pipeline.xlsx", views.pipeline_xlsx, name="pipeline_xlsx"),
    path("pipeline/groundbreaking/new/", views.groundbreaking_new, name="groundbreaking_new"),
    path("bids/", views.bids, name="bids"),
    path("bids.xlsx", views.bids_xlsx, name="bids_xlsx"),
    path("leads/<str:code>/", views.lead, name="lead"),
    path("leads/<str:code>/activity/", views.lead_activity, name="lead_activity"),
    path("leads/<str:code>/stage/", views.lead_stage, name="lead_stage"),
    path("leads/<str:code>/officer/", views.lead_officer, name="lead_officer"),
]
