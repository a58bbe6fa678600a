"""招商引资 on the capability contract (issue #27): the rule set as a frozen dataclass with bounds, the day's result
stored once (columnar) and narrowed to each reader's leads, pages that never compute, the console and the API
printing one contract, staleness when a lead's data changes, the first informants kept out of the stored result,
and HQ's what-if page naming the leads whose light would change."""

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
from dualtrack.core.capability import Period, PeriodKind
from dualtrack.core.models import AuditLog, Judgement, JudgementState
from dualtrack.core.rules import RuleError
from dualtrack.investment import actions, services
from dualtrack.investment.measure import InvestmentRules
from dualtrack.investment.models import Lead
from dualtrack.investment.rules import validate

from .conftest import City
from .test_investment import leads, load  # noqa: F401  (the fixture)

D = dt.date

# ruff: noqa: F811  (the ``leads`` fixture is imported from test_investment and named as a test's argument)


def _measure() -> Any:
    return capability.measure("investment")


def test_the_rule_set_is_a_frozen_dataclass_with_bounds() -> None:
    rules = InvestmentRules.parse({"yellow_months": 6, "red_months": 9, "stale_days": 30})
    assert (rules["yellow_months"], rules.red_months, rules.stale_days) == (6, 9, 30)
    assert InvestmentRules.parse({}).definition() == {"yellow_months": 6, "red_months": 9, "stale_days": 30}
    yellow, red = "「正式签约后几个自然月未开工亮黄灯」（yellow_months）", "「正式签约后几个自然月未开工亮红灯」（red_months）"
    stale = "「签约前的线索几天无招商活动亮黄灯」（stale_days）须为 1 到 365 之间的整数"
    for bad, message in [({"yellow_months": 0}, f"{yellow}须为 1 到 60 之间的整数"),
                         ({"yellow_months": 61, "red_months": 90}, f"{yellow}须为 1 到 60 之间的整数"),
                         ({"red_months": 121}, f"{red}须为 1 到 120 之间的整数"),
                         ({"red_months": 9.5}, f"{red}须为 1 到 120 之间的整数"),
                         ({"stale_days": True}, stale),
                         ({"stale_days": 366}, stale),
                         ({"yellow_months": 9, "red_months": 9}, f"{red}须大于{yellow}"),
                         ({"green_months": 3}, "未知字段：green_months；可用字段：yellow_months、red_months、stale_days")]:
        with pytest.raises(RuleError) as refused:
            InvestmentRules.parse(bad)
        assert str(refused.value) == message
        with pytest.raises(RuleError) as refused:
            validate(bad)  # the rule set's revision page validates through the dataclass
        assert str(refused.value) == message
    with pytest.raises(RuleError):
        validate([6, 9, 30])


def test_the_stored_result_round_trips_and_holds_no_informant(leads: City) -> None:
    evaluation = services.evaluate(D(2020, 4, 30))
    data = columnar.encode(evaluation)
    back = columnar.decode(services.Evaluation, data)
    assert back == evaluation  # amounts exact, None kept, reasons as lists
    zs1 = next(s for s in back.leads if s.code == "ZS-1")
    assert isinstance(zs1.amount, Decimal) and zs1.park_code == "GXQ" and zs1.reasons == []
    assert next(s for s in back.leads if s.code == "ZS-4").reasons == ["stale"]
    # 第一信息人 (personal data, shown per viewer through the masking path) is no part of the whole city's result
    assert "informant" not in {f.name for f in dataclasses.fields(services.LeadStatus)}
    assert Lead.objects.get(code="ZS-1").informant == "王明"
    assert "王明" not in json.dumps(dataclasses.asdict(back), default=str, ensure_ascii=False)
    stored = Judgement.objects.get(measure="investment", period="2020-04-30")
    assert stored.state == JudgementState.READY and stored.rules_version == "investment:v1"


def test_the_result_is_narrowed_to_the_readers_leads_but_stored_for_the_whole_city(leads: City,
                                                                                  client: Any) -> None:
    client.force_login(leads.users["district_binhai"])
    assert [s["code"] for s in client.get("/api/v1/investment", {"date": "2020-04-30"}).json()["leads"]] == [
        "ZS-3", "ZS-4"]
    stored = judgements.ensure(_measure(), Period.of(PeriodKind.DAY, D(2020, 4, 30)))
    assert [s.code for s in stored.result.leads] == ["ZS-1", "ZS-2", "ZS-3", "ZS-4"]
    assert Judgement.objects.filter(measure="investment").count() == 1  # one result for every reader


def test_the_console_and_the_api_print_the_same_contract(leads: City, client: Any) -> None:
    out = io.StringIO()
    call_command("investment", "--date", "2020-04-30", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    client.force_login(leads.users["hq"])
    assert client.get("/api/v1/investment", {"date": "2020-04-30"}).json() == printed
    assert list(printed) == ["date", "rules_version", "leads", "scopes"]
    assert list(printed["leads"][0]) == ["code", "stage", "light", "reasons"]
    assert list(printed["scopes"][0]) == ["scope", "signed_amount", "amount_target", "progress", "big_signed",
                                          "big_target", "start_rate", "funds_rate"]
    assert out.getvalue() == json.dumps(services.evaluate(D(2020, 4, 30)).as_json(), ensure_ascii=False,
                                        indent=1) + "\n"
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    assert set(schema["components"]["schemas"]["InvestmentContract"]["properties"]) == {
        "date", "rules_version", "leads", "scopes"}
    assert schema["paths"]["/api/v1/investment"]["get"]["operationId"] == "investment_result"
    assert "/api/v1/investment/pipeline" in schema["paths"]  # the pipeline stays a plain view
    lines = io.StringIO()
    call_command("investment", "--date", "2020-04-30", stdout=lines)
    assert "339102" in lines.getvalue() and "signed 18" in lines.getvalue()


def test_pages_and_the_card_never_compute_they_say_pending(leads: City, client: Any, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(leads.users["hq"])
    page = client.get("/investment/", {"date": "2020-04-30"})
    assert page.status_code == 200 and "正在计算" in page.content.decode()
    row = Judgement.objects.get(measure="investment", period="2020-04-30")
    assert row.state == JudgementState.PENDING and row.queued_at is not None and row.payload is None
    assert "正在计算" in client.get("/investment/league/", {"date": "2020-04-30"}).content.decode()
    api = client.get("/api/v1/investment", {"date": "2020-04-30"})
    assert api.status_code == 202 and api.json()["status"] == "pending"
    assert judgements.run_queued("investment", "2020-04-30", "investment:v1")
    page = client.get("/investment/", {"date": "2020-04-30"})
    assert "正在计算" not in page.content.decode() and page.status_code == 200
    assert client.get("/api/v1/investment", {"date": "2020-04-30"}).status_code == 200


def test_a_lead_change_makes_the_stored_day_stale_until_recomputed(leads: City, settings: Any) -> None:
    period = Period.of(PeriodKind.DAY, D(2020, 4, 30))
    first = judgements.ensure(_measure(), period)
    assert not first.stale and next(s for s in first.result.leads if s.code == "ZS-4").light == "yellow"
    settings.DUALTRACK_JUDGE_INLINE = False
    actions.log_activity(leads.users["hq"], Lead.objects.get(code="ZS-4"), day=D(2020, 4, 20), kind="online")
    seen = judgements.read(_measure(), period)
    assert isinstance(seen, judgements.Stored) and seen.stale  # the old lights, saying so
    assert "investment:2020-04-30" in judgements.worker_step()["computed"]
    fresh = judgements.read(_measure(), period)
    assert isinstance(fresh, judgements.Stored) and not fresh.stale
    assert next(s for s in fresh.result.leads if s.code == "ZS-4").light is None  # an activity 10 days before
    assert load(leads.users["hq"], "fund_arrivals", [["月份", "线索编号", "到位资金"], ["2020-04", "ZS-1", "3"]]).ok
    assert judgements.read(_measure(), period).stale  # type: ignore[union-attr]


def test_hq_tries_other_thresholds_and_sees_which_leads_change(leads: City, client: Any) -> None:
    client.force_login(leads.users["hq"])
    assert client.get("/rules/what-if/", {"measure": "investment", "date": "2020-12-10"}).status_code == 200
    stored = Judgement.objects.count()
    tried = client.post("/rules/what-if/?measure=investment&date=2020-12-10", {
        "definition": json.dumps({"yellow_months": 6, "red_months": 12, "stale_days": 30})})
    assert tried.status_code == 200
    comparison = tried.context["comparison"]
    changed = {row["key"]: row["diffs"] for row in comparison["changed"]}
    # ZS-1, signed 10 March and not started: red after nine months, only yellow if red waited twelve
    assert changed == {"ZS-1": [("light", "red", "yellow"), ("reasons", ["not_started_9m"], ["not_started_6m"])]}
    assert comparison["rows"] == 4
    assert Judgement.objects.count() == stored  # a trial is never stored
    assert next(s for s in services.evaluate(D(2020, 12, 10)).leads if s.code == "ZS-1").light == "red"
    assert AuditLog.objects.filter(action="what_if", object_repr="investment").exists()
    bad = client.post("/rules/what-if/?measure=investment&date=2020-12-10", {
        "definition": json.dumps({"yellow_months": 9, "red_months": 6, "stale_days": 30})})
    assert bad.status_code == 200 and "「正式签约后几个自然月未开工亮红灯」（red_months）须大于「正式签约后几个自然月未开工亮黄灯」（yellow_months）" \
        in bad.content.decode()
    assert bad.context["comparison"] is None
    client.force_login(leads.users["district"])
    assert client.get("/rules/what-if/", {"measure": "investment"}).status_code in (403, 404)


def test_a_reason_names_the_threshold_it_was_judged_under(leads: City, client: Any, settings: Any) -> None:
    """The reasons said 满6个月, 满9个月 and 30天 whatever the rule set (#27): a lead judged under a 4-month threshold
    says 满4个月 wherever it is shown (pages, export, card, what-if, bulletin, the red lead's task), in the reader's
    language; the contract's codes stay as they were."""
    import openpyxl
    from django.utils import translation

    from dualtrack.core import rules as rule_sets
    from dualtrack.investment.bulletin import section
    from dualtrack.investment.cards import investment_card
    from dualtrack.problems.models import Problem

    hq = leads.users["hq"]
    rule_sets.revise("investment", {"yellow_months": 4, "red_months": 5, "stale_days": 20}, hq, "从严")
    settings.DUALTRACK_CLOCK = "2020-07-10T18:00:00+08:00"  # ZS-1, signed 10 March and not started: four months
    client.force_login(hq)
    body = client.get("/api/v1/investment", {"date": "2020-07-10"}).json()
    by_code = {lead["code"]: lead for lead in body["leads"]}
    assert body["rules_version"] == "investment:v2"
    assert (by_code["ZS-1"]["light"], by_code["ZS-1"]["reasons"]) == ("yellow", ["not_started_6m"])  # the code stays
    assert by_code["ZS-4"]["reasons"] == ["stale"]
    page = client.get("/investment/", {"date": "2020-07-10"}).content.decode()
    assert "正式签约满4个月未开工" in page and "20天无招商活动" in page
    assert "满6个月" not in page and "30天" not in page
    assert "正式签约满4个月未开工" in client.get("/investment/leads/ZS-1/").content.decode()
    export = client.get("/investment/leads.xlsx", {"date": "2020-07-10"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet is not None
    shown = {row[0]: row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (shown["ZS-1"], shown["ZS-4"]) == ("正式签约满4个月未开工", "20天无招商活动")
    card = investment_card(hq, D(2020, 7, 10))
    assert card is not None and "2 个项目亮黄灯（正式签约满4个月未开工、20天无招商活动）" in [r.text for r in card.rows]
    # what if the yellow light waited six months: ZS-1 goes out; each side named under the rules it was judged by
    tried = client.post("/rules/what-if/?measure=investment&date=2020-07-10", {
        "definition": json.dumps({"yellow_months": 6, "red_months": 9, "stale_days": 20})})
    comparison = tried.context["comparison"]
    assert {row["key"]: row["shown"] for row in comparison["changed"]} == {
        "ZS-1": [("亮灯", "黄灯", "—"), ("亮灯原因", "正式签约满4个月未开工", "—")]}
    reasons = next(c for c in comparison["counts"] if c["field"] == "reasons")["values"]
    assert ("正式签约满4个月未开工 → 正式签约满6个月未开工", 1, 0) in reasons
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/investment/", {"date": "2020-07-10"}).content.decode()
    assert "Not started 4 months after signing" in english and "No activity for 20 days" in english
    assert "6 months" not in english and "30 days" not in english
    # a month later ZS-1 is red under the five-month threshold: the bulletin and the task (kept in Chinese) say so
    settings.DUALTRACK_CLOCK = "2020-08-10T18:00:00+08:00"
    with translation.override("en"):
        assert services.raise_red_tasks(D(2020, 8, 10)) == 1
    assert "正式签约满5个月未开工" in Problem.objects.get(source_key="investment:red:ZS-1").description

    class Ctx:
        day = D(2020, 8, 10)

    with translation.override("en"):
        bulletin = "".join(section(Ctx()).paragraphs)
    assert "正式签约满5个月未开工的项目1个" in bulletin and "满9个月" not in bulletin
