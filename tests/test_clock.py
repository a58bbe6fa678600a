"""One clock (DOMAIN.md §15): every "today" and "now" of the domain reads ``core.dates.now()``, which an operator fixes
with ``DUALTRACK_CLOCK`` (the demo runs on its own last day); the audit log keeps the real time beside it; a date past
the clock, or an absurd one, is refused in any import column with the row and the column named."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine

from dualtrack.core import dates
from dualtrack.core.calendar import SHANGHAI
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.models import AuditLog
from dualtrack.problems import services as problems
from dualtrack.problems.models import Category, Problem

from .conftest import City
from .helpers import csv_bytes

PACKAGE = Path(__file__).resolve().parent.parent / "dualtrack"
DEMO_CLOCK = "2020-04-30T18:00:00+08:00"


def load(user: Any, name: str, rows: list[list[Any]]) -> Any:
    dataset = get_dataset(name)
    assert dataset is not None
    return run_import(dataset, io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)


def messages(result: Any) -> str:
    return " | ".join(str(e) for e in result.errors)


def test_the_clock_is_the_real_time_unless_an_operator_sets_it(settings: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert dates.today() == dt.date(2026, 12, 2)
        settings.DUALTRACK_CLOCK = DEMO_CLOCK
        assert dates.now() == dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI)
        assert dates.today() == dt.date(2020, 4, 30)
        assert dates.real_now().astimezone(SHANGHAI).date() == dt.date(2026, 12, 2)
        settings.DUALTRACK_CLOCK = "2020-03-01"  # a bare day: that day's evening
        assert dates.now() == dt.datetime(2020, 3, 1, 18, 0, tzinfo=SHANGHAI)
        settings.DUALTRACK_CLOCK = "2020-02-29T23:30:00+00:00"  # an offset other than Shanghai's: the Shanghai day
        assert dates.today() == dt.date(2020, 3, 1)


def test_a_malformed_clock_is_named() -> None:
    with pytest.raises(dates.BadClock, match="DUALTRACK_CLOCK"):
        dates.parse_clock("30/04/2020")


def test_a_requested_day_past_the_clock_is_refused(settings: Any) -> None:
    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    assert dates.parse_day("2020-04-30") == dt.date(2020, 4, 30)
    with pytest.raises(dates.BadDay, match="2020-05-01"):
        dates.parse_day("2020-05-01")


def test_the_audit_log_keeps_the_clock_beside_the_real_time(city: City, settings: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        problems.report(city.users["enterprise"], "口罩短缺", enterprise=city.e_jiangbei)
        settings.DUALTRACK_CLOCK = DEMO_CLOCK
        problem = problems.report(city.users["enterprise"], "消毒液短缺", enterprise=city.e_jiangbei)
    real, clocked = AuditLog.objects.filter(object_type="problems.problem").order_by("id")
    assert real.clock_at is None and real.at.astimezone(SHANGHAI).date() == dt.date(2026, 12, 2)
    assert clocked.clock_at == dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI)
    assert clocked.at.astimezone(SHANGHAI).date() == dt.date(2026, 12, 2)  # the real time stays beside it
    assert problem.reported_at == dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI)  # the domain's record: the clock


def test_deadlines_and_overdue_flags_run_on_the_clock(client: Any, city: City, settings: Any) -> None:
    """The demo's 总览 counted open problems against the calendar's today (every one overdue) while its figures
    were for 2020-04-30."""
    settings.DUALTRACK_CLOCK = "2020-02-10T09:30:00+08:00"  # a Monday
    hq = city.users["hq"]
    problem = problems.report(city.users["enterprise"], "口罩短缺,复工员工无法上岗", enterprise=city.e_jiangbei)
    problem = problems.move(problem.pk, problem.version, "triaged", hq, "归类",
                            category=Category.objects.get(name="防疫物资"), department=city.department,
                            complexity="simple")
    problem = problems.move(problem.pk, problem.version, "assigned", hq, "转办")
    assert problem.due_at == dt.datetime(2020, 2, 11, 23, 59, 59, tzinfo=SHANGHAI)
    client.force_login(hq)
    settings.DUALTRACK_CLOCK = "2020-02-11T20:00:00+08:00"
    assert '<span class="flag overdue">逾期</span>' not in client.get("/problems/").content.decode()
    assert problems.escalate_due() == 0
    settings.DUALTRACK_CLOCK = "2020-02-12T09:00:00+08:00"
    assert '<span class="flag overdue">逾期</span>' in client.get("/problems/").content.decode()
    assert problems.escalate_due() == 1
    assert Problem.objects.get(pk=problem.pk).escalation_level == 1


CASES = ["日期", "区划代码", "新增确诊", "其中本地"]


def test_an_import_row_dated_after_the_clock_is_refused_with_its_row_and_column(city: City, settings: Any) -> None:
    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    hq = city.users["hq"]
    future = load(hq, "cases", [CASES, ["2020-04-30", "339102", 1, 0], ["2020-05-01", "339106", 1, 0]])
    assert not future.ok and future.created == 0
    assert [(e.row, e.column) for e in future.errors] == [(3, "日期")]
    assert "日期不能晚于今天（2020-04-30）：2020-05-01" in messages(future)
    assert load(hq, "cases", [CASES, ["2020-04-30", "339102", 1, 0]]).ok


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_an_absurd_date_is_refused_in_an_event_column(city: City, day: str) -> None:
    result = load(city.users["hq"], "cases", [CASES, [day, "339102", 1, 0]])
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "日期")]


@pytest.mark.parametrize(("cell", "ok"), [("0001-01-01 07:00", False), ("9999-12-31 23:59", False),
                                          ("2050-02-15 07:00", True)])
def test_a_trip_departing_at_an_absurd_moment_is_refused_not_a_server_error(city: City, cell: str, ok: bool) -> None:
    """``trips`` with 出发时间 0001-01-01 answered 500 (OverflowError converting to UTC); a trip is a plan, so a
    departure years ahead is accepted."""
    result = load(city.users["hq"], "trips", [
        ["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位", "带队人"],
        ["T9", "339106", city.e_jiangbei.uscc, cell, "宁B12345", 44, "王强"]])
    assert result.ok is ok, messages(result)
    if not ok:
        assert [(e.row, e.column) for e in result.errors] == [(2, "出发时间")]


def test_a_date_of_record_may_be_long_past_but_not_in_the_future(city: City, settings: Any) -> None:
    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    from dualtrack.core.choices import DateKind
    from dualtrack.core.imports import parsers

    parsers.check_day(dt.date(1958, 3, 1), DateKind.PAST)
    with pytest.raises(parsers.CellError, match="不能晚于今天"):
        parsers.check_day(dt.date(2020, 5, 1), DateKind.PAST)
    parsers.check_day(dt.date(2022, 12, 31), DateKind.PLAN)
    with pytest.raises(parsers.CellError):
        parsers.check_day(dt.date(1958, 3, 1), DateKind.EVENT)


# The real time may be read only here (the clock and its record-keeping twin).
REAL_TIME_READERS = {"core/dates.py"}


def _reads_the_real_time(node: ast.AST) -> bool:
    """``timezone.now()``, ``timezone.localdate()``, ``date.today()``, ``datetime.now(...)``, ``time.time()`` as a
    day: any call that reads the wall clock directly."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    owner = node.func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    if (name, node.func.attr) in {("timezone", "localdate"), ("timezone", "localtime")}:
        return not node.args  # with a moment it converts one; without, it reads the wall clock
    return (name, node.func.attr) in {("timezone", "now"), ("date", "today"), ("datetime", "now"), ("datetime", "today"),
                                      ("datetime", "utcnow")}


def test_no_module_reads_the_wall_clock_but_core_dates() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = str(path.relative_to(PACKAGE))
        if "migrations" in rel or rel in REAL_TIME_READERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _reads_the_real_time(node):
                offenders.append(f"{rel}:{node.lineno}")  # type: ignore[attr-defined]
    assert offenders == []


def test_a_policy_window_is_judged_on_the_clock_on_the_card_and_the_measure_page(client: Any, city: City,
                                                                                 settings: Any) -> None:
    """总览 said 可以申报 (judged on the data-as-of day) while the measure page, judged on the clock, had no apply form."""
    from decimal import Decimal

    from dualtrack.policies import cards
    from dualtrack.policies.models import Measure, Policy

    policy = Policy.objects.create(title="关于促进企业复工复产的若干意见", issuer="宁江市人民政府", doc_number="宁政发〔2020〕5号",
                                   issued_on=dt.date(2020, 2, 8), effective_from=dt.date(2020, 2, 8))
    Measure.objects.create(policy=policy, code="M1", title="稳岗补贴", support_type="subsidy", department=city.department,
                           window_start=dt.date(2020, 2, 10), window_end=dt.date(2020, 3, 9), eligibility={},
                           amount_rule="fixed", amount_fixed=Decimal("2"))
    enterprise = city.users["enterprise"]
    data_day = dt.date(2020, 3, 9)  # the data arrived up to the 9th
    settings.DUALTRACK_CLOCK = "2020-03-09T20:00:00+08:00"
    card = cards._enterprise_card(enterprise, data_day)
    assert card is not None and [r.text for r in card.rows] == ["稳岗补贴"]
    settings.DUALTRACK_CLOCK = "2020-03-10T09:00:00+08:00"  # the window closed last night
    card = cards._enterprise_card(enterprise, data_day)
    assert card is not None and card.rows == []
    client.force_login(enterprise)
    page = client.get("/policies/measures/M1/").content.decode()
    assert "稳岗补贴" in page and 'id="apply-form"' not in page
    settings.DUALTRACK_CLOCK = "2020-03-09T20:00:00+08:00"
    assert 'id="apply-form"' in client.get("/policies/measures/M1/").content.decode()


def test_a_page_form_refuses_a_day_past_the_clock_as_the_import_does(client: Any, city: City, settings: Any) -> None:
    """A page and an import row make the same check (DOMAIN.md §15 "One write path"): a visit dated after the clock's
    today is refused beside its field, nothing written; the phone's picker offers no later day."""
    from dualtrack.liaison.models import Visit

    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    client.force_login(city.users["liaison"])
    page = client.get("/liaison/visits/").content.decode()
    assert 'type="date"' in page and 'max="2020-04-30"' in page and 'min="2000-01-01"' in page
    refused = client.post("/liaison/visits/", {"enterprise": city.e_jiangbei.pk, "visited_on": "2020-05-01",
                                               "notes": "走访"})
    assert refused.status_code == 200 and "日期不能晚于今天（2020-04-30）" in refused.content.decode()
    assert not Visit.objects.exists()
    for absurd in ("0001-01-01", "9999-12-31"):
        client.post("/liaison/visits/", {"enterprise": city.e_jiangbei.pk, "visited_on": absurd, "notes": "走访"})
    assert not Visit.objects.exists()
    done = client.post("/liaison/visits/", {"enterprise": city.e_jiangbei.pk, "visited_on": "2020-04-30",
                                            "notes": "走访"})
    assert done.status_code == 302 and Visit.objects.get().visited_on == dt.date(2020, 4, 30)


def test_a_trip_is_a_plan_its_page_accepts_a_departure_ahead(client: Any, city: City, settings: Any) -> None:
    from dualtrack.core.forms import MomentField

    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    field = MomentField(when="plan", input_formats=["%Y-%m-%d %H:%M"])
    assert field.clean("2020-05-03 07:00") == dt.datetime(2020, 5, 3, 7, 0, tzinfo=SHANGHAI)
    with pytest.raises(Exception, match="不能早于"):
        field.clean("1990-05-03 07:00")


def test_a_month_end_light_is_judged_only_once_the_month_is_over(db: Any, settings: Any) -> None:
    """The demo judged April's month-end on 30 April: 123 dispatch tasks were dated 1 May 09:00, after the clock."""
    from django.core.management import CommandError, call_command

    from dualtrack.projects import services as projects

    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    with pytest.raises(ValueError, match="2020-04 has not ended"):
        projects.evaluate_month(dt.date(2020, 4, 1))
    with pytest.raises(CommandError, match="--month"):
        call_command("projects", "evaluate", "--month", "2020-04", stdout=io.StringIO())
    assert projects.evaluate_month(dt.date(2020, 3, 1)) == {"projects": 0, "tasks": 0}


def test_a_draft_bulletin_says_it_was_generated_on_the_clock(client: Any, city: City, settings: Any) -> None:
    """The demo's bulletin pages said "生成于 2026-12-02 23:50" on a clock standing at 2020-04-30 18:00: when a draft
    was generated is kept as the real time (what is stale is judged on it) and shown on the clock."""
    from dualtrack.bulletins import services as bulletins

    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    stored = bulletins.generate(dt.date(2020, 4, 29), city.users["hq"])
    assert stored.generated_at.astimezone(SHANGHAI).year > 2020 and stored.generated_clock_at == dates.now()
    client.force_login(city.users["hq"])
    for url in ("/bulletins/stored/", "/bulletins/stored/2020-04-29/", "/bulletins/?date=2020-04-29"):
        page = client.get(url).content.decode()
        assert "2020-04-30 18:00" in page and f"{stored.generated_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" not in page, url


def test_a_malformed_clock_is_named_when_the_application_starts(settings: Any) -> None:
    from dualtrack.core.checks import clock_setting

    settings.DUALTRACK_CLOCK = "30/04/2020"
    assert [m.id for m in clock_setting()] == ["dualtrack.E010"]
    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    assert clock_setting() == []
