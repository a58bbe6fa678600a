"""One source has one as-of day, whichever page shows it (DOMAIN.md §15 "One clock"): on a fixed clock, with data
on several days, every module's page opens on the day (or month) its card on 总览 says and links to, its API and
its console command default to the same, and none is after the clock.

The demo opened 重点项目 on 2020-04-24 (the last progress report) while its card said 2020-04-30 and linked to the
board of 04-30, so one project's completion read 67.0% on the list and 61.8% on 总览 (the same cumulative against
the plan of two different days); 经济运行 opened on 1—4月 (April's figures, before April was over) while the card
said 1—3月累计."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core import versions
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.epidemic.models import CaseReport
from dualtrack.projects.models import Project, ProjectPlan, ProjectProgress

from .conftest import City
from .helpers import csv_bytes

CLOCK = "2020-04-30T18:00:00+08:00"
TODAY = dt.date(2020, 4, 30)
LAST_REPORT = dt.date(2020, 4, 24)  # a Friday: the last weekly progress report


def load(user: Any, name: str, rows: list[list[Any]]) -> None:
    dataset = get_dataset(name)
    assert dataset is not None
    result = run_import(dataset, io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)
    assert result.ok, [str(e) for e in result.errors]


@pytest.fixture
def busy_city(city: City, settings: Any) -> City:
    """Case reports to the clock's day; weekly progress reports to the Friday before; economy figures for March and
    for April (imported before April is over, as the demo does)."""
    settings.DUALTRACK_CLOCK = CLOCK
    for day in (dt.date(2020, 4, 28), TODAY):
        CaseReport.objects.create(date=day, county=city.jiangbei, new_confirmed=0)
        CaseReport.objects.create(date=day, county=city.binhai, new_confirmed=0)
    project = Project.objects.create(
        code="P1", name="江北区人民医院新院区二期工程", level="city_key", nature="continuing", county=city.jiangbei,
        responsible_unit="市卫生健康委员会", total_investment=Decimal(100000), annual_plan=Decimal(20000))
    for month, planned in (("2020-03", 1000), ("2020-04", 2000), ("2020-05", 3000)):
        ProjectPlan.objects.create(project=project, month=dt.date.fromisoformat(f"{month}-01"),
                                   planned_cumulative=planned)
    for day, completed in ((dt.date(2020, 4, 17), 1100), (LAST_REPORT, 1300)):
        ProjectProgress.objects.create(project=project, date=day, resumed=True, workers_on_site=50,
                                       completed_cumulative=Decimal(completed))
    hq = city.users["hq"]
    load(hq, "indicators", [["指标代码", "指标名称", "单位", "类型", "责任部门"], ["GDZC", "固定资产投资", "亿元", "总量", "JXJ"]])
    load(hq, "economy_targets", [["年度", "范围代码", "指标代码", "年度目标", "目标增速", "上年全年"],
                                 [2020, "339100", "GDZC", "1100", "10", "1000"]])
    load(hq, "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                 ["2020-03", "339100", "GDZC", "200", "210", ""],
                                 ["2020-04", "339100", "GDZC", "300", "290", ""]])
    return city


def card(html: str, key: str) -> str:
    found = re.search(rf'<section class="card overview-card[^"]*" id="card-{key}".*?</section>', html, re.S)
    assert found, f"no {key} card on 总览"
    return found.group(0)


def unwrap(html: str) -> str:
    """The page's text with each day's one-line span (``one_line_days``) taken off, as a reader sees it."""
    return re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", html)


def overview(client: Any, city: City) -> str:
    client.force_login(city.users["hq"])
    html = unwrap(client.get("/").content.decode())
    assert f'data-day="{versions.data_day():%Y-%m-%d}"' in html
    return html


def test_the_projects_open_on_one_day_everywhere(client: Any, busy_city: City) -> None:
    html = overview(client, busy_city)
    projects = card(html, "projects")
    card_day = re.search(r"<small class=\"muted[^\"]*\">(\d{4}-\d{2}-\d{2})</small>", projects).group(1)  # type: ignore[union-attr]
    links = set(re.findall(r"/projects/board/\?date=(\d{4}-\d{2}-\d{2})", projects))
    register = unwrap(client.get("/projects/").content.decode())
    page_day = re.search(r'<input type="date" name="date" value="([\d-]+)"', register).group(1)  # type: ignore[union-attr]
    board = unwrap(client.get("/projects/board/").content.decode())
    board_day = re.search(r'<input type="date" name="date" value="([\d-]+)"', board).group(1)  # type: ignore[union-attr]
    assert card_day == page_day == board_day == TODAY.isoformat() and links == {card_day}
    # The figures agree: the completion the card gives as its reason is the one the API and the console give.
    ratio = re.search(r"投资完成率(\d+\.\d)%", projects).group(1)  # type: ignore[union-attr]
    auth = {"HTTP_AUTHORIZATION": f"Token {busy_city.token('hq')}"}
    api = client.get("/api/v1/projects", **auth).json()["results"][0]["status"]["progress_ratio"]
    out = io.StringIO()
    call_command("projects", "--json", stdout=out)
    cli = json.loads(out.getvalue())[0]["progress_ratio"]
    assert f"{api * 100:.1f}" == f"{cli * 100:.1f}" == ratio
    asked = client.get("/api/v1/projects", {"date": card_day}, **auth).json()["results"][0]["status"]
    assert asked["progress_ratio"] == api
    # The last report (04-24) against the plan to the day (April's month-end 2000), wherever it is shown.
    assert ratio == "65.0"
    assert dt.date.fromisoformat(card_day) <= TODAY


def test_the_economy_opens_on_one_month_everywhere(client: Any, busy_city: City) -> None:
    html = overview(client, busy_city)
    economy = card(html, "economy")
    links = set(re.findall(r"\?month=(\d{4}-\d{2})", economy))
    page = unwrap(client.get("/economy/").content.decode())
    page_month = re.search(r'<input type="month" name="month" value="([\d-]+)"', page).group(1)  # type: ignore[union-attr]
    auth = {"HTTP_AUTHORIZATION": f"Token {busy_city.token('hq')}"}
    api_month = client.get("/api/v1/economy", **auth).json()["month"]
    out = io.StringIO()
    call_command("economy", "--json", stdout=out)
    cli_month = json.loads(out.getvalue())["month"]
    # April's cumulative figures cannot be complete before April is over: March everywhere.
    assert links == {page_month} and page_month == api_month == cli_month == "2020-03"
    assert "2020年1—3月累计" in economy


# --- 招商引资: the pipeline's day is the city's data-as-of day ---------------------------------------------------------

def red_and_stale_leads(city: City) -> None:
    """ZS-1 signed on 20 July 2019 and not started: yellow from 20 January, red from 20 April 2020; ZS-2 in talks,
    its last activity on 10 April (the pipeline's last record: the page opened on it, ZS-1 still yellow)."""
    from dualtrack.investment.models import Lead, LeadActivity

    Lead.objects.create(code="ZS-1", name="新能源零部件", investor="某集团", amount=Decimal(12), county=city.jiangbei,
                        stage="signed", signed_on=dt.date(2019, 7, 20))
    talks = Lead.objects.create(code="ZS-2", name="数据中心", investor="某科技", amount=Decimal(8), county=city.jiangbei,
                                stage="talks")
    LeadActivity.objects.create(lead=talks, date=dt.date(2020, 4, 10), kind="online")


def figure(html: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}"[^>]*>\s*<span class="n">([^<]*)</span>', html)
    assert found, f"no figure {key}"
    return found.group(1)


def test_the_investment_pipeline_opens_on_one_day_everywhere(client: Any, busy_city: City) -> None:
    from dualtrack.investment import services
    from dualtrack.problems.models import Problem

    red_and_stale_leads(busy_city)
    investment = card(overview(client, busy_city), "investment")
    card_day = re.search(r"数据截至 (\d{4}-\d{2}-\d{2})", investment).group(1)  # type: ignore[union-attr]
    links = set(re.findall(r"\?date=(\d{4}-\d{2}-\d{2})", investment))
    page = unwrap(client.get("/investment/").content.decode())
    page_day = re.search(r'<input type="hidden" name="date" value="([\d-]+)"', page).group(1)  # type: ignore[union-attr]
    auth = {"HTTP_AUTHORIZATION": f"Token {busy_city.token('hq')}"}
    api = client.get("/api/v1/investment", **auth).json()
    out = io.StringIO()
    call_command("investment", "--json", stdout=out)  # no --date: the pipeline's as-of day
    cli = json.loads(out.getvalue())
    assert links == {card_day} and card_day == page_day == api["date"] == cli["date"] == TODAY.isoformat()
    # The lights are judged on that day wherever they are shown: ZS-1 is red on 30 April (nine months signed).
    red = sorted(lead["code"] for lead in api["leads"] if lead["light"] == "red")
    assert red == sorted(lead["code"] for lead in cli["leads"] if lead["light"] == "red") == ["ZS-1"]
    assert figure(investment, "red") == "1"
    assert 'href="/investment/leads/ZS-1/"' in unwrap(client.get("/investment/", {"light": "red"}).content.decode())
    # The worker judges the same day and raises the red lead's task; never for a day past the clock.
    assert services.raise_due() == {"day": TODAY.isoformat(), "raised": 1}
    assert Problem.objects.filter(source_key="investment:red:ZS-1").count() == 1
    Problem.objects.filter(source_key="investment:red:ZS-1").delete()
    with pytest.raises(Exception, match="2020-05-01"):
        call_command("investment", "--date", "2020-05-01", "--raise-tasks", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert not Problem.objects.filter(source_key="investment:red:ZS-1").exists()


# --- 脱贫攻坚: the war map opens on the day its card shows ---------------------------------------------------------------

def poverty_data(city: City) -> None:
    """2020's checks made on 20 April (the latest poverty record: the war map opened on it); the census countdown
    on 20 April is 72 days, on 30 April 62."""
    from dualtrack.poverty.models import CensusItem, Household, HouseholdCheck

    assert CensusItem.objects.exists()  # the checklist comes with the platform

    village = city.township  # any region will do for a village here
    for n, income in ((1, 3500), (2, 9000)):
        household = Household.objects.create(code=f"H{n}", head_name="户主", id_hash="x" * 64, id_last4="0000",
                                             village=village, county=city.jiangbei, members=3, kind="poor",
                                             year_identified=2016)
        HouseholdCheck.objects.create(household=household, year=2020, income=Decimal(income), food=True,
                                      clothing=True, education=True, medical=True, housing=True, water=True,
                                      housing_grade="A", checked_on=dt.date(2020, 4, 20))


def test_the_poverty_war_map_opens_on_the_day_its_card_shows(client: Any, busy_city: City) -> None:
    import html as htmllib
    from urllib.parse import parse_qs, urlsplit

    poverty_data(busy_city)
    poverty = card(overview(client, busy_city), "poverty")
    wars = [urlsplit(htmllib.unescape(href)) for href in re.findall(r'href="(/poverty/\?[^"]*)"', poverty)]
    asked = {(q["year"][0], q.get("date", [""])[0]) for q in (parse_qs(u.query) for u in wars)}
    countdown = re.search(r"距普查 (\d+) 天", poverty).group(1)  # type: ignore[union-attr]
    page = unwrap(client.get("/poverty/").content.decode())
    page_day = re.search(r'<input type="date" name="date" value="([\d-]+)"', page).group(1)  # type: ignore[union-attr]
    page_year = re.search(r'<input type="number" name="year" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    page_countdown = re.search(r"普查还有 <strong>(\d+)</strong> 天", page).group(1)  # type: ignore[union-attr]
    assert asked == {(page_year, page_day)} and page_day == TODAY.isoformat() and page_year == "2020"
    assert countdown == page_countdown == "62"
    assert figure(poverty, "not_met") == "1"
    auth = {"HTTP_AUTHORIZATION": f"Token {busy_city.token('hq')}"}
    api = client.get("/api/v1/poverty", **auth).json()
    out = io.StringIO()
    call_command("poverty", "--json", stdout=out)  # no --year: the year the war map opens on
    assert api["year"] == json.loads(out.getvalue())["year"] == int(page_year)


# --- 点对点返岗: the card says the moment the board shows ------------------------------------------------------------

def a_trip_arrived_on_monday(city: City) -> None:
    """One worker brought back on Monday 27 April 2020: the receipt is due at the end of Thursday 30 April, after
    the clock's 18:00 (the card counted it overdue at the end of the day, the board not)."""
    from dualtrack.workreturn import services
    from dualtrack.workreturn.models import Trip, Worker

    hq, target = city.users["hq"], city.e_jiangbei.uscc
    load(hq, "labour_demand", [["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期"],
                               [target, "装配工", 5, "339106", "2020-04-27"]])
    load(city.users["district_binhai"], "workers", [
        ["登记编号", "姓名", "手机号", "身份证号", "户籍村代码", "意向企业信用代码", "贫困劳动力", "健康证明类型", "证明日期"],
        ["W001", "马建", "13900000001", "33910619900101001X", "339106100201", target, "是", "健康码绿码", "2020-04-20"]])
    load(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位", "带队人"],
                       ["T1", "339106", target, "2020-04-27 07:00", "宁B12345", 44, "王强"]])
    services.set_manifest(hq, Trip.objects.get(code="T1"), list(Worker.objects.all()))
    load(hq, "boardings", [["登记编号", "车次编号", "上车时间", "体温"], ["W001", "T1", "2020-04-27 06:40", "36.5"]])
    load(hq, "arrivals", [["车次编号", "到达时间"], ["T1", "2020-04-27 18:30"]])


@pytest.mark.parametrize("asked", ["", "2020-04-29"])
def test_the_worker_return_card_says_the_moment_the_board_shows(client: Any, busy_city: City, asked: str) -> None:
    a_trip_arrived_on_monday(busy_city)
    overview(client, busy_city)
    workers = card(unwrap(client.get("/", {"date": asked} if asked else {}).content.decode()), "worker-return")
    moment = re.search(r"截至 (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", workers).group(1)  # type: ignore[union-attr]
    links = set(re.findall(r'href="(/worker-return/[^"]*)"', workers))
    boards = {link for link in links if link.startswith("/worker-return/?")}
    assert boards, "the card links to the board of its moment"
    for link in boards | (set() if asked else {"/worker-return/"}):  # the board without a date: the clock's now
        board = unwrap(client.get(link.replace("&amp;", "&")).content.decode())
        shown = re.search(r"截至 (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", board).group(1)  # type: ignore[union-attr]
        overdue = re.search(r'<span class="n">(\d+)</span><span class="l">回执逾期', board).group(1)  # type: ignore[union-attr]
        arrived = re.search(r'<span class="n">(\d+)</span><span class="l">已接返到岗', board).group(1)  # type: ignore[union-attr]
        assert (shown, overdue, arrived) == (moment, figure(workers, "receipts_overdue"),
                                             figure(workers, "workers_total")), link
    # The clock's now: the receipt due at the end of 30 April is not overdue at 18:00; nor at the end of 29 April.
    assert moment == ("2020-04-29 23:59" if asked else "2020-04-30 18:00")
    assert figure(workers, "receipts_overdue") == "0" and figure(workers, "workers_total") == "1"
