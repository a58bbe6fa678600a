"""PDF printing is heavy work, queued (#26 §5, DOMAIN.md §15 "Heavy work is queued"): each print starts a
Chromium (about 1 GiB), so at most ``PDF_CONCURRENCY`` (default 2) print at once on the machine, across threads
and processes; a request to print queues a job (or joins the same request's job) and its page shows the job's
place in the queue and the download when ready. The printer here is a stub that records how many print at once;
the real PDF is printed by ``test_workreturn`` and ``test_bulletins``."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from dualtrack.core import exportjobs, pdf
from dualtrack.core.models import ExportJob, ExportStatus
from dualtrack.workreturn import services
from dualtrack.workreturn.models import Trip, Worker

from .conftest import City
from .test_workreturn import campaign  # noqa: F401 - the fixture


class StubPrinter:
    """Stands in for Chromium (``subprocess.run``): writes a small PDF after a while, counting prints at once."""

    def __init__(self, seconds: float = 0.2) -> None:
        self.seconds, self.now, self.most, self.calls = seconds, 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, command: list[str], **_kwargs: Any) -> None:
        with self.lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)
        time.sleep(self.seconds)
        target = next(a.split("=", 1)[1] for a in command if a.startswith("--print-to-pdf="))
        Path(target).write_bytes(b"%PDF-1.4 stub\n%%EOF")
        with self.lock:
            self.now -= 1


@pytest.fixture
def printer(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> StubPrinter:
    stub = StubPrinter()
    monkeypatch.setattr(pdf.subprocess, "run", stub)
    monkeypatch.setattr(pdf, "available", lambda: True)
    settings.HOME = tmp_path
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return stub


def _print_many(n: int) -> list[bytes]:
    done: list[bytes] = []
    threads = [threading.Thread(target=lambda: done.append(pdf.html_to_pdf("<p>三联单</p>"))) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return done


def test_twelve_prints_at_once_run_two_at_a_time(printer: StubPrinter) -> None:
    done = _print_many(12)
    assert len(done) == 12 and all(d.startswith(b"%PDF") for d in done)
    assert printer.calls == 12 and printer.most == 2  # the default bound, and it is used


def test_the_bound_is_a_setting(printer: StubPrinter, settings: Any) -> None:
    settings.PDF_CONCURRENCY = 3
    _print_many(9)
    assert printer.most == 3


def _child(locks: str, log: str) -> None:
    """A second process printing (a web process beside the worker): its prints' start and end times."""
    import os
    import subprocess

    from django.conf import settings as django_settings

    django_settings.PDF_LOCKS_ROOT = locks
    django_settings.PDF_CONCURRENCY = 2
    pdf.available = lambda: True  # type: ignore[assignment]

    def stub(command: list[str], **_kwargs: Any) -> None:
        started = time.monotonic()
        time.sleep(0.2)
        Path(next(a.split("=", 1)[1] for a in command if a.startswith("--print-to-pdf="))).write_bytes(b"%PDF")
        with open(log, "a") as out:
            out.write(f"{started} {time.monotonic()}\n")

    subprocess.run = stub  # type: ignore[assignment]
    for _ in range(3):
        pdf.html_to_pdf("<p>x</p>")
    os._exit(0)


def test_the_bound_holds_across_processes(tmp_path: Path) -> None:
    log = tmp_path / "prints.log"
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_child, args=(str(tmp_path / "locks"), str(log))) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
    spans = [tuple(map(float, line.split())) for line in log.read_text().splitlines()]
    assert len(spans) == 12
    most = max(sum(1 for s, e in spans if s <= moment < e) for moment, _end in spans)
    assert most <= 2


def test_a_print_request_is_a_queued_job_with_its_place_and_progress(client: Any, campaign: City,  # noqa: F811
                                                                     printer: StubPrinter) -> None:
    services.set_manifest(campaign.users["hq"], Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:2])
    client.force_login(campaign.users["binhai_district"])
    first = client.get("/worker-return/workers/W001/slips.pdf").content.decode()
    page = client.get("/worker-return/trips/T1/slips.pdf").content.decode()
    assert 'id="slips-pending"' in page and 'data-status="pending"' in page and printer.calls == 0
    assert "排队打印中，前面还有 1 个文件" in page and 'hx-trigger="every 1s"' in page  # its place, refreshed
    assert "排队打印中，即将开始" in first
    again = client.get("/worker-return/trips/T1/slips.pdf").content.decode()  # the same request joins its job
    assert 'id="slips-pending"' in again and ExportJob.objects.count() == 2
    job = ExportJob.objects.get(params__trip="T1")
    assert (job.kind, job.total, job.status) == ("workreturn.slips", 2, ExportStatus.PENDING)
    assert exportjobs.run(job.pk) and printer.calls == 1
    done = client.get(f"/exports/{job.token}/", HTTP_HX_REQUEST="true").content.decode()
    assert "下载文件" in done and "every 1s" not in done and "共 2 份" in done
    download = client.get("/worker-return/trips/T1/slips.pdf")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    assert client.get(f"/exports/{job.token}/file")["Content-Type"] == "application/pdf"
    assert exportjobs.file_of(job).stat().st_mode & 0o077 == 0  # not readable by other accounts
    assert printer.calls == 1 and ExportJob.objects.count() == 2  # printed once
    # Only its user sees the job.
    client.force_login(campaign.users["hq"])
    assert client.get(f"/exports/{job.token}/").status_code == 404


def test_a_bulletin_pdf_on_request_is_a_queued_job(client: Any, city: City, printer: StubPrinter) -> None:
    import datetime as dt

    client.force_login(city.users["hq"])
    response = client.get("/bulletins/bulletin.pdf", {"date": "2020-02-19"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.token}/"
    assert printer.calls == 0 and job.kind == "bulletins.pdf" and job.params == {"date": "2020-02-19"}
    assert "排队打印中" in client.get(response["Location"]).content.decode()
    assert client.get("/bulletins/bulletin.pdf", {"date": "2020-02-19"})["Location"] == response["Location"]
    assert exportjobs.run(job.pk) and printer.calls == 1
    file = client.get(f"/exports/{job.token}/file")
    assert file["Content-Type"] == "application/pdf" and dt.date(2020, 2, 19)
