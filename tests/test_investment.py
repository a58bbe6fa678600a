"""Investment promotion (DOMAIN.md §14, issue #19), the core: a signed lead's lights at 6 and 9 calendar months
(31 August + 6 months on 28/29 February), a stale lead at 30 days, 终止 leads, scopes with parks, the funds rate
with later arrivals left out, the contract and the scope of a county's operator."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from dualtrack.core.calendar import add_months
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.investment import engine, services
from dualtrack.investment.models import Lead
from dualtrack.investment.rules import DEFAULT

from .conftest import City
from .helpers import csv_bytes

D = dt.date
RULES = dict(DEFAULT)


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2019, 8, 31), 6, D(2020, 2, 29)),  # leap year
    (D(2020, 8, 31), 6, D(2021, 2, 28)),
    (D(2020, 1, 31), 1, D(2020, 2, 29)),
    (D(2020, 3, 15), 9, D(2020, 12, 15)),
    (D(2020, 5, 31), 9, D(2021, 2, 28)),
])
def test_calendar_months_take_the_months_last_day(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def signed(on: dt.date, stage: str = "signed", started: dt.date | None = None) -> engine.LeadFacts:
    return engine.LeadFacts(stage, on, started, None)


@pytest.mark.parametrize(("day", "expected"), [
    (D(2020, 2, 27), (None, [])), (D(2020, 2, 28), (None, [])),  # leap year: 31 August + 6 = 29 February
    (D(2020, 2, 29), ("yellow", ["not_started_6m"])),
    (D(2020, 5, 30), ("yellow", ["not_started_6m"])), (D(2020, 5, 31), ("red", ["not_started_9m"])),
])
def test_signed_31_august_2019(day: dt.date, expected: tuple[Any, list[str]]) -> None:
    assert engine.light(signed(D(2019, 8, 31)), day, RULES) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (D(2021, 2, 27), (None, [])), (D(2021, 2, 28), ("yellow", ["not_started_6m"])),  # not a leap year
])
def test_signed_31_august_2020(day: dt.date, expected: tuple[Any, list[str]]) -> None:
    assert engine.light(signed(D(2020, 8, 31)), day, RULES) == expected


def test_exactly_six_and_nine_months_and_a_start_ends_the_light() -> None:
    lead = signed(D(2020, 3, 15), stage="land")
    assert engine.light(lead, D(2020, 9, 14), RULES) == (None, [])
    assert engine.light(lead, D(2020, 9, 15), RULES)[0] == "yellow"
    assert engine.light(lead, D(2020, 12, 14), RULES)[0] == "yellow"
    assert engine.light(lead, D(2020, 12, 15), RULES)[0] == "red"
    assert engine.light(signed(D(2020, 3, 15), "started", D(2020, 10, 1)), D(2020, 12, 15), RULES) == (None, [])
    assert engine.light(signed(D(2020, 3, 15), "stopped"), D(2021, 3, 15), RULES) == (None, [])


@pytest.mark.parametrize(("days_before", "stale"), [(29, False), (30, True), (None, True)])
def test_a_lead_before_signing_is_stale_after_thirty_days_without_activity(days_before: int | None,
                                                                           stale: bool) -> None:
    day = D(2020, 4, 30)
    last = None if days_before is None else day - dt.timedelta(days=days_before)
    result = engine.light(engine.LeadFacts("talks", None, None, last), day, RULES)
    assert result == (("yellow", ["stale"]) if stale else (None, []))


LEADS = ["线索编号", "项目名称", "投资方", "投资方类别", "行业代码", "计划投资", "区划代码", "园区代码", "信息来源", "第一信息人",
         "首席服务员", "阶段", "签约日期", "开工日期"]


def load(user: Any, name: str, rows: list[list[Any]]) -> Any:
    return run_import(get_dataset(name), io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)


@pytest.fixture
def leads(city: City) -> City:
    hq = city.users["hq"]
    assert load(hq, "leads", [LEADS,
        ["ZS-1", "新能源零部件", "某集团", "民营500强", "C36", "12", "339102", "GXQ", "商会", "王明", "jiangbei", "正式签约",
         "2020-03-10", ""],
        ["ZS-2", "冷链物流中心", "某物流", "其他", "G59", "6", "339102", "", "", "", "", "开工", "2020-01-20", "2020-04-01"],
        ["ZS-3", "文旅综合体", "某文旅", "中国500强", "R90", "30", "339106", "", "", "", "", "终止", "2020-02-01", ""],
        ["ZS-4", "数据中心", "某科技", "新经济500强", "I65", "8", "339106", "", "", "", "", "洽谈", "", ""]]).ok
    assert load(hq, "investment_targets", [["年度", "范围代码", "签约总额目标", "大项目门槛", "大项目数目标"],
                                          [2020, "339102", "100", "10", 2], [2020, "GXQ", "40", "10", 1],
                                          [2020, "339100", "300", "10", 10]]).ok
    assert load(hq, "fund_arrivals", [["月份", "线索编号", "到位资金"], ["2020-03", "ZS-1", "1.5"],
                                      ["2020-04", "ZS-2", "1.5"], ["2020-06", "ZS-1", "5"]]).ok
    return city


def test_scopes_a_lead_counts_for_its_county_and_park_stopped_leads_nowhere(leads: City) -> None:
    out = io.StringIO()
    call_command("investment", "--date", "2020-04-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["date"], data["rules_version"]) == ("2020-04-30", "investment:v1")
    by_code = {lead["code"]: lead for lead in data["leads"]}
    assert by_code["ZS-3"] == {"code": "ZS-3", "stage": "stopped", "light": None, "reasons": []}
    assert by_code["ZS-4"]["light"] == "yellow" and by_code["ZS-4"]["reasons"] == ["stale"]
    scopes = {s["scope"]: s for s in data["scopes"]}
    assert list(scopes) == ["339100", "339102", "GXQ"]  # the city first; 滨海区 has no target
    assert scopes["339102"] == {"scope": "339102", "signed_amount": 18.0, "amount_target": 100.0, "progress": 0.18,
                                "big_signed": 1, "big_target": 2, "start_rate": 0.5, "funds_rate": 0.166667}
    assert scopes["GXQ"]["signed_amount"] == 12.0 and scopes["GXQ"]["start_rate"] == 0.0
    assert scopes["GXQ"]["funds_rate"] == 0.125  # 1.5 of 12: June's 5 arrived after the date
    assert scopes["339100"]["signed_amount"] == 18.0  # 终止 counts nowhere


def test_a_county_operator_sees_only_its_leads_and_another_countys_lead_is_404(leads: City, client: Any) -> None:
    client.force_login(leads.users["district_binhai"])
    assert client.get("/investment/leads/ZS-1/").status_code == 404
    assert client.get("/investment/leads/ZS-4/").status_code == 200
    codes = [s["code"] for s in client.get("/api/v1/investment", {"date": "2020-04-30"}).json()["leads"]]
    assert codes == ["ZS-3", "ZS-4"]
    undated = client.get("/api/v1/investment").json()  # no date: the pipeline's as-of day, as the pages open on it
    assert undated["date"] == services.as_of().isoformat()
    client.force_login(leads.users["hq"])
    assert client.get("/investment/", {"date": "2020-04-30"}).status_code == 200
    assert client.get("/investment/league/", {"date": "2020-04-30"}).status_code == 200
    client.force_login(leads.users["enterprise"])
    assert client.get("/investment/").status_code == 403


def test_a_red_lead_raises_one_task_for_its_officer(leads: City) -> None:
    from dualtrack.investment import services
    from dualtrack.problems.models import Problem

    assert services.raise_red_tasks(D(2020, 12, 10)) == 1  # ZS-1 signed 10 March: red on 10 December
    assert services.raise_red_tasks(D(2020, 12, 11)) == 0
    task = Problem.objects.get(source_key="investment:red:ZS-1")
    assert task.county == leads.jiangbei and "首席服务员" in task.description


def test_reimporting_leads_changes_nothing_and_bad_rows_name_their_column(leads: City) -> None:
    hq = leads.users["hq"]
    again = load(hq, "leads", [LEADS, ["ZS-4", "数据中心", "某科技", "新经济500强", "I65", "8", "339106", "", "", "", "",
                                       "洽谈", "", ""]])
    assert again.ok and again.unchanged == 1
    bad = load(hq, "leads", [LEADS, ["ZS-5", "x", "y", "其他", "", "5", "339102", "", "", "", "", "正式签约", "", ""]])
    assert not bad.ok and bad.errors[0].column == "签约日期"
    refused = load(leads.users["district"], "leads", [LEADS, ["ZS-6", "x", "y", "其他", "", "5", "339106", "", "", "",
                                                             "", "洽谈", "", ""]])
    assert not refused.ok and refused.errors[0].column == "区划代码"


def test_a_file_moves_a_lead_forward_only_and_keeps_its_recorded_dates(leads: City) -> None:
    """A stage move is an event (DOMAIN.md §15, issue #26 §2): the page moves a lead forward only; the file did
    move it back, out of 终止, and rewrote its signing and start dates. Now refused, the row and column named."""
    from dualtrack.investment.models import Lead

    hq = leads.users["hq"]

    def row(code: str, stage: str, signed_on: str, started_on: str = "") -> list[str]:
        lead = Lead.objects.select_related("county").get(code=code)
        return [code, lead.name, lead.investor, "其他", lead.industry_code, str(lead.amount), lead.county.code, "",
                "", "", "", stage, signed_on, started_on]

    back = load(hq, "leads", [LEADS, row("ZS-2", "正式签约", "2020-01-20")])  # 开工 → 正式签约
    assert not back.ok and back.errors[0].column == "阶段" and "只能向前推进" in back.errors[0].message
    revived = load(hq, "leads", [LEADS, row("ZS-3", "洽谈", "2020-02-01")])  # 终止 → 洽谈
    assert not revived.ok and "已终止" in revived.errors[0].message
    resigned = load(hq, "leads", [LEADS, row("ZS-1", "正式签约", "2020-04-10")])
    assert not resigned.ok and resigned.errors[0].column == "签约日期" and "2020-03-10" in resigned.errors[0].message
    restarted = load(hq, "leads", [LEADS, row("ZS-2", "开工", "2020-01-20", "2020-04-20")])
    assert not restarted.ok and restarted.errors[0].column == "开工日期"
    stages = dict(Lead.objects.values_list("code", "stage"))
    assert (stages["ZS-2"], stages["ZS-3"]) == ("started", "stopped")
    assert Lead.objects.get(code="ZS-1").signed_on == D(2020, 3, 10)
    forward = load(hq, "leads", [LEADS, row("ZS-1", "供地", "2020-03-10")])  # forward, as on the page
    assert forward.ok and Lead.objects.get(code="ZS-1").stage == "land"


def test_a_leads_park_must_lie_in_its_county(leads: City) -> None:
    """高新区 (GXQ) lies in 江北区: a lead there counts for both, so a row naming it with another county is refused
    naming the column, whoever imports it (a park's own staff too), and nothing is written."""
    def row(code: str, county: str, park: str) -> list[str]:
        return [code, "园区项目", "某公司", "其他", "", "5", county, park, "", "", "", "洽谈", "", ""]

    hq, park_staff = leads.users["hq"], leads.users["park"]
    wrong = load(hq, "leads", [LEADS, row("ZS-7", "339106", "GXQ"), row("ZS-8", "339102", "GXQ")])
    assert not wrong.ok and [(e.row, e.column) for e in wrong.errors] == [(2, "区划代码")]
    unknown = load(park_staff, "leads", [LEADS, row("ZS-9", "999999", "GXQ")])
    assert not unknown.ok and [e.column for e in unknown.errors] == ["区划代码"]
    assert not Lead.objects.filter(code__in=["ZS-7", "ZS-8", "ZS-9"]).exists()
    assert load(park_staff, "leads", [LEADS, row("ZS-9", "339102", "GXQ")]).created == 1


def test_a_red_leads_task_from_the_worker_reads_in_the_readers_language(leads: City, client: Any, settings: Any) -> None:
    """#28 §3: the worker's red-lead task keeps its text as a code with parameters: the stored description is the
    Chinese text (full-width punctuation), the 督办 list and the task's page write it in the reader's language."""
    from dualtrack.investment.choices import LEAD_TASK_TEXT
    from dualtrack.problems import services as problems
    from dualtrack.problems.models import Problem

    settings.DUALTRACK_CLOCK = "2020-12-10T18:00:00+08:00"
    assert services.raise_due() == {"day": "2020-12-10", "raised": 1}  # the worker's step
    task = Problem.objects.get(source_key="investment:red:ZS-1")
    officer = Lead.objects.get(code="ZS-1").officer.full_name  # type: ignore[union-attr]
    assert task.text_code == LEAD_TASK_TEXT and task.text_params == {
        "code": "ZS-1", "name": "新能源零部件", "months": 9, "signed": "2020-03-10", "officer": officer}
    assert task.description == f"招商项目 ZS-1 新能源零部件 正式签约满9个月未开工（签约日期 2020-03-10），请首席服务员{officer}协调推进开工"
    assert problems.escalate_due(task.next_action_at + dt.timedelta(minutes=1)) == 1  # on the 督办 list

    client.force_login(leads.users["hq"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listed = client.get("/problems/escalated/", {"kind": "tasks"}).content.decode()
    assert task.ref in listed and "Lead ZS-1 新能源零部件: Not started 9 months" in listed and "招商项目" not in listed
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert (f"Lead ZS-1 新能源零部件: Not started 9 months after signing (signed on 2020-03-10). Chief service officer "
            f"{officer}, please coordinate the start of construction") in page
    assert "招商项目" not in page and "协调推进开工" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    listed = client.get("/problems/escalated/", {"kind": "tasks"}).content.decode()
    assert "招商项目 ZS-1 新能源零部件 正式签约满9个月未开工" in listed and "Lead ZS-1" not in listed
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert task.description in page and "chief service officer" not in page.lower()
    task.refresh_from_db()
    assert task.description.startswith("招商项目 ZS-1 新能源零部件 正式签约满9个月未开工（")  # stored unchanged

    with translation.override("en"):  # a lead without its officer yet
        assert services.red_task_text({**task.text_params, "officer": ""}).endswith(
            "Chief service officer (not yet named), please coordinate the start of construction")
