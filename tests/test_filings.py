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
         code: str = "") -> NewFiling:
    return NewFiling(planned_on=dt.date(2020, 2, 12), planned_workers=workers, workers_from_outside=outside,
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
    filing = actions.apply(city.users["enterprise"], city.e_binhai if False else city.e_jiangbei, spec())
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
