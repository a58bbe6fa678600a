from django.urls import path

from . import phone, views

app_name = "filings"
urlpatterns = [
    # the enterprise's (or its liaison officer's) phone flow: phone.py
    path("", phone.home, name="home"),
    path("apply/", phone.apply, name="apply"),
    path("ledger/", phone.ledger, name="ledger_today"),
    path("visits/", phone.visits, name="visits"),
    path("visits/<int:pk>/", phone.visit_close, name="visit_close"),
    # the county's (or park's) queue and HQ's board: views.py
    path("queue/", views.queue, name="queue"),
    path("board/", views.board, name="board"),
    path("board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("unfiled/", views.unfiled, name="unfiled"),
    path("unfiled.xlsx", views.unfiled_xlsx, name="unfiled_xlsx"),
    path("ledger/<str:uscc>/", views.enterprise_ledger, name="ledger"),
    path("<str:code>/", views.filing, name="filing"),
    path("<str:code>/decide/", views.decide, name="decide"),
    path("<str:code>/inspection/", views.inspection, name="inspection"),
    path("<str:code>/lift/", views.lift, name="lift"),
    path("<str:code>/revoke/", views.revoke, name="revoke"),
    path("<str:code>/items/<str:item>/photo", views.item_photo, name="item_photo"),
]
