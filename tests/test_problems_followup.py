"""Problems, the follow-up: due-soon and overdue, notifications and the leader's page for escalated items,
recurrence, attachments, merging duplicates, liaison officers (by hand, by file, coverage, visits), and the
triage suggestion."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dualtrack.core.calendar import SHANGHAI
from dualtrack.core.models import Notification
from dualtrack.liaison import services as liaison
from dualtrack.problems import services, suggest
from dualtrack.problems.models import Category, Problem

from .conftest import City, _user, make_enterprise
from .test_problems import T0, triage_and_assign


@pytest.fixture
def problem(city: City) -> Problem:
    with time_machine.travel(T0, tick=False):
        return services.report(city.users["enterprise"], "口罩短缺,复工员工无法上岗", enterprise=city.e_jiangbei)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- due soon, overdue, notifications, the leader's page ----------------------------------------------------

def test_due_soon_and_overdue(city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        assigned = triage_and_assign(city, problem, complexity="simple")  # due Tuesday 11 February 23:59:59
    monday = dt.datetime(2020, 2, 10, 20, 0, tzinfo=SHANGHAI)
    tuesday_morning = dt.datetime(2020, 2, 11, 8, 0, tzinfo=SHANGHAI)
    wednesday = dt.datetime(2020, 2, 12, 0, 0, 1, tzinfo=SHANGHAI)
    assert services.deadline_status(assigned, monday) is None  # more than 24 hours left
    assert services.deadline_status(assigned, tuesday_morning) == "due_soon"
    assert services.deadline_status(assigned, wednesday) == "overdue"
    flags = services.deadline_flags(tuesday_morning)
    assert list(Problem.objects.filter(flags["due_soon"])) == [assigned]
    assert not Problem.objects.filter(flags["overdue"]).exists()
    resolved = services.move(assigned.pk, assigned.version, "resolved", city.users["department"], "", answer="已办")
    assert services.deadline_status(resolved, wednesday) is None  # resolved problems are neither


def test_escalation_notifies_and_reaches_the_leaders_page(client: Any, city: City, problem: Problem) -> None:
    vice_mayor = _user("fuShiZhang", "leader")
    vice_mayor.leader_level = 2
    vice_mayor.save()
    vice_mayor.supervised_departments.add(city.department)
    other_vice_mayor = _user("otherVice", "leader")
    other_vice_mayor.leader_level = 2
    other_vice_mayor.save()
    other_vice_mayor.supervised_departments.add(make_department())
    executive = _user("changWu", "leader")
    executive.leader_level = 3
    executive.save()

    with time_machine.travel(T0, tick=False):
        assigned = triage_and_assign(city, problem, complexity="simple")
    handler = city.users["department"]
    assert Notification.objects.filter(user=handler, title__contains=assigned.ref).count() == 1  # assigned to them

    services.escalate_due(dt.datetime(2020, 2, 12, 8, 0, tzinfo=SHANGHAI))  # level 1: the department
    assert Notification.objects.filter(user=handler).count() == 2
    assert "行业主管部门" in Notification.objects.filter(user=handler).first().title
    services.escalate_due(dt.datetime(2020, 2, 14, 8, 0, tzinfo=SHANGHAI))  # level 2: the vice-mayor in charge
    notice = Notification.objects.get(user=vice_mayor)
    assert "分管副市长" in notice.title and notice.link == f"/problems/{assigned.ref}/"
    assert not Notification.objects.filter(user__in=[other_vice_mayor, executive]).exists()

    client.force_login(vice_mayor)
    page = client.get("/problems/escalated/").content.decode()
    assert f'data-ref="{assigned.ref}"' in page
    client.force_login(other_vice_mayor)
    assert f'data-ref="{assigned.ref}"' not in client.get("/problems/escalated/").content.decode()
    client.force_login(executive)
    assert f'data-ref="{assigned.ref}"' not in client.get("/problems/escalated/").content.decode()
    client.force_login(city.users["hq"])
    assert f'data-ref="{assigned.ref}"' in client.get("/problems/escalated/").content.decode()
    client.force_login(city.users["enterprise"])
    assert client.get("/problems/escalated/").status_code == 403

    # the bell, the list, marking read; nobody marks another user's notices
    client.force_login(vice_mayor)
    assert '<span class="badge">1</span>' in client.get("/notifications/").content.decode()
    client.force_login(executive)
    client.post("/notifications/", {"id": notice.pk})
    assert Notification.objects.get(pk=notice.pk).read is False
    client.force_login(vice_mayor)
    response = client.post("/notifications/", {"id": notice.pk, "next": notice.link})
    assert response.status_code == 302 and response["Location"] == notice.link
    assert Notification.objects.get(pk=notice.pk).read is True
    assert client.post("/notifications/", {"next": "https://evil.example/"})["Location"] == "/notifications/"


def make_department() -> Any:
    from dualtrack.registry.models import Department

    return Department.objects.create(code="SWJ", name="市商务局")


def test_worker_escalation_twice_at_once_notifies_once(city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        triage_and_assign(city, problem, complexity="simple")
    moment = dt.datetime(2020, 2, 12, 8, 0, tzinfo=SHANGHAI)
    assert services.escalate_due(moment) + services.escalate_due(moment) == 1
    assert Notification.objects.filter(user=city.users["department"], title__contains="调度").count() == 1


# --- recurrence ----------------------------------------------------------------------------------------------

def _triaged(city: City, when: dt.datetime, category: str = "用工", enterprise: Any = None) -> Problem:
    with time_machine.travel(when, tick=False):
        p = services.report(city.users["hq"], f"员工返岗难 {when:%m%d}", enterprise=enterprise or city.e_jiangbei)
        return services.move(p.pk, p.version, "triaged", city.users["hq"], "",
                             category=Category.objects.get(name=category), department=city.department,
                             complexity="simple")


def test_recurrence_three_times_within_30_days(city: City) -> None:
    first = _triaged(city, dt.datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI))
    _triaged(city, dt.datetime(2020, 2, 10, 9, 0, tzinfo=SHANGHAI), category="资金")  # another category
    _triaged(city, dt.datetime(2020, 2, 12, 9, 0, tzinfo=SHANGHAI), enterprise=city.e_binhai)  # another enterprise
    second = _triaged(city, dt.datetime(2020, 2, 15, 9, 0, tzinfo=SHANGHAI))
    assert not Problem.objects.filter(recurring=True).exists()
    third = _triaged(city, dt.datetime(2020, 3, 2, 8, 59, tzinfo=SHANGHAI))  # 29 days 23:59 after the first
    assert set(Problem.objects.filter(recurring=True)) == {first, second, third}
    assert services.refresh_recurrence() == 3  # the import's whole-table pass agrees


def test_no_recurrence_when_the_run_is_longer_than_30_days(city: City) -> None:
    _triaged(city, dt.datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI))
    _triaged(city, dt.datetime(2020, 2, 15, 9, 0, tzinfo=SHANGHAI))
    _triaged(city, dt.datetime(2020, 3, 2, 9, 0, tzinfo=SHANGHAI))  # exactly 30 days after the first
    assert not Problem.objects.filter(recurring=True).exists()
    assert services.refresh_recurrence() == 0


# --- attachments ---------------------------------------------------------------------------------------------

def test_attachments_checked_by_content_and_served_in_scope(client: Any, city: City, problem: Problem,
                                                            settings: Any) -> None:
    client.force_login(city.users["enterprise"])
    photo = png_bytes()
    response = client.post(f"/problems/{problem.ref}/", {"action": "attach",
                                                         "file": SimpleUploadedFile("现场.png", photo, "image/png")})
    assert response.status_code == 302
    item = problem.attachments.get()
    assert item.content_type == "image/png" and item.size == len(photo)
    stored = services.attachment_path(item)
    assert stored.read_bytes() == photo and stored.parent == settings.ATTACHMENTS_ROOT
    assert not str(stored).startswith(str(settings.STATIC_ROOT)) and not str(stored).startswith(str(settings.MEDIA_ROOT))
    download = client.get(f"/problems/{problem.ref}/attachments/{item.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == photo
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    client.force_login(city.users["district_binhai"])
    assert client.get(f"/problems/{problem.ref}/attachments/{item.pk}/").status_code == 404

    def refused(name: str, data: bytes, content_type: str) -> str:
        with pytest.raises(ValidationError) as exc:
            services.attach(problem, SimpleUploadedFile(name, data, content_type), city.users["enterprise"])
        return str(exc.value.message_dict["file"][0])

    assert "只接受" in refused("发票.pdf", b"MZ\x90\x00 this is a program", "application/pdf")  # the name lies
    assert "损坏" in refused("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "image/png")
    assert "不完整" in refused("a.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf")
    assert "过大" in refused("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "application/pdf")
    assert problem.attachments.count() == 1


def test_photos_preview_in_the_page_only_for_those_who_may_see_the_problem(client: Any, city: City,
                                                                            problem: Problem) -> None:
    """A photo shows in the problem's page as a preview (made upright from the phone's EXIF orientation, at most
    480 px), a tap opens the photo itself; both through the attachment's scoped address (404 out of scope), inline as
    images only; a PDF stays a download link."""
    from PIL import Image

    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone held upright: the pixels are stored turned 90°
    Image.new("RGB", (1600, 1200), (30, 120, 200)).save(out, format="JPEG", exif=exif)
    photo = out.getvalue()
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    client.force_login(city.users["enterprise"])
    for name, data, kind in (("门口.jpg", photo, "image/jpeg"), ("函件.pdf", pdf, "application/pdf")):
        assert client.post(f"/problems/{problem.ref}/", {"action": "attach",
                                                         "file": SimpleUploadedFile(name, data, kind)}).status_code == 302
    image, letter = problem.attachments.order_by("pk")
    base = f"/problems/{problem.ref}/attachments"
    page = client.get(f"/problems/{problem.ref}/").content.decode()
    assert f'<img src="{base}/{image.pk}/?view=thumb"' in page and f'href="{base}/{image.pk}/?view=photo"' in page
    assert f"{base}/{letter.pk}/?view" not in page and f'href="{base}/{letter.pk}/"' in page  # the PDF: a link
    assert page.count("<img ") == 1
    thumb = client.get(f"{base}/{image.pk}/?view=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert "attachment" not in thumb.get("Content-Disposition", "") and thumb["X-Content-Type-Options"] == "nosniff"
    assert thumb["Content-Security-Policy"] == "default-src 'none'; sandbox"
    preview = Image.open(io.BytesIO(b"".join(thumb.streaming_content)))
    assert preview.size == (360, 480)  # upright (portrait) and small
    full = client.get(f"{base}/{image.pk}/?view=photo")
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    assert full["Content-Disposition"].startswith("inline") and b"".join(full.streaming_content) == photo
    for view in ("thumb", "photo"):  # never a PDF inline
        assert client.get(f"{base}/{letter.pk}/?view={view}").status_code == 404
    download = client.get(f"{base}/{letter.pk}/?view=other")
    assert download.status_code == 404
    client.force_login(city.users["liaison"])  # the liaison officer of the enterprise may see the problem
    assert client.get(f"{base}/{image.pk}/?view=thumb").status_code == 200
    client.force_login(city.users["district_binhai"])  # another county: no page, no preview, no photo
    assert client.get(f"/problems/{problem.ref}/").status_code == 404
    for view in ("thumb", "photo"):
        assert client.get(f"{base}/{image.pk}/?view={view}").status_code == 404


def test_report_with_a_photo_from_the_phone(client: Any, city: City) -> None:
    client.force_login(city.users["enterprise"])
    response = client.post("/problems/new/", {"description": "厂区道路被封,货车进不来",
                                              "file": SimpleUploadedFile("road.png", png_bytes(), "image/png")})
    assert response.status_code == 302
    assert Problem.objects.get().attachments.count() == 1
    bad = client.post("/problems/new/", {"description": "再报一个", "file": SimpleUploadedFile("x.png", b"hello")})
    assert bad.status_code == 200 and "只接受" in bad.content.decode()
    assert Problem.objects.count() == 1  # nothing half-written


def test_errors_follow_the_users_language(client: Any, city: City, problem: Problem) -> None:
    """Messages raised by the domain functions are translated like the pages: English for an English user."""
    client.force_login(city.users["hq"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/problems/{problem.ref}/", {"action": "merge", "into": "WT2020-99999"}, follow=True)
    body = response.content.decode()
    assert "No problem has the number “WT2020-99999”" in body and "找不到编号" not in body
    client.force_login(city.users["enterprise"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    bad = client.post("/problems/new/", {"description": "x", "file": SimpleUploadedFile("x.png", b"hello")})
    assert "Only photos (JPG, PNG) and PDF files are accepted" in bad.content.decode()


# --- merging duplicates --------------------------------------------------------------------------------------

def test_merge_a_duplicate(client: Any, city: City, problem: Problem) -> None:
    duplicate = services.report(city.users["liaison"], "企业反映口罩不够", enterprise=city.e_jiangbei)
    client.force_login(city.users["enterprise"])  # sees its own problem, may not triage it: 403
    assert client.post(f"/problems/{problem.ref}/", {"action": "merge", "into": problem.ref}).status_code == 403
    client.force_login(city.users["hq"])
    client.post(f"/problems/{duplicate.ref}/", {"action": "merge", "into": "WT2020-99999"})
    assert Problem.objects.get(pk=duplicate.pk).state == "reported"  # unknown ref: nothing changed
    client.post(f"/problems/{duplicate.ref}/", {"action": "merge", "into": problem.ref, "comment": "同一事项"})
    merged = Problem.objects.get(pk=duplicate.pk)
    assert merged.state == "closed" and merged.duplicate_of == problem
    assert merged.events.last().comment == f"与 {problem.ref} 重复，合并。同一事项"
    assert problem.events.last().comment == f"合并重复问题 {duplicate.ref}"
    page = client.get(f"/problems/{problem.ref}/").content.decode()
    assert duplicate.ref in page
    with pytest.raises(ValidationError):
        services.merge(problem.pk, merged.ref, city.users["hq"])  # not into a merged one


# --- liaison officers ----------------------------------------------------------------------------------------

def test_coverage_by_hand_and_by_file(client: Any, city: City) -> None:
    from dualtrack.core.imports import get_dataset, run_import

    from .helpers import csv_bytes

    second_key = make_enterprise(city.binhai, "滨海重工有限公司", is_key=True)
    report = liaison.coverage(city.users["hq"])
    assert (report["total"], report["covered"]) == (2, 1)  # e_jiangbei has the liaison officer
    assert list(report["uncovered"]) == [second_key]

    dataset = get_dataset("liaisons")
    assert dataset is not None
    bad = run_import(dataset, io.BytesIO(csv_bytes([["服务员账号", "统一社会信用代码"], ["nobody", second_key.uscc],
                                                     ["liaison", "91330000000000000X"]])), "l.csv", city.users["hq"])
    assert [(e.row, e.column) for e in bad.errors] == [(2, "服务员账号"), (3, "统一社会信用代码")]
    rows = [["服务员账号", "统一社会信用代码"], ["liaison", second_key.uscc], ["liaison", city.e_jiangbei.uscc]]
    good = run_import(dataset, io.BytesIO(csv_bytes(rows)), "l.csv", city.users["hq"])
    assert (good.created, good.unchanged) == (1, 1)
    assert run_import(dataset, io.BytesIO(csv_bytes(rows)), "l.csv", city.users["hq"]).created == 0
    assert liaison.coverage(city.users["hq"])["rate"] == 1.0

    client.force_login(city.users["hq"])
    other = _user("liaison2", "liaison")
    response = client.post("/liaison/coverage/", {"username": "liaison2", "uscc": f"{city.e_binhai.uscc}"})
    assert response.status_code == 302 and list(other.assigned_enterprises.all()) == [city.e_binhai]
    page = client.get("/liaison/coverage/").content.decode()
    assert 'id="coverage-rate">100.0%' in page
    client.force_login(city.users["district_binhai"])
    assert liaison.coverage(city.users["district_binhai"])["total"] == 1
    assert client.post("/liaison/coverage/", {"username": "liaison2", "uscc": "x"}).status_code == 403


def test_visit_log(client: Any, city: City) -> None:
    client.force_login(city.users["liaison"])
    today = timezone.now().astimezone(SHANGHAI).date()
    response = client.post("/liaison/visits/", {"enterprise": city.e_jiangbei.pk, "visited_on": today.isoformat(),
                                                 "notes": "了解复工情况,员工到岗八成"})
    assert response.status_code == 302
    not_mine = client.post("/liaison/visits/", {"enterprise": city.e_binhai.pk, "visited_on": today.isoformat(),
                                                 "notes": "x"})
    assert not_mine.status_code == 200  # not one of the officer's enterprises: the form says so
    future = client.post("/liaison/visits/", {"enterprise": city.e_jiangbei.pk,
                                               "visited_on": (today + dt.timedelta(days=1)).isoformat(), "notes": "x"})
    assert future.status_code == 200 and f"日期不能晚于今天（{today.isoformat()}）" in future.content.decode()
    from dualtrack.liaison.models import Visit

    assert Visit.objects.count() == 1
    client.force_login(city.users["district"])
    assert "员工到岗八成" in client.get("/liaison/visits/").content.decode()
    client.force_login(city.users["district_binhai"])
    assert "员工到岗八成" not in client.get("/liaison/visits/").content.decode()
    client.force_login(city.users["enterprise"])
    assert client.get("/liaison/visits/").status_code == 403


# --- triage suggestion ---------------------------------------------------------------------------------------

def test_triage_suggestion_learns_from_the_citys_history(client: Any, city: City) -> None:
    from dualtrack.registry.models import Department

    power_office = Department.objects.create(code="GDJ", name="国网宁江供电公司")
    texts = {
        ("用工", city.department): ["员工返岗困难,招工难,用工缺口{n}人", "外地员工无法返岗,急需招聘工人{n}名",
                                   "复工后用工紧张,缺少熟练工人{n}人"],
        ("用电", power_office): ["新增生产线需要扩容用电,变压器报装{n}千伏安", "厂区停电,供电线路故障需抢修{n}处",
                                "用电报装进度慢,电费减免咨询{n}"],
    }
    for (category, department), templates in texts.items():
        for n in range(12):
            p = services.report(city.users["hq"], templates[n % 3].format(n=n + 10), enterprise=city.e_jiangbei)
            services.move(p.pk, p.version, "triaged", city.users["hq"], "", category=Category.objects.get(name=category),
                          department=department, complexity="simple")
    new = services.report(city.users["enterprise"], "我公司员工返岗难,用工缺口大,希望帮助招聘", enterprise=city.e_jiangbei)
    assert suggest.suggest(new, city.users["hq"]) is None  # a page never trains: the worker does
    assert suggest.retrain() is True and suggest.retrain() is False  # trained once, then up to date
    advice = suggest.suggest(new, city.users["hq"])
    assert advice is not None
    assert advice.category_id == Category.objects.get(name="用工").pk and advice.department_id == city.department.pk
    assert advice.similar and all(p.category.name == "用工" for p, _score in advice.similar)
    power = services.report(city.users["enterprise"], "变压器容量不够,申请增容报装", enterprise=city.e_jiangbei)
    assert suggest.suggest(power, city.users["hq"]).department_id == power_office.pk  # type: ignore[union-attr]

    client.force_login(city.users["hq"])
    page = client.get(f"/problems/{new.ref}/").content.decode()
    assert 'id="suggestion"' in page and f'<option value="{city.department.code}" selected>' in page


def test_no_suggestion_without_history(city: City, problem: Problem) -> None:
    suggest.retrain()
    assert suggest.suggest(problem, city.users["hq"]) is None


def test_retriaging_an_old_problem_makes_the_model_stale(city: City, problem: Problem) -> None:
    """The model's key used to be (count, newest id): triaging an old problem again left it stale."""
    triaged = services.move(problem.pk, 0, "triaged", city.users["hq"], category=Category.objects.first(),
                            department=city.department, complexity="simple")
    suggest.retrain()
    before = suggest.signature()
    triaged.category = Category.objects.last()
    triaged.version += 1
    triaged.save()
    assert suggest.signature() != before
    assert suggest.retrain() is True


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite serialises every write transaction; the race needs concurrent writers (PostgreSQL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded industries for later tests
def test_refs_stay_unique_when_many_report_at_once(city: City) -> None:
    """The load test found two reports drawing the same ref; refs now come from a locked sequence."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def report(n: int) -> str:
        try:
            return services.report(city.users["enterprise"], f"并发反映的问题 {n}", enterprise=city.e_jiangbei).ref
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        refs = list(pool.map(report, range(40)))
    assert len(set(refs)) == 40
    assert Problem.objects.count() == 40


def test_ref_sequence_skips_numbers_an_imported_ledger_uses(city: City) -> None:
    with time_machine.travel(T0, tick=False):
        Problem.objects.create(ref="WT2020-00007", description="导入的", reported_at=timezone.now())
        first = services.report(city.users["enterprise"], "新问题", enterprise=city.e_jiangbei)
        second = services.report(city.users["enterprise"], "又一个", enterprise=city.e_jiangbei)
    assert (first.ref, second.ref) == ("WT2020-00008", "WT2020-00009")


def test_date_fields_open_on_their_value(client: Any, city: City) -> None:
    """A date input accepts only YYYY-MM-DD: the visit form opens on today, not blank (zh-hans wrote 2026/12/01)."""
    from dualtrack.core import dates

    client.force_login(city.users["liaison"])
    page = client.get("/liaison/visits/").content.decode()
    assert f'type="date" name="visited_on" value="{dates.today().isoformat()}"' in page


def test_a_leaders_instruction_is_kept_in_the_history_and_sent_to_the_handler(client: Any, city: City,
                                                                               problem: Problem) -> None:
    """领导批示: only on an escalated, open problem and only by a leader; kept in the history under the leader's
    name (the state does not change), audited, and sent to the handling department and HQ."""
    from dualtrack.core.models import AuditLog

    leader, handler, hq = city.users["leader"], city.users["department"], city.users["hq"]
    leader.full_name = "分管副市长 李明"
    leader.save()
    with time_machine.travel(T0, tick=False):
        assigned = triage_and_assign(city, problem, complexity="simple")
    client.force_login(leader)
    page = client.get(f"/problems/{assigned.ref}/").content.decode()
    assert 'id="instruct"' not in page  # not escalated yet: nothing to instruct on
    client.post(f"/problems/{assigned.ref}/", {"action": "instruct", "instruction": "请尽快办结"})
    assert not assigned.events.filter(kind="instruction").exists()
    services.escalate_due(dt.datetime(2020, 2, 12, 8, 0, tzinfo=SHANGHAI))
    assert 'id="instruct"' in client.get(f"/problems/{assigned.ref}/").content.decode()
    client.post(f"/problems/{assigned.ref}/", {"action": "instruct", "instruction": "   "})
    assert not assigned.events.filter(kind="instruction").exists()  # empty: refused with a message
    before = Notification.objects.filter(user=handler).count()
    response = client.post(f"/problems/{assigned.ref}/", {"action": "instruct",
                                                          "instruction": "请市经信局三日内协调到位,结果报我"})
    assert response.status_code == 302
    event = assigned.events.get(kind="instruction")
    assert event.actor == leader and event.from_state == event.to_state == "assigned"
    assigned.refresh_from_db()
    assert assigned.state == "assigned"
    assert Notification.objects.filter(user=handler).count() == before + 1
    sent = Notification.objects.filter(user=handler).order_by("-id").first()
    assert "分管副市长 李明对问题" in sent.title and "请市经信局三日内协调到位" in sent.title
    assert Notification.objects.filter(user=hq, title__contains="批示").exists()
    assert AuditLog.objects.filter(actor=leader, object_type="problems.problemevent").exists()
    history = client.get(f"/problems/{assigned.ref}/").content.decode().split('id="history"')[1]
    assert 'data-kind="instruction"' in history and "分管副市长 李明" in history and "领导批示" in history
    for role in ("hq", "department", "enterprise"):  # only leaders write 批示
        client.force_login(city.users[role])
        client.post(f"/problems/{assigned.ref}/", {"action": "instruct", "instruction": "批示"})
    assert assigned.events.filter(kind="instruction").count() == 1


def test_audit_log_reads_as_names_and_chinese_fields_before_and_after(client: Any, city: City,
                                                                        problem: Problem) -> None:
    from dualtrack.core.models import AuditLog

    city.users["hq"].full_name = "市指挥部 王建国"
    city.users["hq"].save()
    with time_machine.travel(T0, tick=False):
        triage_and_assign(city, problem, complexity="simple")
    client.force_login(city.users["hq"])
    page = client.get("/audit/", {"object_type": "problems.problem", "action": "update"}).content.decode()
    table = page.split('id="audit-log"')[1]
    assert "市指挥部 王建国" in table and "问题" in table
    # the state, under its Chinese name, with the choices' labels before → after
    assert '<li data-field="state"><span class="muted">状态</span>: <del>梳理</del> → <ins>转办</ins></li>' in table
    assert "{&quot;" not in table  # no raw JSON for a change
    # values that are lists or objects (a bulletin's figures, a rule set's definition) read as text
    from dualtrack.core import audit

    audit.record(city.users["hq"], "update", problem, before={"tags": ["a"], "figures": {"x": 1}},
                 after={"tags": ["a", "b"], "figures": {"x": 2}, "state": "closed"})
    (reading,) = audit.read([AuditLog.objects.order_by("-id").first()])
    assert [(c.field, c.before, c.after) for c in reading.changes] == [
        ("tags", '["a"]', '["a", "b"]'), ("figures", '{"x": 1}', '{"x": 2}'), ("state", "—", "销号")]
    assert client.get("/audit/").status_code == 200
    by_name = client.get("/audit/", {"user": "王建国"}).context["readings"]
    assert by_name and all(r.actor == "市指挥部 王建国" for r in by_name)
