"""防疫物资 (DOMAIN.md §17): receipts, requests, commitments and issues kept apart; the enterprise's cap and one request
per 7 days at their boundaries; a commitment equal to what is available; partial statuses; the queue's order; overdue
lines and their task; days of cover; the contract."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dualtrack.supplies import actions, services
from dualtrack.supplies.actions import NewLine, NewReceipt, NewRequest
from dualtrack.supplies.models import Commitment, Depot, Issue, SupplyRequest

from .conftest import City, report

D = dt.date(2020, 2, 10)


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


def contract(day: dt.date) -> dict[str, Any]:
    out = StringIO()
    call_command("supplies", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def ask(city: City, quantity: int, *, day: dt.date = D, item: str = "KZ", who: str = "enterprise",
        kind: str = "key_enterprise", code: str = "") -> SupplyRequest:
    return actions.request(city.users[who], NewRequest(kind, city.e_jiangbei.uscc, [NewLine(item, quantity, day)],
                                                       date=day, code=code))


def test_the_cap_exactly_reached_is_accepted_one_more_refused_with_the_limit(city: City, depot: str) -> None:
    report(city.e_jiangbei, D - dt.timedelta(days=1), True, 100)  # 100 × 2 masks × 15 days = 3000
    with pytest.raises(ValidationError) as refused:
        ask(city, 3001)
    message = str(refused.value)
    assert "3000" in message and "100人" in message and "15天" in message
    made = ask(city, 3000)
    assert made.enterprise == city.e_jiangbei and made.county == city.jiangbei


def test_no_report_no_cap_and_items_not_per_head_are_not_capped(city: City, depot: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ask(city, 10)
    assert "尚未报送在岗人数" in str(refused.value)
    ask(city, 400, item="XDY")  # disinfectant has no use per head: no cap


def test_one_request_per_7_days_the_7th_day_refused_the_8th_accepted(city: City, depot: str, clock: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    first = ask(city, 100)
    clock(D + dt.timedelta(days=6))
    with pytest.raises(ValidationError) as refused:
        ask(city, 100, day=D + dt.timedelta(days=6))  # the 7th day counting the first: 6 days after
    assert first.code in str(refused.value) and "2020-02-17" in str(refused.value)
    clock(D + dt.timedelta(days=7))
    ask(city, 100, day=D + dt.timedelta(days=7))  # 7 days after: accepted


def test_commitment_equal_to_available_then_one_more_refused(city: City, depot: str) -> None:
    report(city.e_jiangbei, D, True, 1000)
    made = ask(city, 12000)  # within the cap of 30 000
    line = made.lines.get()
    with pytest.raises(ValidationError) as refused:
        actions.commit(city.users["department"], line, "CK01", 10001)
    assert "10000" in str(refused.value)
    actions.commit(city.users["department"], line, "CK01", 10000)
    assert actions.depot_available(Depot.objects.get(code="CK01"), line.item) == 0
    with pytest.raises(ValidationError):
        actions.commit(city.users["department"], line, "CK01", 1)


def test_issue_within_committed_and_partial_statuses(city: City, depot: str) -> None:
    report(city.e_jiangbei, D, True, 100)
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc, [
        NewLine("KZ", 2000, D), NewLine("XDY", 50, D)], date=D))
    masks, liquid = made.lines.get(item__code="KZ"), made.lines.get(item__code="XDY")
    office = city.users["department"]
    body = contract(D)
    row = next(r for r in body["requests"] if r["code"] == made.code)
    assert (row["commit_status"], row["fulfil_status"]) == ("none", "none")
    actions.commit(office, masks, "CK01", 2000)
    row = next(r for r in contract(D)["requests"] if r["code"] == made.code)
    assert (row["commit_status"], row["fulfil_status"]) == ("partial", "none")  # one line complete, one at 0
    with pytest.raises(ValidationError) as refused:
        actions.issue(office, masks, "CK01", 2001, "张三")
    assert "最多还可发放2000" in str(refused.value)
    actions.issue(office, masks, "CK01", 1500, "张三")
    actions.commit(office, liquid, "CK01", 50)
    row = next(r for r in contract(D)["requests"] if r["code"] == made.code)
    assert (row["commit_status"], row["fulfil_status"]) == ("complete", "partial")
    assert row["lines"] == [{"item": "KZ", "requested": 2000, "committed": 2000, "issued": 1500},
                            {"item": "XDY", "requested": 50, "committed": 50, "issued": 0}]
    actions.issue(office, masks, "CK01", 500, "张三")
    actions.issue(office, liquid, "CK01", 50, "张三")
    body = contract(D)
    row = next(r for r in body["requests"] if r["code"] == made.code)
    assert row["fulfil_status"] == "complete" and made.code not in body["queue"]
    kz = next(i for i in body["items"] if i["code"] == "KZ")
    assert (kz["received"], kz["committed"], kz["issued"], kz["on_hand"], kz["available"]) == (
        10000, 2000, 2000, 8000, 8000)
    assert "张三" not in json.dumps(body, ensure_ascii=False)
    assert Issue.objects.count() == 3 and Commitment.objects.count() == 2


def test_queue_order_kind_then_needed_by_then_date_then_code(city: City, depot: str, clock: Any) -> None:
    hq = city.users["hq"]
    report(city.e_jiangbei, D, True, 100)
    clock(D)
    resumed = actions.request(hq, NewRequest("resumed", city.e_binhai.uscc, [NewLine("XDY", 5, D)], date=D,
                                             code="R-3"))
    public = actions.request(hq, NewRequest("public", city.city.code, [NewLine("KZ", 500, D)], date=D, code="R-1"))
    medical_late = actions.request(hq, NewRequest("medical", "JXJ", [NewLine("KZ", 100, D + dt.timedelta(days=3))],
                                                  date=D, code="R-5", applicant_name="市人民医院"))
    medical_early = actions.request(hq, NewRequest("medical", city.city.code, [NewLine("KZ", 100, D)], date=D,
                                                   code="R-6"))
    grass = actions.request(city.users["district"], NewRequest("grassroots", city.township.code,
                                                               [NewLine("KZ", 100, D)], date=D, code="R-2"))
    key = ask(city, 100, code="R-4")
    assert contract(D)["queue"] == [medical_early.code, medical_late.code, key.code, grass.code, resumed.code,
                                    public.code]
    assert grass.county == city.jiangbei and medical_late.applicant_name == "市人民医院"


def test_roles_may_ask_only_their_kinds_and_their_scope(city: City, depot: str) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.request(city.users["district"], NewRequest("medical", city.township.code, [NewLine("KZ", 5, D)]))
    assert "基层单位" in str(refused.value)
    with pytest.raises(PermissionDenied):
        actions.request(city.users["leader"], NewRequest("grassroots", city.township.code, [NewLine("KZ", 5, D)]))
    report(city.e_binhai, D, True, 100)
    with pytest.raises(Http404):  # another county's enterprise
        actions.request(city.users["enterprise"], NewRequest("resumed", city.e_binhai.uscc, [NewLine("KZ", 5, D)]))
    made = actions.request(city.users["district"], NewRequest("grassroots", city.township.code,
                                                              [NewLine("KZ", 5, D)]))
    with pytest.raises(PermissionDenied):  # a county requests; it does not commit
        actions.commit(city.users["district"], made.lines.get(), "CK01", 5)
    assert set(SupplyRequest.objects.restrict(city.users["district_binhai"]).values_list("code", flat=True)) == set()


def test_overdue_after_needed_by_with_a_commitment_raises_one_task(city: City, depot: str, clock: Any) -> None:
    from dualtrack.problems.models import Problem

    report(city.e_jiangbei, D, True, 100)
    made = ask(city, 1000)
    line = made.lines.get()
    clock(D + dt.timedelta(days=1))
    assert next(r for r in contract(D + dt.timedelta(days=1))["requests"])["overdue"] is False  # nothing committed
    actions.commit(city.users["department"], line, "CK01", 1000, on=D + dt.timedelta(days=1))
    assert next(r for r in contract(D)["requests"])["overdue"] is False  # the needed-by day itself
    assert next(r for r in contract(D + dt.timedelta(days=1))["requests"])["overdue"] is True
    assert services.escalate_overdue(D + dt.timedelta(days=1))["raised"] == 1
    assert services.escalate_overdue(D + dt.timedelta(days=1))["raised"] == 0
    task = Problem.objects.get(source_key=f"supplies-overdue:{made.code}")
    assert task.department == city.department and made.code in task.description
    actions.issue(city.users["department"], line, "CK01", 1000, "李四", on=D + dt.timedelta(days=1))
    assert next(r for r in contract(D + dt.timedelta(days=1))["requests"])["overdue"] is False


def test_days_of_cover_and_the_warning_under_3(city: City, depot: str) -> None:
    report(city.e_jiangbei, D, True, 1000)
    report(city.e_binhai, D, True, 700)  # 1700 on duty × 2 masks = 3400 a day; 10000 on hand: 2.9 days
    kz = next(i for i in contract(D)["items"] if i["code"] == "KZ")
    assert (kz["daily_need"], kz["days_of_cover"], kz["warning"]) == (3400, 2.9, True)
    actions.receive(city.users["department"], NewReceipt(D, "CK01", "KZ", "local", 200, code="RK-3"))
    kz = next(i for i in contract(D)["items"] if i["code"] == "KZ")
    assert (kz["days_of_cover"], kz["warning"]) == (3.0, False)  # 10200 / 3400 = 3: not under 3
    xdy = next(i for i in contract(D)["items"] if i["code"] == "XDY")
    assert (xdy["daily_need"], xdy["days_of_cover"], xdy["warning"]) == (None, None, None)


def test_cover_is_none_when_nobody_is_on_duty(city: City, depot: str) -> None:
    kz = next(i for i in contract(D)["items"] if i["code"] == "KZ")
    assert (kz["daily_need"], kz["days_of_cover"], kz["warning"]) == (0, None, False)


def test_the_contract_is_as_of_the_end_of_the_day(city: City, depot: str, clock: Any) -> None:
    clock(D + dt.timedelta(days=2))
    actions.receive(city.users["department"], NewReceipt(D + dt.timedelta(days=2), "CK01", "KZ", "purchase", 5000))
    assert next(i for i in contract(D)["items"] if i["code"] == "KZ")["received"] == 10000
    body = contract(D + dt.timedelta(days=2))
    assert next(i for i in body["items"] if i["code"] == "KZ")["received"] == 15000
    assert list(body) == ["date", "rules_version", "items", "requests", "queue"]
    assert body["rules_version"] == "supplies:v1"


def test_narrowed_to_the_reader(city: City, depot: str) -> None:
    report(city.e_jiangbei, D, True, 100)
    own = ask(city, 100)
    hq = actions.request(city.users["hq"], NewRequest("city", "JXJ", [NewLine("KZ", 100, D)]))
    result = services.evaluate(D, city.users["enterprise"])
    assert [r.code for r in result.requests] == [own.code] and result.items == []
    assert result.queue == [own.code]
    assert {r.code for r in services.evaluate(D, city.users["leader"]).requests} == {own.code, hq.code}
    assert services.evaluate(D, city.users["department"]).items  # the office sees the stock


def test_the_api_narrows_to_the_reader_and_keeps_the_receiver_out(city: City, depot: str, client: Any) -> None:
    report(city.e_jiangbei, D, True, 100)
    own = ask(city, 100)
    actions.commit(city.users["department"], own.lines.get(), "CK01", 100)
    actions.issue(city.users["department"], own.lines.get(), "CK01", 60, "王签收")
    actions.request(city.users["hq"], NewRequest("city", "JXJ", [NewLine("KZ", 100, D)]))
    for role, requests, items in (("hq", 2, 5), ("department", 2, 5), ("leader", 2, 5), ("district", 1, 0),
                                  ("district_binhai", 0, 0), ("enterprise", 1, 0)):
        response = client.get(f"/api/v1/supplies?date={D}", HTTP_AUTHORIZATION=f"Token {city.token(role)}")
        assert response.status_code == 200, role
        body = response.json()
        assert (len(body["requests"]), len(body["items"])) == (requests, items), role
        assert "王签收" not in response.content.decode()
    mine = client.get(f"/api/v1/supplies?date={D}", HTTP_AUTHORIZATION=f"Token {city.token('enterprise')}").json()
    assert mine["requests"][0]["lines"] == [{"item": "KZ", "requested": 100, "committed": 100, "issued": 60}]
    assert (mine["requests"][0]["commit_status"], mine["requests"][0]["fulfil_status"]) == ("complete", "partial")
    assert client.get(f"/api/v1/supplies?date={D}",
                      HTTP_AUTHORIZATION=f"Token {city.token('public')}").status_code in (403, 404)
    assert client.get("/api/v1/supplies?date=2020-13-01",
                      HTTP_AUTHORIZATION=f"Token {city.token('hq')}").status_code == 400


def test_card_and_bulletin_sentence_in_the_seeds_words(city: City, depot: str) -> None:
    from types import SimpleNamespace

    from dualtrack.core.cards import cards_for
    from dualtrack.supplies import bulletin

    report(city.e_jiangbei, D, True, 1000)  # 2000 masks a day: 10000 on hand is 5 days
    made = actions.request(city.users["enterprise"], NewRequest("key_enterprise", city.e_jiangbei.uscc, [
        NewLine("KZ", 6000, D), NewLine("XDY", 300, D)], date=D))
    office = city.users["department"]
    for line, quantity in ((made.lines.get(item__code="KZ"), 6000), (made.lines.get(item__code="XDY"), 300)):
        actions.commit(office, line, "CK01", quantity)
        actions.issue(office, line, "CK01", quantity, "张三")
    actions.request(city.users["hq"], NewRequest("medical", city.city.code, [NewLine("KZ", 100, D)],
                                                 applicant_name="市第一人民医院"))
    services.evaluate(D)  # the worker's: pages and cards read the stored day
    card = next(c for c in cards_for(city.users["hq"], D) if c.key == "supplies")
    figures = {f.key: f.value for f in card.figures}
    assert (figures["cover_KZ"], figures["queue"], figures["overdue"]) == ("2天", "1", "0")  # 4000 left: 2 days
    assert next(f for f in card.figures if f.key == "cover_KZ").tone == "bad"
    assert "2020-02-10" in card.note and "市第一人民医院" in " ".join(r.text for r in card.rows)
    mine = next(c for c in cards_for(city.users["enterprise"], D) if c.key == "supplies")
    assert "cover_KZ" not in {f.key for f in mine.figures}  # an enterprise does not see the depots
    assert "2020-02-17起可再申请" in " ".join(r.text for r in mine.rows)
    section = bulletin.section(SimpleNamespace(day=D))
    assert section.paragraphs[0] == ("累计向复工企业发放口罩6000只、消毒液300公斤，库存可保障2天，低于3天预警线，"
                                     "请加快调拨和采购；待发放物资申请1件。")


def test_no_card_and_no_sentence_for_a_city_that_keeps_no_supplies(city: City, clock: Any) -> None:
    from types import SimpleNamespace

    from dualtrack.core.cards import cards_for
    from dualtrack.supplies import bulletin

    assert "supplies" not in {c.key for c in cards_for(city.users["hq"], D)}
    assert bulletin.section(SimpleNamespace(day=D)) is None


def test_bulletin_amounts_in_wan() -> None:
    from dualtrack.supplies.bulletin import amount

    assert (amount(9999, "只"), amount(10000, "只"), amount(52300, "只"), amount(1080, "公斤")) == (
        "9999只", "1万只", "5.2万只", "1080公斤")


def test_what_if_another_allocation_order_moves_the_queue(city: City, depot: str, client: Any) -> None:
    from dualtrack.supplies.rules import DEFAULT

    report(city.e_jiangbei, D, True, 100)
    firm = ask(city, 100, kind="resumed")
    hospital = actions.request(city.users["hq"], NewRequest("medical", city.city.code, [NewLine("KZ", 100, D)]))
    assert contract(D)["queue"] == [hospital.code, firm.code]
    services.evaluate(D)
    trial = {**DEFAULT, "order": {**DEFAULT["order"], "resumed": 0, "medical": 1}}
    client.force_login(city.users["hq"])
    page = client.post(f"/rules/what-if/?measure=supplies&date={D}", {"definition": json.dumps(trial)})
    assert page.status_code == 200
    changed = {row["key"] if isinstance(row, dict) and "key" in row else str(row)
               for row in page.context["comparison"]["changed"]}
    assert len(changed) == 2 and any(firm.code in c for c in changed)
    assert contract(D)["queue"] == [hospital.code, firm.code]  # nothing stored by a trial
    bad = client.post(f"/rules/what-if/?measure=supplies&date={D}",
                      {"definition": json.dumps({**DEFAULT, "order": {"medical": 0}})})
    assert "分配顺序" in bad.content.decode()


def test_a_county_may_not_ask_for_another_countys_township(city: City, depot: str) -> None:
    from dualtrack.registry.models import Region

    far = Region.objects.create(code="339106001", name="滨海街道", level="township", parent=city.binhai)
    with pytest.raises(ValidationError) as refused:
        actions.request(city.users["district"], NewRequest("grassroots", far.code, [NewLine("KZ", 5, D)]))
    assert "不在您的管辖范围内" in str(refused.value) and not SupplyRequest.objects.exists()
