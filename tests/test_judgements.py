"""A capability is one typed contract; every judgement is computed once and stored (issue #27): the one period
parser, rule sets as frozen dataclasses with bounds, the columnar store, the pending state a page shows instead of
computing, staleness when data changes, the worker, the derived API/CLI/schema, and HQ's what-if page."""

# ruff: noqa: F811  (the ``economy`` fixture is imported from test_economy and named as a test's argument)
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core import capability, columnar, judgements
from dualtrack.core.capability import Period, PeriodKind, parse_period
from dualtrack.core.dates import BadDay
from dualtrack.core.models import AuditLog, Judgement, JudgementState, RuleSet
from dualtrack.core.rules import RuleError
from dualtrack.economy import services
from dualtrack.economy.measure import EconomyRules

from .conftest import City
from .test_economy import economy, load  # noqa: F401  (the fixture)

D = dt.date


# --- periods ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "raw", "key", "end"), [
    ("month", "2020-02", "2020-02", D(2020, 2, 29)), ("day", "2020-03-01", "2020-03-01", D(2020, 3, 1)),
    ("week", "2020-03-05", "2020-03-02", D(2020, 3, 8)), ("quarter", "2020-Q2", "2020-Q2", D(2020, 6, 30)),
    ("year", "2020", "2020", D(2020, 12, 31))])
def test_one_parser_names_every_kind_of_period(kind: str, raw: str, key: str, end: dt.date) -> None:
    period = parse_period(kind, raw)
    assert period is not None and period.key == key and period.end == end
    assert parse_period(kind, "") is None and parse_period(kind, None) is None


@pytest.mark.parametrize(("kind", "raw"), [("month", "2020-13"), ("quarter", "2020-Q5"), ("year", "20x0"),
                                           ("day", "2020-02-30"), ("moment", "yesterday"), ("year", "1899"),
                                           ("month", "2999-01")])
def test_a_bad_or_out_of_range_period_is_refused_with_a_message(kind: str, raw: str) -> None:
    with pytest.raises(BadDay) as refused:
        parse_period(kind, raw)
    assert str(refused.value)


def test_a_moment_is_in_shanghai_and_never_after_the_clock(settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"
    period = parse_period("moment", "2020-04-30T09:30")
    assert period is not None and period.key == "2020-04-30T09:30" and period.start == D(2020, 4, 30)
    with pytest.raises(BadDay):
        parse_period("moment", "2020-04-30T19:00")


# --- rule sets as frozen dataclasses ------------------------------------------------------------------------------

def test_rules_are_checked_against_their_bounds_naming_the_field() -> None:
    assert EconomyRules.parse({"double_half_from_month": 6, "double_half_completion": 1}).double_half_completion == 1
    for bad, field in [({"double_half_from_month": 13}, "double_half_from_month"),
                       ({"double_half_from_month": True}, "double_half_from_month"),
                       ({"double_half_completion": 0}, "double_half_completion"),
                       ({"double_half_completion": 1.01}, "double_half_completion"),
                       ({"double_half_completion": "0.5"}, "double_half_completion"),
                       ({"double_half_month": 6}, "double_half_month")]:
        with pytest.raises(RuleError, match=field):
            EconomyRules.parse(bad)
    with pytest.raises(RuleError):
        EconomyRules.parse([6, 0.5])
    rules = EconomyRules.parse({})
    assert rules.definition() == {"double_half_from_month": 6, "double_half_completion": 0.5}
    assert rules["double_half_from_month"] == 6 and rules.label == "what-if"


# --- the columnar store -------------------------------------------------------------------------------------------

def test_a_result_round_trips_exactly_through_the_columnar_form(economy: City) -> None:
    evaluation = services.evaluate(D(2020, 5, 1))
    data = columnar.encode(evaluation)
    back = columnar.decode(services.Evaluation, data)
    assert back == evaluation  # Fractions and Decimals exact, None kept, trends as lists
    row = back.row("GDZC", "339100")
    assert row is not None and isinstance(row.completion, Fraction) and isinstance(row.actual, Decimal)
    assert row.trend == [None, None, None, -0.01]  # from 1—2月: January is published with February
    assert not data.lstrip(b"DTJ1").startswith(b"{\"month")  # not JSON of the rows: the header only
    assert b"\"rows\"" not in data[:200]


def test_a_page_never_computes_it_queues_and_says_pending(client: Any, economy: City, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(economy.users["hq"])
    page = client.get("/economy/", {"month": "2020-05"})
    assert page.status_code == 200 and "正在计算" in page.content.decode()
    row = Judgement.objects.get(measure="economy", period="2020-05")
    assert row.state == JudgementState.PENDING and row.queued_at is not None and row.payload is None
    api = client.get("/api/v1/economy", {"month": "2020-05"})
    assert api.status_code == 202 and api.json()["status"] == "pending" and api["Retry-After"] == "2"
    poll = client.get("/judgements/status", {"measure": "economy", "period": "2020-05"})
    assert poll.status_code == 200 and "HX-Refresh" not in poll
    assert judgements.run_queued("economy", "2020-05", "economy:v1")  # what the background thread or worker runs
    assert not judgements.run_queued("economy", "2020-05", "economy:v1")  # nothing queued any more
    assert client.get("/judgements/status", {"measure": "economy", "period": "2020-05"})["HX-Refresh"] == "true"
    page = client.get("/economy/", {"month": "2020-05"})
    assert "正在计算" not in page.content.decode() and page.context["evaluation"].row("GDZC", "339100").light == "red"
    assert client.get("/api/v1/economy", {"month": "2020-05"}).status_code == 200


def test_an_indicators_page_waits_naming_the_month_asked_for(client: Any, economy: City, settings: Any) -> None:
    """An indicator's page draws 1—2月 through the month asked for (January is published with February): while they
    are computed it names that month (it named the first it waited for), every missing month is queued at once, and
    it is refreshed only once all of them are stored."""
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(economy.users["hq"])
    page = client.get("/economy/indicators/GDZC/", {"month": "2020-05", "scope": "339100"})
    text = page.content.decode()
    assert page.status_code == 200 and page.context["period"].key == "2020-05"
    assert "正在计算 经济运行监测 2020-05 的结果" in text and 'data-period="2020-05"' in text
    assert "2020-02 的结果" not in text and 'data-period="2020-02"' not in text
    months = [f"2020-{m:02d}" for m in range(2, 6)]
    queued = Judgement.objects.filter(measure="economy", queued_at__isnull=False).values_list("period", flat=True)
    assert sorted(queued) == months
    status = {"measure": "economy", "period": "2020-05", "since": "2020-02"}
    assert judgements.run_queued("economy", "2020-05", "economy:v1")  # May alone is not the page
    poll = client.get("/judgements/status", status)
    assert "HX-Refresh" not in poll and "正在计算 经济运行监测 2020-05 的结果" in poll.content.decode()
    assert "since=2020-02" in poll.content.decode()  # it keeps asking for the whole series
    assert "HX-Refresh" in client.get("/judgements/status", {"measure": "economy", "period": "2020-05"})
    for month in months[:-1]:
        assert judgements.run_queued("economy", month, "economy:v1")
    assert client.get("/judgements/status", status)["HX-Refresh"] == "true"
    page = client.get("/economy/indicators/GDZC/", {"month": "2020-05", "scope": "339100"})
    assert "正在计算" not in page.content.decode() and len(page.context["series"]) == 4


def test_changed_data_makes_the_stored_result_stale_until_recomputed(client: Any, economy: City,
                                                                    settings: Any) -> None:
    # one clock for the whole test: a measure of a moment (worker return) moves with the real time, so a worker run
    # that crosses its boundary between the two steps below would find a new moment to compute
    settings.DUALTRACK_CLOCK = "2020-06-10T18:00:00+08:00"
    first = judgements.ensure(capability.measure("economy"), Period.of(PeriodKind.MONTH, D(2020, 5, 1)))
    assert not first.stale and first.result.row("GDZC", "339100").light == "red"
    settings.DUALTRACK_JUDGE_INLINE = False
    hq = economy.users["hq"]
    assert load(hq, "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                        ["2020-05", "339100", "GDZC", "440", "400", ""]]).ok
    seen = judgements.read(capability.measure("economy"), Period.of(PeriodKind.MONTH, D(2020, 5, 1)))
    assert isinstance(seen, judgements.Stored) and seen.stale  # the page shows the old numbers, saying so
    assert seen.result.row("GDZC", "339100").light == "red"
    client.force_login(hq)
    assert client.get("/api/v1/economy", {"month": "2020-05"}).status_code == 202  # the API never serves stale
    done = judgements.worker_step()
    assert "economy:2020-05" in done["computed"]
    fresh = judgements.read(capability.measure("economy"), Period.of(PeriodKind.MONTH, D(2020, 5, 1)))
    assert isinstance(fresh, judgements.Stored) and not fresh.stale
    assert fresh.result.row("GDZC", "339100").light == "green"
    assert judgements.worker_step()["computed"] == []  # nothing left to do


def test_a_failed_computation_is_kept_and_shown_not_retried_in_a_loop(client: Any, economy: City, settings: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    measure = capability.measure("economy")

    def broken(period: Period, scope: Any = None) -> Any:
        raise RuntimeError("the facts could not be read")

    monkeypatch.setattr(measure, "load", broken)
    client.force_login(economy.users["hq"])
    page = client.get("/economy/", {"month": "2020-05"})
    assert page.status_code == 200 and "计算失败" in page.content.decode()
    row = Judgement.objects.get(measure="economy", period="2020-05")
    assert row.state == JudgementState.FAILED and "could not be read" in row.error and row.queued_at is None


def test_the_console_and_the_api_print_the_same_contract(client: Any, economy: City) -> None:
    out = io.StringIO()
    call_command("economy", "--month", "2020-05", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    client.force_login(economy.users["hq"])
    assert client.get("/api/v1/economy", {"month": "2020-05"}).json() == printed
    assert list(printed) == ["month", "rules_version", "rows"]
    assert list(printed["rows"][0]) == ["indicator", "scope", "kind", "target", "target_growth", "actual", "growth",
                                        "completion", "time_progress", "on_schedule", "double_half", "light",
                                        "needed_growth"]
    assert Judgement.objects.filter(measure="economy", period="2020-05", state=JudgementState.READY).count() == 1


def test_the_schema_describes_the_contract(client: Any, city: City) -> None:
    client.force_login(city.users["hq"])
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    component = schema["components"]["schemas"]["EconomyContract"]
    assert set(component["properties"]) == {"month", "rules_version", "rows"}
    row = schema["components"]["schemas"]["EconomyContractRow"]["properties"]
    assert row["light"]["nullable"] is True and row["on_schedule"]["type"] == "boolean"
    responses = schema["paths"]["/api/v1/economy"]["get"]["responses"]
    assert {"200", "202", "503"} <= set(responses)
    assert "Retry-After" in responses["202"]["headers"] and "Retry-After" in responses["503"]["headers"]


# --- what if ------------------------------------------------------------------------------------------------------

def test_hq_tries_substitute_rules_side_by_side_and_nothing_is_stored(client: Any, economy: City) -> None:
    client.force_login(economy.users["hq"])
    page = client.get("/rules/what-if/", {"measure": "economy", "month": "2020-05"})
    assert page.status_code == 200
    stored = Judgement.objects.count()
    tried = client.post("/rules/what-if/?measure=economy&month=2020-05", {
        "definition": json.dumps({"double_half_from_month": 5, "double_half_completion": 0.3})})
    assert tried.status_code == 200
    comparison = tried.context["comparison"]
    changed = {row["key"]: row["diffs"] for row in comparison["changed"]}
    # judged from May with 30%: the city's investment (36% done, −1%) now fails 双过半, the county growing 10% passes
    assert changed["GDZC · 339100"] == [("double_half", None, False)]
    assert changed["GDZC · 339102"] == [("double_half", None, True)]
    # how the outcomes move, summed: every changed row's move counted once under its (field, was, now)
    assert sum(n for _f, _was, _now, n in comparison["moves"]) == comparison["changed_count"] == len(changed)
    assert "结论如何变化" in tried.content.decode()
    assert Judgement.objects.count() == stored  # a trial is never stored
    assert services.evaluate(D(2020, 5, 1)).row("GDZC", "339102").double_half is None  # type: ignore[union-attr]
    assert AuditLog.objects.filter(action="what_if", object_repr="economy").exists()
    bad = client.post("/rules/what-if/?measure=economy&month=2020-05", {
        "definition": json.dumps({"double_half_from_month": 13, "double_half_completion": 0.3})})
    assert bad.status_code == 200 and "double_half_from_month" in bad.content.decode()
    assert bad.context["comparison"] is None


def test_a_refused_rule_set_is_said_in_the_readers_language_naming_the_field(client: Any, economy: City,
                                                                             settings: Any) -> None:
    """The messages of a refused definition were English on Chinese pages (#27): on the revision page and on the
    what-if page they are in the reader's language, naming the field by its label and its JSON name."""
    from django.utils.html import escape

    client.force_login(economy.users["hq"])
    outside = json.dumps({"double_half_from_month": 13, "double_half_completion": 0.5})
    zero = json.dumps({"double_half_from_month": 6, "double_half_completion": 0})
    said = {
        "zh-hans": [(outside, "「双过半自几月起研判」（double_half_from_month）须为 1 到 12 之间的整数"),
                    (zero, "「双过半所需的年度目标完成率」（double_half_completion）须为大于 0、不大于 1 的数"),
                    ("[6]", "规则定义须为 JSON 对象（{…}）")],
        "en": [(outside, "“The month from which \"double half\" (half the year's target by mid-year) is judged” "
                         "(double_half_from_month) must be a whole number from 1 to 12"),
               (zero, "“The share of the year's target \"double half\" needs” (double_half_completion) must be a "
                      "number greater than 0 and at most 1"),
               ("[6]", "The rule definition must be a JSON object ({…})")]}
    for language, cases in said.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for definition, message in cases:
            revised = client.post("/rules/", {"key": "economy", "definition": definition, "comment": "试算"})
            tried = client.post("/rules/what-if/?measure=economy&month=2020-05", {"definition": definition})
            for page in (revised, tried):
                assert page.status_code == 200 and page.context["form"].errors["definition"] == [message]
                assert escape(message) in page.content.decode()
            assert tried.context["comparison"] is None
    assert RuleSet.objects.filter(key="economy").count() == 1  # nothing revised


def test_only_hq_tries_rules(client: Any, economy: City) -> None:
    for role in ("district", "department", "leader", "enterprise"):
        client.force_login(economy.users[role])
        assert client.get("/rules/what-if/", {"measure": "economy"}).status_code in (403, 404)
    client.force_login(economy.users["hq"])
    assert client.get("/rules/what-if/", {"measure": "nope"}).status_code == 404


def test_a_stored_result_exports_as_xlsx_in_the_readers_scope(client: Any, economy: City) -> None:
    from openpyxl import load_workbook

    client.force_login(economy.users["district"])
    response = client.get("/judgements/export", {"measure": "economy", "period": "2020-05"})
    assert response.status_code == 200
    assert "%E7%BB%8F%E6%B5%8E" in response["Content-Disposition"]  # 经济… in the file name
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("指标代码", "范围代码", "类型")  # the contract's columns, headed in Chinese
    assert {r[1] for r in rows[1:]} == {"339100", "339102", "GXQ"}  # the district's scopes, not 339106
    city = next(r for r in rows[1:] if r[0] == "GDZC" and r[1] == "339100")
    assert city[rows[0].index("亮灯")] == "red" and city[rows[0].index("完成率")] == 0.36
    assert AuditLog.objects.filter(action="export", object_type="core.judgement").exists()
    client.force_login(economy.users["enterprise"])
    assert client.get("/judgements/export", {"measure": "economy", "period": "2020-05"}).status_code == 404


def test_the_worker_keeps_recent_periods_fresh_and_older_ones_when_asked(economy: City, settings: Any) -> None:
    measure = capability.measure("economy")
    for month in (1, 5):
        judgements.ensure(measure, Period.of(PeriodKind.MONTH, D(2020, month, 1)))
    # January was last computed (asked for) more than a week ago
    Judgement.objects.filter(measure="economy", period="2020-01").update(
        computed_at=dt.datetime(2020, 6, 1, tzinfo=dt.UTC))
    settings.DUALTRACK_JUDGE_INLINE = False
    assert load(economy.users["hq"], "economy_actuals", [
        ["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
        ["2020-05", "339100", "GDZC", "440", "400", ""]]).ok
    def economy_done() -> list[str]:
        return [k for k in judgements.worker_step()["computed"] if k.startswith("economy:")]

    assert economy_done() == ["economy:2020-05"]  # January is stale, not asked: it waits
    old = judgements.read(measure, Period.of(PeriodKind.MONTH, D(2020, 1, 1)))
    assert isinstance(old, judgements.Stored) and old.stale  # shown as it was, marked, and queued
    assert economy_done() == ["economy:2020-01"]
