"""复工备案 (DOMAIN.md §16): applying, deciding, the checklist at the county's risk level, the on-site check, the due
day in working days, outbreaks, 复工未备案 and the contract, at each rule's boundary."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dualtrack.epidemic.models import CaseReport, ClusterEvent
from dualtrack.filings import actions, services
from dualtrack.filings.actions import Answer, NewFiling
from dualtrack.filings.models import Filing

from .conftest import City, report

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def spec(*, unmet: tuple[str, ...] = (), outside: int = 0, workers: int = 30, applied_on: dt.date | None = None,
         code: str = "", planned_on: dt.date = dt.date(2020, 2, 12)) -> NewFiling:
    return NewFiling(planned_on=planned_on, planned_workers=workers, workers_from_outside=outside,
                     officer="王防控", phone="13800001111", applied_on=applied_on, code=code,
                     answers={c: Answer(c not in unmet) for c in CODES})


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(dt.date(2020, 4, 30))
    return set_clock


def contract(day: dt.date) -> dict[str, Any]:
    out = StringIO()
    call_command("filings", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_apply_then_file_then_contract(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 7))  # a Friday
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    assert filing.due_on == dt.date(2020, 2, 10)  # Monday: the 1st working day after a Friday
    clock(dt.date(2020, 2, 11))
    body = contract(dt.date(2020, 2, 11))
    row = next(f for f in body["filings"] if f["code"] == filing.code)
    assert row == {"code": filing.code, "uscc": city.e_jiangbei.uscc, "state": "applied", "due_on": "2020-02-10",
                   "overdue": True, "missing_items": [], "inspection_required": True}
    with pytest.raises(ValidationError) as refused:
        actions.decide(city.users["district"], filing, "filed")
    assert "现场查勘" in str(refused.value)
    actions.record_inspection(city.users["district"], filing, on=dt.date(2020, 2, 11), inspectors="李四、张三")
    actions.decide(city.users["district"], filing, "filed")
    body = contract(dt.date(2020, 2, 11))
    assert next(f for f in body["filings"] if f["code"] == filing.code)["state"] == "filed"
    county = next(c for c in body["counties"] if c["code"] == city.jiangbei.code)
    assert (county["applied"], county["filed"], county["pending"], county["overdue"]) == (1, 1, 0, 0)
    assert "王防控" not in json.dumps(body, ensure_ascii=False) and "13800001111" not in json.dumps(body)


def test_c2_applies_at_medium_risk_not_low(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["liaison"], city.e_jiangbei, spec(unmet=("C2",)))
    actions.record_inspection(city.users["district"], filing, on=dt.date(2020, 2, 10), inspectors="李四")
    CaseReport.objects.create(date=dt.date(2020, 2, 9), county=city.jiangbei, new_confirmed=3)  # medium risk
    with pytest.raises(ValidationError) as refused:
        actions.decide(city.users["district"], filing, "filed")
    assert "C2" in str(refused.value)
    assert contract(dt.date(2020, 2, 10))["filings"][0]["missing_items"] == ["C2"]
    clock(dt.date(2020, 2, 24))  # 14 days without a new case: low risk, C2 no longer applies
    actions.decide(city.users["district"], filing, "filed")
    assert Filing.objects.get(pk=filing.pk).state == "filed"


def test_outbreak_on_the_filing_day_suspends_and_raises_a_task(city: City, clock: Any) -> None:
    from dualtrack.problems.models import Problem

    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    actions.record_inspection(city.users["district"], filing, on=dt.date(2020, 2, 10), inspectors="李四")
    actions.decide(city.users["district"], filing, "filed")
    ClusterEvent.objects.create(date=dt.date(2020, 2, 10), county=city.jiangbei, cases=3, description="厂区聚集",
                                enterprise=city.e_jiangbei)
    assert contract(dt.date(2020, 2, 10))["outbreaks"] == [{"uscc": city.e_jiangbei.uscc, "date": "2020-02-10",
                                                           "filing": filing.code, "task_due_on": "2020-02-11"}]
    services.suspend_for_outbreaks()
    assert Filing.objects.get(pk=filing.pk).state == "suspended"
    task = Problem.objects.get(source_key__startswith="filing-outbreak:")
    assert task.due_at.date() == dt.date(2020, 2, 11) and task.county_id == city.jiangbei.pk
    services.suspend_for_outbreaks()  # idempotent
    assert Problem.objects.filter(source_key__startswith="filing-outbreak:").count() == 1
    clock(dt.date(2020, 2, 12))
    actions.lift_suspension(city.users["district"], filing, "全员核酸阴性，消杀完毕")
    body = contract(dt.date(2020, 2, 12))
    assert body["filings"][0]["state"] == "filed"
    assert contract(dt.date(2020, 2, 11))["filings"][0]["state"] == "suspended"


def test_resumed_unfiled_by_report(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    report(city.e_binhai, dt.date(2020, 2, 9), True, 10)
    body = contract(dt.date(2020, 2, 10))
    assert body["resumed_unfiled"] == [{"uscc": city.e_binhai.uscc, "source": "report"}]
    assert next(c for c in body["counties"] if c["code"] == city.binhai.code)["resumed_unfiled"] == 1


def _file(city: City, filing: Filing, day: dt.date, user: str = "district") -> None:
    actions.record_inspection(city.users[user], filing, on=day, inspectors="李四")
    actions.decide(city.users[user], filing, "filed", on=day)


def test_due_day_skips_the_spring_festival_and_may_day(city: City, clock: Any) -> None:
    clock(dt.date(2020, 1, 31))  # the Spring Festival holiday, extended to 2 February
    assert actions.apply(city.users["hq"], city.e_binhai, spec()).due_on == dt.date(2020, 2, 3)
    clock(dt.date(2020, 4, 30))  # Thursday before 劳动节 (1–5 May 2020)
    filing = actions.apply(city.users["hq"], city.e_jiangbei_park, spec(planned_on=dt.date(2020, 5, 6)))
    assert filing.due_on == dt.date(2020, 5, 6)
    clock(dt.date(2020, 5, 7))
    assert next(f for f in contract(dt.date(2020, 5, 6))["filings"] if f["code"] == filing.code)["overdue"] is False
    assert next(f for f in contract(dt.date(2020, 5, 7))["filings"] if f["code"] == filing.code)["overdue"] is True


def test_a_saturday_made_a_working_day_counts(city: City, clock: Any) -> None:
    clock(dt.date(2020, 4, 24))  # Friday; Sunday 26 April 2020 was a working day (调休)
    assert actions.apply(city.users["hq"], city.e_binhai, spec(planned_on=dt.date(2020, 4, 27))).due_on == \
        dt.date(2020, 4, 26)


@pytest.mark.parametrize(("outside", "required"), [(49, False), (50, True)])
def test_on_site_check_from_fifty_workers_from_outside(city: City, clock: Any, outside: int, required: bool) -> None:
    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["hq"], city.e_binhai, spec(outside=outside, workers=60))
    assert contract(dt.date(2020, 2, 20))["filings"][0]["inspection_required"] is required
    if required:
        with pytest.raises(ValidationError) as refused:
            actions.decide(city.users["district_binhai"], filing, "filed")
        assert "inspected_on" in refused.value.message_dict
    else:
        actions.decide(city.users["district_binhai"], filing, "filed")
        assert Filing.objects.get(pk=filing.pk).state == "filed"


def test_a_key_enterprise_needs_the_check_unless_the_rules_say_otherwise(city: City, clock: Any) -> None:
    from dualtrack.core import rules as rule_sets
    from dualtrack.filings.rules import DEFAULT

    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    assert contract(dt.date(2020, 2, 20))["filings"][0]["inspection_required"] is True
    rule_sets.revise("filing", {**DEFAULT, "inspection_key_enterprises": False}, city.users["hq"], "重点企业不再必查")
    body = contract(dt.date(2020, 2, 20))
    assert body["filings"][0]["inspection_required"] is False and body["rules_version"] == "filing:v2"
    actions.decide(city.users["district"], filing, "filed")


def test_return_needs_a_reason_and_the_enterprise_applies_again(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    with pytest.raises(ValidationError):
        actions.apply(city.users["enterprise"], city.e_jiangbei, spec())  # one open filing at a time
    with pytest.raises(ValidationError) as refused:
        actions.decide(city.users["district"], filing, "returned", "")
    assert "note" in refused.value.message_dict
    actions.decide(city.users["district"], filing, "returned", "隔离室未设置")
    again = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    assert again.previous_id == filing.pk and again.code != filing.code
    states = {f["code"]: f["state"] for f in contract(dt.date(2020, 2, 20))["filings"]}
    assert states == {filing.code: "returned", again.code: "applied"}


def test_the_policy_is_judged_on_the_record(city: City, clock: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    with pytest.raises(Http404):  # another county's filing does not exist for it
        actions.decide(city.users["district_binhai"], filing, "filed")
    with pytest.raises(PermissionDenied):  # the enterprise sees its filing but does not decide it
        actions.decide(city.users["enterprise"], filing, "filed")
    with pytest.raises(Http404):
        actions.apply(city.users["liaison"], city.e_binhai, spec())  # not in the officer's care
    with pytest.raises((PermissionDenied, Http404)):
        actions.apply(city.users["leader"], city.e_binhai, spec())


def test_a_cluster_before_the_filing_day_does_not_suspend_it(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["hq"], city.e_binhai, spec())
    ClusterEvent.objects.create(date=dt.date(2020, 2, 19), county=city.binhai, cases=2, description="厂区聚集",
                                enterprise=city.e_binhai)
    actions.decide(city.users["district_binhai"], filing, "filed")
    body = contract(dt.date(2020, 2, 20))
    assert body["outbreaks"] == [] and body["filings"][0]["state"] == "filed"
    services.suspend_for_outbreaks()
    assert Filing.objects.get(pk=filing.pk).state == "filed"


def test_overdue_applications_raise_one_task_each_for_the_county(city: City, clock: Any) -> None:
    from dualtrack.problems.models import Problem

    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["hq"], city.e_binhai, spec())  # Thursday: due Friday 21 February
    clock(dt.date(2020, 2, 21))
    assert services.escalate_overdue(dt.date(2020, 2, 21))["raised"] == 0
    clock(dt.date(2020, 2, 22))
    assert services.escalate_overdue(dt.date(2020, 2, 22))["raised"] == 1
    assert services.escalate_overdue(dt.date(2020, 2, 22))["raised"] == 0
    task = Problem.objects.get(source_key=f"filing-overdue:{filing.code}")
    assert task.county_id == city.binhai.pk and "，" in task.description and filing.code in task.description


def test_resumed_unfiled_by_power_and_visits_for_the_liaison_officer(power_city: City, settings: Any) -> None:
    from dualtrack.filings.models import UnfiledVisit

    city = power_city
    settings.DUALTRACK_CLOCK = "2020-02-10T18:00:00+08:00"
    city.users["liaison"].assigned_enterprises.add(city.e_binhai)
    body = contract(dt.date(2020, 2, 10))
    sources = {u["uscc"]: u["source"] for u in body["resumed_unfiled"]}
    assert sources == {city.e_jiangbei.uscc: "report", city.e_jiangbei_park.uscc: "report",
                       city.e_binhai.uscc: "power"}
    assert services.raise_unfiled_visits(dt.date(2020, 2, 10))["raised"] == 3
    assert services.raise_unfiled_visits(dt.date(2020, 2, 10))["raised"] == 0
    visit = UnfiledVisit.objects.get(enterprise=city.e_binhai)
    assert visit.officer == city.users["liaison"] and visit.source == "power"
    # a filed filing (suspended too) takes the enterprise off the list
    filing = actions.apply(city.users["hq"], city.e_binhai, spec(applied_on=dt.date(2020, 2, 10)))
    actions.decide(city.users["hq"], filing, "filed", on=dt.date(2020, 2, 10))
    assert city.e_binhai.uscc not in {u["uscc"] for u in contract(dt.date(2020, 2, 10))["resumed_unfiled"]}


def test_the_api_narrows_to_the_readers_enterprises_and_keeps_personal_data_out(city: City, clock: Any,
                                                                               client: Any) -> None:
    clock(dt.date(2020, 2, 20))
    actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    actions.apply(city.users["hq"], city.e_binhai, spec())
    for role, expected in (("hq", 2), ("district", 1), ("district_binhai", 1), ("enterprise", 1)):
        response = client.get("/api/v1/filings?date=2020-02-20", HTTP_AUTHORIZATION=f"Token {city.token(role)}")
        assert response.status_code == 200, role
        body = response.json()
        assert len(body["filings"]) == expected, role
        assert "13800001111" not in response.content.decode() and "王防控" not in response.content.decode()
    assert client.get("/api/v1/filings?date=2020-02-20",
                      HTTP_AUTHORIZATION=f"Token {city.token('public')}").status_code in (403, 404)
    assert client.get("/api/v1/filings?date=2020-13-01",
                      HTTP_AUTHORIZATION=f"Token {city.token('hq')}").status_code == 400


def test_card_and_bulletin_section_in_the_seeds_words(city: City, clock: Any) -> None:
    from types import SimpleNamespace

    from dualtrack.core.cards import cards_for
    from dualtrack.filings import bulletin

    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    _file(city, filing, dt.date(2020, 2, 20))
    report(city.e_binhai, dt.date(2020, 2, 19), True, 10)
    services.evaluate(dt.date(2020, 2, 20))  # the worker's: pages and cards read the stored day
    card = next(c for c in cards_for(city.users["hq"], dt.date(2020, 2, 20)) if c.key == "filings")
    figures = {f.key: f.value for f in card.figures}
    assert (figures["filed"], figures["pending"], figures["resumed_unfiled"]) == ("1", "0", "1")
    assert "2020-02-20" in card.note
    mine = next(c for c in cards_for(city.users["enterprise"], dt.date(2020, 2, 20)) if c.key == "filings")
    assert mine.figures[0].value == "已备案"
    section = bulletin.section(SimpleNamespace(day=dt.date(2020, 2, 20)))
    assert section.paragraphs[0] == "全市累计1家企业完成复工备案，1家复工未备案已交办核查。"


def test_the_officers_name_and_phone_are_erased_after_the_filing_work_ends(city: City, clock: Any) -> None:
    from dualtrack.core import rules as rule_sets
    from dualtrack.filings.rules import DEFAULT

    clock(dt.date(2020, 2, 20))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    assert services.erase_personal_data()["erased"] == 0  # still running
    rule_sets.revise("filing", {**DEFAULT, "campaign_end": "2020-06-30"}, city.users["hq"], "复工备案工作结束")
    at = dt.datetime(2020, 9, 28, 12, tzinfo=dt.UTC)  # 89 days and a half after the end
    assert services.erase_personal_data(at)["erased"] == 0
    assert services.erase_personal_data(at + dt.timedelta(days=1))["erased"] == 1
    filing.refresh_from_db()
    assert (filing.officer, filing.phone, filing.state) == ("", "", "applied")
