"""防疫物资 on a phone (DOMAIN.md §17): the enterprise sees what it may still ask for (the next day, its workers on
duty, each cap) and asks with one row per item; over its cap, within 7 days of its last request or with a bad
quantity it is refused beside the field with the limit named and nothing is written; its requests show 申请 / 已承诺
/ 已发放 apart with both statuses, lateness and the queue; a liaison officer for its enterprise only; a county for
its grassroots units; HQ, leaders and the office go to the board; 一企一档's part. Pages through the test client."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from dualtrack.core.models import AuditLog
from dualtrack.projects.models import Project
from dualtrack.supplies import actions
from dualtrack.supplies.actions import NewLine, NewReceipt, NewRequest
from dualtrack.supplies.models import RequestLine, SupplyRequest

from .conftest import City, report

D = dt.date(2020, 2, 10)
ITEMS = ("KZ", "XDY", "JJ", "FHF", "CWQ")


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(D)
    return set_clock


@pytest.fixture
def depot(city: City, clock: Any) -> str:
    actions.save_depot(city.users["department"], "CK01", "市应急物资储备库")
    actions.receive(city.users["department"], NewReceipt(D, "CK01", "KZ", "allocated", 10000, code="RK-1"))
    actions.receive(city.users["department"], NewReceipt(D, "CK01", "XDY", "donation", 500, code="RK-2"))
    return "CK01"


def signed_in(client: Client, city: City, role: str) -> Client:
    client.force_login(city.users[role])
    return client


def form(day: dt.date = D, **quantities: Any) -> dict[str, str]:
    """The apply form as a phone posts it: every item's row, the needed-by day prefilled, quantities as given."""
    data = {}
    for code in ITEMS:
        data[f"requested_{code}"] = str(quantities.get(code, ""))
        data[f"needed_by_{code}"] = (day + dt.timedelta(days=1)).isoformat()
    return data


def fieldset(body: str, code: str) -> str:
    """The apply page's row of one item (its fields and the messages beside them)."""
    start = body.rindex("<fieldset", 0, body.index(f'id="item-{code}"'))
    return body[start:body.index("</fieldset>", start)]


def request_card(body: str, code: str) -> str:
    start = body.index(f'data-code="{code}"')
    return body[start:body.index("</li>", start)]


def figures(card: str, item: str) -> tuple[str, str, str]:
    row = card[card.index(f'data-item="{item}"'):]
    found = [re.search(rf'data-figure="{name}">([^<]*)<', row) for name in ("requested", "committed", "issued")]
    assert all(found), row
    return tuple(m.group(1) for m in found)  # type: ignore[union-attr, return-value]


# --- the enterprise --------------------------------------------------------------------------------------------


def test_an_enterprise_sees_its_caps_and_asks_within_them(client: Client, city: City, clock: Any) -> None:
    report(city.e_jiangbei, D - dt.timedelta(days=1), True, 100)  # 100 × 2 masks × 15 days = 3000
    signed_in(client, city, "enterprise")
    body = client.get("/supplies/").content.decode()
    assert "数据截至 <span class=\"nowrap\">2020-02-10</span>" in body
    assert "现在可以申请" in body and "在岗 100 人（2020-02-09 报送）" in body
    assert 'data-item="KZ" data-cap="3000"' in body and "每批最多 3000只（在岗100人×每人每日2只×15天）" in body
    assert "还没有物资申请" in body
    page = client.get("/supplies/apply/").content.decode()
    assert all(f'name="requested_{code}"' in page for code in ITEMS)
    assert 'name="needed_by_KZ" value="2020-02-11"' in page  # tomorrow by default
    assert "上限 3000只" in fieldset(page, "KZ") and "上限" not in fieldset(page, "XDY")
    assert "申请类型：重点企业" in page
    response = client.post("/supplies/apply/", {**form(KZ=3000, XDY=20), "needed_by_KZ": "2020-02-12"})
    assert response.status_code == 302 and response["Location"] == "/supplies/"
    made = SupplyRequest.objects.get()
    assert (made.kind, made.enterprise, made.date, made.requested_by) == (
        "key_enterprise", city.e_jiangbei, D, city.users["enterprise"])
    assert sorted(made.lines.values_list("item__code", "requested", "needed_by")) == [
        ("KZ", 3000, dt.date(2020, 2, 12)), ("XDY", 20, dt.date(2020, 2, 11))]
    body = client.get("/supplies/").content.decode()
    card = request_card(body, made.code)
    assert figures(card, "KZ") == ("3000只", "0只", "0只") and figures(card, "XDY") == ("20公斤", "0公斤", "0公斤")
    assert "未承诺" in card and "未发放" in card and "分配队列第 1 位" in card
    assert 'data-next-day="2020-02-17"' in body and "2020-02-17 起可再申请" in body


def test_over_the_cap_is_refused_beside_the_item_with_its_limit_and_nothing_written(client: Client, city: City,
                                                                                   clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    signed_in(client, city, "enterprise")
    response = client.post("/supplies/apply/", form(KZ=3001, XDY=0, JJ=5))
    assert response.status_code == 200
    body = response.content.decode()
    assert "超过上限3000只（在岗100人×每人每日2只×15天）" in fieldset(body, "KZ")
    assert "has-error" in fieldset(body, "KZ")
    assert "数量应为大于0的整数" in fieldset(body, "XDY")  # a bad quantity, beside its own row
    assert "has-error" not in fieldset(body, "JJ")
    assert 'value="3001"' in fieldset(body, "KZ")  # what was typed is kept
    assert not SupplyRequest.objects.exists() and not RequestLine.objects.exists()
    # a quantity that is not a number and an over-cap row are told in the same answer
    body = client.post("/supplies/apply/", form(KZ=3001, XDY="很多")).content.decode()
    assert "超过上限3000只" in fieldset(body, "KZ") and "has-error" in fieldset(body, "XDY")
    # nothing asked: said at the top
    body = client.post("/supplies/apply/", form()).content.decode()
    assert "请至少填写一种物资" in body[body.index('id="supply-errors"'):]
    assert not SupplyRequest.objects.exists()


def test_no_workers_reported_says_so_and_links_the_resumption_report(client: Client, city: City,
                                                                     clock: Any) -> None:
    signed_in(client, city, "enterprise")
    body = client.get("/supplies/").content.decode()
    assert 'data-workers=""' in body and "尚未报送在岗人数" in body and 'href="/resumption/report/"' in body
    response = client.post("/supplies/apply/", form(KZ=10))
    assert "该企业尚未报送在岗人数" in fieldset(response.content.decode(), "KZ")
    assert client.post("/supplies/apply/", form(XDY=10)).status_code == 302  # not used per head: no cap


def test_one_request_per_7_days_the_8th_day_accepted(client: Client, city: City, clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    signed_in(client, city, "enterprise")
    assert client.post("/supplies/apply/", form(KZ=100)).status_code == 302
    first = SupplyRequest.objects.get()
    clock(D + dt.timedelta(days=6))  # the 7th day counting the first
    home = client.get("/supplies/").content.decode()
    assert 'id="supply-apply"' not in home and "2020-02-17 起可以再次申请" in home
    page = client.get("/supplies/apply/").content.decode()
    assert 'data-next-day="2020-02-17"' in page and f"已申请 {first.code}" in page  # before it asks
    response = client.post("/supplies/apply/", form(D + dt.timedelta(days=6), KZ=100))
    assert response.status_code == 200
    errors = response.content.decode()
    errors = errors[errors.index('id="supply-errors"'):]
    assert f"该企业已于2020-02-10申请（{first.code}），每7天限申请一次，2020-02-17起可再申请" in errors
    assert SupplyRequest.objects.count() == 1
    clock(D + dt.timedelta(days=7))  # the 8th day
    home = client.get("/supplies/").content.decode()
    assert 'data-next-day=""' in home and 'id="supply-apply"' in home
    assert client.post("/supplies/apply/", form(D + dt.timedelta(days=7), KZ=100)).status_code == 302
    assert SupplyRequest.objects.count() == 2


def test_three_figures_statuses_lateness_and_issues_as_they_come(client: Client, city: City, depot: str,
                                                                  clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc, [
        NewLine("KZ", 3000, D), NewLine("XDY", 50, D)]))
    office = city.users["department"]
    actions.commit(office, made.lines.get(item__code="KZ"), "CK01", 2000)
    actions.issue(office, made.lines.get(item__code="KZ"), "CK01", 1500, "张三")
    signed_in(client, city, "enterprise")
    card = request_card(client.get("/supplies/").content.decode(), made.code)
    assert figures(card, "KZ") == ("3000只", "2000只", "1500只") and figures(card, "XDY") == ("50公斤", "0公斤", "0公斤")
    assert "部分承诺" in card and "部分发放" in card and "已超期" not in card
    clock(D + dt.timedelta(days=1))  # committed, not fully issued, past its needed-by day
    card = request_card(client.get("/supplies/").content.decode(), made.code)
    assert 'data-overdue="1"' in card and "已超期未发放" in card
    body = client.get("/supplies/mine/").content.decode()
    entry = body[body.index(f'data-code="{made.code}"'):]
    assert "2020-02-10 · 口罩 <b>1500只</b> · 市应急物资储备库 · 签收人 张三" in entry  # its own side: whole
    assert AuditLog.objects.filter(action="view_personal", object_type="supplies.issue",
                                   actor=city.users["enterprise"]).exists()
    assert "数据截至 <span class=\"nowrap\">2020-02-11</span>" in body
    # the figures of an earlier day: that day's
    before = client.get("/supplies/?date=2020-02-09").content.decode()
    assert "数据截至 <span class=\"nowrap\">2020-02-09</span>" in before and f'data-code="{made.code}"' not in before


def test_key_project_of_the_enterprise_and_not_anothers(client: Client, city: City, clock: Any) -> None:
    owned = Project.objects.create(code="XM-1", name="恒达新厂房", level="city_key", nature="new", county=city.jiangbei,
                                   responsible_unit="江北区", owner=city.e_jiangbei, total_investment=1000)
    Project.objects.create(code="XM-2", name="他人项目", level="city_key", nature="new", county=city.binhai,
                           responsible_unit="滨海区", owner=city.e_binhai, total_investment=1000)
    signed_in(client, city, "enterprise")
    page = client.get("/supplies/apply/").content.decode()
    assert "重点项目：恒达新厂房" in page and "他人项目" not in page
    response = client.post("/supplies/apply/", {**form(KZ=800), "project": "XM-2"})
    assert response.status_code == 200 and not SupplyRequest.objects.exists()  # not one of its own
    assert client.post("/supplies/apply/", {**form(KZ=800), "project": "XM-1"}).status_code == 302
    made = SupplyRequest.objects.get()
    assert (made.kind, made.project, made.enterprise) == ("key_project", owned, None)  # no cap: not per worker
    assert made.code in client.get("/supplies/").content.decode()


# --- the liaison officer ---------------------------------------------------------------------------------------


def test_liaison_for_its_enterprise_and_404_for_another(client: Client, city: City, clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    signed_in(client, city, "liaison")
    pick = client.get("/supplies/").content.decode()
    assert f'/supplies/?uscc={city.e_jiangbei.uscc}' in pick and city.e_binhai.name not in pick
    assert "数据截至" in pick
    assert client.get("/supplies/apply/").status_code == 302  # pick an enterprise first
    body = client.get(f"/supplies/?uscc={city.e_jiangbei.uscc}").content.decode()
    assert city.e_jiangbei.name in body and "在岗 100 人" in body
    assert f'href="/supplies/apply/?uscc={city.e_jiangbei.uscc}"' in body
    assert client.get(f"/supplies/?uscc={city.e_binhai.uscc}").status_code == 404
    assert client.get(f"/supplies/apply/?uscc={city.e_binhai.uscc}").status_code == 404
    assert client.post(f"/supplies/apply/?uscc={city.e_binhai.uscc}", form(XDY=5)).status_code == 404
    assert client.post("/supplies/apply/", {**form(XDY=5), "uscc": city.e_binhai.uscc}).status_code == 404
    assert client.get(f"/supplies/mine/?uscc={city.e_binhai.uscc}").status_code == 404
    assert not SupplyRequest.objects.exists()
    response = client.post(f"/supplies/apply/?uscc={city.e_jiangbei.uscc}", form(KZ=1000))
    assert response.status_code == 302 and response["Location"] == f"/supplies/?uscc={city.e_jiangbei.uscc}"
    made = SupplyRequest.objects.get()
    assert (made.enterprise, made.requested_by) == (city.e_jiangbei, city.users["liaison"])
    assert made.code in client.get(f"/supplies/mine/?uscc={city.e_jiangbei.uscc}").content.decode()


def test_an_enterprise_asks_only_for_itself(client: Client, city: City, clock: Any) -> None:
    signed_in(client, city, "enterprise")
    client.post(f"/supplies/apply/?uscc={city.e_binhai.uscc}", {**form(XDY=5), "uscc": city.e_binhai.uscc})
    assert SupplyRequest.objects.get().enterprise == city.e_jiangbei


# --- the county ------------------------------------------------------------------------------------------------


def test_a_county_asks_for_a_grassroots_unit_and_sees_its_requesters(client: Client, city: City,
                                                                     clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    own = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc,
                                                               [NewLine("KZ", 100, D)]))
    other = actions.request(city.users["hq"], NewRequest("grassroots", city.binhai.code, [NewLine("KZ", 100, D)]))
    signed_in(client, city, "district")
    body = client.get("/supplies/").content.decode()
    assert "为基层单位申请物资" in body and own.code in body and other.code not in body
    page = client.get("/supplies/apply/").content.decode()
    assert f'value="{city.township.code}"' in page and f'value="{city.jiangbei.code}"' in page
    assert f'value="{city.binhai.code}"' not in page
    response = client.post("/supplies/apply/", {**form(KZ=5000), "kind": "grassroots",
                                                "applicant": city.township.code})
    assert response.status_code == 302 and response["Location"] == "/supplies/"
    made = SupplyRequest.objects.get(kind="grassroots", requested_by=city.users["district"])
    assert (made.applicant_name, made.county) == ("江滨街道", city.jiangbei)  # no per-worker cap for a unit
    body = client.get("/supplies/").content.decode()
    assert made.code in body and "本地申请 2 次，待发放 2 次" in body
    # another county's place is not offered and not taken
    response = client.post("/supplies/apply/", {**form(KZ=5), "kind": "grassroots", "applicant": city.binhai.code})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert SupplyRequest.objects.filter(requested_by=city.users["district"]).count() == 1
    client.logout()
    signed_in(client, city, "district_binhai")
    assert made.code not in client.get("/supplies/").content.decode()
    client.logout()
    signed_in(client, city, "park")  # a park follows its enterprises; it asks for no grassroots unit
    assert "为基层单位申请物资" not in client.get("/supplies/").content.decode()
    assert client.get("/supplies/apply/").status_code == 403


# --- HQ, leaders, the office, the public ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hq", "leader", "department"])
def test_hq_leaders_and_the_office_go_to_the_board(client: Client, city: City, clock: Any, role: str) -> None:
    signed_in(client, city, role)
    response = client.get("/supplies/?date=2020-02-09")
    assert response.status_code == 302 and response["Location"] == "/supplies/board/?date=2020-02-09"
    assert client.get("/supplies/")["Location"] == "/supplies/board/"


@pytest.mark.parametrize("role", ["leader", "department", "public"])
def test_who_cannot_ask(client: Client, city: City, clock: Any, role: str) -> None:
    signed_in(client, city, role)
    assert client.get("/supplies/apply/").status_code == 403
    assert client.post("/supplies/apply/", {**form(XDY=5), "kind": "medical", "applicant": "JXJ"}).status_code == 403
    assert not SupplyRequest.objects.exists()


def test_the_public_and_the_anonymous(client: Client, city: City, clock: Any) -> None:
    for url in ("/supplies/", "/supplies/apply/", "/supplies/mine/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    signed_in(client, city, "public")
    assert client.get("/supplies/").status_code == 403 and client.get("/supplies/mine/").status_code == 403


def test_hq_asks_for_any_kind_with_a_unit_name(client: Client, city: City, clock: Any) -> None:
    signed_in(client, city, "hq")
    body = client.post("/supplies/apply/", {**form(KZ=100), "kind": "medical", "applicant": "NOPE"}).content.decode()
    assert "没有部门、区划或单位代码“NOPE”" in body[body.index('id="field-applicant"'):]
    response = client.post("/supplies/apply/", {**form(KZ=100), "kind": "medical", "applicant": "JXJ",
                                                "applicant_name": "市人民医院"})
    assert response.status_code == 302 and response["Location"] == "/supplies/mine/"
    made = SupplyRequest.objects.get()
    assert (made.kind, made.applicant_name, made.department) == ("medical", "市人民医院", city.department)
    assert "市人民医院" in client.get("/supplies/mine/").content.decode()


def test_bad_days_and_pages_never_fail(client: Client, city: City, clock: Any) -> None:
    signed_in(client, city, "enterprise")
    for url in ("/supplies/?date=2020-13-45", "/supplies/?date=2099-01-01", "/supplies/mine/?page=abc",
                "/supplies/mine/?page=99&date=x"):
        assert client.get(url).status_code == 200, url
    body = client.post("/supplies/apply/", {**form(KZ=""), "requested_XDY": "5",
                                            "needed_by_XDY": "2020-13-01"}).content.decode()
    assert "has-error" in fieldset(body, "XDY") and not SupplyRequest.objects.exists()
    body = client.post("/supplies/apply/", {**form(XDY=5), "needed_by_XDY": "2020-02-09"}).content.decode()
    assert "需用日期不能早于申请日期" in fieldset(body, "XDY") and not SupplyRequest.objects.exists()


def test_the_pending_state_while_the_day_is_computed(client: Client, city: City, clock: Any, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    signed_in(client, city, "enterprise")
    body = client.get("/supplies/").content.decode()
    assert 'id="judgement-pending"' in body and "数据截至" in body and "现在可以申请" in body
    assert 'id="judgement-pending"' in client.get("/supplies/mine/").content.decode()


# --- 一企一档 ---------------------------------------------------------------------------------------------------


def test_the_enterprise_file_shows_its_supply_requests(client: Client, city: City, depot: str, clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc, [
        NewLine("KZ", 3000, D)]))
    actions.commit(city.users["department"], made.lines.get(), "CK01", 1000)
    for role in ("district", "leader", "liaison", "hq"):
        client.force_login(city.users[role])
        body = client.get(f"/registry/enterprises/{city.e_jiangbei.uscc}/").content.decode()
        card = body[body.index('id="card-supplies"'):]
        card = card[:card.index("</section>")]
        assert f'href="/supplies/r/{made.code}/"' in card and "防疫物资申请" in card, role
        assert "<td>3000只</td><td>1000只</td><td>0只</td>" in card and "部分承诺 · 未发放" in card
        assert 'data-figure="supply_waiting"' in card and "2020-02-10" in card
    client.force_login(city.users["district"])
    body = client.get(f"/registry/enterprises/{city.e_jiangbei_park.uscc}/").content.decode()
    assert 'id="card-supplies"' not in body  # no requests: no part
