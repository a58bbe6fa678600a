"""Problems: the loop of §6 with its history, concurrent handlers, deadlines, escalation, the export."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dualtrack.core.calendar import SHANGHAI
from dualtrack.problems import services
from dualtrack.problems.models import Category, Problem

from .conftest import City

T0 = dt.datetime(2020, 2, 10, 9, 30, tzinfo=SHANGHAI)  # a Monday


@pytest.fixture
def problem(city: City) -> Problem:
    with time_machine.travel(T0, tick=False):
        return services.report(city.users["enterprise"], "口罩短缺,复工员工无法上岗", enterprise=city.e_jiangbei)


def triage_and_assign(city: City, problem: Problem, complexity: str = "general") -> Problem:
    hq = city.users["hq"]
    problem = services.move(problem.pk, problem.version, "triaged", hq, "归类",
                            category=Category.objects.get(name="防疫物资"), department=city.department,
                            complexity=complexity)
    return services.move(problem.pk, problem.version, "assigned", hq, "转办市经信局")


def test_the_whole_loop_with_history(city: City, problem: Problem) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        assigned = triage_and_assign(city, problem)
    assert assigned.due_at == dt.datetime(2020, 2, 13, 23, 59, 59, tzinfo=SHANGHAI)  # 3 working days
    handler = city.users["department"]
    working = services.move(assigned.pk, assigned.version, "in_progress", handler, "协调供应商")
    with pytest.raises(ValidationError):
        services.move(working.pk, working.version, "resolved", handler, "", answer=" ")
    done = services.move(working.pk, working.version, "resolved", handler, "已协调", answer="已调配口罩2万只")
    closed = services.move(done.pk, done.version, "closed", city.users["enterprise"], "满意")
    assert closed.state == "closed" and closed.closed_at is not None
    steps = [(e.from_state, e.to_state, e.actor_name) for e in closed.events.all()]
    assert steps == [("", "reported", "enterprise"), ("reported", "triaged", "hq"), ("triaged", "assigned", "hq"),
                     ("assigned", "in_progress", "jingxin"), ("in_progress", "resolved", "jingxin"),
                     ("resolved", "closed", "enterprise")]


def test_roles_and_transitions(city: City, problem: Problem) -> None:
    with pytest.raises(PermissionDenied):
        services.move(problem.pk, problem.version, "triaged", city.users["enterprise"], "",
                      category=Category.objects.first(), department=city.department, complexity="simple")
    with pytest.raises(ValidationError):
        services.move(problem.pk, problem.version, "closed", city.users["hq"])
    with pytest.raises(Http404):  # another district's operator cannot see it
        services.move(problem.pk, problem.version, "triaged", city.users["district_binhai"])


def test_two_handlers_at_once(city: City, problem: Problem) -> None:
    assigned = triage_and_assign(city, problem)
    seen = assigned.version
    services.move(assigned.pk, seen, "in_progress", city.users["department"], "我来办")
    with pytest.raises(services.ConcurrentChange, match="已被他人处理"):
        services.move(assigned.pk, seen, "returned", city.users["hq"], "退回")
    assert Problem.objects.get(pk=assigned.pk).state == "in_progress"


def test_escalation_one_level_per_overdue_period(city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        assigned = triage_and_assign(city, problem, complexity="simple")
    assert assigned.due_at == dt.datetime(2020, 2, 11, 23, 59, 59, tzinfo=SHANGHAI)
    before_due = dt.datetime(2020, 2, 11, 23, 0, tzinfo=SHANGHAI)
    assert services.escalate_due(before_due) == 0
    overdue = dt.datetime(2020, 2, 12, 8, 0, tzinfo=SHANGHAI)
    assert services.escalate_due(overdue) == 1
    assert services.escalate_due(overdue) == 0  # a second worker at the same moment changes nothing
    problem = Problem.objects.get(pk=assigned.pk)
    assert problem.escalation_level == 1 and problem.due_at == assigned.due_at  # due_at never moves
    assert problem.next_action_at == dt.datetime(2020, 2, 13, 23, 59, 59, tzinfo=SHANGHAI)
    assert services.escalate_due(dt.datetime(2020, 2, 14, 8, 0, tzinfo=SHANGHAI)) == 1
    assert Problem.objects.get(pk=assigned.pk).escalation_level == 2
    comments = [e.comment for e in Problem.objects.get(pk=assigned.pk).events.filter(escalation_level__isnull=False)]
    assert comments == ["逾期，调度至：行业主管部门", "逾期，调度至：分管副市长"]


def test_export_json(city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        triage_and_assign(city, problem, complexity="complex")
    with time_machine.travel(dt.datetime(2020, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        out = io.StringIO()
        call_command("problems", "export", "--json", stdout=out)
    row = json.loads(out.getvalue())[0]
    assert row == {"ref": "WT2020-00001", "state": "assigned", "category": "防疫物资", "complexity": "complex",
                   "department": "JXJ", "assigned_at": "2020-02-10T09:30:00+08:00",
                   "due_at": "2020-03-02T23:59:59+08:00", "escalation_level": 0, "overdue": True}


def test_categories_are_seeded(db: Any) -> None:
    assert Category.objects.count() == 10 and Category.objects.first().name == "用工"


class TestPages:
    def test_report_and_scope(self, client: Any, city: City) -> None:
        client.force_login(city.users["enterprise"])
        response = client.post("/problems/new/", {"description": "物流不畅,原材料运不进来"})
        problem = Problem.objects.get()
        assert response.status_code == 302 and problem.enterprise == city.e_jiangbei
        assert client.get(f"/problems/{problem.ref}/").status_code == 200
        client.force_login(city.users["department"])  # not assigned to the department yet
        assert client.get(f"/problems/{problem.ref}/").status_code == 404
        client.force_login(city.users["district_binhai"])
        assert client.get(f"/problems/{problem.ref}/").status_code == 404
        client.force_login(city.users["public"])
        assert client.get("/problems/").status_code == 403

    def test_stale_form_gets_a_clear_message(self, client: Any, city: City, problem: Problem) -> None:
        client.force_login(city.users["hq"])
        stale = problem.version
        triage_and_assign(city, problem)
        response = client.post(f"/problems/{problem.ref}/", {"to_state": "triaged", "version": stale}, follow=True)
        assert "已被他人处理" in response.content.decode()

    def test_ledger_excel(self, client: Any, city: City, problem: Problem) -> None:
        from .helpers import read_xlsx

        client.force_login(city.users["hq"])
        response = client.get("/problems/", {"format": "xlsx"})
        rows = read_xlsx(b"".join(response.streaming_content))
        assert rows[1][0] == problem.ref and rows[1][6] == "发现"


def test_bulletin_section(city: City, problem: Problem) -> None:
    from dualtrack.bulletins.content import Context
    from dualtrack.problems.bulletin import section

    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        triage_and_assign(city, problem, complexity="simple")
    ctx = Context(day=dt.date(2020, 2, 12), user=None, city={}, regions=[], sizes={}, industries=[], parks=[])
    part = section(ctx)
    assert part is not None and "当前逾期未办结1个" in part.paragraphs[0]
    assert part.tables[0].rows == [["防疫物资", 1, 0, 1]]
    assert section(Context(day=dt.date(2020, 2, 1), user=None, city={}, regions=[], sizes={}, industries=[],
                           parks=[])) is None  # nothing reported yet


def test_api_create_list_move(client: Any, city: City) -> None:
    enterprise = {"HTTP_AUTHORIZATION": f"Token {city.token('enterprise')}"}
    created = client.post("/api/v1/problems", {"description": "用电报装需要加快"}, content_type="application/json",
                          **enterprise)
    assert created.status_code == 201 and created.json()["enterprise"] == city.e_jiangbei.uscc
    ref = created.json()["ref"]
    hq = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
    moved = client.post(f"/api/v1/problems/{ref}/move", {"to_state": "triaged", "version": 0, "category": "用电",
                                                          "department": "JXJ", "complexity": "simple"},
                        content_type="application/json", **hq)
    assert moved.status_code == 200 and moved.json()["state"] == "triaged"
    stale = client.post(f"/api/v1/problems/{ref}/move", {"to_state": "assigned", "version": 0},
                        content_type="application/json", **hq)
    assert stale.status_code == 409 and stale.json()["version"] == 1
    listing = client.get("/api/v1/problems", {"state": "triaged"}, **hq).json()
    assert [p["ref"] for p in listing["results"]] == [ref]
    other = {"HTTP_AUTHORIZATION": f"Token {city.token('district_binhai')}"}
    assert client.get(f"/api/v1/problems/{ref}", **other).status_code == 404


def test_problems_import(city: City) -> None:
    from dualtrack.core.imports import get_dataset, run_import

    from .helpers import csv_bytes

    header = ["编号", "提出日期", "统一社会信用代码", "项目代码", "类别", "复杂程度", "描述", "责任部门", "交办时间", "状态", "办结时间"]
    rows = [header,
            ["WT2020-00101", "2020-02-10", city.e_jiangbei.uscc, "", "用工", "一般", "员工返岗难", "JXJ", "2020-02-10 15:30",
             "转办", ""],
            ["WT2020-00102", "2020-02-11", "", "", "资金", "复杂", "贷款难", "市经济和信息化局", "2020-02-11 10:00", "销号",
             "2020-02-20 17:00"],
            ["WT2020-00103", "2020-02-12", "", "", "未知类别", "一般", "x", "NOPE", "", "转办", ""],
            ["WT2020-00104", "2020-02-12", "", "", "", "很难", "y", "", "", "发现", ""]]
    dataset = get_dataset("problems")
    assert dataset is not None
    bad = run_import(dataset, io.BytesIO(csv_bytes(rows)), "ledger.csv", city.users["hq"])
    assert [(e.row, e.column) for e in bad.errors] == [(4, "类别"), (4, "责任部门"), (4, "交办时间"), (5, "复杂程度")]
    assert not Problem.objects.exists()
    good = run_import(dataset, io.BytesIO(csv_bytes(rows[:3])), "ledger.csv", city.users["hq"])
    assert good.created == 2
    first = Problem.objects.get(ref="WT2020-00101")
    assert first.assigned_at == dt.datetime(2020, 2, 10, 15, 30, tzinfo=SHANGHAI)
    assert first.due_at == dt.datetime(2020, 2, 13, 23, 59, 59, tzinfo=SHANGHAI) and first.next_action_at == first.due_at
    assert Problem.objects.get(ref="WT2020-00102").closed_at is not None
    assert run_import(dataset, io.BytesIO(csv_bytes(rows[:3])), "ledger.csv", city.users["hq"]).unchanged == 2
    # the escalation worker moves on; importing the same ledger again must not reset its schedule
    assert services.escalate_due(dt.datetime(2020, 2, 14, 8, 0, tzinfo=SHANGHAI)) == 1
    escalated = Problem.objects.get(ref="WT2020-00101")
    assert run_import(dataset, io.BytesIO(csv_bytes(rows[:3])), "ledger.csv", city.users["hq"]).unchanged == 2
    again = Problem.objects.get(ref="WT2020-00101")
    assert (again.escalation_level, again.next_action_at) == (1, escalated.next_action_at)
    assert services.escalate_due(dt.datetime(2020, 2, 14, 8, 0, tzinfo=SHANGHAI)) == 0


def test_the_ledger_file_never_rewrites_a_recorded_move(city: City) -> None:
    """A move is an event (DOMAIN.md §15, issue #26 §2): the ledger file reopened a closed problem and rewrote its
    办结 time, with no step in its history. Now a closed problem stays closed, a recorded 办结 time stays, and a
    move the file makes is a new step of the history beside the earlier ones."""
    from dualtrack.core.imports import get_dataset, run_import
    from dualtrack.problems.models import ProblemEvent

    from .helpers import csv_bytes

    header = ["编号", "提出日期", "统一社会信用代码", "项目代码", "类别", "复杂程度", "描述", "责任部门", "交办时间", "状态", "办结时间"]

    dataset = get_dataset("problems")
    assert dataset is not None

    def load(*rows: list[str]) -> Any:
        return run_import(dataset, io.BytesIO(csv_bytes([header, *rows])), "ledger.csv", city.users["hq"])

    def row(ref: str, state: str, resolved: str) -> list[str]:
        return [ref, "2020-02-11", "", "", "资金", "复杂", "贷款难", "JXJ", "2020-02-11 10:00", state, resolved]

    assert load(row("WT2020-00102", "销号", "2020-02-20 17:00"), row("WT2020-00105", "办结", "2020-02-21 17:00")).ok
    reopened = load(row("WT2020-00102", "转办", ""))
    assert not reopened.ok and reopened.errors[0].column == "状态" and "已销号" in reopened.errors[0].message
    moved = load(row("WT2020-00102", "销号", "2020-03-01 09:00"))
    assert not moved.ok and "已销号" in moved.errors[0].message
    rewritten = load(row("WT2020-00105", "办结", "2020-03-01 09:00"))
    assert not rewritten.ok and rewritten.errors[0].column == "办结时间" and "2020-02-21 17:00" in rewritten.errors[0].message
    closed = Problem.objects.get(ref="WT2020-00102")
    assert closed.state == "closed" and closed.resolved_at == dt.datetime(2020, 2, 20, 17, 0, tzinfo=SHANGHAI)
    assert load(row("WT2020-00105", "销号", "2020-02-21 17:00")).updated == 1  # forward: a new step
    steps = list(ProblemEvent.objects.filter(problem__ref="WT2020-00105").values_list("from_state", "to_state"))
    assert steps == [("", "resolved"), ("resolved", "closed")]


def test_worker_runs_every_apps_step(city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        triage_and_assign(city, problem, complexity="simple")
    with time_machine.travel(dt.datetime(2020, 2, 12, 8, 0, tzinfo=SHANGHAI), tick=False):
        out = io.StringIO()
        call_command("worker", "--once", stdout=out)
    assert "problems-escalation=1" in out.getvalue() and "bulletins=" in out.getvalue()
    assert Problem.objects.get(pk=problem.pk).escalation_level == 1


def test_statistics(client: Any, city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        assigned = triage_and_assign(city, problem, complexity="general")  # due 13 February
    with time_machine.travel(dt.datetime(2020, 2, 12, 16, 0, tzinfo=SHANGHAI), tick=False):
        services.move(assigned.pk, assigned.version, "resolved", city.users["department"], "", answer="已解决")
    stats = services.statistics(city.users["hq"])
    assert stats["category"] == [{"name": "防疫物资", "total": 1, "resolved": 1, "on_time": 1, "days": 2,
                                  "on_time_rate": 1.0, "mean_days": 2.0}]
    client.force_login(city.users["department"])
    assert 'data-name="市经济和信息化局"' in client.get("/problems/statistics/").content.decode()
    client.force_login(city.users["enterprise"])
    assert client.get("/problems/statistics/").status_code == 403


def test_triage_chooses_the_complexity_and_sees_the_deadline_before_assigning(client: Any, city: City,
                                                                               problem: Problem) -> None:
    client.force_login(city.users["hq"])
    page = client.get(f"/problems/{problem.ref}/").content.decode()
    assert '<select name="complexity" required><option value="">请选择</option>' in page
    assert "简单（1个工作日内办结）" in page and "复杂（15个工作日内办结）" in page
    with time_machine.travel(T0, tick=False):
        services.move(problem.pk, problem.version, "triaged", city.users["hq"], "归类",
                      category=Category.objects.get(name="防疫物资"), department=city.department, complexity="general")
    with time_machine.travel(dt.datetime(2020, 2, 10, 9, 0, tzinfo=SHANGHAI), tick=False):  # a Monday
        page = client.get(f"/problems/{problem.ref}/").content.decode()
    assert "转办后办结时限：2020-02-13 23:59" in page  # 3 working days after Monday


def test_ledger_rows_say_overdue_and_due_soon(client: Any, city: City, problem: Problem) -> None:
    with time_machine.travel(T0, tick=False):
        triage_and_assign(city, problem, complexity="simple")  # due at the end of Tuesday 11 February
    with time_machine.travel(dt.datetime(2020, 2, 11, 9, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(city.users["hq"])
        assert '<span class="flag due-soon">临期</span>' in client.get("/problems/").content.decode()
    with time_machine.travel(dt.datetime(2020, 2, 12, 9, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(city.users["hq"])
        assert '<span class="flag overdue">逾期</span>' in client.get("/problems/").content.decode()
        client.force_login(city.users["department"])  # the department's inbox too
        assert '<span class="flag overdue">逾期</span>' in client.get("/problems/inbox/").content.decode()


def test_the_enterprise_is_told_and_answers_with_two_clear_choices(client: Any, city: City, problem: Problem) -> None:
    from dualtrack.core.models import Notification

    with time_machine.travel(T0, tick=False):
        problem = triage_and_assign(city, problem)
        services.move(problem.pk, problem.version, "resolved", city.users["department"], answer="已协调口罩5000只")
    told = Notification.objects.get(user=city.users["enterprise"])
    assert told.title == f"您反映的问题 {problem.ref} 已办结，请确认是否满意" and told.link == f"/problems/{problem.ref}/"
    client.force_login(city.users["enterprise"])
    page = client.get(f"/problems/{problem.ref}/").content.decode()
    assert "满意，销号" in page and "不满意，重新办理" in page and ">协调<" not in page


def test_yes_no_filters_start_at_all_and_filter_on_page_and_api(client: Any, city: City) -> None:
    """反复出现, 逾期 and 已调度 on the ledger start at 全部 (Django's yes/no select started at 未知, which read as a state of
    the problem); 是 and 否 filter the same way on the page and the API (one filter set)."""
    with time_machine.travel(T0, tick=False):
        plain = services.report(city.users["enterprise"], "用电报装需要加快", enterprise=city.e_jiangbei)
        again = services.report(city.users["enterprise"], "口罩短缺", enterprise=city.e_jiangbei)
    Problem.objects.filter(pk=again.pk).update(recurring=True)
    client.force_login(city.users["hq"])
    page = client.get("/problems/").content.decode()
    select = page[page.index('name="recurring"'):]
    select = select[:select.index("</select>")]
    assert '<option value="" selected>全部</option>' in select and "未知" not in select
    from dualtrack.problems.filters import ProblemFilterSet

    form = ProblemFilterSet(queryset=Problem.objects.all()).form
    for name in ("recurring", "overdue", "escalated"):  # the last two are the API's and the export's
        assert [str(label) for _value, label in form.fields[name].widget.choices] == ["全部", "是", "否"], name
    assert again.ref in client.get("/problems/", {"recurring": "true"}).content.decode()
    assert plain.ref not in client.get("/problems/", {"recurring": "true"}).content.decode()
    assert plain.ref in client.get("/problems/", {"recurring": "false"}).content.decode()
    hq = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
    refs = {flag: {p["ref"] for p in client.get("/api/v1/problems", {"recurring": flag}, **hq).json()["results"]}
            for flag in ("true", "false", "")}
    assert refs == {"true": {again.ref}, "false": {plain.ref}, "": {plain.ref, again.ref}}
