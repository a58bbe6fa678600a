"""脱贫攻坚 on the capability contract (issue #27): the rule set ``poverty-2020`` as a frozen dataclass with its
bounds and messages, the year's result stored columnar and read back exactly, pages and the card that never judge the
year (计算中 while it is queued, a household's page too), the console's and the API's
contract byte for byte as before, and staleness when the checks or the trips of §12 change."""

# ruff: noqa: F811  (the ``villages`` fixture is imported from test_poverty and named as a test's argument)
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core import capability, columnar, judgements
from dualtrack.core.capability import Period, PeriodKind, contract_dict
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.models import Judgement, JudgementState
from dualtrack.core.rules import RuleError
from dualtrack.poverty import rules, services
from dualtrack.poverty.measure import PovertyContract, PovertyRules, judge
from dualtrack.poverty.measure import load as load_facts
from dualtrack.poverty.models import HouseholdCheck

from .conftest import City, make_enterprise
from .test_poverty import CHECKS, HOUSEHOLDS, load, villages  # noqa: F401  (the fixture)

YEAR = Period(PeriodKind.YEAR, dt.date(2020, 1, 1))


@pytest.fixture
def checked(villages: City) -> City:
    office = villages.users["office"]
    assert load(office, "households", [HOUSEHOLDS,
                                       ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""],
                                       ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "", ""]]).ok
    assert load(office, "household_checks", [CHECKS,
        ["H1", 2020, "4000.01", "9000", "", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"],
        ["H2", 2020, "3900", "", "", "是", "是", "是", "否", "是", "是", "C", "2020-06-10"]]).ok
    return villages


def measure() -> Any:
    return capability.measure("poverty")


# --- the rule set ------------------------------------------------------------------------------------------------

def test_the_rule_set_keeps_its_bounds_and_messages() -> None:
    parsed = PovertyRules.parse(dict(rules.DEFAULT))
    assert parsed.definition() == rules.DEFAULT and parsed["standard"] == 4000
    standard = "「脱贫标准S（元/人·年），收入须高于它」（standard）须为 1 到 100000 之间的数"
    cases: list[tuple[dict[str, Any], str]] = [({"standard": 0}, standard),
                         ({"standard": True}, standard),
                         ({"low_income_multiple": 10.5},
                          "「收入低于S的几倍列为监测对象」（low_income_multiple）须为 1 到 10 之间的数"),
                         ({"income_drop": 0.001},
                          "「收入较上年下降多少（比例）列为监测对象」（income_drop）须为 0.01 到 1 之间的数"),
                         ({"warning_share": "0.05"},
                          "「区县监测对象占比超过此值预警」（warning_share）须为 0.001 到 1 之间的数"),
                         ({"warning_share_deep": 2},
                          "「深度贫困区县的预警占比」（warning_share_deep）须为 0.001 到 1 之间的数")]
    for bad, message in cases:
        with pytest.raises(RuleError) as refused:
            PovertyRules.parse({**rules.DEFAULT, **bad})
        assert str(refused.value) == message
    with pytest.raises(RuleError):
        PovertyRules.parse([4000])
    assert measure().period_kind == PeriodKind.YEAR and measure().rules is PovertyRules


# --- the store ---------------------------------------------------------------------------------------------------

def test_the_year_round_trips_exactly_and_names_no_one(checked: City) -> None:
    evaluation = services.evaluate(2020)
    data = columnar.encode(evaluation)
    back = columnar.decode(services.Evaluation, data)
    assert back == evaluation and back.households[1].reasons == ["income", "medical", "housing"]
    assert back.counties[-1].monitored_share == 1.0 and back.counties[0].outbound_rate is None
    stored = json.dumps(dataclasses.asdict(back), ensure_ascii=False, default=str)
    assert "马福" not in stored and "杨春" not in stored and "1234" not in stored  # names and IDs stay out
    assert Judgement.objects.filter(measure="poverty", period="2020", state=JudgementState.READY).count() == 1


def test_the_contract_is_byte_for_byte_what_the_command_printed_and_the_api_serves(checked: City,
                                                                                   client: Any) -> None:
    out = io.StringIO()
    call_command("poverty", "--year", "2020", "--json", stdout=out)
    label, current = measure().current_rules()
    before = judge(load_facts(YEAR), current.labelled(label)).as_json()  # what the command judged in the request
    assert out.getvalue() == json.dumps(before, ensure_ascii=False, indent=1) + "\n"
    printed = json.loads(out.getvalue())
    assert list(printed) == [f.name for f in dataclasses.fields(PovertyContract)]
    assert list(contract_dict(printed)["counties"][0]) == ["code", "households", "not_met", "monitored",
                                                           "monitored_share", "warning", "outbound_rate"]
    client.force_login(checked.users["office"])  # the office sees every household: the whole contract
    assert client.get("/api/v1/poverty", {"year": "2020"}).json() == printed
    client.force_login(checked.users["district"])  # Jiangbei's operator: its households, every county
    mine = client.get("/api/v1/poverty", {"year": "2020"}).json()
    assert [h["code"] for h in mine["households"]] == ["H1"] and mine["counties"] == printed["counties"]
    lines = io.StringIO()
    call_command("poverty", "--year", "2020", stdout=lines)
    assert lines.getvalue().splitlines()[0] == "2020  poverty-2020:v1" and "WARNING" in lines.getvalue()


def test_pages_and_the_card_never_judge_the_year(checked: City, client: Any, settings: Any) -> None:
    from dualtrack.core.cards import cards_for

    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(checked.users["office"])
    household = client.get("/poverty/households/H2/")  # its check's year is not stored: 计算中, nothing judged
    assert household.status_code == 200 and "杨春" in household.content.decode()
    assert [(c["check"].year, c["pending"].period.key) for c in household.context["checks"]] == [(2020, "2020")]
    assert "reasons" not in household.context["checks"][0]
    assert 'data-pending="2020"' in household.content.decode() and 'data-measure="poverty"' in household.content.decode()
    assert not Judgement.objects.filter(measure="poverty", state=JudgementState.READY).exists()
    for url in ("/poverty/", "/poverty/households/"):
        page = client.get(url, {"year": "2020"})
        assert page.status_code == 200 and "正在计算" in page.content.decode(), url
    card = {c.key: c for c in cards_for(checked.users["hq"], dt.date(2020, 6, 20))}["poverty"]
    assert [f.missing for f in card.figures] == ["计算中"]
    api = client.get("/api/v1/poverty", {"year": "2020"})
    assert api.status_code == 202 and api.json()["status"] == "pending"
    assert not Judgement.objects.filter(measure="poverty", state=JudgementState.READY).exists()
    assert judgements.run_queued("poverty", "2020", "poverty-2020:v1")  # the background thread or the worker
    page = client.get("/poverty/", {"year": "2020"})
    assert "正在计算" not in page.content.decode() and page.context["rules_version"] == "poverty-2020:v1"
    household = client.get("/poverty/households/H2/")  # the stored year holds the household: read from it
    assert [c["reasons"] for c in household.context["checks"]] == [["income", "medical", "housing"]]


def _spy(monkeypatch: Any, module: Any, name: str) -> list[Any]:
    """The calls of ``module.name`` from now on (it still runs): a page that judges in the request shows up here."""
    calls: list[Any] = []
    real = getattr(module, name)

    def counted(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_households_page_reads_its_checks_from_the_stored_year(checked: City, client: Any, settings: Any,
                                                                  monkeypatch: Any) -> None:
    """#27: a household's check is never judged in the request: the stored year's status (a stale one too, while
    the year is computed again), 计算中 while its year is not stored or does not hold the household yet."""
    from dualtrack.poverty import engine

    judged = _spy(monkeypatch, engine, "exit_standard")
    office = checked.users["office"]
    assert load(office, "household_checks", [CHECKS,  # H2's year before: stored, with the household met
        ["H2", 2019, "6000", "", "", "是", "是", "是", "是", "是", "是", "B", "2019-06-10"]]).ok
    judgements.ensure(measure(), Period(PeriodKind.YEAR, dt.date(2019, 1, 1)))
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(office)
    judged.clear()
    page = client.get("/poverty/households/H2/")
    assert page.status_code == 200 and judged == []
    rows = {c["check"].year: c for c in page.context["checks"]}
    assert rows[2019]["met"] is True and rows[2019]["reasons"] == [] and "pending" not in rows[2019]
    assert rows[2020]["pending"].period.key == "2020" and page.context["waiting"] is rows[2020]["pending"]
    assert judgements.run_queued("poverty", "2020", "poverty-2020:v1")
    judged.clear()
    page = client.get("/poverty/households/H2/")
    assert page.context["waiting"] is None and judged == []
    assert [(c["check"].year, c["met"], c["reasons"]) for c in page.context["checks"]] == [
        (2020, False, ["income", "medical", "housing"]), (2019, True, [])]
    check = HouseholdCheck.objects.get(household__code="H2", year=2020)
    check.income, check.medical, check.housing, check.housing_grade = Decimal(9000), True, True, "A"
    check.save()  # the stored year is stale: the page shows it (and the year is queued again), never judges
    page = client.get("/poverty/households/H2/")
    assert judged == [] and page.context["checks"][0]["reasons"] == ["income", "medical", "housing"]
    assert load(office, "households", [HOUSEHOLDS,  # a household checked since: the stored year does not hold it
                                       ["H3", "杨秋", "339106196501011236", "339106001201", 2, "贫困户", 2016, "", ""]]).ok
    assert load(office, "household_checks", [CHECKS,
        ["H3", 2020, "4500", "", "", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"]]).ok
    page = client.get("/poverty/households/H3/")
    assert judged == [] and page.context["checks"][0]["pending"].period.key == "2020"
    judgements.worker_step()
    page = client.get("/poverty/households/H3/")
    assert page.context["checks"][0]["met"] is True and page.context["waiting"] is None


def test_a_corrected_check_or_an_arrived_trip_makes_the_year_stale(checked: City, settings: Any) -> None:
    from dualtrack.workreturn.models import Trip

    first = judgements.ensure(measure(), YEAR)
    assert not first.stale and not first.result.households[1].met
    settings.DUALTRACK_JUDGE_INLINE = False
    HouseholdCheck.objects.filter(household__code="H2").update(income=Decimal(9000))  # a bulk write: not seen …
    assert not judgements.read(measure(), YEAR).stale  # type: ignore[union-attr]
    check = HouseholdCheck.objects.get(household__code="H2")
    check.housing, check.housing_grade, check.medical = True, "A", True
    check.save()  # … a save is
    seen = judgements.read(measure(), YEAR)
    assert isinstance(seen, judgements.Stored) and seen.stale and not seen.result.households[1].met
    assert "poverty:2020" in judgements.worker_step()["computed"]
    fresh = judgements.read(measure(), YEAR)
    assert isinstance(fresh, judgements.Stored) and not fresh.stale and fresh.result.households[1].met
    employer = make_enterprise(checked.jiangbei, "江北纺织有限公司")
    Trip.objects.create(code="T-1", origin_code="339106", enterprise=employer,
                        departure=dt.datetime(2020, 2, 20, 8, tzinfo=SHANGHAI), plate="浙A12345", seats=44,
                        arrived_at=dt.datetime(2020, 2, 20, 18, tzinfo=SHANGHAI))
    again = judgements.read(measure(), YEAR)
    assert isinstance(again, judgements.Stored) and again.stale  # the trips of §12 are a source of the year



# --- the war map's poverty projects: the stored lights of the day (#27) ------------------------------------------

WAR_DAY = dt.date(2020, 5, 11)


def _poverty_projects(city: City) -> None:
    """Poverty projects of both counties on every kind of light, started or not, beside a key project that is not a
    poverty project (red, never counted)."""
    from dualtrack.projects.models import Project

    from .test_projects import make_project, progress

    flat = {"2020-04": 1000, "2020-05": 1000}  # the plan to 11 May: 1000
    for code, county, done, resumed in (("FP-1", city.binhai, 500, True), ("FP-2", city.binhai, 700, True),
                                        ("FP-3", city.jiangbei, 950, True), ("FP-4", city.jiangbei, 700, False),
                                        ("XX-1", city.jiangbei, 100, True)):
        progress(make_project(city, code, county=county, plans=flat), dt.date(2020, 5, 8), done, resumed=resumed)
    make_project(city, "FP-5", nature="new", county=city.binhai, planned_start=dt.date(2020, 3, 1))  # not started
    make_project(city, "FP-6", nature="new", county=city.jiangbei, planned_start=dt.date(2020, 4, 1), plans=flat)
    Project.objects.filter(code="FP-6").update(actual_start=dt.date(2020, 4, 2))  # started, nothing reported
    Project.objects.filter(code__startswith="FP-").update(poverty=True)


def _direct_board(day: dt.date) -> dict[int, dict[str, int]]:
    """The war map's project figures as they were judged in the request before #27 (the reference)."""
    from dualtrack.projects import lights
    from dualtrack.projects.models import Project

    out: dict[int, dict[str, int]] = {}
    for row in lights.statuses(Project.objects.filter(poverty=True), day):
        entry = out.setdefault(row.county_id, {"total": 0, "started": 0, "red": 0, "yellow": 0})
        entry["total"] += 1
        entry["started"] += int(row.started or row.resumed)
        if row.light in ("red", "yellow"):
            entry[row.light] += 1
    return out


def test_the_war_map_reads_the_poverty_projects_lights_from_the_store(checked: City, client: Any, settings: Any,
                                                                       monkeypatch: Any) -> None:
    """No light is judged in the request: 计算中 until the day's lights are stored, then the war map's figures per
    county (total, started, red, yellow) read from them, equal to the direct judgement."""
    from dualtrack.poverty import board
    from dualtrack.projects import lights

    _poverty_projects(checked)
    judgements.ensure(measure(), YEAR)  # the year's checks are stored: only the lights are missing
    reference = _direct_board(WAR_DAY)
    assert reference == {checked.binhai.pk: {"total": 3, "started": 2, "red": 2, "yellow": 1},
                         checked.jiangbei.pk: {"total": 3, "started": 2, "red": 2, "yellow": 0}}
    judged = _spy(monkeypatch, lights, "judge")
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(checked.users["leader"])
    asked = {"year": "2020", "date": WAR_DAY.isoformat()}
    page = client.get("/poverty/", asked)
    assert page.status_code == 200 and "正在计算" in page.content.decode()
    assert 'data-measure="projects"' in page.content.decode() and judged == []
    row = Judgement.objects.get(measure="projects", period=WAR_DAY.isoformat())
    assert row.state == JudgementState.PENDING and row.queued_at is not None
    assert judgements.run_queued("projects", WAR_DAY.isoformat(), capability.measure("projects").current_rules()[0])
    judged.clear()
    page = client.get("/poverty/", asked)
    assert page.status_code == 200 and "正在计算" not in page.content.decode() and judged == []
    shown = {c.code: (c.projects, c.projects_started, c.projects_red, c.projects_yellow)
             for c in page.context["counties"].values()}
    codes = {checked.binhai.pk: checked.binhai.code, checked.jiangbei.pk: checked.jiangbei.code}
    assert shown == {codes[pk]: (r["total"], r["started"], r["red"], r["yellow"]) for pk, r in reference.items()}
    # the bulletin and the weekly board read the same stored day
    assert {pk: dict(c) for pk, c in board.projects_by_county(WAR_DAY).items()} == {
        pk: {k: v for k, v in r.items() if v} for pk, r in reference.items()}
    assert judged == []
