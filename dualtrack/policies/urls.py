from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("measures/<str:code>/", views.measure_detail, name="measure"),
    path("applications/", views.ledger, name="ledger"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("outreach/", views.outreach, name="outreach"),
]
