"""The bulletin on the web, and its downloads (Word, Excel, PDF), each audited as an export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, exportjobs, exports, policy, versions
from dualtrack.core import pdf as printing
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate, query_without_page, validation_messages
from dualtrack.epidemic import services as epidemic
from dualtrack.epidemic.choices import COLOUR_HEX, Colour
from dualtrack.resumption import services as resumption

from . import content, services
from . import render as formats
from .models import BulletinStatus, Job, JobStatus, StoredBulletin
from .policy import tends_the_queue

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _day(request: HttpRequest) -> dt.date:
    """The date asked for, else the data-as-of day (数据截至), else today."""
    return dates.requested_day(request, versions.data_day)


def _bulletin(day: dt.date) -> tuple[content.Bulletin, StoredBulletin | None]:
    """The day's stored bulletin (the released one, else the draft) when there is one: its numbers and files
    are the ones HQ signs off; else the bulletin made now from the day's stored picture."""
    stored = StoredBulletin.objects.filter(date=day).defer("docx", "xlsx", "pdf").first()
    if stored is not None:
        bulletin = content.from_dict(stored.content)
        bulletin.charts = bulletin.charts or content.charts(day)  # a bulletin stored before charts were kept
        return bulletin, stored
    return content.build(day), None


def _download(data: bytes, day: dt.date, fmt: str) -> HttpResponse:
    """The file under its Chinese name (每日通报-2020年2月19日.docx), encoded for every browser (RFC 6266)."""
    response = HttpResponse(data, content_type=TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.dated_name(_("每日通报"), day, fmt)) or "attachment"
    return response


@login_required
def bulletin_page(request: HttpRequest) -> HttpResponse:
    policy.authorize_create(request.user, StoredBulletin, Action.VIEW)
    day = _day(request)
    bulletin, stored = _bulletin(day)
    geojson = epidemic.map_geojson(request.user)
    regions = bulletin.charts["regions"]
    colour_legend = epidemic.colour_legend(missing=any(not r.get("reported", True) for r in regions))
    index_legend = resumption.index_legend(missing=any(r.get("index") is None for r in regions))
    return render(request, "bulletins/page.html", {
        "bulletin": bulletin, "day": day, "document": formats.html(bulletin), "stored": stored,
        "as_of": versions.as_of(),
        "map_payload": {"geojson": geojson, "regions": bulletin.charts["regions"], "colours": COLOUR_HEX,
                        "labels": {c.value: str(c.label) for c in Colour}, "county_url": "/epidemic/counties/CODE/",
                        "first": day.isoformat(), "legend": colour_legend},
        "resumption_payload": {"geojson": geojson, "regions": bulletin.charts["regions"],
                               "trend": bulletin.charts["trend"], "colours": COLOUR_HEX, "legend": index_legend},
        "colour_legend": colour_legend, "index_legend": index_legend,
    })


@login_required
def bulletin_file(request: HttpRequest, fmt: str) -> HttpResponse:
    policy.authorize_create(request.user, StoredBulletin, Action.VIEW)
    if fmt not in TYPES:
        raise Http404
    day = _day(request)
    stored = StoredBulletin.objects.filter(date=day).first()
    data = bytes(getattr(stored, fmt)) if stored is not None and getattr(stored, fmt) is not None else None
    if data is None and stored is not None and fmt == "pdf" and services.pdf_pending(stored):
        messages.info(request, _("PDF 正在生成，完成后可在本页下载"))
        return redirect("bulletins:stored", day=day.isoformat())
    if data is None and fmt == "pdf":  # printed by a queued job (a Chromium each: a bounded number at once)
        if not printing.available():
            return HttpResponse("PDF files need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk",
                                status=503, content_type="text/plain; charset=utf-8")
        job = exportjobs.queue_print(request.user, services.PRINT_KIND, {"date": day.isoformat()},
                                     exports.dated_name(_("每日通报"), day, "pdf"))
        return redirect("export_job", token=job.token)
    if data is None:  # no stored bulletin for the day: rendered now from the stored picture
        bulletin = content.build(day) if stored is None else content.from_dict(stored.content)
        data = formats.docx(bulletin) if fmt == "docx" else formats.xlsx(bulletin)
    audit.record(request.user, AuditAction.EXPORT, object_type="bulletins.bulletin",
                 object_repr=f"{day.isoformat()}.{fmt}", detail={"date": day.isoformat(), "format": fmt})
    return _download(data, day, fmt)


@login_required
def stored_list(request: HttpRequest) -> HttpResponse:
    """Past bulletins, browsable; HQ generates a draft for a date here."""
    policy.authorize_create(request.user, StoredBulletin, Action.VIEW)
    if request.method == "POST":
        policy.authorize_create(request.user, StoredBulletin, Action.ADD)
        try:
            day = dates.parse_day(request.POST.get("date"))
        except dates.BadDay as exc:
            messages.error(request, str(exc))
        else:
            if day is None:
                messages.error(request, _("请选择日期"))
            else:
                try:
                    services.generate(day, actor_of(request))
                except ValidationError as exc:
                    validation_messages(request, exc)
                else:
                    return redirect("bulletins:stored", day=day.isoformat())
    bulletins = StoredBulletin.objects.restrict(request.user).defer("docx", "xlsx", "pdf")
    jobs = Job.objects.filter(status=JobStatus.FAILED) if tends_the_queue(request.user) else Job.objects.none()
    return render(request, "bulletins/stored_list.html", {"page": paginate(request, bulletins), "failed_jobs": jobs,
                                                          "query": query_without_page(request)})


def _stored(request: HttpRequest, day: str) -> StoredBulletin:
    """The stored bulletin of ``day`` (``YYYY-MM-DD``); a malformed date is simply not found."""
    try:
        wanted = dt.date.fromisoformat(day) if len(day) == 10 else None
    except ValueError:
        wanted = None
    if wanted is None:
        raise Http404
    return get_scoped_or_404(StoredBulletin.objects.all(), request.user, Action.VIEW, date=wanted)


@login_required
def stored_detail(request: HttpRequest, day: str) -> HttpResponse:
    stored = _stored(request, day)
    if request.method == "POST" and request.POST.get("action") == "sign_off":
        services.sign_off(stored, actor_of(request))
        messages.success(request, _("已签发并推送"))
        return redirect("bulletins:stored", day=day)
    return render(request, "bulletins/stored_detail.html", {
        "stored": stored, "document": formats.html(content.from_dict(stored.content)),
        "pdf_pending": services.pdf_pending(stored),
        "can_sign": policy.may(request.user, stored, Action.PUBLISH) and stored.status == BulletinStatus.DRAFT})


@login_required
def stored_file(request: HttpRequest, day: str, fmt: str) -> HttpResponse:
    stored = _stored(request, day)
    data = {"docx": stored.docx, "xlsx": stored.xlsx, "pdf": stored.pdf}.get(fmt)
    if data is None:
        raise Http404
    audit.record(request.user, AuditAction.EXPORT, stored, detail={"format": fmt})
    return _download(bytes(data), stored.date, fmt)


@login_required
def retry_job(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST" or not tends_the_queue(request.user):
        raise Http404
    job = Job.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    services.retry(job, actor_of(request))
    return redirect("bulletins:stored_list")
