from django.urls import path

from . import phone, views

app_name = "supplies"
urlpatterns = [
    # the enterprise's (or its liaison officer's, or a county's for its grassroots units) phone flow: phone.py
    path("", phone.home, name="home"),
    path("apply/", phone.apply, name="apply"),
    path("mine/", phone.mine, name="mine"),
    # the supplies office's, HQ's, leaders' and counties' pages: views.py
    path("board/", views.board, name="board"),
    path("board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("stock/", views.stock, name="stock"),
    path("stock.xlsx", views.stock_xlsx, name="stock_xlsx"),
    path("receipts/new/", views.receive, name="receive"),
    path("queue/", views.queue, name="queue"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.xlsx", views.coverage_xlsx, name="coverage_xlsx"),
    path("r/<str:code>/", views.request_detail, name="request"),
    path("r/<str:code>/commit/", views.commit, name="commit"),
    path("r/<str:code>/issue/", views.issue, name="issue"),
]
