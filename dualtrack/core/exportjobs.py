"""Long exports as jobs (导出任务): a list with more rows than ``EXPORT_INLINE_ROWS`` is not written behind a plain
link while the user waits; it becomes a job that runs in the background (a thread of the web process, picked up
by the worker if that process stops), shows its progress, and offers the file when ready.

Apps register an export kind with a builder ``(user, params) -> Export``: the same function answers a small
export at once and a large one in the job, from the request's filters (``params``, the query string's lists).

A print (a PDF: the worker-return slips, a bulletin printed on request) is always a job: apps register a print
kind with a maker ``(user, params) -> bytes``; :func:`queue_print` queues it or joins the same request's job,
and the job prints when one of the machine's print slots (``core.pdf``, ``PDF_CONCURRENCY``) is free, its page
showing its place in the queue meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from dualtrack.core import dates

from . import audit, background, pdf
from .actors import Viewer
from .choices import AuditAction
from .exports import Sheet, write_xlsx, xlsx_download
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 1000  # rows between two progress updates
STALLED_AFTER = dt.timedelta(minutes=15)  # a running job not finished by then was left by a stopped process
PICKUP_AFTER = dt.timedelta(seconds=30)  # a pending job no thread took (the process stopped at once)
KEEP = dt.timedelta(hours=24)  # files are deleted after a day


@dataclass
class Export:
    """What to write: the sheets (rows consumed once), the Chinese file name, the audit's object, the row count."""

    sheets: Sequence[Sheet]
    filename: str
    object_type: str
    object_repr: str
    total: int
    detail: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Any, QueryDict], Export]
_BUILDERS: dict[str, Builder] = {}
Maker = Callable[[Any, dict[str, Any]], bytes]
_MAKERS: dict[str, Maker] = {}
_HEADS: dict[str, str] = {}
PRINTING = "printing"  # the progress file's mark while a print job holds its slot


def register_export(kind: str, builder: Builder) -> None:
    _BUILDERS[kind] = builder


def register_print(kind: str, maker: Maker, head: str = "") -> None:
    """``maker(user, params)`` returns the file's bytes (it prints through ``core.pdf``), run in a job. ``head``: a
    template of what the job's progress says above the bar for this kind (given ``job``), drawn inside the part of
    the page that is refreshed, so it follows the job to its end (the slips said 正在生成三联单 once done)."""
    _MAKERS[kind] = maker
    if head:
        _HEADS[kind] = head


def head_of(job: ExportJob) -> str:
    """The template of the job's own heading (:func:`register_print`), or ""."""
    return _HEADS.get(job.kind, "")


def is_print(job: ExportJob) -> bool:
    return job.kind in _MAKERS


def inline_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_ROWS", 5000))


def folder() -> Path:
    path = Path(getattr(settings, "EXPORTS_ROOT", None) or Path(settings.HOME) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_of(job: ExportJob) -> Path:
    return folder() / f"{job.token}{Path(job.filename).suffix or '.xlsx'}"


def queue_print(user: Viewer, kind: str, params: dict[str, Any], filename: str, total: int = 1) -> ExportJob:
    """The print job of this request: the same user's job of the same kind and parameters when it is queued,
    printing or done (its file still there), else a new one, started once the transaction commits."""
    for job in ExportJob.objects.filter(user=user, kind=kind, params=params).exclude(status=ExportStatus.FAILED):
        if job.status != ExportStatus.DONE or file_of(job).exists():
            return job
    job = ExportJob.objects.create(token=uuid.uuid4(), kind=kind, params=params, user=user,  # type: ignore[misc]
                                   total=total, filename=filename)
    transaction.on_commit(lambda: start(job.pk))
    return job


def phase(job: ExportJob) -> str:
    """A print job's phase: "pending" (queued), "waiting" (taken, waiting for a print slot), "printing", "done",
    "failed"."""
    if job.status != ExportStatus.RUNNING:
        return str(job.status)
    try:
        return "printing" if progress_file(job).read_text() == PRINTING else "waiting"
    except OSError:
        return "waiting"


def ahead(job: ExportJob) -> int:
    """Print jobs queued before this one and not yet done (its place in the queue)."""
    if job.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
        return 0
    return ExportJob.objects.filter(kind__in=list(_MAKERS), status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
                                    created_at__lt=job.created_at).count()


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {key: values for key, values in request.GET.lists() if key not in ("format", "page")}


def _query(params: dict[str, list[str]]) -> QueryDict:
    return QueryDict(urlencode(params, doseq=True))


def export(request: HttpRequest, kind: str) -> HttpResponse | FileResponse:
    """The ``kind`` export with the request's filters: the file at once when it is small, else a job and its
    progress page."""
    params = _params(request)
    spec = _BUILDERS[kind](request.user, _query(params))
    if spec.total <= inline_rows():
        return xlsx_download(request, spec.sheets, spec.filename, object_type=spec.object_type,
                             object_repr=spec.object_repr, detail=spec.detail)
    job = ExportJob.objects.create(token=uuid.uuid4(), kind=kind, params=params, user=request.user,  # type: ignore[misc]
                                   total=spec.total,
                                   filename=spec.filename)
    transaction.on_commit(lambda: start(job.pk))
    return redirect("export_job", token=job.token)


def start(job_id: int) -> None:
    """Run the job in a thread of this process (the request has answered already)."""
    background.in_thread(f"export-{job_id}", run, job_id)


def progress_file(job: ExportJob) -> Path:
    return folder() / f"{job.token}.progress"


def progress(job: ExportJob) -> int:
    """Rows written so far: kept in a file beside the export while it runs (a write to the database in the
    middle of the rows' read would conflict with it on SQLite), in the job once done."""
    if job.status != ExportStatus.RUNNING or is_print(job):
        return job.done_rows
    try:
        return int(progress_file(job).read_text() or 0)
    except (OSError, ValueError):
        return 0


def _counted(rows: Iterable[Sequence[Any]], job: ExportJob, offset: list[int]) -> Iterator[Sequence[Any]]:
    marker = progress_file(job)
    for row in rows:
        offset[0] += 1
        if offset[0] % PROGRESS_EVERY == 0:
            marker.write_text(str(offset[0]))
        yield row


def run(job_id: int) -> bool:
    """Write the job's file, if the job is still pending (a second runner loses the race). True when written."""
    now = dates.real_now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING,
                                                                                  started_at=now, done_rows=0):
        return False
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if is_print(job):
        return _print(job)
    partial = file_of(job).with_suffix(".part")
    sheets: list[Sheet] = []
    try:
        spec = _BUILDERS[job.kind](job.user, _query(job.params))
        written = [0]
        sheets = [Sheet(s.title, s.header, _counted(s.rows, job, written), s.widths) for s in spec.sheets]
        target = file_of(job)
        with partial.open("wb") as out:
            rows = write_xlsx(sheets, out)
        partial.replace(target)
        audit.record(job.user, AuditAction.EXPORT, object_type=spec.object_type, object_repr=spec.object_repr,
                     detail={"rows": rows, "filename": spec.filename, "job": str(job.token), **spec.detail})
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done_rows=rows, total=rows,
                                                   finished_at=dates.real_now())
        progress_file(job).unlink(missing_ok=True)
        return True
    except Exception as exc:  # noqa: BLE001 - the user sees the failure on the job's page
        logger.exception("export job %s failed", job.pk)
        for sheet in sheets:  # end the rows' read before writing the failure (SQLite: one writer at a time)
            close = getattr(sheet.rows, "close", None)
            if close is not None:
                close()
        partial.unlink(missing_ok=True)
        progress_file(job).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=dates.real_now())
        return False


def _print(job: ExportJob) -> bool:
    """Print the job's file once a print slot is free (the job waits its turn, its page says so)."""
    partial = file_of(job).with_suffix(".part")
    try:
        with pdf.slot():
            progress_file(job).write_text(PRINTING)
            data = _MAKERS[job.kind](job.user, dict(job.params))
        with partial.open("wb") as out:
            out.write(data)
        partial.chmod(0o600)  # the slips carry names: not readable by other accounts of the machine
        partial.replace(file_of(job))
        audit.record(job.user, AuditAction.EXPORT, object_type=job.kind, object_repr=job.filename,
                     detail={"filename": job.filename, "job": str(job.token), **dict(job.params)})
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done_rows=job.total,
                                                   finished_at=dates.real_now())
        return True
    except Exception as exc:  # noqa: BLE001 - the user sees the failure on the job's page
        logger.exception("print job %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=dates.real_now())
        return False
    finally:
        progress_file(job).unlink(missing_ok=True)


def worker_step(now: dt.datetime | None = None) -> dict[str, int]:
    """Run what no thread took, retry what a stopped process left running, delete files older than a day."""
    now = now or dates.real_now()
    ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - STALLED_AFTER).update(
        status=ExportStatus.PENDING)
    ran = 0
    for pk in ExportJob.objects.filter(status=ExportStatus.PENDING, created_at__lt=now - PICKUP_AFTER) \
            .values_list("pk", flat=True):
        ran += run(pk)
    old = list(ExportJob.objects.filter(created_at__lt=now - KEEP))
    for job in old:
        file_of(job).unlink(missing_ok=True)
        progress_file(job).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return {"ran": ran, "deleted": len(old)}
