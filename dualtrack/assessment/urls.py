from django.urls import path

from . import phone, report, views

app_name = "assessment"
urlpatterns = [
    # HQ's, the office's, leaders' and counties' pages: views.py
    path("", views.home, name="home"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("enterprises.xlsx", views.enterprises_xlsx, name="enterprises_xlsx"),
    path("parks/", views.parks, name="parks"),
    path("parks.xlsx", views.parks_xlsx, name="parks_xlsx"),
    path("manage/", views.manage, name="manage"),
    path("manage/draft/", views.compute_draft, name="draft"),
    path("manage/publish/", views.publish, name="publish"),
    path("manage/finalise/", views.finalise, name="finalise"),
    path("manage/correct/", views.correct, name="correct"),
    path("manage/preset/", views.adopt_preset, name="preset"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:pk>/answer/", views.answer, name="answer"),
    path("e/<str:uscc>/", views.enterprise, name="enterprise"),
    # the yearly report in the bulletin's layout: report.py
    path("report.docx", report.report_docx, name="report_docx"),
    path("report.xlsx", report.report_xlsx, name="report_xlsx"),
    # the enterprise's own page (phone): phone.py
    path("mine/", phone.mine, name="mine"),
    path("mine/object/", phone.object_to, name="object"),
]
