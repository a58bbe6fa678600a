"""Smaller things seen on the walk (issue #28 §5), each at its boundary: an enterprise receiving far more workers
than it asked for is flagged (the rule set ``worker-return``); the demo's labourers have names, not numbered names;
the lead list names the county and the investor; 行业代码 is picked from GB/T 4754 and checked on the page and in a
file alike; the stage form shows the chosen stage's fields; a lead registered today is not stale; 争资 amounts
carry thousands separators (numbers in Excel); 四个一批 never calls 30 April a quarter's end."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from dualtrack.core import versions
from dualtrack.core.rules import RuleError
from dualtrack.investment import actions, engine, pipeline
from dualtrack.investment.measure import InvestmentRules
from dualtrack.investment.models import FundBid, Lead
from dualtrack.projects.models import Project
from dualtrack.workreturn import engine as worker_engine
from dualtrack.workreturn.models import LabourDemand
from dualtrack.workreturn.rules import DEFAULT as WORKER_RULES
from dualtrack.workreturn.rules import validate as validate_worker_rules

from .conftest import City
from .test_investment import LEADS, load
from .test_investment import leads as leads  # noqa: F401 - the fixture
from .test_workreturn import board_and_arrive
from .test_workreturn import campaign as campaign  # noqa: F401 - the fixture

D = dt.date


# --- 点对点返岗: 超需求接收 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("arrived", "requested", "flagged"), [
    (113, 65, True),  # the walk's case
    (78, 65, False),  # exactly 1.2 × 65: not more than it
    (79, 65, True),  # more than 1.2 × and 14 more
    (13, 10, False),  # 1.3 × but only 3 more
    (19, 10, False),  # 9 more
    (20, 10, True),  # 10 more and 2 ×
    (65, 65, False),
    (9, 0, False),  # none asked for: flagged from 10 on
    (10, 0, True),
])
def test_an_enterprise_receiving_far_more_than_it_asked_for_is_flagged(arrived: int, requested: int,
                                                                       flagged: bool) -> None:
    assert worker_engine.oversupplied(arrived, requested, WORKER_RULES) is flagged


def test_the_oversupply_thresholds_are_rules_with_bounds() -> None:
    assert worker_engine.oversupplied(113, 65, {**WORKER_RULES, "oversupply_ratio": 2}) is False  # 113 < 130
    assert worker_engine.oversupplied(13, 10, {**WORKER_RULES, "oversupply_min_extra": 3}) is True
    for change, field in (({"oversupply_ratio": 0.9}, "oversupply_ratio"), ({"oversupply_ratio": 11}, "oversupply_ratio"),
                          ({"oversupply_min_extra": -1}, "oversupply_min_extra"),
                          ({"oversupply_min_extra": 1.5}, "oversupply_min_extra")):
        with pytest.raises(RuleError, match=field):
            validate_worker_rules({**WORKER_RULES, **change})


@pytest.mark.django_db
def test_the_board_flags_and_exports_an_oversupplied_enterprise(client: Any, campaign: City,  # noqa: F811
                                                                settings: Any) -> None:
    board_and_arrive(campaign)  # 20 of the 30 asked for arrived on 16 February
    settings.DUALTRACK_CLOCK = "2020-02-17T09:00:00+08:00"
    client.force_login(campaign.users["hq"])
    page = client.get("/worker-return/").content.decode()
    assert "data-oversupplied" not in page and 'id="oversupplied-note"' not in page
    LabourDemand.objects.update(headcount=10)  # 20 for 10: twice as many and 10 more
    versions.changed("worker-return")
    page = client.get("/worker-return/").content.decode()
    assert page.count("data-oversupplied") == 1 and "1 家企业到岗人数超过需求人数的 1.2 倍且至少多出 10 人" in page
    export = client.get("/worker-return/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("统一社会信用代码", "企业", "需求人数", "已排车", "已到岗", "满足率", "超需求接收")
    assert rows[1][0] == campaign.e_jiangbei.uscc and rows[1][2:5] == (10, 22, 20) and rows[1][6] == "是"
    LabourDemand.objects.update(headcount=11)  # 20 for 11: 9 more, not flagged
    versions.changed("worker-return")
    assert "data-oversupplied" not in client.get("/worker-return/").content.decode()
    LabourDemand.objects.update(headcount=10)
    versions.changed("worker-return")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/worker-return/").content.decode()
    assert "Over demand" in english and "1 enterprise(s) received more than 1.2 times" in english


def test_the_demos_labourers_have_names_without_digits() -> None:
    from dualtrack.demo import poverty

    townships = {county: [(f"{county}{n:03d}", f"{'东西南北'[n]}山镇") for n in range(2)] for county in poverty.COUNTIES}
    data = poverty.rows(7, townships)
    names = [row[1] for row in data["labourers"]]
    assert names and not [n for n in names if re.search(r"\d", n)]
    assert all(len(n) == 3 for n in names)  # surname and two given-name characters
    keys = [(row[0], row[1]) for row in data["labourers"]]
    assert len(keys) == len(set(keys))  # one name per household (the dataset's key)
    assert poverty.rows(7, townships)["labourers"] == data["labourers"]  # deterministic
    villages = {h[0]: h[3] for h in data["households"]}
    workers = poverty.homecoming(data["labourers"], villages, ["91339100MA0000000X"])["workers"]
    assert workers and not [w for w in workers if re.search(r"\d", w[1])]


# --- 招商引资 -----------------------------------------------------------------------------------------------------

RULES = InvestmentRules()


@pytest.mark.parametrize(("registered_days_before", "last_activity_days_before", "stale"), [
    (0, None, False),  # registered today, nothing done yet: not 30天无活动
    (29, None, False),
    (30, None, True),
    (-1, None, False),  # registered after the day judged: no clock running yet
    (None, None, True),  # registration unknown (a file without 登记日期), never any activity
    (40, 29, False),  # the later of the two counts
    (40, 30, True),
    (10, 45, False),
])
def test_a_leads_inactivity_is_counted_from_its_registration(registered_days_before: int | None,
                                                             last_activity_days_before: int | None,
                                                             stale: bool) -> None:
    day = D(2020, 4, 30)

    def before(n: int | None) -> dt.date | None:
        return None if n is None else day - dt.timedelta(days=n)

    facts = engine.LeadFacts("lead", None, None, before(last_activity_days_before), before(registered_days_before))
    assert engine.stale(facts, day, RULES) is stale
    assert engine.light(facts, day, RULES) == (("yellow", ["stale"]) if stale else (None, []))


@pytest.mark.django_db
def test_a_lead_added_today_is_not_stale_and_the_list_names_county_and_investor(client: Any, city: City,
                                                                               settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"
    client.force_login(city.users["hq"])
    form = client.get("/investment/new/").content.decode()
    assert '<select name="industry_code"' in form and '<optgroup label="C 制造业">' in form
    assert '<option value="C36">C36 汽车制造业</option>' in form
    base = {"name": "新能源电池项目", "investor": "某电池集团", "investor_class": "other", "amount": "8",
            "county": str(city.jiangbei.pk), "park": "", "source": "", "informant": ""}
    refused = client.post("/investment/new/", {**base, "industry_code": "C99"})
    assert refused.status_code == 200 and "industry_code" in refused.context["form"].errors
    assert not Lead.objects.exists()
    created = client.post("/investment/new/", {**base, "industry_code": "C38"})
    assert created.status_code == 302
    lead = Lead.objects.get()
    assert (lead.industry_code, lead.registered_on) == ("C38", D(2020, 4, 30))
    assert '<dd id="lead-registered">2020-04-30</dd>' in client.get(f"/investment/leads/{lead.code}/").content.decode()
    page = client.get("/investment/", {"date": "2020-04-30"})
    shown = next(s for s in page.context["page"] if s.code == lead.code)
    assert shown.light is None and shown.reasons == []  # registered today: not 30天无招商活动
    html = page.content.decode()
    assert "<th>区县</th><th>投资方</th>" in html
    assert '<td data-col="place">江北区</td><td data-col="investor">某电池集团</td>' in html
    assert client.get("/investment/leads.xlsx", {"date": "2020-04-30"}).status_code == 200
    # thirty days on, still nothing done: stale
    later = engine.LeadFacts("lead", None, None, None, lead.registered_on)
    assert engine.light(later, D(2020, 5, 30), RULES) == ("yellow", ["stale"])
    assert engine.light(later, D(2020, 5, 29), RULES) == (None, [])


@pytest.mark.django_db
def test_the_industry_code_is_checked_on_the_page_and_in_a_file_alike(city: City) -> None:
    from django.core.exceptions import ValidationError

    hq = city.users["hq"]
    spec = actions.NewLead(name="x", investor="y", amount=Decimal(1), county_id=city.jiangbei.pk)
    for bad in ("C99", "A13", "Z", "C3", "C3611"):  # 13 is a division of C, not A; no section Z
        with pytest.raises(ValidationError) as refused:
            actions.add_lead(hq, actions.NewLead(**{**spec.__dict__, "industry_code": bad}))
        assert "industry_code" in refused.value.message_dict, bad
    assert actions.add_lead(hq, actions.NewLead(**{**spec.__dict__, "industry_code": "36"})).industry_code == "C36"
    assert actions.add_lead(hq, actions.NewLead(**{**spec.__dict__, "industry_code": "c"})).industry_code == "C"
    header = [*LEADS, "登记日期"]
    row = ["ZS-9", "x", "y", "其他", "C99", "5", "339102", "", "", "", "", "洽谈", "", "", "2020-04-01"]
    result = load(hq, "leads", [header, row])
    assert not result.ok and result.errors[0].column == "行业代码"
    row[4] = "38"
    assert load(hq, "leads", [header, row]).ok
    imported = Lead.objects.get(code="ZS-9")
    assert (imported.industry_code, imported.registered_on) == ("C38", D(2020, 4, 1))
    assert load(hq, "leads", [LEADS, row[:-1]]).ok  # no 登记日期 column: the recorded day stays
    assert Lead.objects.get(code="ZS-9").registered_on == D(2020, 4, 1)


@pytest.mark.django_db
def test_the_stage_form_marks_each_field_with_the_stages_that_read_it(client: Any, leads: City) -> None:  # noqa: F811
    client.force_login(leads.users["hq"])
    page = client.get("/investment/leads/ZS-4/").content.decode()  # 洽谈: every later stage on offer
    form = page[page.index('id="stage-form"'):page.index("</form>", page.index('id="stage-form"'))]
    marked = dict(re.findall(r'<p data-stages="([^"]*)">.*?name="(\w+)"', form))
    assert {v: k for k, v in marked.items()} == {
        "date": "signed land started operating", "uscc": "registered", "project_code": "started operating",
        "reason": "stopped"}
    assert "（推进到正式签约、供地、开工、投产时填写）" in form and "（推进到终止时填写）" in form
    assert 'data-stage-form' in form and "js/investment.js" in page and "<script>" not in page
    signed = client.get("/investment/leads/ZS-1/").content.decode()  # 正式签约: the date is a start date only
    form = signed[signed.index('id="stage-form"'):signed.index("</form>", signed.index('id="stage-form"'))]
    assert re.search(r'<p data-stages="started operating">[^\n]*name="date"', form)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/investment/leads/ZS-4/").content.decode()
    assert "(to fill in when moving to Terminated)" in english
    assert "(to fill in when moving to Signed, Land supplied, Start, Operating)" in english


# --- 争资 ---------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_bid_amounts_carry_thousands_separators_and_stay_numbers_in_excel(client: Any, city: City) -> None:
    project = Project.objects.create(code="P-1", name="大项目", level="city_key", nature="new", county=city.jiangbei,
                                     responsible_unit="江北区", total_investment=Decimal(100000))
    year = 2020
    FundBid.objects.create(project=project, year=year, fund_kind="provincial", requested=Decimal("1234567.50"),
                           won=Decimal("999.00"), state="won")
    client.force_login(city.users["hq"])
    page = client.get("/investment/bids/", {"year": str(year)}).content.decode()
    assert '<td class="num">1,234,568</td>' in page and '<td class="num">999</td>' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<td class="num">1,234,568</td>' in client.get("/investment/bids/", {"year": str(year)}).content.decode()
    export = client.get("/investment/bids.xlsx", {"year": str(year)})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet is not None
    requested, won = sheet["E2"], sheet["F2"]
    assert (requested.value, won.value) == (1234567.5, 999)  # numbers, not text
    assert requested.number_format == won.number_format == "#,##0.00"


# --- 四个一批 -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "end"), [(D(2020, 3, 31), D(2020, 3, 31)), (D(2020, 4, 30), D(2020, 6, 30)),
                                          (D(2020, 6, 30), D(2020, 6, 30)), (D(2020, 1, 1), D(2020, 3, 31)),
                                          (D(2020, 12, 31), D(2020, 12, 31)), (D(2020, 10, 1), D(2020, 12, 31))])
def test_a_quarters_end(day: dt.date, end: dt.date) -> None:
    assert pipeline.quarter_end(day) == end


@pytest.mark.django_db
@pytest.mark.parametrize(("until", "labels", "complete"), [
    (D(2020, 3, 31), ["2020年一季度"], [True]),
    (D(2020, 4, 30), ["2020年一季度", "2020年二季度（截至4月30日）"], [True, False]),
    (D(2020, 6, 30), ["2020年一季度", "2020年二季度"], [True, True]),
])
def test_the_board_names_a_quarter_under_way_as_such(city: City, until: dt.date, labels: list[str],
                                                     complete: list[bool]) -> None:
    board = pipeline.four_batches(city.users["hq"], 2020, until=until)
    assert [q.label for q in board.quarters] == labels and [q.complete for q in board.quarters] == complete
    data = pipeline.pipeline_json(until)
    assert [(q["end"], q["quarter"], q["complete"]) for q in data["quarters"]] == [
        (q.end.isoformat(), q.key, q.complete) for q in board.quarters]
    assert board.quarters[-1].end == until


@pytest.mark.django_db
def test_the_pipeline_page_on_the_30th_of_april(client: Any, city: City, settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"
    client.force_login(city.users["hq"])
    page = client.get("/investment/pipeline/", {"year": "2020"}).content.decode()
    assert "<th>季度</th>" in page and "<th>季度末</th>" not in page
    assert '<td data-quarter="2020-Q2" data-partial>2020年二季度（截至4月30日）</td>' in page
    assert '<td data-quarter="2020-Q1">2020年一季度</td>' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/investment/pipeline/", {"year": "2020"}).content.decode()
    assert "Q2 2020 (to April 30)" in english and "Q1 2020</td>" in english
