"""The bulletin on the web, and its downloads (Word, Excel, PDF), each audited as an export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dualtrack.core import audit
from dualtrack.core.choices import AuditAction, Role
from dualtrack.core.scoping import user_role
from dualtrack.core.views import date_param
from dualtrack.resumption import services as resumption

from . import content
from . import render as formats

READERS = (Role.HQ, Role.LEADER, Role.DEPARTMENT)
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _day(request: HttpRequest) -> object:
    return date_param(request) or resumption.last_data_day() or timezone.localdate()


@login_required
def bulletin_page(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) not in READERS:
        raise PermissionDenied
    day = _day(request)
    bulletin = content.build(day)  # type: ignore[arg-type]
    return render(request, "bulletins/page.html", {"bulletin": bulletin, "day": day,
                                                   "document": formats.html(bulletin)})


@login_required
def bulletin_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if user_role(request.user) not in READERS:
        raise PermissionDenied
    if fmt not in TYPES:
        raise Http404
    day = _day(request)
    bulletin = content.build(day)  # type: ignore[arg-type]
    try:
        data = {"docx": formats.docx, "xlsx": formats.xlsx, "pdf": formats.pdf}[fmt](bulletin)
    except formats.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    audit.record(request.user, AuditAction.EXPORT, object_type="bulletins.bulletin",
                 object_repr=f"{bulletin.title}.{fmt}", detail={"date": bulletin.day.isoformat(), "format": fmt})
    response = HttpResponse(data, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.day.isoformat()}.{fmt}"'
    return response
