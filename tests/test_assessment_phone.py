"""亩均论英雄 on the enterprise's own phone page, the 总览 card and 一企一档 (DOMAIN.md §18), through the test client:
an enterprise sees nothing while its year is a draft, its own row once published (class, score, rank of n, each
indicator, or T with its reason in plain words), objects during the notice (refusals beside the field, nothing
written), is refused after it, and sees the answer; its classes over the years. Other roles go to the board. The
card for HQ, a county and an enterprise, and none (in one query) where the city keeps no assessment."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from dualtrack.accounts.models import User
from dualtrack.assessment import actions, cards, panels
from dualtrack.assessment.models import EnterpriseAnnual, LandUse, Objection, ParkRank
from dualtrack.core.choices import Role

from .conftest import PASSWORD, City, make_enterprise

Y = 2019
MONDAY = dt.date(2020, 3, 2)  # published on a Monday: the notice ends on Thursday 2020-03-05
NOTICE_END = dt.date(2020, 3, 5)


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(MONDAY)
    return set_clock


def figures(enterprise: Any, year: int, *, land: float | None = 10, tax: float = 100, sales: float = 1000,
            kwh: float | None = 100) -> None:
    if land is not None:
        LandUse.objects.create(enterprise=enterprise, year=year, land_mu=Decimal(str(land)),
                               operating_since=dt.date(2010, 1, 1))
    EnterpriseAnnual.objects.create(enterprise=enterprise, year=year, tax=Decimal(str(tax)),
                                    sales=Decimal(str(sales)), kwh=None if kwh is None else Decimal(str(kwh)))


@pytest.fixture
def rated(city: City, clock: Any) -> City:
    """江北: 恒达 (A, tax 10/亩) and 高科 (B, 5/亩), 2018 and 2019; the park climbs from 20th to 14th."""
    for enterprise, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50)):
        figures(enterprise, Y - 1, tax=tax)
        figures(enterprise, Y, tax=tax)
    ParkRank.objects.create(park=city.park, year=Y - 1, rank=20, of=100)
    ParkRank.objects.create(park=city.park, year=Y, rank=14, of=100)
    return city


def signed_in(client: Client, city: City, role: str) -> Client:
    client.force_login(city.users[role])
    return client


def mine(client: Client, **query: Any) -> str:
    response = client.get("/assessment/mine/", query)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, anchor: str, end: str = "</section>") -> str:
    start = body.index(anchor)
    return body[start:body.index(end, start)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the enterprise's own page -------------------------------------------------------------------------------------


def test_an_enterprise_sees_nothing_while_its_year_is_a_draft(client: Client, rated: City) -> None:
    actions.compute_draft(rated.users["department"], Y)
    signed_in(client, rated, "enterprise")
    for query in ({}, {"year": str(Y)}):
        body = mine(client, **query)
        assert 'data-status="none"' in body and "尚无已公示的亩均效益评价" in body
        assert 'id="assess-row"' not in body and 'id="assess-grade"' not in body
        assert 'id="assess-object"' not in body
    assert cards.assessment_card(rated.users["enterprise"], MONDAY) is None  # no class before it is published


def test_its_own_row_once_published_and_nobody_elses(client: Client, rated: City) -> None:
    actions.publish(rated.users["department"], Y, on=MONDAY)
    body = mine(signed_in(client, rated, "enterprise"))
    assert rated.e_jiangbei.name in body and rated.e_jiangbei_park.name not in body
    status = section(body, 'id="assess-status"', "</p>")
    assert 'data-status="published"' in status and "公示中" in status
    assert f'<b id="assess-notice-end" class="nowrap">{NOTICE_END.isoformat()}</b>' in status
    row = section(body, 'id="assess-row"')
    assert 'data-grade="A"' in row and 'data-rated="1"' in row
    assert re.search(r'id="assess-score">(\d+\.\d\d)<', row).group(1) == "60.83"  # type: ignore[union-attr]
    assert "江北区第 1 名，共 2 家参评" in text(row)
    values = dict(re.findall(r'data-indicator="(\w+)">.*?data-figure="value">([^<]*)<', row, re.S))
    assert values == {"tax_per_mu": "10.00", "sales_per_mu": "100.00", "tax_per_kwh": "1.00"}
    assert "亩均税收" in row and "万元/亩" in row and "万元/万千瓦时" in row
    bases = re.findall(r'data-figure="base">([^<]*)<', row)
    # the bases the rows were scored against, kept with them: 2 × last year's county means (7.5, 100, 0.75)
    assert bases == ["15.00", "200.00", "1.50"] and "本年度公示结果未附区县基准值" not in row
    assert 'id="assess-object"' in body and 'name="reason"' in body  # the notice is on: the form is offered
    assert "规则版本 mu-efficiency:v1" in body


def test_a_t_enterprise_reads_its_reason_in_plain_words(client: Client, rated: City) -> None:
    newcomer = make_enterprise(rated.jiangbei, "江北新材料有限公司")
    figures(newcomer, Y, land=None)  # figures but no land recorded for the year: T (no_land)
    user = User(username="xincailiao", role=Role.ENTERPRISE, full_name="x", enterprise=newcomer)
    user.set_password(PASSWORD)
    user.save()
    actions.publish(rated.users["department"], Y, on=MONDAY)
    client.force_login(user)
    body = mine(client)
    row = section(body, 'id="assess-row"')
    assert 'data-grade="T"' in row and 'data-rated="0"' in row and "T类（不参评）" in row
    assert "没有2019年度的用地面积数据" in section(body, 'id="assess-reason"', "</p>")
    assert 'id="assess-indicators"' not in body and 'id="assess-score"' not in body


def test_objects_during_the_notice_is_refused_after_it_and_reads_the_answer(client: Client, rated: City,
                                                                            clock: Any) -> None:
    office = rated.users["department"]
    actions.publish(office, Y, on=MONDAY)
    signed_in(client, rated, "enterprise")

    refused = client.post("/assessment/mine/object/", {"year": str(Y), "reason": "   "})
    assert refused.status_code == 200
    assert "请写明异议理由" in section(refused.content.decode(), 'id="reason-errors"', "</ul>")
    assert not Objection.objects.exists()

    reason = "用地面积含代征道路3亩，应予扣除"
    made = client.post("/assessment/mine/object/", {"year": str(Y), "reason": reason})
    assert made.status_code == 302 and made["Location"] == f"/assessment/mine/?year={Y}"
    objection = Objection.objects.get()
    assert (objection.enterprise, objection.reason, objection.state) == (rated.e_jiangbei, reason, "open")
    body = mine(client)
    assert 'id="assess-object"' not in body  # one open at a time: the form gives way to the message
    assert "已有待答复的异议" in section(body, 'id="assess-object-closed"', "</p>")
    listed = section(body, 'id="assess-objections"', "</ul>")
    assert reason in listed and "待答复" in listed

    again = client.post("/assessment/mine/object/", {"year": str(Y), "reason": "再提一次"})
    assert "已有待答复的异议，请等待答复" in section(again.content.decode(), 'id="reason-errors"', "</ul>")
    assert Objection.objects.count() == 1

    answer = "经核实，用地面积按不动产登记证确认，维持原评价。"
    actions.answer(office, objection, answer, on=NOTICE_END)
    clock(NOTICE_END + dt.timedelta(days=1))  # the notice is over
    body = mine(client)
    assert 'id="assess-object"' not in body
    assert "公示期已于2020-03-05结束" in section(body, 'id="assess-object-closed"', "</p>")
    listed = section(body, 'id="assess-objections"', "</ul>")
    assert answer in listed and "已答复" in listed

    late = client.post("/assessment/mine/object/", {"year": str(Y), "reason": "公示期后又发现问题"})
    assert late.status_code == 200
    assert "公示期已于2020-03-05结束" in section(late.content.decode(), 'id="assess-object-refused"', "</ul>")
    assert 'name="reason"' not in late.content.decode()  # no form to fill in vain
    assert Objection.objects.count() == 1

    actions.finalise(office, Y, on=NOTICE_END + dt.timedelta(days=1))
    body = mine(client)
    assert 'data-status="final"' in body and "已定稿" in section(body, 'id="assess-status"', "</p>")
    history = section(body, 'id="assess-classes"', "</ul>")
    assert 'data-year="2019" data-grade="A"' in history and "已定稿" in history


def test_its_classes_over_the_years(client: Client, rated: City, clock: Any) -> None:
    office = rated.users["department"]
    clock(dt.date(2019, 3, 4))
    actions.publish(office, Y - 1, on=dt.date(2019, 3, 4))  # 2018: 恒达 A of 2
    actions.finalise(office, Y - 1, on=dt.date(2019, 3, 8))
    clock(MONDAY)
    actions.publish(office, Y, on=MONDAY)
    signed_in(client, rated, "enterprise")
    body = mine(client)
    history = section(body, 'id="assess-classes"', "</ul>")
    assert re.findall(r'data-year="(\d+)" data-grade="(\w)"', history) == [("2018", "A"), ("2019", "A")]
    assert "公示稿" in history.split('data-year="2019"')[1] and "已定稿" in history.split('data-year="2019"')[0]
    earlier = mine(client, year="2018")  # the other year, from the years' links
    assert 'data-status="final"' in earlier and 'id="assess-object"' not in earlier
    assert f'href="/assessment/mine/?year={Y - 1}"' in body


@pytest.mark.parametrize("role", ["liaison", "hq", "department", "district", "leader"])
def test_other_roles_go_to_the_board(client: Client, rated: City, role: str) -> None:
    actions.publish(rated.users["department"], Y, on=MONDAY)
    signed_in(client, rated, role)
    response = client.get("/assessment/mine/")
    assert response.status_code == 302 and response["Location"] == "/assessment/"
    assert client.post("/assessment/mine/object/", {"year": str(Y), "reason": "x"}).status_code == 403
    assert not Objection.objects.exists()


def test_the_objection_form_only_takes_a_post(client: Client, rated: City) -> None:
    signed_in(client, rated, "enterprise")
    assert client.get("/assessment/mine/object/").status_code == 405
    client.logout()
    assert client.get("/assessment/mine/").status_code == 302  # to sign in


# --- the 总览 card ------------------------------------------------------------------------------------------------


def _figures(card: Any) -> dict[str, Any]:
    return {f.key: f.value for f in card.figures}


def test_no_card_and_one_query_where_the_city_keeps_no_assessment(city: City, clock: Any,
                                                                   django_assert_num_queries: Any) -> None:
    for role in ("hq", "district", "enterprise", "leader"):
        with django_assert_num_queries(1):
            assert cards.assessment_card(city.users[role], MONDAY) is None
    with django_assert_num_queries(0):
        assert cards.assessment_card(city.users["liaison"], MONDAY) is None  # not theirs at all


def test_the_card_for_hq_a_county_and_an_enterprise(client: Client, rated: City) -> None:
    office = rated.users["department"]
    published = actions.publish(office, Y, on=MONDAY)
    hq = cards.assessment_card(rated.users["hq"], MONDAY)
    assert hq is not None
    shown = _figures(hq)
    assert shown["status"] == "公示中（至 2020-03-05）"
    assert (shown["rated"], shown["class_A"], shown["class_B"], shown["class_D"], shown["class_T"]) == \
        ("2", "1", "1", "0", "0")
    assert shown["objections"] == "0"
    assert "评价年度 2019" in hq.note and "12-31" not in hq.note and hq.link == "/assessment/?year=2019"
    assert [r.text for r in hq.rows] == ["宁江高新技术产业开发区全省排名第14位，比上年前进6位"]
    actions.object_to(rated.users["enterprise"], published, rated.e_jiangbei, "用地面积有误", on=MONDAY)
    assert _figures(cards.assessment_card(office, MONDAY))["objections"] == "1"
    leader = cards.assessment_card(rated.users["leader"], MONDAY)
    assert leader is not None and "objections" not in _figures(leader)  # leaders do not answer objections

    jiangbei = _figures(cards.assessment_card(rated.users["district"], MONDAY))
    assert (jiangbei["rated"], jiangbei["class_A"], jiangbei["class_B"]) == ("2", "1", "1")
    binhai = cards.assessment_card(rated.users["district_binhai"], MONDAY)
    assert binhai is not None and _figures(binhai)["rated"] is None  # no rated enterprise there: 暂无数据, not 0
    assert "class_A" not in _figures(binhai)

    firm = cards.assessment_card(rated.users["enterprise"], MONDAY)
    assert firm is not None and _figures(firm) == {"class": "A类"}
    assert firm.figures[0].label == "2019年度类别" and firm.link == "/assessment/mine/?year=2019"
    assert firm.figures[0].change == "公示中（至 2020-03-05）"

    signed_in(client, rated, "hq")
    page = client.get("/", {"date": MONDAY.isoformat()})
    assert page.status_code == 200 and any(c.key == "assessment" for c in page.context["cards"])
    assert 'data-card="assessment"' in page.content.decode()


# --- 一企一档 ------------------------------------------------------------------------------------------------------


def test_the_enterprise_panel(client: Client, rated: City) -> None:
    assert panels.enterprise_panel(rated.users["hq"], rated.e_jiangbei) is None  # nothing published yet
    actions.publish(rated.users["department"], Y, on=MONDAY)
    panel = panels.enterprise_panel(rated.users["hq"], rated.e_jiangbei)
    assert panel is not None
    shown = _figures(panel)
    assert shown["assessment_class"] == "A类" and shown["assessment_score"] == "60.83"
    assert shown["assessment_tax_per_mu"] == "10.00" and shown["assessment_sales_per_mu"] == "100.00"
    assert panel.table is not None and panel.table.rows == [["2019", "A", "60.83", "1", "公示中（至 2020-03-05）"]]
    assert panels.enterprise_panel(rated.users["district"], rated.e_jiangbei) is not None  # its county
    assert panels.enterprise_panel(rated.users["district_binhai"], rated.e_jiangbei) is None  # another's
    assert panels.enterprise_panel(rated.users["liaison"], rated.e_jiangbei) is None
    signed_in(client, rated, "hq")
    body = client.get(f"/registry/enterprises/{rated.e_jiangbei.uscc}/").content.decode()
    assert "亩均效益评价" in body and "2019年度类别" in body


# --- on a real phone ----------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_enterprise_objects_on_its_phone(live_server: Any, rated: City, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chromium at 390×844: the class, the indicators and the form fit the phone; the form's controls are
    thumb-sized; an empty reason is refused beside the field; the objection made is listed; no script error."""
    from playwright.sync_api import expect

    from .test_browser import ARTIFACTS, sign_in
    from .test_browser_pages import fits, phone_page

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    actions.publish(rated.users["department"], Y, on=MONDAY)
    with phone_page(console_errors=True) as (page, errors):
        sign_in(page, live_server.url, "enterprise")
        expect(page.locator("#card-assessment [data-figure='class']")).to_contain_text("A类")
        fits(page)
        page.goto(f"{live_server.url}/assessment/mine/")
        expect(page.locator("#assess-grade")).to_have_text("A")
        expect(page.locator("#assess-rank")).to_contain_text("第 1 名，共 2 家参评")
        expect(page.locator("#assess-notice-end")).to_have_text("2020-03-05")
        expect(page.locator("#assess-indicators tbody tr")).to_have_count(3)
        fits(page)
        for field in ("#id_reason", "#assess-object-submit"):
            box = page.locator(field).bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a thumb's target
        page.screenshot(path=str(ARTIFACTS / "phone-assessment-mine.png"), full_page=True)
        page.locator("#assess-object-submit").click()
        expect(page.locator("#reason-errors")).to_contain_text("请写明异议理由")
        fits(page)
        page.fill("#id_reason", "用地面积含代征道路3亩，应予扣除")
        page.locator("#assess-object-submit").click()
        page.wait_for_url(f"{live_server.url}/assessment/mine/?year={Y}")
        expect(page.locator("#assess-objections li[data-state='open']")).to_contain_text("用地面积含代征道路3亩")
        expect(page.locator("#assess-object-closed")).to_contain_text("已有待答复的异议")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-assessment-objected.png"), full_page=True)
    assert errors == []
