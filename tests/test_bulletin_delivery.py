"""Stored bulletins: snapshot, sign-off, reproduction after the data changes, the daily schedule, retries,
and delivery in-app, by email and to DingTalk / WeCom robots (a local receiver)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from dualtrack.bulletins import services
from dualtrack.bulletins.models import Channel, Job, JobStatus, StoredBulletin, Subscription
from dualtrack.core.models import Notification
from dualtrack.resumption import snapshot
from dualtrack.resumption.models import ResumptionReport

from .conftest import City, D


class Receiver:
    """A robot endpoint on 127.0.0.1 that records bodies and answers with a scripted status."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"errcode": 0 if status == 200 else 500}).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def docx_tables(data: bytes) -> list[list[str]]:
    import io

    document = Document(io.BytesIO(data))
    return [[c.text for c in row.cells] for table in document.tables for row in table.rows]


def test_generate_sign_off_and_reproduce(client: Any, power_city: City) -> None:  # noqa: F811
    stored = services.generate(D, power_city.users["hq"])
    assert stored.status == "draft" and stored.content["figures"]["resumed"] == 2 and len(stored.digests) >= 2
    with pytest.raises(PermissionDenied):
        services.sign_off(stored, power_city.users["leader"])
    released = services.sign_off(stored, power_city.users["hq"])
    assert released.status == "released" and released.signed_off_by == power_city.users["hq"]
    # Late data arrives after release: the released bulletin keeps its numbers, on the page's download and the
    # stored bulletin's (what is served is what was signed), while the day's picture counts the late report.
    ResumptionReport.objects.create(enterprise=power_city.e_binhai, date=D, resumed=True, workers_on_duty=5)
    from dualtrack.bulletins import content

    snapshot.refresh(D)
    assert content.build(D).figures["resumed"] == 3
    client.force_login(power_city.users["hq"])
    for url in (f"/bulletins/bulletin.docx?date={D.isoformat()}", f"/bulletins/stored/{D.isoformat()}/bulletin.docx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert docx_tables(response.content) == docx_tables(bytes(released.docx)), url
    assert StoredBulletin.objects.get(pk=stored.pk).content["figures"]["resumed"] == 2
    with pytest.raises(ValidationError):
        services.generate(D, power_city.users["hq"])


def test_daily_schedule_is_durable(power_city: City) -> None:  # noqa: F811
    with time_machine.travel(dt.datetime(2020, 2, 11, 7, 0, tzinfo=services.SHANGHAI), tick=False) as clock:
        job = services.schedule_daily()
        assert job is not None and job.key == "2020-02-10" and services.schedule_daily().pk == job.pk  # once
        assert services.run_due() == {"done": 0, "retry": 0, "failed": 0}  # not yet 08:00
        clock.shift(dt.timedelta(hours=1, minutes=1))
        assert services.run_due()["done"] == 1
    assert StoredBulletin.objects.get(date=D).status == "draft"


def test_delivery_to_every_channel_with_retry(power_city: City, receiver: Receiver, settings: Any) -> None:  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Subscription.objects.create(channel=Channel.IN_APP, user=power_city.users["leader"])
    Subscription.objects.create(channel=Channel.EMAIL, target="leader@example.gov.cn")
    Subscription.objects.create(channel=Channel.DINGTALK, target=receiver.url)
    Subscription.objects.create(channel=Channel.WECOM, target=receiver.url)
    receiver.statuses = [500]  # the first robot call fails once
    stored = services.generate(D, power_city.users["hq"])
    services.sign_off(stored, power_city.users["hq"])
    counts = services.run_due()
    # three deliveries, the draft's PDF job and the released bulletin's (第1期, 签发人); one robot retries
    assert counts == {"done": 5, "retry": 1, "failed": 0}
    released = StoredBulletin.objects.get(pk=stored.pk)
    assert released.pdf is not None and released.issue_number == 1
    import pypdfium2 as pdfium

    first = pdfium.PdfDocument(bytes(released.pdf))[0].get_textpage().get_text_range().replace("\r\n", "")
    assert "2020年第1期" in first.replace("\n", "")
    assert Notification.objects.get(user=power_city.users["leader"]).title == stored.content["title"]
    assert mail.outbox[0].to == ["leader@example.gov.cn"] and mail.outbox[0].subject == stored.content["title"]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    assert services.run_due(later)["done"] == 1  # retried after its back-off
    formats = {("markdown" in b and "text" in b["markdown"]) for b in receiver.bodies}
    assert formats == {True, False}  # DingTalk {"markdown": {"title", "text"}} and WeCom {"markdown": {"content"}}
    assert any("content" in b["markdown"] and b["msgtype"] == "markdown" for b in receiver.bodies)
    assert Job.objects.filter(status=JobStatus.DONE, kind="deliver").count() == 4
    # What leaves the application links back to it absolutely (SITE_URL); the in-app notice keeps the path.
    link = f"{settings.SITE_URL}/bulletins/stored/{D.isoformat()}/"
    assert link in mail.outbox[0].body
    assert all(link in json.dumps(b["markdown"], ensure_ascii=False) for b in receiver.bodies)
    assert Notification.objects.get(user=power_city.users["leader"]).link == f"/bulletins/stored/{D.isoformat()}/"


def test_failures_are_kept_for_hq(power_city: City, client: Any) -> None:  # noqa: F811
    Subscription.objects.create(channel=Channel.DINGTALK, target="http://127.0.0.1:9/unreachable")
    services.sign_off(services.generate(D, power_city.users["hq"]), power_city.users["hq"])
    moment = dt.datetime.now(dt.UTC)
    for _attempt in range(services.MAX_ATTEMPTS):
        moment += dt.timedelta(hours=1)
        services.run_due(moment)
    job = Job.objects.get(kind="deliver")
    assert job.status == JobStatus.FAILED and job.attempts == services.MAX_ATTEMPTS and job.last_error
    client.force_login(power_city.users["hq"])
    page = client.get("/bulletins/stored/")
    assert 'id="failed-jobs"' in page.content.decode()
    client.post(f"/bulletins/jobs/{job.pk}/retry/")
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING


def test_stored_pages(power_city: City, client: Any) -> None:  # noqa: F811
    client.force_login(power_city.users["hq"])
    response = client.post("/bulletins/stored/", {"date": D.isoformat()})
    assert response.status_code == 302
    page = client.get(f"/bulletins/stored/{D.isoformat()}/")
    assert "签发并推送" in page.content.decode()
    client.post(f"/bulletins/stored/{D.isoformat()}/", {"action": "sign_off"})
    assert StoredBulletin.objects.get(date=D).status == "released"
    assert client.get(f"/bulletins/stored/{D.isoformat()}/bulletin.docx").status_code == 200
    client.force_login(power_city.users["district"])
    assert client.get(f"/bulletins/stored/{D.isoformat()}/").status_code == 404
