"""Poverty alleviation (DOMAIN.md §13, issue #18), the command side: findings 问题整改 as tasks of the closed loop with
working-day deadlines and escalation, the reconciliation 对账销号, the frozen weekly board 一周一调度, inspection teams,
help teams, poverty projects, the census countdown and poor labourers brought back by the point-to-point return."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dualtrack.core.dates import SHANGHAI
from dualtrack.poverty import board, findings, services
from dualtrack.poverty.models import CensusItem, Finding, WeeklyBoard
from dualtrack.problems import services as problems
from dualtrack.problems.models import Problem
from dualtrack.registry.models import Region

from .conftest import City, make_enterprise
from .test_poverty import CHECKS, HOUSEHOLDS, load, villages  # noqa: F401 - the fixture

MONDAY = dt.datetime(2020, 5, 11, 9, 0, tzinfo=SHANGHAI)  # no holiday until the next Monday
ROWS = [HOUSEHOLDS, ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""],
        ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "", ""]]


@pytest.fixture
def households(villages: City) -> City:  # noqa: F811 - the fixture imported above
    assert load(villages.users["office"], "households", ROWS).ok
    return villages


def raise_on(city: City, household: str = "H1", village: str = "339102001201", at: dt.datetime = MONDAY) -> Finding:
    return findings.raise_finding(city.users["office"], source="inspection", village_code=village,
                                  household_code=household, description="住房等级C级,危房改造未完成",
                                  found_on=at.date(), working_days=5, at=at)


def test_a_finding_of_five_working_days_from_a_monday_is_due_the_next_monday_and_escalates_once_on_tuesday(
        households: City) -> None:
    finding = raise_on(households)
    task = Problem.objects.get(ref=finding.task_ref)
    assert task.due_at == dt.datetime(2020, 5, 18, 23, 59, 59, tzinfo=SHANGHAI)
    assert task.county == households.jiangbei and task.department.code == "FPB" and task.state == "assigned"
    monday_evening = dt.datetime(2020, 5, 18, 23, 0, tzinfo=SHANGHAI)
    assert findings.counts_by_area(dt.date(2020, 5, 18))["339102"] == {"findings": 1, "open": 1, "overdue": 0}
    assert findings.counts_by_area(dt.date(2020, 5, 19))["339102"] == {"findings": 1, "open": 1, "overdue": 1}
    assert problems.escalate_due(monday_evening) == 0  # due that day, not yet overdue
    tuesday = dt.datetime(2020, 5, 19, 9, 0, tzinfo=SHANGHAI)
    assert problems.escalate_due(tuesday) == 1
    assert problems.escalate_due(tuesday + dt.timedelta(hours=1)) == 0  # once
    task.refresh_from_db()
    assert task.escalation_level == 1
    row = findings.rows(households.users["office"], now=tuesday)[0]
    assert row.overdue and row.escalation_level == 1 and not row.closed


def test_the_county_puts_a_finding_right_the_office_closes_it_and_the_household_is_reconciled(
        households: City, client: Any) -> None:
    office, jiangbei = households.users["office"], households.users["district"]
    first, second = raise_on(households), raise_on(households)
    assert first.code != second.code
    assert [r.open for r in findings.reconciliation(office)] == [2]
    for finding in (first, second):
        task = Problem.objects.get(ref=finding.task_ref)
        with pytest.raises(Http404):  # another county's operator does not even see it
            problems.move(task.pk, task.version, "resolved", households.users["district_binhai"], answer="已整改")
        task = problems.move(task.pk, task.version, "resolved", jiangbei, answer="危房已改造,住房等级B级")
        problems.move(task.pk, task.version, "closed", office, "核实销号")
        rows = {r.household: r for r in findings.reconciliation(office)}
        assert rows["H1"].cleared is (finding is second)
    client.force_login(jiangbei)
    page = client.get("/poverty/reconciliation/")
    assert page.status_code == 200 and page.context["cleared"] == 1 and page.context["total"] == 1
    assert client.get(f"/problems/{first.task_ref}/").status_code == 200
    client.force_login(households.users["district_binhai"])
    assert client.get(f"/problems/{first.task_ref}/").status_code == 404
    assert client.get("/poverty/findings/").context["page"].object_list == []  # Binhai sees none of Jiangbei's
    client.force_login(households.users["hq"])
    assert client.get("/poverty/reconciliation/").status_code == 403  # household-level: office and county only


def test_a_finding_names_a_known_village_and_a_household_of_it(households: City) -> None:
    office = households.users["office"]
    with pytest.raises(ValidationError) as err:
        findings.raise_finding(office, source="inspection", village_code="339106001201", household_code="H1",
                               description="x", found_on=dt.date(2020, 5, 11))
    assert "household" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        findings.raise_finding(office, source="bogus", village_code="339199999999", description=" ",
                               found_on=dt.date(2020, 5, 11), working_days=0)
    assert set(err.value.message_dict) == {"source", "village", "description", "working_days"}
    with pytest.raises(PermissionDenied):
        findings.raise_finding(households.users["district"], source="inspection", village_code="339102001201",
                               description="x", found_on=dt.date(2020, 5, 11))
    assert not Finding.objects.exists() and not Problem.objects.exists()


FINDINGS = ["问题编号", "问题来源", "村代码", "户编号", "问题描述", "发现日期", "整改时限(工作日)"]


def test_importing_the_findings_list_assigns_each_once_and_reimporting_changes_nothing(households: City) -> None:
    office = households.users["office"]
    rows = [FINDINGS, ["DZ-1", "督战", "339102001201", "H1", "饮水不稳定", "2020-05-11", 5],
            ["XS-1", "巡视回头看", "339106001201", "", "村级帮扶台账不全", "2020-05-12", ""]]
    first = load(office, "poverty_findings", rows)
    assert first.ok and first.created == 2
    assert Problem.objects.filter(source_key__startswith="poverty:finding:").count() == 2
    again = load(office, "poverty_findings", rows)
    assert again.ok and again.unchanged == 2 and Problem.objects.count() == 2
    moved = load(office, "poverty_findings", [FINDINGS, ["DZ-1", "督战", "339106001201", "", "饮水不稳定",
                                                          "2020-05-11", 5]])
    assert not moved.ok and moved.errors[0].column == "村代码"
    wrong = load(office, "poverty_findings", [FINDINGS, ["DZ-2", "督战", "339102001201", "H2", "x", "2020-05-11", 5]])
    assert not wrong.ok and wrong.errors[0].column == "户编号"
    refused = load(households.users["district"], "poverty_findings", rows)
    assert not refused.ok


def test_a_frozen_weekly_board_stays_as_frozen_after_later_imports(households: City, client: Any) -> None:
    office = households.users["office"]
    check = ["H2", 2020, "3900", "", "", "是", "是", "是", "是", "是", "是", "A", "2020-05-08"]
    assert load(office, "household_checks", [CHECKS, check]).ok
    frozen = board.freeze_week(office, dt.date(2020, 5, 13))
    assert frozen.week == dt.date(2020, 5, 11) and frozen.as_of == dt.date(2020, 5, 17)
    binhai = next(r for r in frozen.figures["counties"] if r["code"] == "339106")
    assert binhai["not_met"] == 1 and frozen.rules_version == "poverty-2020:v1"
    content = bytes(frozen.xlsx)
    assert load(office, "household_checks", [CHECKS, ["H2", 2020, "9000", *check[3:]]]).ok  # a later correction
    assert services.evaluate(2020).counties[-1].not_met == 0  # the live figures moved …
    again = WeeklyBoard.objects.get(week=dt.date(2020, 5, 11))
    assert next(r for r in again.figures["counties"] if r["code"] == "339106")["not_met"] == 1  # … the board did not
    assert bytes(again.xlsx) == content
    with pytest.raises(ValidationError):
        board.freeze_week(office, dt.date(2020, 5, 15))  # once a week
    client.force_login(households.users["leader"])
    download = client.get("/poverty/weekly/2020-05-11/xlsx/")
    assert download.status_code == 200
    assert quote("一周一调度-2020年5月11日.xlsx") in download.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    lines = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert lines["滨海区"][2] == 1 and lines["滨海区"][3] == 1  # households, not met: as frozen
    out = io.StringIO()
    call_command("poverty", "--week", "2020-05-11", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["sha256"] == frozen.sha256 and printed["totals"]["not_met"] == 1
    client.force_login(households.users["enterprise"])
    assert client.get("/poverty/weekly/2020-05-11/").status_code == 404  # out of scope, as everywhere


def test_the_worker_freezes_last_week_once(households: City) -> None:
    assert board.freeze_due(dt.date(2020, 5, 18)) == 1
    assert board.freeze_due(dt.date(2020, 5, 20)) == 0
    assert list(WeeklyBoard.objects.values_list("week", "as_of")) == [(dt.date(2020, 5, 11), dt.date(2020, 5, 17))]


TEAMS = ["督战队编号", "督战队名称", "乡镇代码", "队长", "队员人数", "专职队员人数"]


def test_an_inspection_team_with_fewer_than_three_full_time_members_is_flagged(households: City, client: Any) -> None:
    office = households.users["office"]
    Region.objects.get_or_create(code="339106002", defaults={"name": "滨海二镇", "level": "township",
                                                             "parent": households.binhai})
    result = load(office, "inspection_teams", [TEAMS, ["D1", "滨海一镇督战队", "339106001", "张建华", 5, 3],
                                               ["D2", "滨海二镇督战队", "339106002", "李强", 4, 2]])
    assert result.ok
    assert board.teams_by_county() == {"339106": (2, 1)}
    bad = load(office, "inspection_teams", [TEAMS, ["D3", "x", "339106001", "王", 2, 3]])
    assert not bad.ok and bad.errors[0].column == "专职队员人数"
    client.force_login(households.users["hq"])
    page = client.get("/poverty/forces/")
    assert page.status_code == 200 and page.context["short"] == 1
    assert [t.code for t in page.context["teams"] if t.short] == ["D2"]
    client.force_login(households.users["district"])  # Jiangbei: not Binhai's teams
    assert client.get("/poverty/forces/").context["teams"] == []


HELPERS = ["村代码", "姓名", "职务", "工作队", "派出单位", "到岗日期"]


def test_helpers_on_site_and_poverty_projects_on_the_war_map(households: City, client: Any) -> None:
    from dualtrack.projects.models import Project, ProjectProgress

    office = households.users["office"]
    assert load(office, "helpers", [HELPERS, ["339106001201", "李卫东", "第一书记", "市发改委工作队", "市发展改革委",
                                              "2020-02-24"],
                                    ["339106001201", "赵敏", "工作队员", "市发改委工作队", "市发展改革委", ""]]).ok
    assert board.helpers_by_area(dt.date(2020, 5, 11))["339106001201"] == (2, 1)
    assert board.helpers_by_area(dt.date(2020, 2, 23))["339106"] == (2, 0)
    started = Project.objects.create(code="FP-1", name="扶贫车间", level="市重点", nature="新建", county=households.binhai,
                                     responsible_unit="滨海区政府", total_investment=Decimal(800), poverty=True,
                                     actual_start=dt.date(2020, 3, 2))
    Project.objects.create(code="FP-2", name="光伏扶贫电站", level="市重点", nature="新建", county=households.binhai,
                           responsible_unit="滨海区政府", total_investment=Decimal(600), poverty=True)
    Project.objects.create(code="XX-1", name="不是扶贫项目", level="市重点", nature="新建", county=households.binhai,
                           responsible_unit="滨海区政府", total_investment=Decimal(600))
    ProjectProgress.objects.create(project=started, date=dt.date(2020, 5, 8), resumed=True, workers_on_site=20,
                                   completed_cumulative=Decimal(100))
    assert board.projects_by_county(dt.date(2020, 5, 11))[households.binhai.pk]["total"] == 2
    assert board.projects_by_county(dt.date(2020, 5, 11))[households.binhai.pk]["started"] == 1
    client.force_login(households.users["leader"])
    page = client.get("/poverty/", {"year": "2020", "date": "2020-05-11"})
    binhai = page.context["counties"]["339106"]
    assert (binhai.projects, binhai.projects_started, binhai.helpers, binhai.helpers_on_site) == (2, 1, 2, 1)
    assert "李卫东" not in page.content.decode()  # aggregates on the war map


def _register(hq: Any, employer: Any, code: str, id_number: str) -> Any:
    from dualtrack.workreturn import services as workreturn

    return workreturn.register_worker(hq, code=code, name="杨小春", phone="13900000001", id_number=id_number,
                                      village_code="339106001201", enterprise=employer,
                                      attestation_kind="health_certificate", attestation_date=dt.date(2020, 2, 18),
                                      poor_labourer=True)


def _board(employer: Any, worker: Any) -> None:
    from dualtrack.workreturn.models import Boarding, Trip

    trip = Trip.objects.create(code=f"T-{worker.code}", origin_code="339106", enterprise=employer,
                               departure=dt.datetime(2020, 2, 20, 8, tzinfo=SHANGHAI), plate="浙A12345", seats=44,
                               arrived_at=dt.datetime(2020, 2, 20, 18, tzinfo=SHANGHAI))
    Boarding.objects.create(trip=trip, worker=worker, boarded_at=trip.departure, temperature=Decimal("36.5"),
                            allowed=True, rules_version="worker-return:v1")


def test_a_poor_labourer_brought_back_by_a_trip_counts_as_away(households: City) -> None:
    office = households.users["office"]
    assert load(office, "labourers", [["户编号", "姓名", "务工状态", "务工地", "上年外出", "身份证号"],
                                      ["H2", "杨小春", "在家待岗", "", "是", "339106199001011111"],
                                      ["H2", "杨小花", "在家待岗", "", "是", ""]]).ok
    binhai = lambda: next(c for c in services.evaluate(2020).counties if c.code == "339106")  # noqa: E731
    assert load(office, "household_checks", [CHECKS, ["H2", 2020, "9000", "", "", "是", "是", "是", "是", "是", "是",
                                                      "A", "2020-05-08"]]).ok
    assert binhai().outbound_rate == 0.0
    employer = make_enterprise(households.jiangbei, "江北纺织有限公司")
    _board(employer, _register(households.users["hq"], employer, "W1", "339106199001011111"))
    assert binhai().outbound_rate == 0.5  # one of the two who worked away last year
    labour = services.labour_by_county(dt.datetime(2020, 2, 20, 12, tzinfo=SHANGHAI))  # before the bus arrived
    assert labour[households.binhai.pk]["away"] == 0 and labour[households.binhai.pk]["at_home"] == 2
    assert services.labour_by_county()[households.binhai.pk] == {
        "labourers": 2, "away": 1, "at_home": 1, "nearby": 0, "away_last_year": 2}


def test_erasing_the_workers_personal_data_keeps_the_poverty_figures(households: City, settings: Any) -> None:
    """The outbound rate fell (0.649 → 0.593 in the demo) when erasure removed the ID hashes the match was made by:
    the match is kept as a link when it is made, whichever side comes first, and erasure keeps every figure."""
    from dualtrack.core import rules as rule_sets
    from dualtrack.workreturn import services as workreturn
    from dualtrack.workreturn.models import Worker
    from dualtrack.workreturn.rules import DEFAULT

    office, hq = households.users["office"], households.users["hq"]
    employer = make_enterprise(households.jiangbei, "江北纺织有限公司")
    _board(employer, _register(hq, employer, "W1", "339106199001011111"))  # the worker first, the labourer later
    assert load(office, "labourers", [["户编号", "姓名", "务工状态", "务工地", "上年外出", "身份证号"],
                                      ["H2", "杨小春", "在家待岗", "", "是", "339106199001011111"],
                                      ["H2", "杨小花", "在家待岗", "", "是", "339106199202022222"],
                                      ["H2", "杨小东", "在家待岗", "", "是", ""]]).ok
    _board(employer, _register(hq, employer, "W2", "339106199202022222"))  # the labourer first, the worker later
    assert load(office, "household_checks", [CHECKS, ["H2", 2020, "9000", "", "", "是", "是", "是", "是", "是", "是",
                                                      "A", "2020-05-08"]]).ok
    county = lambda: next(c for c in services.evaluate(2020).counties if c.code == "339106")  # noqa: E731
    before = (county().outbound_rate, services.labour_by_county()[households.binhai.pk])
    assert before[0] == round(2 / 3, 6) and before[1]["away"] == 2

    rule_sets.revise("worker-return", {**DEFAULT, "campaign_end": "2020-03-15"}, hq, "活动结束")
    settings.WORKER_RETURN_RETENTION_DAYS = 90
    assert workreturn.erase_personal_data(dt.datetime(2020, 6, 14, tzinfo=SHANGHAI)) == 2
    services.forget()
    assert (county().outbound_rate, services.labour_by_county()[households.binhai.pk]) == before
    assert set(Worker.objects.values_list("id_hash", "id_last4")) == {("", "")}


def test_the_census_countdown_and_its_checklist(households: City, client: Any) -> None:
    census = board.census(dt.date(2020, 6, 30))
    assert (census.days_left, census.items, census.done, census.late) == (1, 8, 0, [])
    late = board.census(dt.date(2020, 7, 1))
    assert late.days_left == 0 and len(late.late) == 8  # due 30 June, not done on 1 July
    client.force_login(households.users["office"])
    response = client.post("/poverty/census/1/", {"done": "1", "done_on": "2020-06-20"})
    assert response.status_code == 302
    item = CensusItem.objects.get(order=1)
    assert item.done_on == dt.date(2020, 6, 20) and item.done_by == households.users["office"]
    assert board.census(dt.date(2020, 6, 30)).done == 1 and board.census(dt.date(2020, 6, 19)).done == 0
    client.force_login(households.users["district"])
    assert client.post("/poverty/census/2/", {"done": "1"}).status_code == 403
    assert client.get("/poverty/census/").status_code == 200


def test_pages_and_the_finding_form(households: City, client: Any) -> None:
    client.force_login(households.users["office"])
    for url in ("/poverty/", "/poverty/findings/", "/poverty/reconciliation/", "/poverty/forces/", "/poverty/census/",
                "/poverty/weekly/"):
        assert client.get(url).status_code == 200, url
    posted = client.post("/poverty/findings/", {
        "source": "review", "village": "339106001201", "household": "h2", "description": "帮扶手册填写不实",
        "found_on": "2020-05-11", "working_days": "5"})
    assert posted.status_code == 302
    finding = Finding.objects.get()
    assert finding.household.code == "H2" and finding.task_ref
    household_page = client.get("/poverty/households/H2/").content.decode()
    title = household_page.split("<title>")[1].split("</title>")[0]
    main = household_page.split("<main")[1]
    assert "H2" in title and "<" not in title  # the page's title is its code, not the findings table
    assert 'id="household-findings"' in main and finding.code in main.split('id="household-findings"')[1]
    bad = client.post("/poverty/findings/", {"source": "review", "village": "339106001201", "household": "H1",
                                             "description": "x", "found_on": "2020-05-11", "working_days": "5"})
    assert bad.status_code == 400 and "该户不在所选村" in bad.content.decode()
    assert client.post("/poverty/weekly/", {"week": "2020-05-11"}).status_code == 302
    assert WeeklyBoard.objects.filter(week=dt.date(2020, 5, 11)).exists()
    client.force_login(households.users["district"])
    assert client.post("/poverty/findings/", {"source": "review"}).status_code == 403
    assert client.post("/poverty/weekly/", {"week": "2020-05-18"}).status_code == 403
    client.force_login(households.users["enterprise"])
    for url in ("/poverty/findings/", "/poverty/forces/", "/poverty/census/", "/poverty/weekly/"):
        assert client.get(url).status_code == 403, url
