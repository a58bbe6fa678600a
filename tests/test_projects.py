"""Key projects: the lights at their boundaries, month-end consequences as problems, rankings, imports, the
progress form, the CLI and the bulletin section."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dualtrack.problems import services as problems
from dualtrack.problems.models import Problem
from dualtrack.projects import services
from dualtrack.projects.models import MonthlyLight, Project, ProjectPlan, ProjectProgress

from .conftest import City, _user

D = dt.date


def make_project(city: City, code: str, *, nature: str = "continuing", unit: str = "市经济和信息化局",
                 county: Any = None, level: str = "city_key", planned_start: dt.date | None = None,
                 plans: dict[str, int] | None = None, owner: Any = None) -> Project:
    project = Project.objects.create(
        code=code, name=f"项目{code}", level=level, nature=nature, county=county or city.jiangbei,
        responsible_unit=unit, responsible_department=city.department if unit == city.department.name else None,
        contact_leader="李明", total_investment=Decimal(100000), annual_plan=Decimal(20000),
        planned_start=planned_start, owner=owner)
    for month, value in (plans or {}).items():
        ProjectPlan.objects.create(project=project, month=D.fromisoformat(f"{month}-01"), planned_cumulative=value)
    return project


def progress(project: Project, day: dt.date, completed: float, resumed: bool = True) -> None:
    ProjectProgress.objects.update_or_create(project=project, date=day, defaults={
        "resumed": resumed, "completed_cumulative": Decimal(str(completed)), "workers_on_site": 50})


def status(project: Project, day: dt.date) -> services.ProjectStatus:
    return services.statuses(Project.objects.filter(pk=project.pk), day)[0]


# --- the plan to date ---------------------------------------------------------------------------------------

def test_plan_interpolated_inside_the_month_and_across_a_month_boundary() -> None:
    plans = [(D(2020, 2, 1), Decimal(100)), (D(2020, 3, 1), Decimal(400))]
    assert services.plan_to_date(plans, D(2020, 1, 31)) == 0  # before the first planned month
    assert services.plan_to_date(plans, D(2020, 2, 1)) == Decimal(100) / 29  # from 0 (no January plan)
    assert services.plan_to_date(plans, D(2020, 2, 29)) == 100  # February 2020 has 29 days
    assert services.plan_to_date(plans, D(2020, 3, 1)) == 100 + Decimal(300) / 31
    assert services.plan_to_date(plans, D(2020, 3, 31)) == 400
    assert services.plan_to_date(plans, D(2020, 5, 10)) == 400  # flat after the last planned month


# --- lights at their boundaries -------------------------------------------------------------------------------

@pytest.mark.parametrize(("completed", "light"), [(599.99, "red"), (600, "yellow"), (799.99, "yellow"), (800, "green")])
def test_light_thresholds_exactly(city: City, completed: float, light: str) -> None:
    project = make_project(city, "P1", plans={"2020-03": 1000})  # plan to date on 31 March: exactly 1000
    progress(project, D(2020, 3, 20), completed)
    result = status(project, D(2020, 3, 31))
    assert result.light == light and result.progress_ratio == round(completed / 1000, 4)


def test_latest_report_on_or_before_the_date_counts(city: City) -> None:
    project = make_project(city, "P1", plans={"2020-03": 1000})
    progress(project, D(2020, 3, 10), 700)
    progress(project, D(2020, 4, 2), 950)  # after the date: ignored
    assert status(project, D(2020, 3, 31)).light == "yellow"


def test_continuing_project_not_resumed_after_the_deadline_is_red(city: City) -> None:
    project = make_project(city, "P1", plans={"2020-03": 1000})
    progress(project, D(2020, 3, 1), 990, resumed=False)
    on_deadline = status(project, D(2020, 3, 15))
    assert on_deadline.light == "green"  # the deadline day itself: not yet
    after = status(project, D(2020, 3, 16))
    assert after.light == "red" and "复工时限后仍未复工" in after.reasons[-1]
    progress(project, D(2020, 3, 16), 995, resumed=True)
    assert status(project, D(2020, 3, 16)).light == "green"


def test_new_project_not_started_day_30_and_day_31(city: City) -> None:
    project = make_project(city, "N1", nature="new", planned_start=D(2020, 2, 1), plans={"2020-04": 1000})
    day_30, day_31 = D(2020, 2, 1) + dt.timedelta(days=30), D(2020, 2, 1) + dt.timedelta(days=31)
    assert status(project, day_30).light is None  # plan to date is 0 before April: no light
    red = status(project, day_31)
    assert red.light == "red" and "30天后仍未开工" in red.reasons[-1]
    progress(project, D(2020, 3, 2), 0, resumed=True)  # started (是否复工 = 是)
    assert status(project, day_31).light is None and status(project, day_31).started


def test_no_plan_rows_is_missing_data_and_plan_zero_has_no_light(city: City) -> None:
    missing = make_project(city, "M1")
    zero = make_project(city, "Z1", plans={"2020-06": 500})
    assert status(missing, D(2020, 3, 1)).missing_plan and status(missing, D(2020, 3, 1)).light is None
    assert not status(zero, D(2020, 3, 1)).missing_plan and status(zero, D(2020, 3, 1)).light is None


# --- month-end consequences -----------------------------------------------------------------------------------

def test_yellow_then_two_yellows_then_red_three_months(city: City) -> None:
    vice_mayor = _user("fu", "leader")
    vice_mayor.leader_level = 2
    vice_mayor.save()
    vice_mayor.supervised_departments.add(city.department)
    project = make_project(city, "P1", plans={"2020-02": 1000, "2020-03": 2000, "2020-04": 3000, "2020-05": 4000,
                                             "2020-06": 5000})
    progress(project, D(2020, 2, 20), 700)  # February: 70% → yellow → talk
    assert services.evaluate_month(D(2020, 2, 1))["tasks"] == 1
    talk = Problem.objects.get(source_key="project:P1:2020-02:talk")
    assert talk.state == "assigned" and talk.escalation_level == 1 and talk.department == city.department
    assert talk.project_code == "P1" and talk.due_at is not None
    progress(project, D(2020, 3, 20), 1500)  # March: 75% → yellow again → vice-mayor
    services.evaluate_month(D(2020, 3, 1))
    second = Problem.objects.get(source_key="project:P1:2020-03:vice_mayor")
    assert second.escalation_level == 2
    from dualtrack.core.models import Notification

    # an automatic task reaches the vice-mayor in the day's digest (#28 §2), not as a notice of its own
    digest = Notification.objects.get(user=vice_mayor, kind="digest")
    assert second.ref in digest.params["items"] and not digest.read
    assert not Notification.objects.filter(user=vice_mayor, title__contains=second.ref).exists()
    progress(project, D(2020, 4, 20), 1600)  # April: 53% → red → city leader
    services.evaluate_month(D(2020, 4, 1))
    assert MonthlyLight.objects.get(project=project, month=D(2020, 4, 1)).consequence == "city_leader"
    services.evaluate_month(D(2020, 5, 1))  # May: red (40%) — two reds
    assert MonthlyLight.objects.get(project=project, month=D(2020, 5, 1)).consequence == "city_leader"
    services.evaluate_month(D(2020, 6, 1))  # June: the third red running → exit review
    june = MonthlyLight.objects.get(project=project, month=D(2020, 6, 1))
    assert june.consequence == "exit_review" and june.rules_version == "projects:v2"
    assert "连续3个月亮红灯" in Problem.objects.get(source_key="project:P1:2020-06:exit_review").description
    before = Problem.objects.count()
    assert services.evaluate_month(D(2020, 6, 1))["tasks"] == 0 and Problem.objects.count() == before  # idempotent


def test_a_county_governments_project_task_goes_to_the_dispatch_department(city: City, client: Any) -> None:
    """A project whose responsible unit is a county government has no city department: its dispatch task goes to
    the rule set's dispatch department (FGW), links to its project, and tasks made before are routed too."""
    from dualtrack.registry.models import Department

    fgw = Department.objects.create(code="FGW", name="市发展和改革委员会")
    project = make_project(city, "C1", unit="江北区人民政府", plans={"2020-02": 1000, "2020-03": 1000})
    assert project.responsible_department is None
    progress(project, D(2020, 2, 20), 700)
    services.evaluate_month(D(2020, 2, 1))
    task = Problem.objects.get(source_key="project:C1:2020-02:talk")
    assert task.department == fgw
    client.force_login(city.users["hq"])
    assert 'href="/projects/C1/"' in client.get(f"/problems/{task.ref}/").content.decode()
    # a task made while no dispatch department existed is routed by the worker's next run
    orphan, _created = problems.create_task("project:C1:old", "旧任务", project_code="C1")
    assert orphan.department is None
    seen = orphan.version
    with time_machine.travel(dt.datetime(2020, 3, 2, 9, tzinfo=dt.UTC)):
        services.evaluate_due()
    orphan.refresh_from_db()
    assert orphan.department == fgw and orphan.version == seen + 1
    assert orphan.events.filter(comment__contains="交市发展和改革委员会跟踪督办").exists()
    closed, _created = problems.create_task("project:C1:closed", "已销号", project_code="C1")
    Problem.objects.filter(pk=closed.pk).update(state="closed")
    assert problems.route_tasks_without_department(fgw) == 0  # only open tasks move


def test_no_start_six_months_after_plan_is_exit_review(city: City) -> None:
    project = make_project(city, "N1", nature="new", planned_start=D(2020, 1, 10), plans={"2020-12": 1000})
    services.evaluate_month(D(2020, 6, 1))  # 30 June: not yet six months
    assert MonthlyLight.objects.get(project=project, month=D(2020, 6, 1)).consequence == "city_leader"
    services.evaluate_month(D(2020, 7, 1))  # 31 July ≥ 10 July
    assert MonthlyLight.objects.get(project=project, month=D(2020, 7, 1)).consequence == "exit_review"


def test_worker_evaluates_months_that_ended(city: City) -> None:
    project = make_project(city, "P1", plans={"2020-02": 1000, "2020-03": 2000})
    assert services.months_to_evaluate(D(2020, 4, 1)) == []  # nobody has reported yet
    progress(project, D(2020, 2, 20), 900)
    progress(project, D(2020, 3, 20), 1900)
    progress(project, D(2020, 4, 3), 2000)  # April has not ended
    assert services.months_to_evaluate(D(2020, 4, 1)) == [D(2020, 2, 1), D(2020, 3, 1)]
    assert services.evaluate_due(dt.datetime(2020, 4, 1, 8, 0, tzinfo=dt.UTC)) == 2
    assert services.months_to_evaluate(D(2020, 4, 1)) == []


# --- rankings ----------------------------------------------------------------------------------------------

def test_rankings_on_constructed_data(city: City) -> None:
    for code, unit, county, resumed in [("A1", "甲局", city.jiangbei, True), ("A2", "甲局", city.binhai, True),
                                        ("B1", "乙局", city.jiangbei, True), ("B2", "乙局", city.binhai, False),
                                        ("C1", "丙局", city.binhai, False)]:
        project = make_project(city, code, unit=unit, county=county, plans={"2020-03": 1000})
        progress(project, D(2020, 3, 10), 900 if code != "B1" else 500, resumed=resumed)
    ranks = services.rankings(Project.objects.all(), D(2020, 3, 31))
    assert [(g["name"], g["rank"], g["due"], g["resumed"], g["rate"]) for g in ranks["units"]] == [
        ("甲局", 1, 2, 2, 1.0), ("乙局", 2, 2, 1, 0.5), ("丙局", 3, 1, 0, 0.0)]
    assert ranks["units"][1]["mean_ratio"] == 0.7  # (0.5 + 0.9) / 2
    assert ranks["units_all_resumed"] == ["甲局"] and ranks["units_below"] == ["乙局", "丙局"]
    assert [(g["name"], g["rate"]) for g in ranks["counties"]] == [("江北区", 1.0), ("滨海区", round(1 / 3, 4))]
    levels = services.level_summary(Project.objects.all(), D(2020, 3, 31))
    assert levels[1] == {"name": "市重点续建", "projects": 5, "resumed": 3, "rate": 0.6, "workers_on_site": 250}


# --- progress reports, permissions ----------------------------------------------------------------------------

def test_owner_reports_progress_and_scope(client: Any, city: City) -> None:
    owned = make_project(city, "O1", owner=city.e_jiangbei, plans={"2020-03": 1000})
    other = make_project(city, "X1", unit="市交通运输局", county=city.binhai, plans={"2020-03": 1000})
    client.force_login(city.users["enterprise"])
    assert client.get("/projects/O1/").status_code == 200
    assert client.get("/projects/X1/").status_code == 404
    response = client.post("/projects/O1/", {"kind": "weekly", "date": "2020-03-06", "resumed": "1",
                                             "workers_on_site": 120, "completed_cumulative": "450",
                                             "physical_progress": "主体结构完成40%"})
    assert response.status_code == 302
    report = ProjectProgress.objects.get(project=owned)
    assert report.completed_cumulative == 450 and report.kind == "weekly" and report.reported_by == city.users["enterprise"]
    backwards = client.post("/projects/O1/", {"kind": "weekly", "date": "2020-03-13", "resumed": "1",
                                              "workers_on_site": 120, "completed_cumulative": "300"})
    assert backwards.status_code == 200 and "不能少于" in backwards.content.decode()
    assert client.post("/projects/X1/", {"kind": "weekly", "date": "2020-03-06", "resumed": "1",
                                         "workers_on_site": 1, "completed_cumulative": "1"}).status_code == 404
    client.force_login(city.users["department"])  # 市经济和信息化局 is responsible for O1 only
    assert client.get("/projects/O1/").status_code == 200 and client.get("/projects/X1/").status_code == 404
    client.force_login(city.users["district_binhai"])
    assert client.get("/projects/X1/").status_code == 200 and client.get("/projects/O1/").status_code == 404
    client.force_login(city.users["public"])
    assert client.get("/projects/").status_code == 403
    with pytest.raises(ValidationError):
        services.save_progress(city.users["hq"], other, date=D(2099, 1, 1), resumed=True, workers_on_site=0,
                               completed_cumulative=Decimal(1))


def test_pages_render_for_hq(client: Any, city: City) -> None:
    project = make_project(city, "P1", plans={"2020-02": 500, "2020-03": 1000})
    project.longitude, project.latitude = 121.5, 29.9
    project.save()
    progress(project, D(2020, 3, 10), 300)
    client.force_login(city.users["hq"])
    register = client.get("/projects/", {"date": "2020-03-31"}).content.decode()
    assert 'data-code="P1" data-light="red"' in register
    assert 'data-code="P1"' not in client.get("/projects/", {"date": "2020-03-31", "light": "green"}).content.decode()
    assert client.get("/projects/map/", {"date": "2020-03-31"}).status_code == 200
    board = client.get("/projects/board/", {"date": "2020-03-31"}).content.decode()
    assert 'id="red"' in board and "P1" in board
    detail = client.get("/projects/P1/", {"date": "2020-03-31"}).content.decode()
    assert "investment-payload" in detail and "投资完成率30.0%" in detail
    from .helpers import read_xlsx

    rows = read_xlsx(b"".join(client.get("/projects/", {"date": "2020-03-31", "format": "xlsx"}).streaming_content))
    assert rows[1][0] == "P1" and rows[1][10] == 0.3 and rows[1][11] == "红灯"


# --- imports, CLI, API, bulletin ------------------------------------------------------------------------------

def test_imports_all_or_nothing(city: City) -> None:
    from dualtrack.core.imports import get_dataset, run_import

    from .helpers import csv_bytes

    header = ["项目代码", "项目名称", "项目级别", "建设性质", "区划代码", "责任单位", "联系领导", "总投资", "年度计划投资",
              "计划开工日期", "计划竣工日期"]
    good = ["XM-001", "宁江港区码头二期", "省重点", "续建", "339102", "市经济和信息化局", "李明", "125000", "30000",
            "2019-06-01", "2022-12-31"]
    bad_cells = ["XM-002", "坏项目", "国家级", "续建", "339102", "某局", "", "-5", "0", "2020-06-01", "2020-12-01"]
    bad_links = ["XM-003", "坏项目", "市重点", "新开工", "999999", "某局", "", "5", "0", "2020-06-01", "2020-01-01"]
    projects = get_dataset("projects")
    assert projects is not None
    result = run_import(projects, io.BytesIO(csv_bytes([header, good, bad_cells, bad_links])), "p.csv",
                        city.users["hq"])
    assert [(e.row, e.column) for e in result.errors] == [(3, "项目级别"), (3, "总投资"), (4, "区划代码"),
                                                          (4, "计划竣工日期")]
    assert not Project.objects.exists()
    assert run_import(projects, io.BytesIO(csv_bytes([header, good])), "p.csv", city.users["hq"]).created == 1
    project = Project.objects.get(code="XM-001")
    assert project.level == "province_key" and project.responsible_department == city.department
    plans = get_dataset("project_plans")
    assert plans is not None
    rows = [["项目代码", "月份", "计划累计完成投资"], ["XM-001", "2020-02", "8000"], ["XM-001", "2020-03", "12000"]]
    assert run_import(plans, io.BytesIO(csv_bytes(rows)), "plans.csv", city.users["hq"]).created == 2
    assert run_import(plans, io.BytesIO(csv_bytes(rows)), "plans.csv", city.users["hq"]).unchanged == 2
    progress_set = get_dataset("project_progress")
    assert progress_set is not None
    rows = [["日期", "项目代码", "是否复工", "在岗人数", "累计完成投资", "形象进度"],
            ["2020-03-06", "XM-001", "是", "320", "9000", "桩基完成"]]
    district = run_import(progress_set, io.BytesIO(csv_bytes(rows)), "pr.csv", city.users["district_binhai"])
    assert [(e.row, e.column) for e in district.errors] == [(2, "项目代码")]  # not in Binhai's scope
    assert run_import(progress_set, io.BytesIO(csv_bytes(rows)), "pr.csv", city.users["district"]).created == 1


def test_cli_json(city: City) -> None:
    project = make_project(city, "P1", plans={"2020-03": 1000})
    progress(project, D(2020, 3, 10), 700)
    out = io.StringIO()
    call_command("projects", "--date", "2020-03-31", "--json", stdout=out)
    assert json.loads(out.getvalue()) == [{"code": "P1", "light": "yellow", "progress_ratio": 0.7,
                                           "reasons": ["投资完成率70.0%，低于80%"],
                                           "reason_codes": ["ratio_below"], "resumed": True,
                                           "stage": "construction", "escalation": None}]
    services.evaluate_month(D(2020, 3, 1))

    def escalation_on(day: str) -> Any:
        out = io.StringIO()
        call_command("projects", "--date", day, "--json", stdout=out)
        return json.loads(out.getvalue())[0]["escalation"]

    assert escalation_on("2020-03-31") is None  # March's consequence is known once March has ended
    escalation = escalation_on("2020-04-01")
    assert escalation["consequence"] == "talk" and escalation["month"] == "2020-03" and escalation["task"]


def test_api_lists_with_lights_in_scope(client: Any, city: City) -> None:
    project = make_project(city, "P1", plans={"2020-03": 1000})
    make_project(city, "X1", county=city.binhai, unit="市交通运输局")
    progress(project, D(2020, 3, 10), 900)
    auth = {"HTTP_AUTHORIZATION": f"Token {city.token('district')}"}
    listing = client.get("/api/v1/projects", {"date": "2020-03-31"}, **auth).json()
    assert [p["code"] for p in listing["results"]] == ["P1"]
    assert listing["results"][0]["status"]["light"] == "green"
    assert client.get("/api/v1/projects/X1", **auth).status_code == 404
    bad = client.get("/api/v1/projects", {"date": "2020-02-30"}, **auth)  # not another day's lights
    assert bad.status_code == 400 and "date" in bad.json()


def test_bulletin_section(city: City) -> None:
    from dualtrack.bulletins.content import Context
    from dualtrack.projects.bulletin import section

    for code, unit, resumed in [("A1", "甲局", True), ("B1", "乙局", False)]:
        project = make_project(city, code, unit=unit, plans={"2020-03": 1000})
        progress(project, D(2020, 3, 10), 900, resumed=resumed)
    ctx = Context(day=D(2020, 3, 31), user=None, city={}, regions=[], sizes={}, industries=[], parks=[])
    part = section(ctx)
    assert part is not None
    assert "市重点续建项目2个，已复工1个，复工率50.0%" in part.paragraphs[0]
    assert "甲局均100%复工" in part.paragraphs[1] and "乙局复工率不到60%" in part.paragraphs[1]
    tables = {t.title: t for t in part.tables}
    assert tables["各责任单位项目亮灯情况"].rows[0] == ["乙局", 1, 1, 0, 0, 0]  # red first
    assert tables["投资额最大的1个红灯项目"].rows[0][0] == "B1"  # red: not resumed after the deadline
    assert tables["红灯项目清单"].annex and [r[0] for r in tables["红灯项目清单"].rows] == ["B1"]


def test_the_bulletin_summarises_red_projects_and_annexes_the_full_list(city: City) -> None:
    """Hundreds of red projects would fill a PDF: the core names the three largest by investment and says how many
    the annex holds; the annex (after the core, in the Word file and in the Excel file) holds the ten largest with
    their reasons and every red project (#28 §3: the core within a leader's reading)."""
    from docx import Document
    from openpyxl import load_workbook

    from dualtrack.bulletins import content, render
    from dualtrack.bulletins.content import Bulletin, Context
    from dualtrack.projects.bulletin import section

    for n in range(14):
        project = make_project(city, f"R{n:02d}", unit="乙局", plans={"2020-03": 1000})
        Project.objects.filter(pk=project.pk).update(total_investment=Decimal(1000 * (n + 1)))
        progress(project, D(2020, 3, 10), 100, resumed=False)
    ctx = Context(day=D(2020, 3, 31), user=None, city={}, regions=[], sizes={}, industries=[], parks=[])
    part = section(ctx)
    assert part is not None
    top = next(t for t in part.tables if t.title.startswith("投资额最大的"))
    assert top.title == "投资额最大的10个红灯项目" and len(top.rows) == 10 and top.annex
    assert "红灯项目中投资额最大的是“项目R13”、“项目R12”、“项目R11”等。" in part.paragraphs
    assert [r[0] for r in top.rows[:2]] == ["R13", "R12"] and top.rows[0][3] == 14000 and top.rows[0][5]
    bulletin = Bulletin(day=D(2020, 3, 31), title="通报", rules_version="v", sections=[part], figures={},
                        masthead=content.Masthead(issuer="宁江市指挥部", office="宁江市指挥部办公室"))
    document = Document(io.BytesIO(render.docx(bulletin, [])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "投资额最大的10个红灯项目（10项）、红灯项目清单（14项）见附件1。" in text and "附件：1.重点项目推进情况" in text
    # the annex after the core (after the 落款's date), on a page of its own, holds the whole list
    paragraphs = [p.text for p in document.paragraphs]
    mark = paragraphs.index("附件1")
    assert mark > paragraphs.index("2020年3月31日") and document.paragraphs[mark].paragraph_format.page_break_before
    assert any(t.rows[0].cells[0].text == "项目代码" and len(t.rows) == 15 for t in document.tables)
    # stored as JSON and read back (a released bulletin is rendered from its stored content)
    stored = content.from_dict(json.loads(json.dumps(bulletin.as_dict(), ensure_ascii=False, default=str)))
    assert "14,000" in render.html(stored) and render.docx(stored, [])
    workbook = load_workbook(io.BytesIO(render.xlsx(bulletin)))
    assert "附件1 投资额最大的10个红灯项目" in workbook.sheetnames
    annex = workbook["附件1 红灯项目清单"]
    assert annex.max_row == 15 and annex["A2"].value == "R13"


def test_projects_in_the_liaison_coverage_report(client: Any, city: City) -> None:
    covered = make_project(city, "C1")
    make_project(city, "U1")
    make_project(city, "B1", county=city.binhai)
    covered.liaison_officers.add(city.users["liaison"])
    client.force_login(city.users["hq"])
    page = client.get("/liaison/coverage/").content.decode()
    assert 'data-code="U1"' in page and 'data-code="B1"' in page and 'data-code="C1"' not in page
    client.force_login(city.users["district"])  # 江北区 sees its own county's projects only
    page = client.get("/liaison/coverage/").content.decode()
    assert 'data-code="U1"' in page and 'data-code="B1"' not in page and "50.0%" in page
