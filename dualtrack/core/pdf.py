"""HTML printed to PDF by headless Chromium (with the Noto CJK fonts the set-up installs): the daily bulletin, the
worker-return slips. One path for every PDF the platform makes.

A Chromium takes about 1 GiB while it prints: at most ``PDF_CONCURRENCY`` (default 2) print at once on a machine,
across the web processes, their threads and the worker (DOMAIN.md §15 "Heavy work is queued"). A print takes one
of that many slots, each an exclusive lock on a file under ``$DUALTRACK_HOME/locks`` (``flock``: freed by the
system when a process stops, so a crash never keeps a slot); a print waits for a free slot."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings


class PdfUnavailable(RuntimeError):
    """Chromium is needed to print the PDF."""


class PdfBusy(RuntimeError):
    """No print slot came free in time."""


WAIT_POLL = 0.1  # seconds between two looks for a free slot
_held = threading.local()


def available() -> bool:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return Path(chromium).exists() or shutil.which(chromium) is not None


def concurrency() -> int:
    return max(1, int(getattr(settings, "PDF_CONCURRENCY", 2)))


def _locks() -> Path:
    path = Path(getattr(settings, "PDF_LOCKS_ROOT", None) or Path(settings.HOME) / "locks")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def slot(wait: float = 600.0) -> Iterator[int]:
    """Hold one of the ``PDF_CONCURRENCY`` print slots (waiting up to ``wait`` seconds for one): the number held.
    A thread that holds one already (a print job that prints) does not take a second."""
    if getattr(_held, "slot", None) is not None:
        yield _held.slot
        return
    deadline = time.monotonic() + wait
    folder = _locks()
    while True:
        for number in range(concurrency()):
            handle = (folder / f"pdf-{number}.lock").open("a")  # noqa: SIM115 - closed below, when released
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            _held.slot = number
            try:
                yield number
            finally:
                _held.slot = None
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise PdfBusy("every PDF print slot stayed busy")
        time.sleep(WAIT_POLL)


def html_to_pdf(html: str, *, timeout: int = 120) -> bytes:
    if not available():
        raise PdfUnavailable("PDF files need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk")
    with slot():
        return _chromium(html, timeout)


def _chromium(html: str, timeout: int) -> bytes:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory(prefix="dualtrack-pdf-") as work:
        source, target = Path(work) / "document.html", Path(work) / "document.pdf"
        source.write_text(html, encoding="utf-8")
        subprocess.run(  # noqa: S603 - a fixed program and our own files
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
             f"--user-data-dir={work}/profile", f"--print-to-pdf={target}", source.as_uri()],
            check=True, capture_output=True, timeout=timeout)
        return target.read_bytes()
