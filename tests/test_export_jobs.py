"""Long exports run as jobs (#14): progress, the file when ready, only for its user, picked up after a stop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dualtrack.core import exportjobs
from dualtrack.core.models import AuditLog, ExportJob, ExportStatus

from .conftest import City
from .helpers import read_xlsx

URL = "/registry/enterprises/export.xlsx"


def test_a_small_export_is_downloaded_at_once(client: Any, city: City) -> None:
    client.force_login(city.users["hq"])
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_a_long_export_is_a_job_with_progress_and_its_file(client: Any, city: City, settings: Any) -> None:
    settings.EXPORT_INLINE_ROWS = 1  # the city's 3 enterprises count as a long list here
    client.force_login(city.users["district"])  # 江北: two enterprises
    response = client.get(URL, {"county": "339102"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.token}/"
    assert (job.status, job.total, job.params) == (ExportStatus.PENDING, 2, {"county": ["339102"]})
    page = client.get(response["Location"])
    assert page.status_code == 200 and "排队中" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    assert client.get(f"/exports/{job.token}/file").status_code == 404  # not ready
    assert exportjobs.run(job.pk) is True
    assert exportjobs.run(job.pk) is False  # a second runner loses the race
    job.refresh_from_db()
    assert (job.status, job.done_rows, job.percent(job.done_rows)) == (ExportStatus.DONE, 2, 100)
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "下载文件" in fragment and "every 1s" not in fragment  # polling stops when done
    download = client.get(f"/exports/{job.token}/file")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = read_xlsx(b"".join(download.streaming_content))
    assert sorted(r[1] for r in rows[1:]) == ["宁江高科电子有限公司", "江北恒达机械有限公司"]
    audit = AuditLog.objects.filter(object_type="registry.enterprise", detail__job=str(job.token)).get()
    assert audit.actor == city.users["district"] and audit.detail["rows"] == 2


def test_only_its_user_sees_a_job(client: Any, city: City, settings: Any) -> None:
    settings.EXPORT_INLINE_ROWS = 0
    client.force_login(city.users["hq"])
    location = client.get(URL)["Location"]
    token = ExportJob.objects.get().token
    exportjobs.run(ExportJob.objects.get().pk)
    client.force_login(city.users["leader"])
    assert client.get(location).status_code == 404
    assert client.get(f"/exports/{token}/file").status_code == 404


def test_the_worker_picks_up_what_a_stopped_process_left(client: Any, city: City, settings: Any) -> None:
    settings.EXPORT_INLINE_ROWS = 0
    client.force_login(city.users["hq"])
    client.get(URL)
    job = ExportJob.objects.get()
    later = timezone.now() + dt.timedelta(minutes=1)
    assert exportjobs.worker_step(later)["ran"] == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and exportjobs.file_of(job).exists()
    # A job left running by a process that stopped is run again.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())
    assert exportjobs.worker_step(timezone.now() + exportjobs.STALLED_AFTER + dt.timedelta(minutes=1))["ran"] == 1
    # After a day the file and the job go.
    assert exportjobs.worker_step(timezone.now() + exportjobs.KEEP + dt.timedelta(hours=1))["deleted"] == 1
    assert not exportjobs.file_of(job).exists() and not ExportJob.objects.exists()


def test_a_failing_export_says_so(client: Any, city: City) -> None:
    def rows() -> Any:
        yield ["a"]
        raise RuntimeError("disk full")

    exportjobs.register_export("test.broken", lambda user, params: exportjobs.Export(
        [exportjobs.Sheet("x", ["a"], rows())], "x.xlsx", "test", "x", total=2))
    try:
        job = ExportJob.objects.create(token="00000000-0000-0000-0000-000000000001", kind="test.broken",
                                       user=city.users["hq"], total=1, filename="x.xlsx")
        assert exportjobs.run(job.pk) is False
        job.refresh_from_db()
        assert job.status == ExportStatus.FAILED and "disk full" in job.error
        client.force_login(city.users["hq"])
        assert "导出失败" in client.get(f"/exports/{job.token}/").content.decode()
    finally:
        exportjobs._BUILDERS.pop("test.broken", None)


def test_progress_is_read_beside_the_file_while_it_runs(city: City) -> None:
    job = ExportJob.objects.create(token="00000000-0000-0000-0000-000000000002", kind="registry.enterprises",
                                   user=city.users["hq"], total=4000, filename="x.xlsx", status=ExportStatus.RUNNING)
    assert exportjobs.progress(job) == 0
    exportjobs.progress_file(job).write_text("2000")
    assert exportjobs.progress(job) == 2000 and job.percent(2000) == 50
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done_rows=4000)
    job.refresh_from_db()
    assert exportjobs.progress(job) == 4000 and job.percent(4000) == 100
