"""The leader's supervision (#28 §2, §3): notices only of the leader's portfolio, one digest a day for the automatic
tasks (durable, idempotent, counted by the bell), 领导督办 with problems and tasks apart, most urgent first, the
current level's deadline, days overdue and the 批示 flag; the enterprise's file without internal tasks; light
reasons and task texts kept as codes and written in the reader's language."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from dualtrack.core import notifications
from dualtrack.core.calendar import SHANGHAI
from dualtrack.core.models import Notification
from dualtrack.problems import services, tasks, workflow
from dualtrack.problems.models import Problem
from dualtrack.registry.models import Department

from .conftest import City, _user

NOW = dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI)  # the demo's clock
CLOCK = NOW.isoformat()


@pytest.fixture
def clock(settings: Any) -> dt.datetime:
    settings.DUALTRACK_CLOCK = CLOCK
    return NOW


@pytest.fixture
def leaders(city: City) -> dict[str, Any]:
    """Two vice-mayors with a portfolio each (经信 / 商务), the executive vice-mayor, and a department nobody is in
    charge of (农业)."""
    commerce = Department.objects.create(code="SWJ", name="市商务局")
    farming = Department.objects.create(code="NYJ", name="市农业农村局")
    li = _user("liming", "leader", leader_level=2)
    li.supervised_departments.add(city.department)
    wang = _user("wangfang", "leader", leader_level=2)
    wang.supervised_departments.add(commerce)
    executive = _user("liuyang", "leader", leader_level=3)
    return {"li": li, "wang": wang, "executive": executive, "commerce": commerce, "farming": farming}


_refs = iter(range(1, 10_000))


def problem_at(level: int, department: Any, *, due: dt.datetime, level_due: dt.datetime | None = None,
               source_key: str = "", enterprise: Any = None, project_code: str = "", **extra: Any) -> Problem:
    return Problem.objects.create(
        ref=f"WT2020-9{next(_refs):04d}", description=extra.pop("description", "企业复工缺少口罩"), state="assigned",
        reported_at=due - dt.timedelta(days=5), assigned_at=due - dt.timedelta(days=5), due_at=due,
        next_action_at=level_due or due + dt.timedelta(days=3), escalation_level=level, department=department,
        source_key=source_key, enterprise=enterprise, project_code=project_code, **extra)


def escalate_to_two(problem: Problem, moment: dt.datetime) -> None:
    """An enterprise's problem overdue at level 1 goes up to level 2 (the worker's step)."""
    Problem.objects.filter(pk=problem.pk).update(escalation_level=1, next_action_at=moment - dt.timedelta(hours=1))
    assert services.escalate_due(moment) >= 1


# --- the portfolio ------------------------------------------------------------------------------------------------

def test_a_vice_mayor_is_told_only_of_his_departments(city: City, leaders: dict[str, Any], clock: Any) -> None:
    li, wang, executive = leaders["li"], leaders["wang"], leaders["executive"]
    mine = problem_at(1, city.department, due=NOW - dt.timedelta(days=3))
    commerce = problem_at(1, leaders["commerce"], due=NOW - dt.timedelta(days=3))
    orphan = problem_at(1, leaders["farming"], due=NOW - dt.timedelta(days=3))
    for problem in (mine, commerce, orphan):
        escalate_to_two(problem, NOW)

    def told(user: Any) -> set[str]:
        return {ref for title in Notification.objects.filter(user=user).values_list("title", flat=True)
                for ref in re.findall(r"WT\d{4}-\d+", title)}

    assert told(li) == {mine.ref} and told(wang) == {commerce.ref}
    # nobody is in charge of 农业: the executive vice-mayor stands in, no vice-mayor gets another's department
    assert told(executive) == {orphan.ref}
    assert Notification.objects.get(user=li).kind == "escalation"
    assert set(services.escalated_for(li)) == {mine} and set(services.escalated_for(wang)) == {commerce}
    assert set(services.escalated_for(executive)) == {orphan}
    assert set(services.escalated_for(city.users["hq"])) == {mine, commerce, orphan}


def test_a_vice_mayor_without_a_portfolio_takes_the_unassigned_departments(city: City, leaders: dict[str, Any],
                                                                            clock: Any) -> None:
    spare = _user("zhaoqiang", "leader", leader_level=2)
    orphan = problem_at(1, leaders["farming"], due=NOW - dt.timedelta(days=3))
    escalate_to_two(orphan, NOW)
    assert list(Notification.objects.filter(title__contains=orphan.ref).values_list("user__username", flat=True)) == [
        spare.username]
    assert list(services.escalated_for(spare)) == [orphan] and not services.escalated_for(leaders["executive"]).exists()
    assert not services.escalated_for(leaders["li"]).exists()


# --- the digest ---------------------------------------------------------------------------------------------------

def test_automatic_tasks_reach_a_leader_as_one_digest_a_day(client: Any, city: City, leaders: dict[str, Any],
                                                           clock: Any) -> None:
    li = leaders["li"]
    morning = NOW.replace(hour=9)
    for n in (1, 2):
        tasks.create_task(f"project:P{n}:2020-03:vice_mayor", f"项目P{n}连续两个月亮黄灯，报分管副市长督办。",
                          department=city.department, escalation_level=2, project_code=f"P{n}", at=morning)
    tasks.create_task("receipt:W1", "回执单逾期未返回", department=city.department, escalation_level=2, at=morning)
    digest = Notification.objects.get(user=li)  # one notice for three tasks, nothing for the other vice-mayor
    assert digest.kind == "digest" and digest.day == dt.date(2020, 4, 30) and not digest.read
    assert len(digest.params["items"]) == 3 and digest.link == "/problems/escalated/?kind=tasks"
    assert digest.title == "今日有3项系统生成的督办任务待督办（其中重点项目任务2项），请查看督办清单。"
    assert not Notification.objects.filter(user=leaders["wang"]).exists()

    # idempotent: the same tasks again, the same item again, change nothing; read stays read
    digest.read = True
    digest.save(update_fields=["read"])
    tasks.create_task("project:P1:2020-03:vice_mayor", "again", department=city.department, escalation_level=2)
    first = Problem.objects.get(source_key="project:P1:2020-03:vice_mayor")
    assert notifications.add_to_digest([li], dt.date(2020, 4, 30), first.ref, "project", "/x/") == 0
    assert Notification.objects.filter(user=li).count() == 1 and Notification.objects.get(user=li).read

    # an automatic task escalated to the leader by the worker goes into that day's digest too
    task = problem_at(1, city.department, due=NOW - dt.timedelta(days=2), source_key="project:P3:2020-03:talk")
    escalate_to_two(task, NOW + dt.timedelta(days=1))
    assert Notification.objects.filter(user=li).count() == 2
    assert task.ref in Notification.objects.get(user=li, day=dt.date(2020, 5, 1)).params["items"]

    # a direct escalation of an enterprise's problem is a notice of its own; a bulletin is not counted by the bell
    raised = problem_at(1, city.department, due=NOW - dt.timedelta(days=2))
    escalate_to_two(raised, NOW)
    notifications.notify([li], "4月30日每日通报", "/bulletins/stored/2020-04-30/", kind="bulletin")
    Notification.objects.create(user=li, title="督办任务 WT2020-00001：旧通知", kind="task")  # before the digest
    assert notifications.unread_count(li) == 2  # the new day's digest and the escalation
    client.force_login(li)
    page = client.get("/notifications/").content.decode()
    assert '<span class="badge">2</span>' in page
    assert 'data-kind="digest"' in page and "每日汇总" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notifications/?kind=digest").content.decode()
    assert "Today: 3 system-generated tasks await supervision (2 of them key-project tasks)" in page, page
    assert "督办" not in page.split('id="notifications"')[1]


def test_a_department_still_gets_each_automatic_task(city: City, leaders: dict[str, Any], clock: Any) -> None:
    task, _created = tasks.create_task("project:P1:2020-03:talk", "请约谈项目责任人。", department=city.department,
                                       escalation_level=1)
    notice = Notification.objects.get(user=city.users["department"])
    assert notice.kind == "task" and task.ref in notice.title and notifications.unread_count(city.users["department"])


# --- 领导督办 -------------------------------------------------------------------------------------------------------

def rows(client: Any, query: str = "") -> list[tuple[str, str]]:
    page = client.get("/problems/escalated/" + query).content.decode()
    return re.findall(r'data-ref="([^"]+)" data-days-overdue="(\d+)"', page)


def test_the_supervision_list_most_urgent_first(client: Any, city: City, leaders: dict[str, Any], clock: Any) -> None:
    dep = city.department
    ten_days = problem_at(2, dep, due=dt.datetime(2020, 4, 20, 23, 59, 59, tzinfo=SHANGHAI),
                          level_due=dt.datetime(2020, 5, 6, 23, 59, 59, tzinfo=SHANGHAI))
    level3 = problem_at(3, dep, due=dt.datetime(2020, 4, 25, 23, 59, 59, tzinfo=SHANGHAI),
                        level_due=dt.datetime(2020, 5, 8, 23, 59, 59, tzinfo=SHANGHAI))
    level2_later = problem_at(2, dep, due=dt.datetime(2020, 4, 25, 23, 59, 59, tzinfo=SHANGHAI),
                              level_due=dt.datetime(2020, 5, 7, 23, 59, 59, tzinfo=SHANGHAI))
    level2_sooner = problem_at(2, dep, due=dt.datetime(2020, 4, 25, 10, 0, tzinfo=SHANGHAI),
                               level_due=dt.datetime(2020, 5, 4, 23, 59, 59, tzinfo=SHANGHAI))
    yesterday = problem_at(2, dep, due=dt.datetime(2020, 4, 29, 23, 59, 59, tzinfo=SHANGHAI))
    an_hour_ago = problem_at(2, dep, due=dt.datetime(2020, 4, 30, 17, 0, tzinfo=SHANGHAI))
    right_now = problem_at(2, dep, due=NOW)  # due this very second: not overdue yet
    not_yet = problem_at(2, dep, due=dt.datetime(2020, 5, 2, 23, 59, 59, tzinfo=SHANGHAI))
    task = problem_at(2, dep, due=dt.datetime(2020, 4, 1, 23, 59, 59, tzinfo=SHANGHAI), source_key="project:P1:x",
                      project_code="P1", description="项目“P1”连续两个月亮黄灯，报分管副市长督办。")
    workflow.instruct(level2_later.pk, leaders["li"], "请市经信局本周内协调解决")

    client.force_login(city.users["hq"])  # HQ: every level
    assert rows(client) == [
        (ten_days.ref, "10"), (level3.ref, "5"), (level2_sooner.ref, "5"), (level2_later.ref, "5"),
        (yesterday.ref, "1"), (an_hour_ago.ref, "1"), (right_now.ref, "0"), (not_yet.ref, "0")]
    assert [services.days_overdue(p, NOW) for p in (an_hour_ago, right_now)] == [1, 0]
    assert services.days_overdue(right_now, NOW + dt.timedelta(seconds=1)) == 1

    client.force_login(leaders["li"])  # the vice-mayor: his level only, problems apart from tasks
    page = client.get("/problems/escalated/").content.decode()
    assert [ref for ref, _days in rows(client)] == [ten_days.ref, level2_sooner.ref, level2_later.ref, yesterday.ref,
                                                     an_hour_ago.ref, right_now.ref, not_yet.ref]
    assert task.ref not in page and "(1)" in page  # one task, on its own tab
    row = page.split(f'data-ref="{ten_days.ref}"')[1].split("</tr>")[0]
    assert "2020-05-06" in row and "2020-04-20" in row and "逾期10天" in row  # the current level's deadline
    assert "未批示" in row
    assert "已批示" in page.split(f'data-ref="{level2_later.ref}"')[1].split("</tr>")[0]
    tasks_page = client.get("/problems/escalated/?kind=tasks").content.decode()
    assert rows(client, "?kind=tasks") == [(task.ref, "29")]
    task_row = tasks_page.split(f'data-ref="{task.ref}"')[1].split("</tr>")[0]
    assert "系统自动生成" in task_row and "P1" in task_row and "system" not in task_row

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    task_row = client.get("/problems/escalated/?kind=tasks").content.decode().split(
        f'data-ref="{task.ref}"')[1].split("</tr>")[0]
    assert "generated by the system" in task_row and "system:" not in task_row
    assert '<td class="nowrap">Vice-mayor in charge</td>' in task_row  # the chain's level in English


def test_a_system_step_in_a_tasks_history_reads_as_the_system(client: Any, city: City, clock: Any) -> None:
    task, _created = tasks.create_task("project:P1:2020-03:talk", "请约谈项目责任人。", department=city.department,
                                       escalation_level=1)
    task.events.update(actor_name="system:demo")
    client.force_login(city.users["hq"])
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert "system:demo" not in page and "系统自动生成" in page


# --- the enterprise's own file --------------------------------------------------------------------------------------

def test_the_enterprises_file_lists_only_what_it_raised(client: Any, city: City, clock: Any) -> None:
    enterprise = city.e_jiangbei
    raised = services.report(city.users["enterprise"], "复工员工返岗交通困难", enterprise=enterprise)
    talk, _created = tasks.create_task("project:P1:2020-03:talk", "项目“P1”2020年3月亮黄灯，请约谈项目责任人，督促加快进度。",
                                       department=city.department, escalation_level=1, enterprise=enterprise)
    vice, _created = tasks.create_task("project:P1:2020-04:vice_mayor", "项目“P1”连续两个月亮黄灯，报分管副市长督办。",
                                       department=city.department, escalation_level=2, enterprise=enterprise)
    user = city.users["enterprise"]
    assert list(Problem.objects.restrict(user)) == [raised]  # the policy, not the template
    client.force_login(user)
    page = client.get(f"/registry/enterprises/{enterprise.uscc}/").content.decode()
    assert raised.ref in page
    assert talk.ref not in page and vice.ref not in page and "请约谈项目责任人" not in page and "报分管副市长督办" not in page
    assert client.get(f"/problems/{talk.ref}/").status_code == 404
    overview = client.get("/").content.decode()
    assert "请约谈项目责任人" not in overview
    # the people who follow the tasks still see them on the file
    client.force_login(city.users["hq"])
    assert talk.ref in client.get(f"/registry/enterprises/{enterprise.uscc}/").content.decode()
    client.force_login(city.users["liaison"])
    assert talk.ref in client.get(f"/registry/enterprises/{enterprise.uscc}/").content.decode()


# --- codes and the reader's language ------------------------------------------------------------------------------

def test_a_light_reason_and_a_task_text_in_english(client: Any, city: City, settings: Any) -> None:
    from dualtrack.projects import services as projects
    from dualtrack.projects.models import MonthlyLight

    from .test_projects import make_project, progress

    settings.DUALTRACK_CLOCK = "2020-04-10T18:00:00+08:00"
    project = make_project(city, "P1", plans={"2020-03": 1000, "2020-04": 2000})
    progress(project, dt.date(2020, 3, 20), 700)  # March: 70% → yellow → talk
    projects.evaluate_month(dt.date(2020, 3, 1))
    light = MonthlyLight.objects.get(project=project)
    assert light.reasons == [{"code": "ratio_below", "ratio": 0.7, "limit": 0.8}]  # a code with its parameters
    task = Problem.objects.get(source_key="project:P1:2020-03:talk")
    assert task.text_code == "projects.consequence" and task.text_params["reasons"] == light.reasons
    # the stored text is Chinese with full-width punctuation
    assert task.description == "项目“项目P1”2020年3月亮黄灯，请约谈项目责任人，督促加快进度。原因：投资完成率70.0%，低于80%"
    with translation.override("en"):
        assert light.reason_text == "investment completed 70.0% of plan, below 80%"
        assert task.text == ("Project “项目P1” showed yellow in March 2020: talk with the project's responsible person "
                             "and press for faster progress. Reason: investment completed 70.0% of plan, below 80%")
    with translation.override("zh-hans"):
        assert light.reason_text == "投资完成率70.0%，低于80%"

    client.force_login(city.users["hq"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert "talk with the project&#x27;s responsible person" in page and "请约谈" not in page
    assert "Task generated by the system, sent to: Department in charge" in page  # the history's system step
    assert "系统生成督办任务" not in page
    page = client.get("/projects/P1/", {"date": "2020-04-10"}).content.decode()
    assert "investment completed" in page and "投资完成率" not in page and "请约谈" not in page

    MonthlyLight.objects.filter(pk=light.pk).update(reasons=["投资完成率70.0%,低于80%"])  # a row from before the codes
    with translation.override("en"):
        assert MonthlyLight.objects.get(pk=light.pk).reason_text == "投资完成率70.0%,低于80%"  # shown as written
    Problem.objects.filter(pk=task.pk).update(text_code="")  # a task from before the codes: its stored text
    assert "请约谈项目责任人" in client.get(f"/problems/{task.ref}/").content.decode()


def test_every_reason_code_reads_in_both_languages() -> None:
    from dualtrack.projects import reasons

    samples = [reasons.reason(reasons.RATIO_BELOW, ratio=0.5123, limit=0.6), reasons.reason(reasons.ZERO_PLAN),
               reasons.reason(reasons.MISSING_PLAN), reasons.reason(reasons.NOT_RESUMED, deadline="2020-03-15"),
               reasons.reason(reasons.NOT_STARTED, planned="2020-02-01", days=30)]
    with translation.override("zh-hans"):
        chinese = [reasons.text(r) for r in samples]
    with translation.override("en"):
        english = [reasons.text(r) for r in samples]
    assert chinese[0] == "投资完成率51.2%，低于60%" and chinese[3] == "续建项目3月15日复工时限后仍未复工"
    assert chinese[4] == "新开工项目计划开工（2020-02-01）30天后仍未开工"
    assert all(not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", t) for t in chinese), chinese
    assert all(not re.search(r"[\u4e00-\u9fff，；：（）]", t) for t in english), english
    assert english[3] == "continuing project not resumed by the resumption deadline of March 15"
    with translation.override("zh-hans"):  # as the stored judgement keeps it (a JSON string column)
        assert reasons.text(reasons.encode(samples[0])) == chinese[0]
    assert reasons.codes([reasons.encode(samples[0]), "旧文本"]) == ["ratio_below", "text"]


def test_texts_written_before_the_codes_are_parsed_back(city: City) -> None:
    """The migration turns a legacy month-end light's reasons and a legacy task's text into codes; the Chinese reads
    the same (now with full-width punctuation) and the English is English. A text that does not parse stays."""
    import importlib

    from django.apps import apps

    from dualtrack.projects.models import MonthlyLight

    from .test_projects import make_project

    migration = importlib.import_module("dualtrack.projects.migrations.0006_reason_codes")
    project = make_project(city, "P1")
    light = MonthlyLight.objects.create(project=project, month=dt.date(2020, 3, 1), light="red",
                                        reasons=["投资完成率0.0%,低于60%", "续建项目3月15日复工时限后仍未复工"],
                                        consequence="city_leader", rules_version="projects:v1")
    odd = MonthlyLight.objects.create(project=make_project(city, "P2"), month=dt.date(2020, 3, 1), light="red",
                                      reasons=["手工填写的原因"], rules_version="projects:v1")
    legacy = ("项目“项目P1”2020年3月亮红灯,报联系市领导(李明)协调推进。原因:投资完成率0.0%,低于60%;"
              "续建项目3月15日复工时限后仍未复工")
    task = problem_at(2, city.department, due=NOW, source_key="project:P1:2020-03:city_leader", description=legacy)
    kept = problem_at(2, city.department, due=NOW, source_key="project:P2:2020-03:talk", description="另写的任务")
    migration.forwards(apps, None)

    light.refresh_from_db()
    task.refresh_from_db()
    assert light.reasons == [{"code": "ratio_below", "ratio": 0.0, "limit": 0.6},
                             {"code": "not_resumed", "deadline": "2020-03-15"}]
    assert task.text_code == "projects.consequence" and task.description == legacy  # the stored text untouched
    with translation.override("zh-hans"):
        assert task.text == legacy.replace(",", "，").replace(":", "：").replace("(", "（").replace(
            ")", "）").replace(";", "；")
    with translation.override("en"):
        assert task.text == ("Project “项目P1” showed red in March 2020: referred to its contact city leader (李明) to "
                             "coordinate. Reason: investment completed 0.0% of plan, below 60%; continuing project not "
                             "resumed by the resumption deadline of March 15")
    odd.refresh_from_db()
    kept.refresh_from_db()
    assert odd.reasons == ["手工填写的原因"] and kept.text_code == "" and kept.text == "另写的任务"


@pytest.mark.skipif(not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite serialises every write transaction; the race needs concurrent writers (PostgreSQL)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded industries for later tests
def test_writers_at_once_make_one_digest_with_every_item(city: City) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    leader = _user("liming", "leader", leader_level=2)
    day = dt.date(2020, 4, 30)

    def add(n: int) -> int:
        try:
            return notifications.add_to_digest([leader], day, f"WT2020-{n % 12:05d}", "project", "/problems/escalated/")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        gained = sum(pool.map(add, range(36)))  # 12 tasks, each told three times
    digest = Notification.objects.get(user=leader)
    assert gained == 12 and len(digest.params["items"]) == 12 and digest.kind == "digest"


def test_an_escalation_that_moved_on_no_longer_rings(city: City, leaders: dict[str, Any], clock: Any) -> None:
    """Escalated past the vice-mayor, or resolved, a problem's notice needs him no more: settled (read), so the bell
    counts what is still his; the department's own notices are left alone."""
    li, executive = leaders["li"], leaders["executive"]
    problem = problem_at(1, city.department, due=NOW - dt.timedelta(days=10))
    escalate_to_two(problem, NOW - dt.timedelta(days=5))
    assert notifications.unread_count(li) == 1 and notifications.unread_count(executive) == 0
    services.escalate_due(NOW)  # level 2's deadline passed: on to the executive vice-mayor
    problem.refresh_from_db()
    assert problem.escalation_level == 3
    assert notifications.unread_count(li) == 0 and Notification.objects.get(user=li).read
    assert notifications.unread_count(executive) == 1
    department_unread = Notification.objects.filter(user=city.users["department"], read=False).count()
    workflow.move(problem.pk, problem.version, "resolved", city.users["department"], "", answer="已协调解决")
    assert notifications.unread_count(executive) == 0
    assert Notification.objects.filter(user=city.users["department"], read=False).count() == department_unread


def test_old_escalation_notices_that_moved_on_are_settled(city: City, leaders: dict[str, Any], clock: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("dualtrack.problems.migrations.0011_settle_old_escalation_notices")
    li = leaders["li"]
    here = problem_at(2, city.department, due=NOW)
    moved_on = problem_at(3, city.department, due=NOW)
    closed = problem_at(2, city.department, due=NOW)
    Problem.objects.filter(pk=closed.pk).update(state="closed")
    for problem in (here, moved_on, closed):
        notifications.notify([li, city.users["department"]], f"问题 {problem.ref} 逾期未办结", f"/problems/{problem.ref}/",
                             kind="escalation")
    migration.settle(apps, None)
    assert list(Notification.objects.filter(user=li, read=False).values_list("link", flat=True)) == [
        f"/problems/{here.ref}/"]
    assert Notification.objects.filter(user=city.users["department"], read=False).count() == 3
