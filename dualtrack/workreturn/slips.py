"""The three slips (三联单) of a worker: 备案单 kept by the village, 联络单 carried by the worker, 回执单 returned by
the enterprise, with one QR code (segno) carrying the worker's opaque token and nothing else. One printable PDF
per worker or per trip, laid out in Chinese on A4 (three slips to a page).

The files hold names and phones: written readable by the application's user only (a folder of mode 700, files of
mode 600) and erased with the workers' personal data (``services.erase_personal_data``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from dualtrack.core import background
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.pdf import PdfUnavailable, html_to_pdf
from dualtrack.core.pdf import available as pdf_available

from . import services
from .models import Trip, Worker

SLIPS = [("备案单", "(村居留存)"), ("联络单", "(务工人员随身携带)"), ("回执单", "(企业到岗后返回村居)")]


def qr_svg(token: str) -> str:
    """The QR code of ``token`` as inline SVG (no personal data in it)."""
    return segno.make(token, error="m", micro=False).svg_inline(scale=3, border=2)


def html(user: Any, workers: list[Worker], trip: Trip | None = None) -> str:
    sheets = []
    for worker in workers:
        person = services.person(user, worker)
        sheets.append({"worker": worker, "person": person, "qr": mark_safe(qr_svg(worker.slip_token)),  # noqa: S308 - segno's own SVG
                       "trip": trip, "departure": trip.departure.astimezone(SHANGHAI) if trip else None})
    return render_to_string("workreturn/slips.html", {"sheets": sheets, "slips": SLIPS})


def pdf(user: Any, workers: list[Worker], trip: Trip | None = None) -> bytes:
    return html_to_pdf(html(user, workers, trip))


def folder() -> Path:
    path = Path(getattr(settings, "EXPORTS_ROOT", None) or Path(settings.HOME) / "exports") / "slips"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # a folder made by an earlier release was world-readable
    return path


def _write_private(path: Path, data: bytes) -> None:
    """``data`` into ``path``, readable and writable by the application's user only (mode 600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through os.open
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def erase() -> int:
    """Every slips file (printed, being printed): they hold the personal data erased with them. Returns how many."""
    erased = 0
    for path in folder().iterdir():
        if path.is_file():
            path.unlink(missing_ok=True)
            erased += 1
    return erased


def prepare(user: Any, workers: list[Worker], trip: Trip | None = None) -> tuple[Path, bool]:
    """The slips' PDF file and whether it is ready. Printing takes Chromium a few seconds: the page is built now
    (what this user may see of each worker), printed in the background, and named by its content, so the same
    slips are printed once and a changed manifest or view gets a file of its own."""
    if not pdf_available():
        raise PdfUnavailable("PDF files need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk")
    page = html(user, workers, trip)
    target = folder() / f"{hashlib.sha256(page.encode()).hexdigest()[:32]}.pdf"
    if target.exists():
        return target, True
    busy = target.with_suffix(".part")
    if not busy.exists():
        _write_private(busy, b"")
        background.in_thread(f"slips-{target.stem}", _print, page, target)
    return target, False


def _print(page: str, target: Path) -> None:
    try:
        data = html_to_pdf(page)
        _write_private(target.with_suffix(".tmp"), data)
        target.with_suffix(".tmp").replace(target)
    except PdfUnavailable:
        pass
    finally:
        target.with_suffix(".part").unlink(missing_ok=True)
