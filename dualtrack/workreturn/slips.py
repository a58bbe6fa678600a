"""The three slips (三联单) of a worker: 备案单 kept by the village, 联络单 carried by the worker, 回执单 returned by
the enterprise, with one QR code (segno) carrying the worker's opaque token and nothing else. One printable PDF
per worker or per trip, laid out in Chinese on A4 (three slips to a page)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from dualtrack.core import exportjobs
from dualtrack.core import pdf as printing
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.lazy import lazy
from dualtrack.core.models import ExportJob
from dualtrack.core.pdf import PdfUnavailable, html_to_pdf
from dualtrack.core.scoping import get_scoped_or_404

from . import services
from .models import ManifestEntry, Trip, Worker
from .printed import KIND

if TYPE_CHECKING:
    import segno
else:
    segno = lazy("segno")

SLIPS = [("备案单", "(村居留存)"), ("联络单", "(务工人员随身携带)"), ("回执单", "(企业到岗后返回村居)")]


def qr_svg(token: str) -> str:
    """The QR code of ``token`` as inline SVG (no personal data in it)."""
    return segno.make(token, error="m", micro=False).svg_inline(scale=3, border=2)


def html(user: Viewer, workers: list[Worker], trip: Trip | None = None, *, audit: bool = True) -> str:
    """The slips as ``user`` may see them: names through the one masking path (``services.persons``), each worker
    shown whole audited; ``audit=False`` only to name the print job (:func:`queue`), which shows nothing."""
    sheets = []
    for worker, person in zip(workers, services.persons(user, workers, audit=audit), strict=True):
        sheets.append({"worker": worker, "person": person, "qr": mark_safe(qr_svg(worker.slip_token)),  # noqa: S308 - segno's own SVG
                       "trip": trip, "departure": trip.departure.astimezone(SHANGHAI) if trip else None})
    return render_to_string("workreturn/slips.html", {"sheets": sheets, "slips": SLIPS})


def pdf(user: Viewer, workers: list[Worker], trip: Trip | None = None) -> bytes:
    return html_to_pdf(html(user, workers, trip))


def chosen(user: Viewer, params: dict[str, Any]) -> tuple[list[Worker], Trip | None]:
    """The workers and trip of a slips request (``{"trip": code}`` or ``{"worker": code}``), within what ``user``
    may export (404 otherwise), as the page and the print job both read them."""
    if "trip" in params:
        trip = get_scoped_or_404(Trip.objects.select_related("enterprise"), user, Action.EXPORT,
                                 code=str(params["trip"]).upper()[:30])
        workers = [e.worker for e in ManifestEntry.objects.filter(trip=trip).select_related("worker__enterprise")
                   .order_by("worker__code")]
        return workers, trip
    worker = get_scoped_or_404(Worker.objects.select_related("enterprise"), user, Action.EXPORT,
                               code=str(params.get("worker", "")).upper()[:30])
    entry = ManifestEntry.objects.filter(worker=worker).select_related("trip").first()
    return [worker], entry.trip if entry else None


def digest(page: str) -> str:
    return hashlib.sha256(page.encode()).hexdigest()[:32]


def make(user: Viewer, params: dict[str, Any]) -> bytes:
    """The print job's file (``core.exportjobs``): the slips as this user may see them, printed in a slot."""
    workers, trip = chosen(user, params)
    return pdf(user, workers, trip)


def queue(user: Viewer, params: dict[str, Any], workers: list[Worker], trip: Trip | None, name: str) -> ExportJob:
    """The slips' print job: printing takes Chromium seconds and about 1 GiB, so it is queued (at most
    ``PDF_CONCURRENCY`` print at once) and the same request joins it. The page as the user sees it now names
    the job, so the same slips are printed once and a changed manifest or view gets a job of its own."""
    if not printing.available():
        raise PdfUnavailable("PDF files need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk")
    page = html(user, workers, trip, audit=False)
    return exportjobs.queue_print(user, KIND, {**params, "digest": digest(page)}, name, total=len(workers))
