"""亩均论英雄's pages (DOMAIN.md §18) for HQ, the assessment office, leaders and counties: the year's board by county
with the distribution of scores, the enterprise list (indicators named by the rule set the year was judged under,
filters shared with its Excel), the parks' rank board with their 亩产 figures and its Excel, the office's workflow
through the pages (draft → 公示 → finalise refused during the notice → answer → finalise), a correction, adopting a
preset, the objections, an enterprise's page; who may open each (403), out of scope (404), a bad year said, the
pending state, the pages' query counts pinned and no server error on hostile input."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.test import Client

from dualtrack.assessment import actions, services
from dualtrack.assessment.models import Assessment, EnterpriseAnnual, LandUse, Objection, ParkRank

from .conftest import City, make_enterprise

pytestmark = pytest.mark.django_db
Y = 2019
YEAR = f"?year={Y}"
MONDAY = dt.date(2020, 3, 2)  # a notice published that day ends on Thursday 5 March (3 working days)
# A page's queries for a user and a stored year, whatever the number of enterprises: the session and the user (and a
# department's department), the rule set, the stored judgement and its data versions, the narrowing (a county's),
# the years offered, the names shown (enterprises, parks, regions), the page's own reads (the year's versions, the
# objections and their rows, the parks' land, figures and projects), the bell and the session's save.
PAGE_QUERIES = {"home": 12, "enterprises": 12, "parks": 14, "manage": 10, "objections": 12, "enterprise": 15}


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(MONDAY)
    return set_clock


def figures(enterprise: Any, year: int, *, land: float = 10, tax: float = 100, sales: float = 1000,
            kwh: float | None = 100, since: dt.date = dt.date(2010, 1, 1)) -> None:
    LandUse.objects.create(enterprise=enterprise, year=year, land_mu=Decimal(str(land)), operating_since=since)
    EnterpriseAnnual.objects.create(enterprise=enterprise, year=year, tax=Decimal(str(tax)),
                                    sales=Decimal(str(sales)), kwh=None if kwh is None else Decimal(str(kwh)))


@pytest.fixture
def rated(city: City, clock: Any) -> City:
    """江北: 恒达 (A, tax 100) and 高科 in the park (B, tax 50), both years; 滨海: a water utility (T) with figures, and
    恒达's park ranked 14th of 100 (20th the year before)."""
    for enterprise, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50)):
        figures(enterprise, Y - 1, tax=tax)
        figures(enterprise, Y, tax=tax)
    city.utility = make_enterprise(city.binhai, "滨海水务有限公司", division="46")  # type: ignore[attr-defined]
    figures(city.utility, Y)  # type: ignore[attr-defined]
    ParkRank.objects.create(park=city.park, year=Y - 1, rank=20, of=100)
    ParkRank.objects.create(park=city.park, year=Y, rank=14, of=100)
    return city


def signed_in(city: City, role: str) -> Client:
    client = Client()
    client.force_login(city.users[role])
    return client


def body(response: Any) -> str:
    return response.content.decode()


def said(response: Any) -> str:
    """The notices a response leaves (with any earlier ones not yet shown), one a line."""
    return "\n".join(str(m) for m in get_messages(response.wsgi_request))


def row_of(page: str, attribute: str, value: str) -> str:
    start = page.index(f'{attribute}="{value}"')
    return page[start:page.index("</tr>", start)]


def count_in(row: str, name: str) -> str:
    start = row.index(f'data-count="{name}">')
    cell = row[start + len(f'data-count="{name}">'):]
    return cell[:cell.index("</td>")].replace("<strong>", "").replace("</strong>", "")


def book(response: Any) -> Any:
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def records(sheet: Any) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def chart(page: str) -> dict[str, Any]:
    start = page.index('id="assessment-scores"')
    start = page.index(">", start) + 1
    return json.loads(page[start:page.index("</script>", start)])


# --- the board ---------------------------------------------------------------------------------------------------


def test_the_board_counts_each_countys_classes_and_the_scores(rated: City) -> None:
    page = body(signed_in(rated, "leader").get(f"/assessment/{YEAR}"))
    jiangbei = row_of(page, "data-code", rated.jiangbei.code)
    assert [count_in(jiangbei, k) for k in ("rated", "A", "B", "C", "D", "T")] == ["2", "1", "1", "0", "0", "0"]
    binhai = row_of(page, "data-code", rated.binhai.code)
    assert [count_in(binhai, k) for k in ("rated", "A", "T")] == ["0", "0", "1"]
    city = row_of(page, "data-code", "city")
    assert [count_in(city, k) for k in ("rated", "A", "B", "T")] == ["2", "1", "1", "1"]
    assert "尚未发起" in page and "mu-efficiency:v1" in page and 'data-year="2019"' in page
    scores = chart(page)  # 恒达 scores 60.8, 高科 …: two rated in their bins of 10
    assert sum(scores["counts"]) == 2 and scores["labels"][0] == "0–10" and len(scores["labels"]) >= 10
    assert "vendor/echarts.min.js" in page and "js/assessment.js" in page
    for url in ("/assessment/enterprises/?year=2019", "/assessment/parks/?year=2019",
                "/assessment/report.docx?year=2019"):
        assert url in page


def test_the_board_says_the_years_status(rated: City, clock: Any) -> None:
    office = rated.users["department"]
    client = signed_in(rated, "hq")
    actions.compute_draft(office, Y)
    assert "第1版草稿" in body(client.get(f"/assessment/{YEAR}"))
    actions.publish(office, Y, on=MONDAY)
    page = body(client.get(f"/assessment/{YEAR}"))
    assert "公示中" in page and "2020-03-05" in page and 'data-status="published"' in page
    clock(dt.date(2020, 3, 6))
    actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    page = body(client.get(f"/assessment/{YEAR}"))
    assert "已定稿" in page and "2020-03-06" in page and 'data-status="final"' in page


def test_who_opens_the_board(rated: City) -> None:
    for role in ("hq", "leader", "department", "district", "park"):
        assert signed_in(rated, role).get(f"/assessment/{YEAR}").status_code == 200, role
    mine = signed_in(rated, "enterprise").get(f"/assessment/{YEAR}")
    assert mine.status_code == 302 and mine["Location"] == "/assessment/mine/"
    for role in ("liaison", "public"):
        assert signed_in(rated, role).get(f"/assessment/{YEAR}").status_code == 403, role
    assert Client().get("/assessment/").status_code == 302  # to sign in


def test_a_bad_year_is_said_and_the_default_year_shown(rated: City) -> None:
    client = signed_in(rated, "hq")
    for bad, message in (("abcd", "格式不正确"), ("2999", "超出可查询范围"), ("x" * 3000, "格式不正确")):
        page = client.get("/assessment/", {"year": bad})
        assert page.status_code == 200 and message in body(page), bad
        assert 'data-year="2019"' in body(page)  # the latest year with figures


def test_the_sub_menu_shows_only_what_the_user_may_open(rated: City) -> None:
    def links(role: str) -> set[str]:
        text = body(signed_in(rated, role).get(f"/assessment/{YEAR}"))
        nav = text[text.index('id="assessment-nav"'):]
        nav = nav[:nav.index("</p>")]
        return {name for name, url in (("board", '"/assessment/?'), ("enterprises", "/assessment/enterprises/"),
                                       ("parks", "/assessment/parks/"), ("objections", "/assessment/objections/"),
                                       ("manage", "/assessment/manage/")) if url in nav}

    everything = {"board", "enterprises", "parks", "objections", "manage"}
    assert links("hq") == links("department") == everything
    assert links("leader") == {"board", "enterprises", "parks"}
    assert links("district") == {"board", "enterprises", "parks", "objections"}


# --- the enterprise list -----------------------------------------------------------------------------------------


def test_the_list_shows_indicators_score_class_rank_and_t_reason(rated: City) -> None:
    page = body(signed_in(rated, "department").get(f"/assessment/enterprises/{YEAR}"))
    head = page[page.index('<table id="enterprises">'):page.index("</thead>")]
    assert "亩均税收" in head and "亩均销售收入" in head and "单位电耗税收" in head
    best = row_of(page, "data-uscc", rated.e_jiangbei.uscc)
    assert rated.e_jiangbei.name in best and "江北区" in best and ">10.00<" in best and ">100.00<" in best
    assert 'data-grade="A"' in page and "1/2" in best
    assert ">B<" in row_of(page, "data-uscc", rated.e_jiangbei_park.uscc)
    assert rated.park.name in row_of(page, "data-uscc", rated.e_jiangbei_park.uscc)
    utility = row_of(page, "data-uscc", rated.utility.uscc)  # type: ignore[attr-defined]
    assert "水电气等公用事业" in utility and ">T<" in utility
    assert rated.e_binhai.uscc not in page  # a service firm is not in the assessment


def test_the_filters_and_the_excel_agree(rated: City) -> None:
    client = signed_in(rated, "hq")

    def shown(query: str) -> set[str]:
        page = body(client.get(f"/assessment/enterprises/{YEAR}&{query}"))
        return {u for u in (rated.e_jiangbei.uscc, rated.e_jiangbei_park.uscc, rated.utility.uscc)  # type: ignore[attr-defined]
                if f'data-uscc="{u}"' in page}

    def exported(query: str) -> set[str]:
        sheet = book(client.get(f"/assessment/enterprises.xlsx{YEAR}&{query}")).active
        return {r["统一社会信用代码"] for r in records(sheet)}

    cases = {f"county={rated.binhai.code}": {rated.utility.uscc},  # type: ignore[attr-defined]
             f"park={rated.park.code}": {rated.e_jiangbei_park.uscc},
             "grade=A": {rated.e_jiangbei.uscc},
             "rated=no": {rated.utility.uscc},  # type: ignore[attr-defined]
             "rated=yes": {rated.e_jiangbei.uscc, rated.e_jiangbei_park.uscc},
             "reason=utility": {rated.utility.uscc},  # type: ignore[attr-defined]
             "reason=new": set(),
             "q=恒达": {rated.e_jiangbei.uscc},
             f"q={rated.e_jiangbei_park.uscc[-8:].lower()}": {rated.e_jiangbei_park.uscc},
             "grade=Z&county=nowhere": {rated.e_jiangbei.uscc, rated.e_jiangbei_park.uscc,
                                        rated.utility.uscc}}  # type: ignore[attr-defined]
    for query, expected in cases.items():
        assert shown(query) == expected == exported(query), query


def test_the_excel_has_every_indicator_under_its_name_and_a_chinese_file_name(rated: City) -> None:
    response = signed_in(rated, "leader").get(f"/assessment/enterprises.xlsx{YEAR}")
    assert "亩均效益评价企业名单-2019年度.xlsx" in unquote(response["Content-Disposition"])
    rows = {r["统一社会信用代码"]: r for r in records(book(response).active)}
    best = rows[rated.e_jiangbei.uscc]
    assert (best["亩均税收（万元/亩）"], best["亩均销售收入（万元/亩）"], best["单位电耗税收（万元/万千瓦时）"]) == (10, 100, 1)
    assert (best["类别"], best["区县内排名"], best["区县参评企业数"], best["参评"]) == ("A", 1, 2, "是")
    assert best["企业名称"] == rated.e_jiangbei.name and best["规则版本"] == "mu-efficiency:v1"
    utility = rows[rated.utility.uscc]  # type: ignore[attr-defined]
    assert (utility["类别"], utility["不参评原因"], utility["得分"], utility["亩均税收（万元/亩）"]) == (
        "T", "水电气等公用事业", None, None)


def test_a_county_sees_its_enterprises_only(rated: City) -> None:
    page = body(signed_in(rated, "district_binhai").get(f"/assessment/enterprises/{YEAR}"))
    assert f'data-uscc="{rated.utility.uscc}"' in page  # type: ignore[attr-defined]
    assert rated.e_jiangbei.uscc not in page and rated.e_jiangbei_park.uscc not in page
    sheet = book(signed_in(rated, "district_binhai").get(f"/assessment/enterprises.xlsx{YEAR}")).active
    assert [r["统一社会信用代码"] for r in records(sheet)] == [rated.utility.uscc]  # type: ignore[attr-defined]
    park = body(signed_in(rated, "park").get(f"/assessment/enterprises/{YEAR}"))
    assert f'data-uscc="{rated.e_jiangbei_park.uscc}"' in park and f'data-uscc="{rated.e_jiangbei.uscc}"' not in park
    assert signed_in(rated, "enterprise").get(f"/assessment/enterprises/{YEAR}")["Location"] == "/assessment/mine/"
    assert signed_in(rated, "enterprise").get(f"/assessment/enterprises.xlsx{YEAR}").status_code == 403
    assert signed_in(rated, "liaison").get(f"/assessment/enterprises/{YEAR}").status_code == 403


def test_a_published_year_keeps_the_names_of_the_rules_it_was_judged_under(rated: City) -> None:
    actions.publish(rated.users["department"], Y, on=MONDAY)
    actions.adopt_preset(rated.users["hq"], "山东")
    client = signed_in(rated, "hq")
    page = body(client.get(f"/assessment/enterprises/{YEAR}"))
    head = page[page.index('<table id="enterprises">'):page.index("</thead>")]
    assert "单位电耗税收" in head and "单位能耗营业收入" not in head and "mu-efficiency:v1" in page
    draft = body(client.get("/assessment/enterprises/?year=2018"))  # a draft year: judged under 山东 now
    head = draft[draft.index('<table id="enterprises">'):draft.index("</thead>")]
    assert "单位能耗营业收入（万元/吨标准煤）" in head and "研发经费投入强度（比值）" in head
    assert "mu-efficiency:v2" in draft


def test_the_list_is_paginated(rated: City) -> None:
    for n in range(60):
        figures(make_enterprise(rated.binhai, f"滨海制造{n:02d}有限公司"), Y, tax=10 + n)
    client = signed_in(rated, "hq")
    first = body(client.get(f"/assessment/enterprises/{YEAR}&county={rated.binhai.code}"))
    assert first.count("data-uscc=") < 61 and "第 1 /" in first and "page=2" in first
    second = client.get(f"/assessment/enterprises/{YEAR}&county={rated.binhai.code}&page=2")
    assert second.status_code == 200 and "data-uscc=" in body(second)


# --- the parks -------------------------------------------------------------------------------------------------


@pytest.fixture
def project(rated: City) -> Any:
    """A key project in the park: 100 (万元) completed by the end of 2018, 400 by June 2019: 300 in 2019."""
    from dualtrack.projects.models import Project, ProjectProgress

    made = Project.objects.create(code="XM-P", name="园区项目", level="city_key", nature="continuing",
                                  county=rated.jiangbei, park=rated.park, responsible_unit=rated.department.name,
                                  total_investment=Decimal(10000))
    for day, value in ((dt.date(2018, 12, 28), 100), (dt.date(2019, 6, 30), 400), (dt.date(2020, 2, 1), 900)):
        ProjectProgress.objects.create(project=made, date=day, resumed=True, completed_cumulative=Decimal(value))
    return made


def test_the_parks_rank_board_and_their_figures_per_mu(rated: City, project: Any) -> None:
    page = body(signed_in(rated, "district").get(f"/assessment/parks/{YEAR}"))
    row = row_of(page, "data-code", rated.park.code)
    assert rated.park.name in row and "14/100" in row and ">20<" in row and "↑6" in row
    assert "二档" in row and "+20%" in row
    # 高科 is the park's one enterprise: 10 亩, sales 1000 and tax 50; the project 300 in 2019
    assert 'data-field="land">10.00<' in row and 'data-field="sales_per_mu">100.00<' in row
    assert 'data-field="tax_per_mu">5.00<' in row and 'data-field="investment_per_mu">30.00<' in row
    assert "经济运行监测尚未提供园区年度数据" in page and "全省前3名+30%" in page and "park-assessment:v1" in page
    earlier = body(signed_in(rated, "hq").get("/assessment/parks/?year=2018"))
    row = row_of(earlier, "data-code", rated.park.code)
    assert "20/100" in row and 'data-field="change">—<' in row and 'data-field="investment_per_mu">10.00<' in row


def test_the_parks_excel(rated: City, project: Any) -> None:
    response = signed_in(rated, "department").get(f"/assessment/parks.xlsx{YEAR}")
    assert "园区亩产论英雄-2019年度.xlsx" in unquote(response["Content-Disposition"])
    (park,) = records(book(response).active)
    assert (park["园区代码"], park["全省排名"], park["上年排名"], park["名次变化"], park["奖励档次"]) == (
        "GXQ", 14, 20, 6, "二档")
    assert park["绩效奖金基数浮动"] == pytest.approx(0.2) and park["用地面积（亩）"] == 10
    assert (park["亩均产出（万元/亩）"], park["亩均税收（万元/亩）"], park["亩均投资（万元/亩）"]) == (100, 5, 30)


def test_who_opens_the_parks(rated: City) -> None:
    for role in ("hq", "leader", "department", "district"):
        assert signed_in(rated, role).get(f"/assessment/parks/{YEAR}").status_code == 200, role
    for role in ("enterprise", "liaison", "public"):
        assert signed_in(rated, role).get(f"/assessment/parks/{YEAR}").status_code == 403, role
        assert signed_in(rated, role).get(f"/assessment/parks.xlsx{YEAR}").status_code == 403, role


# --- the workflow ------------------------------------------------------------------------------------------------


def test_who_manages(rated: City) -> None:
    for role in ("hq", "department"):
        assert signed_in(rated, role).get(f"/assessment/manage/{YEAR}").status_code == 200, role
    for role in ("leader", "district", "enterprise", "liaison"):
        client = signed_in(rated, role)
        assert client.get(f"/assessment/manage/{YEAR}").status_code == 403, role
        for step in ("draft", "publish", "finalise", "correct", "preset"):
            assert client.post(f"/assessment/manage/{step}/", {"year": Y, "reason": "x",
                                                               "preset": "山东"}).status_code == 403, (role, step)
    assert not Assessment.objects.exists()


def test_the_workflow_through_the_pages(rated: City, clock: Any) -> None:
    office = signed_in(rated, "department")
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    assert "2019年度尚未发起评价" in page and 'id="notice-end"' in page and "至 <span class=\"nowrap\">2020-03-05" in page
    drafted = office.post("/assessment/manage/draft/", {"year": Y})
    assert drafted.status_code == 302 and "已计算2019年度评价草稿（第1版）" in said(drafted)
    assert Assessment.objects.get(year=Y).status == "draft"
    published = office.post("/assessment/manage/publish/", {"year": Y})
    assert "2019年度评价（第1版）已公示，公示期至2020-03-05" in said(published)
    assessment = Assessment.objects.get(year=Y)
    assert assessment.status == "published"
    actions.object_to(rated.users["enterprise"], assessment, rated.e_jiangbei, "用地面积含代征道路，应扣除")
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    waits = page[page.index('id="finalise-waits"'):]
    assert "公示期至2020-03-05" in waits[:200] and "还有1件异议未答复" in waits[:300]
    refused = office.post("/assessment/manage/finalise/", {"year": Y})
    messages = said(refused)
    assert refused.status_code == 302 and "公示期至2020-03-05，公示期满后方可定稿" in messages
    assert "还有1件异议未答复" in messages
    assert Assessment.objects.get(year=Y).status == "published"
    # the objections: the office answers, the county reads
    listed = body(office.get(f"/assessment/objections/{YEAR}"))
    objection = Objection.objects.get()
    card = listed[listed.index(f'id="objection-{objection.pk}"'):]
    assert rated.e_jiangbei.name in card and "用地面积含代征道路" in card and "A类" in card and "得分" in card
    assert f"/assessment/objections/{objection.pk}/answer/" in card
    county = body(signed_in(rated, "district").get(f"/assessment/objections/{YEAR}"))
    assert "用地面积含代征道路" in county and "/answer/" not in county
    assert "用地面积含代征道路" not in body(signed_in(rated, "district_binhai").get(f"/assessment/objections/{YEAR}"))
    assert signed_in(rated, "district").post(f"/assessment/objections/{objection.pk}/answer/",
                                             {"answer": "维持"}).status_code == 403
    assert signed_in(rated, "district_binhai").post(f"/assessment/objections/{objection.pk}/answer/",
                                                    {"answer": "维持"}).status_code == 404
    empty = office.post(f"/assessment/objections/{objection.pk}/answer/", {"answer": "  "})
    assert "请填写答复" in said(empty) and Objection.objects.get().state == "open"
    answered = office.post(f"/assessment/objections/{objection.pk}/answer/", {"answer": "经核实，维持原评价。"})
    assert answered["Location"] == f"/assessment/objections/?year={Y}#objection-{objection.pk}"
    assert Objection.objects.get().state == "answered"
    again = office.post(f"/assessment/objections/{objection.pk}/answer/", {"answer": "再答"})
    assert "该异议已答复" in said(again)
    assert "经核实，维持原评价。" in body(office.get(f"/assessment/objections/{YEAR}"))
    clock(dt.date(2020, 3, 6))
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    assert 'id="finalise-waits"' not in page and "可以定稿" in page
    final = office.post("/assessment/manage/finalise/", {"year": Y})
    assert "2019年度评价（第1版）已定稿" in said(final) and Assessment.objects.get(year=Y).status == "final"
    assert "已定稿" in body(office.get(f"/assessment/{YEAR}"))
    again = office.post("/assessment/manage/publish/", {"year": Y})
    assert "2019年度评价已" in said(again) and Assessment.objects.get(year=Y).status == "final"


def test_a_correction_needs_its_reason_and_opens_a_new_version(rated: City, clock: Any) -> None:
    office = signed_in(rated, "hq")
    early = office.post("/assessment/manage/correct/", {"year": Y, "reason": "税收数据更正"})
    assert "尚未公示，直接重新计算草稿即可" in said(early) and not Assessment.objects.exists()
    actions.publish(rated.users["department"], Y, on=MONDAY)
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    assert 'id="correct-form"' in page and 'id="publish-form"' not in page
    blank = office.post("/assessment/manage/correct/", {"year": Y, "reason": " "})
    assert "请写明更正理由" in said(blank) and Assessment.objects.count() == 1
    long = office.post("/assessment/manage/correct/", {"year": Y, "reason": "长" * 301})
    assert "更正理由最多300字" in said(long) and Assessment.objects.count() == 1
    made = office.post("/assessment/manage/correct/", {"year": Y, "reason": "税收数据更正"})
    assert "已发起2019年度评价更正（第2版，草稿）" in said(made)
    assert list(Assessment.objects.order_by("version").values_list("version", "status", "reason")) == [
        (1, "published", ""), (2, "draft", "税收数据更正")]
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    assert 'data-version="2" data-status="draft"' in page and 'data-version="1" data-status="published"' in page
    assert "税收数据更正" in page and 'id="publish-form"' in page


def test_adopting_a_preset(rated: City) -> None:
    from dualtrack.core import rules as rule_sets

    page = body(signed_in(rated, "hq").get(f"/assessment/manage/{YEAR}"))
    assert "/rules/what-if/?measure=assessment&amp;year=2019" in page
    presets = page[page.index('id="preset-list"'):]
    assert all(f'data-preset="{name}"' in presets for name in ("淮安", "黄岩", "山东"))
    assert "全员劳动生产率" in presets and 'id="preset-form"' in page
    office = signed_in(rated, "department")
    page = body(office.get(f"/assessment/manage/{YEAR}"))
    assert 'id="preset-form"' not in page and "what-if" not in page  # HQ decides the rule set
    assert office.post("/assessment/manage/preset/", {"preset": "山东", "year": Y}).status_code == 403
    hq = signed_in(rated, "hq")
    unknown = hq.post("/assessment/manage/preset/", {"preset": "杭州", "year": Y})
    assert "没有方案“杭州”" in said(unknown) and rule_sets.current("mu-efficiency").version == 1
    adopted = hq.post("/assessment/manage/preset/", {"preset": "山东", "year": Y})
    assert adopted["Location"] == f"/assessment/manage/?year={Y}"
    assert "已采用山东方案（规则版本 mu-efficiency:v2）" in said(adopted)
    assert rule_sets.current("mu-efficiency").version == 2
    same = hq.post("/assessment/manage/preset/", {"preset": "山东", "year": Y})
    assert "相同" in said(same) and rule_sets.current("mu-efficiency").version == 2
    assert "单位能耗营业收入" in body(hq.get(f"/assessment/enterprises/{YEAR}"))


def test_a_bad_year_posted_is_said_and_nothing_done(rated: City) -> None:
    office = signed_in(rated, "department")
    for bad in ("", "abcd", "2999", "1999-01"):
        response = office.post("/assessment/manage/draft/", {"year": bad})
        assert response.status_code == 302 and said(response), bad
    assert not Assessment.objects.exists()


# --- the objections and an enterprise's page ---------------------------------------------------------------------


def test_who_reads_the_objections(rated: City) -> None:
    for role in ("hq", "department", "district"):
        assert signed_in(rated, role).get(f"/assessment/objections/{YEAR}").status_code == 200, role
    assert signed_in(rated, "enterprise").get(f"/assessment/objections/{YEAR}")["Location"] == "/assessment/mine/"
    for role in ("leader", "liaison", "public"):
        assert signed_in(rated, role).get(f"/assessment/objections/{YEAR}").status_code == 403, role
    assert "本年度没有异议" in body(signed_in(rated, "hq").get(f"/assessment/objections/{YEAR}"))
    assert signed_in(rated, "hq").post("/assessment/objections/999/answer/", {"answer": "x"}).status_code == 404


def test_an_enterprises_page(rated: City, clock: Any) -> None:
    actions.publish(rated.users["department"], Y - 1, on=dt.date(2019, 3, 4))
    client = signed_in(rated, "leader")
    page = body(client.get(f"/assessment/e/{rated.e_jiangbei.uscc}/{YEAR}"))
    assert rated.e_jiangbei.name in page and "江北区" in page
    assert "公示中" in row_of(page, "data-year", "2018")  # its classes over the years: 2018 published
    this_year = page[page.index('id="this-year"'):]
    assert "A类" in this_year[:200] and "区县内第 1 名（共 2 家参评）" in this_year
    indicators = page[page.index('id="indicators"'):]
    # 2019's base: 2 × the county's 2018 mean of tax per mu ((10 + 5) / 2) = 15
    assert "亩均税收" in indicators and ">10.00<" in indicators and ">15.00<" in indicators
    utility = body(client.get(f"/assessment/e/{rated.utility.uscc}/{YEAR}"))  # type: ignore[attr-defined]
    assert "T类（不参评）" in utility and "水电气等公用事业" in utility
    assert "不在2019年度评价名单中" in body(client.get(f"/assessment/e/{rated.e_binhai.uscc}/{YEAR}"))
    assert signed_in(rated, "district").get(f"/assessment/e/{rated.e_jiangbei.uscc}/").status_code == 200
    assert signed_in(rated, "district_binhai").get(f"/assessment/e/{rated.e_jiangbei.uscc}/").status_code == 404
    assert signed_in(rated, "public").get(f"/assessment/e/{rated.e_jiangbei.uscc}/").status_code == 404
    assert signed_in(rated, "hq").get("/assessment/e/NOSUCHCODE/").status_code == 404
    assert signed_in(rated, "enterprise").get(f"/assessment/e/{rated.e_jiangbei.uscc}/")["Location"] == \
        "/assessment/mine/"


def test_an_enterprises_page_lists_its_objections(rated: City) -> None:
    published = actions.publish(rated.users["department"], Y, on=MONDAY)
    actions.object_to(rated.users["enterprise"], published, rated.e_jiangbei, "用地面积含代征道路")
    page = body(signed_in(rated, "department").get(f"/assessment/e/{rated.e_jiangbei.uscc}/{YEAR}"))
    table = page[page.index('id="objections"'):]
    assert "用地面积含代征道路" in table and "待答复" in table
    classes = page[page.index('id="classes"'):]
    assert 'data-year="2019"' in classes and "公示中" in classes
    assert "基准值见公示前的草稿测算" not in page  # a published year keeps its bases with its rows
    assert ">15.00<" in page  # the county's base of tax per mu: 2 × 7.5


# --- pending, query counts, hostile input --------------------------------------------------------------------------


def test_pages_say_pending_while_the_year_is_computed(rated: City, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    client = signed_in(rated, "hq")
    for url in (f"/assessment/{YEAR}", f"/assessment/enterprises/{YEAR}", f"/assessment/parks/{YEAR}",
                f"/assessment/e/{rated.e_jiangbei.uscc}/{YEAR}", f"/assessment/enterprises.xlsx{YEAR}"):
        page = client.get(url)
        assert page.status_code == 200 and "正在计算" in body(page), url
        assert "data-uscc" not in body(page) and 'data-count="' not in body(page)


def test_query_counts_are_pinned(rated: City, clock: Any, steady_rule_sets: None,
                                 django_assert_max_num_queries: Any) -> None:
    published = actions.publish(rated.users["department"], Y, on=MONDAY)
    actions.object_to(rated.users["enterprise"], published, rated.e_jiangbei, "异议一")
    pages = {"home": f"/assessment/{YEAR}", "enterprises": f"/assessment/enterprises/{YEAR}",
             "parks": f"/assessment/parks/{YEAR}", "manage": f"/assessment/manage/{YEAR}",
             "objections": f"/assessment/objections/{YEAR}",
             "enterprise": f"/assessment/e/{rated.e_jiangbei.uscc}/{YEAR}"}
    opened = {"department": set(pages), "district": {"home", "enterprises", "parks", "objections", "enterprise"},
              "leader": {"home", "enterprises", "parks", "enterprise"}}

    def check() -> None:
        for role, names in opened.items():
            client = signed_in(rated, role)
            for name in sorted(names):
                client.get(pages[name])  # the year computed and stored
                with django_assert_max_num_queries(PAGE_QUERIES[name]):
                    assert client.get(pages[name]).status_code == 200, (role, name)

    check()
    for n in range(8):  # more enterprises, in the assessment and out, and their objections: the same counts
        firm = make_enterprise(rated.jiangbei if n % 2 else rated.binhai, f"制造{n}有限公司", park=rated.park if n % 2
                               else None)
        figures(firm, Y, tax=20 + n)
        figures(firm, Y - 1, tax=20 + n)
    actions.correct(rated.users["department"], Y, "补充企业")
    actions.publish(rated.users["department"], Y, on=MONDAY)
    latest = Assessment.objects.get(year=Y, version=2)
    for firm_id in latest.rows.values_list("enterprise_id", flat=True)[:3]:
        Objection.objects.create(assessment=latest, enterprise_id=firm_id, reason="再议", filed_on=MONDAY)
    check()


def test_hostile_input_never_answers_a_server_error(rated: City) -> None:
    from .test_hostile_sweep import HOSTILE_VALUES

    published = actions.publish(rated.users["department"], Y, on=MONDAY)
    objection = actions.object_to(rated.users["enterprise"], published, rated.e_jiangbei, "异议")
    pages = ["/assessment/", "/assessment/enterprises/", "/assessment/enterprises.xlsx", "/assessment/parks/",
             "/assessment/parks.xlsx", "/assessment/manage/", "/assessment/objections/",
             f"/assessment/e/{rated.e_jiangbei.uscc}/", "/assessment/e/" + "x" * 300 + "/"]
    forms = [("/assessment/manage/draft/", ("year",)), ("/assessment/manage/correct/", ("year", "reason")),
             ("/assessment/manage/preset/", ("year", "preset", "comment")),
             ("/assessment/manage/finalise/", ("year",)),
             (f"/assessment/objections/{objection.pk}/answer/", ("answer",))]
    for role in ("hq", "district", "enterprise", "department"):
        client = Client(raise_request_exception=False)
        client.force_login(rated.users[role])
        for value in HOSTILE_VALUES:
            query = dict.fromkeys(("year", "page", "county", "park", "grade", "rated", "reason", "q"), value)
            for url in pages:
                assert client.get(url, query).status_code < 500, (role, url, value[:20])
            for url, fields in forms:
                assert client.post(url, dict.fromkeys(fields, value)).status_code < 500, (role, url, value[:20])
    assert Assessment.objects.count() == 1 and Objection.objects.count() == 1


def test_a_preset_is_tried_in_the_what_if_in_one_click(rated: City) -> None:
    """The manage page posts a preset's definition to the what-if page: the classes it would move, nothing stored."""
    import re
    from html import unescape

    from dualtrack.core.models import RuleSet

    client = signed_in(rated, "hq")
    page = body(client.get(f"/assessment/manage/{YEAR}"))
    form = re.search(r'<form method="post" action="([^"]+)" class="inline" data-what-if="山东">.*?name="definition" '
                     r'value="([^"]+)"', page, re.S)
    assert form is not None
    tried = client.post(unescape(form.group(1)), {"definition": unescape(form.group(2))})
    assert tried.status_code == 200 and tried.context["comparison"] is not None
    assert RuleSet.objects.filter(key="mu-efficiency").count() == 1  # a trial adopts nothing


def test_readers_open_on_the_latest_published_year_the_office_on_its_draft(rated: City) -> None:
    """A draft is the office's working copy: leaders and counties open on the latest published (or final) year, and a
    county is not offered the report it may not download."""
    office = rated.users["department"]
    actions.publish(office, Y, on=MONDAY)
    figures_next = services.as_of_year(user=rated.users["hq"])
    EnterpriseAnnual.objects.create(enterprise=rated.e_jiangbei, year=Y + 1, tax=Decimal(10), sales=Decimal(100))
    assert services.as_of_year(user=rated.users["hq"]) == Y + 1 and figures_next == Y
    assert services.as_of_year(user=rated.users["leader"]) == Y
    assert services.as_of_year(user=rated.users["district"]) == Y
    county = body(signed_in(rated, "district").get("/assessment/"))
    assert f'data-year="{Y}"' in county and "/assessment/report.docx" not in county
    assert "/assessment/report.docx" in body(signed_in(rated, "leader").get("/assessment/"))
