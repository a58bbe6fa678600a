"""An export job's page: its progress (refreshed by htmx every second while it runs) and its file when ready.
Only the job's user sees either (anyone else: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import exportjobs
from .choices import Action
from .exports import XLSX
from .models import ExportJob, ExportStatus
from .scoping import get_scoped_or_404


def _job(request: HttpRequest, token: object) -> ExportJob:
    return get_scoped_or_404(ExportJob.objects.all(), request.user, Action.VIEW, token=token)


@login_required
def export_job(request: HttpRequest, token: object) -> HttpResponse:
    job = _job(request, token)
    template = "core/_export_progress.html" if request.headers.get("HX-Request") else "core/export_job.html"
    done = exportjobs.progress(job)
    return render(request, template, {"job": job, "done": done, "percent": job.percent(done),
                                      "running": job.status in (ExportStatus.PENDING, ExportStatus.RUNNING)})


@login_required
def export_file(request: HttpRequest, token: object) -> FileResponse:
    job = _job(request, token)
    path = exportjobs.file_of(job)
    if job.status != ExportStatus.DONE or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)
