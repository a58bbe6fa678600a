"""防疫物资's pages (DOMAIN.md §17): the request board with 申请 / 已承诺 / 已发放 kept apart and its Excel, the stock
with the cover warning and its Excel, the receipt form, the allocation queue, a request's page with the commit and
issue forms (a refusal names the limit and writes nothing), the coverage per county and its Excel; who may open each
(403), out of scope (404), the receiver masked for a leader and whole (audited) for the office, the pending state
and the pages' query counts pinned."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from dualtrack.core.models import AuditLog
from dualtrack.supplies import actions
from dualtrack.supplies.actions import NewLine, NewReceipt, NewRequest
from dualtrack.supplies.models import Commitment, Issue, Receipt, SupplyRequest

from .conftest import City, report

pytestmark = pytest.mark.django_db
D = dt.date(2020, 2, 10)
DAY = f"?date={D.isoformat()}"
# A page's queries for a user and a stored day, whatever the number of requests, commitments and issues: the session
# and the user (and a department's department), the rule set, the stored judgement and its data versions, the
# narrowing (a county's, an enterprise's), the names it shows (items, counties, depots), a request's lines and history
# (and the audit of a whole receiver), the bell and the session's save (3).
PAGE_QUERIES = {"board": 12, "queue": 12, "stock": 11, "coverage": 11, "request": 17}


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


def signed_in(city: City, role: str) -> Client:
    client = Client()
    client.force_login(city.users[role])
    return client


def body(response: Any) -> str:
    return response.content.decode()


def row_of(page: str, code: str) -> str:
    """The table row ``data-code="code"`` of a page."""
    start = page.index(f'data-code="{code}"')
    return page[start:page.index("</tr>", start)]


def line_of(row: str, item: str) -> str:
    start = row.index(f'data-item="{item}"')
    return row[start:row.index("</li>", start)]


def book(response: Any) -> Any:
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def records(sheet: Any) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def worked_request(city: City, workers: int = 100) -> SupplyRequest:
    """The enterprise's request of 2000 masks and 50 kg of disinfectant: the masks committed, 1500 of them issued
    (to 张三丰), the disinfectant neither."""
    report(city.e_jiangbei, D, True, workers)
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc, [
        NewLine("KZ", 2000, D), NewLine("XDY", 50, D)], date=D))
    masks = made.lines.get(item__code="KZ")
    actions.commit(city.users["department"], masks, "CK01", 2000)
    actions.issue(city.users["department"], masks, "CK01", 1500, "张三丰")
    return made


def grassroots(city: City, quantity: int = 300, code: str = "") -> SupplyRequest:
    return actions.request(city.users["district"], NewRequest("grassroots", city.township.code,
                                                              [NewLine("KZ", quantity, D)], date=D, code=code))


# --- the board -------------------------------------------------------------------------------------------------------


def test_board_shows_the_three_figures_apart_with_both_statuses(city: City, depot: str) -> None:
    made = worked_request(city)
    page = signed_in(city, "leader").get(f"/supplies/board/{DAY}")
    assert page.status_code == 200
    text = body(page)
    assert "数据截至" in text and D.isoformat() in text
    row = row_of(text, made.code)
    masks, liquid = line_of(row, "KZ"), line_of(row, "XDY")
    assert ('申请 <span data-figure="requested">2,000</span>' in masks
            and '已承诺 <span data-figure="committed">2,000</span>' in masks
            and '已发放 <span data-figure="issued">1,500</span>' in masks)
    assert ('data-figure="requested">50<' in liquid and 'data-figure="committed">0<' in liquid
            and 'data-figure="issued">0<' in liquid)
    assert '<td class="nowrap" data-status="commit">部分承诺</td>' in row
    assert '<td class="nowrap" data-status="fulfil">部分发放</td>' in row
    assert city.e_jiangbei.name in row and "重点企业" in row and "江北区" in row and f"/supplies/r/{made.code}/" in row
    assert "张三丰" not in text  # no one's name on the board


def test_board_is_narrowed_to_the_reader_and_refused_to_others(city: City, depot: str) -> None:
    made = worked_request(city)
    other = actions.request(city.users["hq"], NewRequest("medical", "JXJ", [NewLine("KZ", 100, D)], date=D,
                                                         applicant_name="市人民医院"))
    for role in ("hq", "leader", "department"):
        text = body(signed_in(city, role).get(f"/supplies/board/{DAY}"))
        assert f'data-code="{made.code}"' in text and f'data-code="{other.code}"' in text, role
    for role in ("district", "enterprise", "liaison"):
        text = body(signed_in(city, role).get(f"/supplies/board/{DAY}"))
        assert f'data-code="{made.code}"' in text and f'data-code="{other.code}"' not in text, role
    assert 'data-code="' not in body(signed_in(city, "district_binhai").get(f"/supplies/board/{DAY}"))
    assert signed_in(city, "public").get("/supplies/board/").status_code == 403
    assert Client().get("/supplies/board/").status_code == 302  # to sign in


def test_board_filters_by_kind_county_status_and_lateness(city: City, depot: str, clock: Any) -> None:
    made = worked_request(city)
    grass = grassroots(city)
    client = signed_in(city, "hq")
    by_kind = body(client.get(f"/supplies/board/{DAY}&kind=grassroots"))
    assert f'data-code="{grass.code}"' in by_kind and f'data-code="{made.code}"' not in by_kind
    by_status = body(client.get(f"/supplies/board/{DAY}&fulfil=none"))
    assert f'data-code="{grass.code}"' in by_status and f'data-code="{made.code}"' not in by_status
    assert 'data-code="' not in body(client.get(f"/supplies/board/{DAY}&county={city.binhai.code}&kind=grassroots"))
    assert 'data-code="' not in body(client.get(f"/supplies/board/{DAY}&overdue=1"))
    clock(D + dt.timedelta(days=1))  # the masks' line committed, not all issued, past its day
    late = body(client.get(f"/supplies/board/?date={(D + dt.timedelta(days=1)).isoformat()}&overdue=1"))
    assert f'data-code="{made.code}"' in late and f'data-code="{grass.code}"' not in late
    assert "超期" in row_of(late, made.code)
    junk = client.get(f"/supplies/board/{DAY}&kind=x&county=zzz&fulfil=y&page=zz")  # ignored, never a 5xx
    assert junk.status_code == 200 and f'data-code="{made.code}"' in body(junk)


def test_board_xlsx_one_row_per_line_filtered_no_names(city: City, depot: str) -> None:
    made = worked_request(city)
    grass = grassroots(city)
    client = signed_in(city, "hq")
    response = client.get(f"/supplies/board.xlsx{DAY}")
    assert "%E9%98%B2%E7%96%AB%E7%89%A9%E8%B5%84%E7%94%B3%E8%AF%B7" in response["Content-Disposition"]  # 防疫物资申请
    sheet = book(response).worksheets[0]
    rows = {(r["申请编号"], r["物资代码"]): r for r in records(sheet)}
    masks, liquid = rows[(made.code, "KZ")], rows[(made.code, "XDY")]
    assert (masks["申请"], masks["已承诺"], masks["已发放"]) == (2000, 2000, 1500)
    assert (liquid["申请"], liquid["已承诺"], liquid["已发放"]) == (50, 0, 0)
    assert masks["承诺状态"] == "部分承诺" and masks["发放状态"] == "部分发放" and masks["数据截至"].date() == D
    assert rows[(grass.code, "KZ")]["申请"] == 300 and rows[(grass.code, "KZ")]["区县"] == "江北区"
    cells = [str(c) for r in sheet.iter_rows(values_only=True) for c in r]
    assert not any("张三丰" in c for c in cells)  # the receiver is not exported
    filtered = records(book(client.get(f"/supplies/board.xlsx{DAY}&kind=grassroots")).worksheets[0])
    assert [(r["申请编号"], r["申请"]) for r in filtered] == [(grass.code, 300)]
    entry = AuditLog.objects.filter(action="export", object_type="supplies.supplyrequest").latest("id")
    assert entry.detail["rows"] == 1 and entry.detail["filters"] == {"kind": "grassroots"}
    narrowed = records(book(signed_in(city, "district_binhai").get(f"/supplies/board.xlsx{DAY}")).worksheets[0])
    assert narrowed == []


# --- the stock and receipts --------------------------------------------------------------------------------------------


def test_stock_figures_with_the_cover_warning_and_its_excel(city: City, depot: str) -> None:
    worked_request(city, workers=1000)
    report(city.e_binhai, D, True, 700)  # 1700 on duty × 2 = 3400 masks a day; 8500 on hand: 2.5 days
    page = signed_in(city, "leader").get(f"/supplies/stock/{DAY}")
    assert page.status_code == 200
    text = body(page)
    start = text.index('<tr data-item="KZ"')
    masks = text[start:text.index("</tr>", start)]
    assert 'class="below"' in masks and "低于3天" in masks and "2.5天" in masks
    for figure, value in (("received", "10,000"), ("committed", "2,000"), ("issued", "1,500"),
                          ("on_hand", "8,500"), ("available", "8,000"), ("daily_need", "3,400")):
        assert f'data-figure="{figure}">{value}<' in masks, figure
    start = text.index('<tr data-item="XDY"')
    liquid = text[start:text.index("</tr>", start)]
    assert "不按人计" in liquid and 'class="below"' not in liquid
    assert 'data-code="RK-1"' in text and "上级调拨" in text and "捐赠" in text
    assert "/supplies/receipts/new/" not in text  # the leader records no receipt
    assert "/supplies/receipts/new/" in body(signed_in(city, "department").get(f"/supplies/stock/{DAY}"))
    for role in ("district", "enterprise", "liaison", "public"):
        assert signed_in(city, role).get("/supplies/stock/").status_code == 403, role
        assert signed_in(city, role).get("/supplies/stock.xlsx").status_code == 403, role
    workbook = book(signed_in(city, "department").get(f"/supplies/stock.xlsx{DAY}"))
    items = {r["物资代码"]: r for r in records(workbook.worksheets[0])}
    kz = items["KZ"]
    assert (kz["累计入库"], kz["累计承诺"], kz["累计发放"], kz["库存"], kz["可分配"]) == (10000, 2000, 1500, 8500, 8000)
    assert (kz["日需求量"], kz["可保障天数"], kz["预警"]) == (3400, 2.5, "是")
    assert items["XDY"]["可保障天数"] is None
    depots = records(workbook.worksheets[1])
    assert [(r["仓库代码"], r["物资代码"], r["可分配"]) for r in depots] == [("CK01", "KZ", 8000), ("CK01", "XDY", 500)]
    sources = {r["物资代码"]: r for r in records(workbook.worksheets[2])}
    assert (sources["KZ"]["上级调拨"], sources["KZ"]["采购"], sources["XDY"]["捐赠"]) == (10000, 0, 500)
    assert {r["单据号"] for r in records(workbook.worksheets[3])} == {"RK-1", "RK-2"}


def test_receive_form_records_and_names_the_field_in_error(city: City, depot: str) -> None:
    client = signed_in(city, "department")
    page = client.get("/supplies/receipts/new/")
    assert page.status_code == 200 and f'value="{D.isoformat()}"' in body(page)
    refused = client.post("/supplies/receipts/new/", {"date": D.isoformat(), "depot": "CK01", "item": "KZ",
                                                      "source": "purchase", "quantity": "0"})
    assert refused.status_code == 200 and "数量应为大于0的整数" in body(refused)
    assert Receipt.objects.count() == 2
    later = client.post("/supplies/receipts/new/", {"date": (D + dt.timedelta(days=1)).isoformat(), "depot": "CK01",
                                                    "item": "KZ", "source": "purchase", "quantity": "10"})
    assert later.status_code == 200 and Receipt.objects.count() == 2  # past the clock's today: refused
    done = client.post("/supplies/receipts/new/", {"date": D.isoformat(), "depot": "CK01", "item": "KZ",
                                                   "source": "purchase", "quantity": "3000", "note": "第二批"})
    assert done.status_code == 302 and done["Location"] == f"/supplies/stock/{DAY}"
    made = Receipt.objects.get(source="purchase")
    assert (made.quantity, made.note, made.recorded_by) == (3000, "第二批", city.users["department"])
    assert "已登记入库" in body(client.get(done["Location"]))
    assert signed_in(city, "hq").get("/supplies/receipts/new/").status_code == 200
    for role in ("leader", "district", "enterprise"):
        assert signed_in(city, role).get("/supplies/receipts/new/").status_code == 403, role
        assert signed_in(city, role).post("/supplies/receipts/new/", {
            "date": D.isoformat(), "depot": "CK01", "item": "KZ", "source": "purchase",
            "quantity": "1"}).status_code == 403, role
    assert Receipt.objects.count() == 3


# --- the queue ---------------------------------------------------------------------------------------------------------


def test_queue_in_allocation_order_with_the_depots_availability(city: City, depot: str) -> None:
    made = worked_request(city)
    grass = grassroots(city, code="G-1")
    medical = actions.request(city.users["hq"], NewRequest("medical", "JXJ", [NewLine("KZ", 100, D)], date=D,
                                                           applicant_name="市人民医院", code="M-1"))
    page = signed_in(city, "department").get("/supplies/queue/")
    assert page.status_code == 200
    text = body(page)
    assert text.index('data-code="M-1"') < text.index(f'data-code="{made.code}"') < text.index('data-code="G-1"')
    row = row_of(text, made.code)
    assert '<td class="num">2</td>' in row and f"/supplies/r/{made.code}/" in row
    assert 'data-figure="issued">1,500<' in line_of(row, "KZ")
    assert medical.applicant_name in row_of(text, "M-1") and grass.code in text
    start = text.index('data-depot="CK01"')
    availability = text[start:text.index("</tr>", start)]
    assert ">8,000<" in availability and ">500<" in availability
    assert signed_in(city, "hq").get("/supplies/queue/").status_code == 200
    for role in ("leader", "district", "enterprise", "liaison"):
        assert signed_in(city, role).get("/supplies/queue/").status_code == 403, role


# --- a request's page, commit and issue -----------------------------------------------------------------------------


def test_request_page_figures_and_who_may_open_it(city: City, depot: str) -> None:
    made = worked_request(city)
    url = f"/supplies/r/{made.code}/"
    office = body(signed_in(city, "department").get(url))
    start = office.index('<tr data-item="KZ"')
    masks = office[start:office.index("</tr>", start)]
    assert ('data-figure="requested">2,000<' in masks and 'data-figure="committed">2,000<' in masks
            and 'data-figure="issued">1,500<' in masks)
    assert "部分承诺" in office and "部分发放" in office and "数据截至" in office
    assert 'id="commit-form-XDY"' in office and 'id="commit-form-KZ"' not in office  # the masks lack nothing
    assert 'id="issue-form"' in office and "市应急物资储备库：待发放 500只" in office
    assert ">删除<" not in office and ">修改<" not in office and "delete" not in office  # never changed
    for role in ("leader", "district", "enterprise", "liaison", "hq"):
        assert signed_in(city, role).get(url).status_code == 200, role
    enterprise = body(signed_in(city, "enterprise").get(url))
    assert "commit-form" not in enterprise and 'id="issue-form"' not in enterprise
    for role in ("district_binhai", "park", "public"):
        client = signed_in(city, role)
        assert client.get(url).status_code == 404, role
    binhai = signed_in(city, "district_binhai")
    assert binhai.post(f"{url}commit/", {"item": "XDY", "depot": "CK01", "quantity": "5"}).status_code == 404
    assert binhai.post(f"{url}issue/", {"item": "KZ", "depot": "CK01", "quantity": "5", "receiver": "x",
                                        "date": D.isoformat()}).status_code == 404
    assert signed_in(city, "department").get("/supplies/r/NO-SUCH/").status_code == 404
    leader = signed_in(city, "leader")
    assert leader.post(f"{url}commit/", {"item": "XDY", "depot": "CK01", "quantity": "5"}).status_code == 403
    assert leader.get(f"{url}commit/").status_code == 405
    assert Commitment.objects.count() == 1


def test_commit_over_available_is_refused_with_the_limit_then_accepted(city: City, depot: str) -> None:
    report(city.e_jiangbei, D, True, 1000)
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc,
                                                                [NewLine("KZ", 12000, D)], date=D))
    client = signed_in(city, "department")
    url = f"/supplies/r/{made.code}/"
    form = body(client.get(url))
    assert "市应急物资储备库（可分配10000只）" in form and "尚待承诺 12,000只" in form
    refused = client.post(f"{url}commit/", {"item": "KZ", "depot": "CK01", "quantity": "10001"})
    assert refused.status_code == 200
    text = body(refused)
    assert "市应急物资储备库的口罩可分配10000只，承诺10001只超出" in text
    assert 'value="10001"' in text[text.index('id="commit-form-KZ"'):]  # the form as posted, beside its message
    assert Commitment.objects.count() == 0
    for data, message in (({"item": "KZ", "depot": "CK09", "quantity": "1"}, "选择一个有效的选项"),
                          ({"item": "KZ", "depot": "CK01", "quantity": "abc"}, "输入整数"),
                          ({"item": "FHF", "depot": "CK01", "quantity": "1"}, "该申请没有物资“FHF”"),
                          ({"item": "KZ", "depot": "CK01", "quantity": "-3"}, "数量应为大于0的整数")):
        again = client.post(f"{url}commit/", data)
        assert again.status_code == 200 and message in body(again), data
    assert Commitment.objects.count() == 0
    done = client.post(f"{url}commit/", {"item": "KZ", "depot": "CK01", "quantity": "10000"})
    assert done.status_code == 302 and done["Location"] == url
    made_commitment = Commitment.objects.get()
    assert (made_commitment.quantity, made_commitment.actor, made_commitment.date) == (
        10000, city.users["department"], D)
    after = body(client.get(url))
    assert "已承诺：口罩 10000只（市应急物资储备库）" in after
    start = after.index('<tr data-item="KZ"')
    assert 'data-figure="committed">10,000<' in after[start:after.index("</tr>", start)]
    assert "市应急物资储备库（可分配0只）" in after


def test_issue_within_what_is_committed_signed_by_the_receiver(city: City, depot: str) -> None:
    made = worked_request(city)
    client = signed_in(city, "department")
    url = f"/supplies/r/{made.code}/"
    issue = {"item": "KZ", "depot": "CK01", "quantity": "501", "receiver": "李四", "date": D.isoformat()}
    refused = client.post(f"{url}issue/", issue)
    assert refused.status_code == 200 and "最多还可发放500只" in body(refused)
    unsigned = client.post(f"{url}issue/", {**issue, "quantity": "500", "receiver": " "})
    assert unsigned.status_code == 200 and "该字段是必填项" in body(unsigned)
    future = client.post(f"{url}issue/", {**issue, "quantity": "500", "date": "2020-02-11"})
    assert future.status_code == 200 and Issue.objects.count() == 1
    none_committed = client.post(f"{url}issue/", {**issue, "item": "XDY", "quantity": "1"})
    assert none_committed.status_code == 200 and "最多还可发放0公斤" in body(none_committed)
    assert Issue.objects.count() == 1
    done = client.post(f"{url}issue/", {**issue, "quantity": "500"})
    assert done.status_code == 302
    last = Issue.objects.latest("id")
    assert (last.quantity, last.receiver, last.date, last.actor) == (500, "李四", D, city.users["department"])
    after = body(client.get(url))
    start = after.index('<tr data-item="KZ"')
    assert 'data-figure="issued">2,000<' in after[start:after.index("</tr>", start)]
    assert "全部承诺" not in after and 'id="issue-form"' not in after  # nothing left to issue


def test_receiver_masked_for_a_leader_whole_for_the_office_and_audited(city: City, depot: str) -> None:
    made = worked_request(city)
    url = f"/supplies/r/{made.code}/"
    leader = body(signed_in(city, "leader").get(url))
    assert '<td class="receiver">张**</td>' in leader and "张三丰" not in leader
    assert not AuditLog.objects.filter(action="view_personal", object_type="supplies.issue").exists()
    office = body(signed_in(city, "department").get(url))
    assert '<td class="receiver">张三丰</td>' in office
    entry = AuditLog.objects.get(action="view_personal", object_type="supplies.issue")
    assert entry.actor == city.users["department"] and entry.detail["fields"] == ["receiver"]
    assert "张三丰" in body(signed_in(city, "enterprise").get(url))  # the requester's own side


# --- the coverage ----------------------------------------------------------------------------------------------------


def test_coverage_per_county_with_the_city_total_and_its_excel(city: City, depot: str) -> None:
    worked_request(city)  # 江北: one enterprise asked, received a part
    report(city.e_binhai, D, True, 30)
    grass = grassroots(city, quantity=300)
    actions.commit(city.users["department"], grass.lines.get(), "CK01", 300)
    actions.issue(city.users["department"], grass.lines.get(), "CK01", 300, "王五")  # 江北's township served
    page = signed_in(city, "leader").get(f"/supplies/coverage/{DAY}")
    assert page.status_code == 200
    text = body(page)
    cells = row_of(text, city.jiangbei.code).split('<td class="num">')[1:]
    assert [c.split("<")[0] for c in cells] == ["1", "1", "1", "0", "0", "0", "0", "1", "1", "1"]
    assert 'data-code="city"' in text and f'data-code="{city.binhai.code}"' in text
    total = [c.split("<")[0] for c in row_of(text, "city").split('<td class="num"><strong>')[1:]]
    assert total == ["2", "1", "1", "0", "0", "0", "0", "1", "1", "1"]
    district = body(signed_in(city, "district").get(f"/supplies/coverage/{DAY}"))
    assert f'data-code="{city.jiangbei.code}"' in district and f'data-code="{city.binhai.code}"' not in district
    assert 'data-code="city"' not in district
    for role in ("enterprise", "liaison", "public"):
        assert signed_in(city, role).get("/supplies/coverage/").status_code == 403, role
    assert signed_in(city, "department").get("/supplies/coverage/").status_code == 200
    rows = {r["区县代码"]: r for r in records(book(signed_in(city, "hq").get(
        f"/supplies/coverage.xlsx{DAY}")).worksheets[0])}
    assert (rows[city.jiangbei.code]["复工企业"], rows[city.jiangbei.code]["申请企业"],
            rows[city.jiangbei.code]["已获发放企业"], rows[city.jiangbei.code]["全部发放基层单位"]) == (1, 1, 1, 1)
    assert rows["city"]["复工企业"] == 2 and rows[city.binhai.code]["申请企业"] == 0
    own = records(book(signed_in(city, "district").get(f"/supplies/coverage.xlsx{DAY}")).worksheets[0])
    assert [r["区县代码"] for r in own] == [city.jiangbei.code]


# --- the sub-menu, the pending state, bad days, the query counts --------------------------------------------------


def test_the_sub_menu_shows_only_what_the_user_may_open(city: City, depot: str) -> None:
    def links(role: str) -> set[str]:
        text = body(signed_in(city, role).get(f"/supplies/board/{DAY}"))
        nav = text[text.index('<p class="subnav">'):]
        nav = nav[:nav.index("</p>")]
        return {name for name, url in (("board", "/supplies/board/"), ("stock", "/supplies/stock/"),
                                       ("queue", "/supplies/queue/"), ("coverage", "/supplies/coverage/"),
                                       ("home", 'href="/supplies/"')) if url in nav}

    assert links("department") == links("hq") == {"board", "stock", "queue", "coverage", "home"}
    assert links("leader") == {"board", "stock", "coverage", "home"}
    assert links("district") == {"board", "coverage", "home"}
    assert links("enterprise") == {"board", "home"}


def test_pages_say_pending_while_the_day_is_computed(city: City, depot: str, settings: Any) -> None:
    made = worked_request(city)
    settings.DUALTRACK_JUDGE_INLINE = False
    client = signed_in(city, "hq")
    for url in (f"/supplies/board/{DAY}", f"/supplies/stock/{DAY}", f"/supplies/queue/{DAY}",
                f"/supplies/coverage/{DAY}", f"/supplies/r/{made.code}/{DAY}", f"/supplies/board.xlsx{DAY}"):
        page = client.get(url)
        assert page.status_code == 200 and "正在计算" in body(page), url
        assert "data-figure" not in body(page)


def test_a_bad_date_is_said_and_the_as_of_day_shown(city: City, depot: str) -> None:
    page = signed_in(city, "hq").get("/supplies/board/?date=2020-13-45")
    assert page.status_code == 200 and "格式不正确" in body(page) and 'data-day="2020-02-10"' in body(page)


def test_query_counts_are_pinned(city: City, depot: str, django_assert_max_num_queries: Any) -> None:
    made = worked_request(city)
    pages = {"board": f"/supplies/board/{DAY}", "queue": f"/supplies/queue/{DAY}",
             "stock": f"/supplies/stock/{DAY}", "coverage": f"/supplies/coverage/{DAY}",
             "request": f"/supplies/r/{made.code}/{DAY}"}

    opened = {"department": set(pages), "district": {"board", "coverage", "request"},
              "enterprise": {"board", "request"}}

    def check() -> None:
        for role, names in opened.items():
            client = signed_in(city, role)
            for name in sorted(names):
                client.get(pages[name])  # the day computed and stored
                with django_assert_max_num_queries(PAGE_QUERIES[name]):
                    assert client.get(pages[name]).status_code == 200, (role, name)

    check()
    for n in range(6):  # more requests, commitments and issues: the same counts
        more = grassroots(city, quantity=10 + n)
        actions.commit(city.users["department"], more.lines.get(), "CK01", 5)
        actions.issue(city.users["department"], more.lines.get(), "CK01", 5, f"收{n}")
    actions.commit(city.users["department"], made.lines.get(item__code="XDY"), "CK01", 50)
    actions.issue(city.users["department"], made.lines.get(item__code="XDY"), "CK01", 20, "张三丰")
    check()


def test_hostile_input_never_answers_a_server_error(city: City, depot: str) -> None:
    from .test_hostile_sweep import HOSTILE_VALUES

    made = worked_request(city)
    pages = ["/supplies/board/", "/supplies/board.xlsx", "/supplies/stock/", "/supplies/stock.xlsx",
             "/supplies/receipts/new/", "/supplies/queue/", "/supplies/coverage/", "/supplies/coverage.xlsx",
             f"/supplies/r/{made.code}/", "/supplies/r/" + "x" * 300 + "/"]
    forms = [("/supplies/receipts/new/", ("date", "depot", "item", "source", "quantity", "note")),
             (f"/supplies/r/{made.code}/commit/", ("item", "depot", "quantity")),
             (f"/supplies/r/{made.code}/issue/", ("item", "depot", "quantity", "receiver", "date"))]
    for role in ("hq", "district", "enterprise", "department"):
        client = Client(raise_request_exception=False)
        client.force_login(city.users[role])
        for value in HOSTILE_VALUES:
            query = dict.fromkeys(("date", "page", "kind", "county", "fulfil", "overdue"), value)
            for url in pages:
                assert client.get(url, query).status_code < 500, (role, url, value[:20])
            for url, fields in forms:
                assert client.post(url, dict.fromkeys(fields, value)).status_code < 500, (role, url, value[:20])
    assert Commitment.objects.count() == 1 and Issue.objects.count() == 1 and Receipt.objects.count() == 2


# --- the issue form on a phone ----------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_office_issues_on_a_phone(live_server: Any, city: City, depot: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 390×844 phone the office opens a request at the depot and records an issue signed by the receiver: the
    page fits, the issue is listed with its receiver and the issued figure grows."""
    from playwright.sync_api import expect

    from .test_browser import ARTIFACTS, sign_in
    from .test_browser_pages import fits, phone_page

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    made = worked_request(city)
    with phone_page() as (page, errors):
        sign_in(page, live_server.url, "jingxin")
        page.goto(f"{live_server.url}/supplies/r/{made.code}/")
        fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-office-supplies-request.png"), full_page=True)
        form = page.locator("#issue-form")
        form.locator("[name=item]").select_option("KZ")
        form.locator("[name=depot]").select_option("CK01")
        form.locator("[name=quantity]").fill("600")
        form.locator("[name=receiver]").fill("李四")
        form.locator("button[type=submit]").click()
        expect(page.locator("#issue-form")).to_contain_text("最多还可发放500只")
        fits(page)
        form = page.locator("#issue-form")
        form.locator("[name=quantity]").fill("500")
        form.locator("button[type=submit]").click()
        expect(page.locator("#issues")).to_contain_text("李四")
        expect(page.locator('#lines tr[data-item="KZ"] [data-figure="issued"]')).to_have_text("2,000")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-office-supplies-issue.png"), full_page=True)
        for url in ("/supplies/queue/", "/supplies/board/", "/supplies/stock/", "/supplies/receipts/new/"):
            page.goto(f"{live_server.url}{url}")
            fits(page)
        sign_in(page, live_server.url, "jiangbei")  # a county reads its requesters' board and its coverage
        for url in ("/supplies/board/", "/supplies/coverage/", f"/supplies/r/{made.code}/"):
            page.goto(f"{live_server.url}{url}")
            fits(page)
        page.goto(f"{live_server.url}/supplies/board/")
        page.screenshot(path=str(ARTIFACTS / "phone-district-supplies-board.png"), full_page=True)
        assert errors == []
    assert Issue.objects.filter(receiver="李四", quantity=500).exists()
