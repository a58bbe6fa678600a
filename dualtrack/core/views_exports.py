"""An export job's page: its progress (refreshed by htmx every second while it runs) and its file when ready.
Only the job's user sees either (anyone else: 404)."""

from __future__ import annotations

from typing import Any

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
    return render(request, template, progress_context(job))


def progress_context(job: ExportJob) -> dict[str, Any]:
    """What the progress fragment (``core/_export_progress.html``) shows of a job: an export's rows, a print's
    place in the queue."""
    done = exportjobs.progress(job)
    printing = exportjobs.is_print(job)
    phase = exportjobs.phase(job) if printing else ""  # a print's place in the queue: read only for a print
    percent = job.percent(done) if not printing else {"pending": 0, "waiting": 5, "printing": 50}.get(phase, 100)
    return {"job": job, "done": done, "percent": percent, "print": printing, "phase": phase,
            "ahead": exportjobs.ahead(job) if printing else 0, "running": job.status in (ExportStatus.PENDING, ExportStatus.RUNNING),
            "head": exportjobs.head_of(job)}


@login_required
def export_file(request: HttpRequest, token: object) -> FileResponse:
    job = _job(request, token)
    path = exportjobs.file_of(job)
    if job.status != ExportStatus.DONE or not path.exists():
        raise Http404
    content_type = "application/pdf" if path.suffix == ".pdf" else XLSX
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)
