"""HTML printed to PDF by headless Chromium (with the Noto CJK fonts the set-up installs): the daily bulletin, the
worker-return slips. One path for every PDF the platform makes."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class PdfUnavailable(RuntimeError):
    """Chromium is needed to print the PDF."""


def available() -> bool:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return Path(chromium).exists() or shutil.which(chromium) is not None


def html_to_pdf(html: str, *, timeout: int = 120) -> bytes:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not available():
        raise PdfUnavailable("PDF files need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="dualtrack-pdf-") as work:
        source, target = Path(work) / "document.html", Path(work) / "document.pdf"
        source.write_text(html, encoding="utf-8")
        subprocess.run(  # noqa: S603 - a fixed program and our own files
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
             f"--user-data-dir={work}/profile", f"--print-to-pdf={target}", source.as_uri()],
            check=True, capture_output=True, timeout=timeout)
        return target.read_bytes()
