"""The epidemic situation and the day's picture as measures (issue #27 §2): stored once per day in the judgement
store (columnar), read by pages (计算中 while computed), ensured by the API and the console, stale when their data
or the other rule set changes (a change from a day leaves the days before it fresh), and HQ's what-if page on the
five-colour thresholds."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dualtrack.core import columnar, judgements
from dualtrack.core import rules as rule_sets
from dualtrack.core.capability import Period, PeriodKind
from dualtrack.core.models import AuditLog, Judgement
from dualtrack.core.rules import RuleError
from dualtrack.epidemic import services
from dualtrack.epidemic.choices import NATIONAL_RULES
from dualtrack.epidemic.measure import FiveColourRules, Situation, measure
from dualtrack.epidemic.models import CaseReport
from dualtrack.epidemic.rules import FIVE_COLOUR, NATIONAL_2020
from dualtrack.resumption import snapshot
from dualtrack.resumption.measure import ResumptionRules
from dualtrack.resumption.rules import DEFAULT as RESUMPTION_DEFAULT
from dualtrack.resumption.snapshot import Snapshot, TrendCell

from .conftest import City
from .conftest import D as P  # the power city's day
from .test_epidemic_pages import outbreak  # noqa: F401  (the fixture)

# ruff: noqa: F811  (the ``outbreak`` fixture is imported and named as a test's argument)

D = dt.date(2020, 2, 20)


def day(value: dt.date) -> Period:
    return Period.of(PeriodKind.DAY, value)


def test_the_five_colour_rules_keep_their_messages_and_bounds() -> None:
    assert FiveColourRules.parse(FIVE_COLOUR)["window_days"] == 14
    for bad, message in (({**FIVE_COLOUR, "window_days": 0}, "「近期病例统计窗口（天）」（window_days）须为 1 到 60 之间的整数"),
                         ({**FIVE_COLOUR, "recent_days": 61}, "「最近新增统计窗口（天）」（recent_days）须为 1 到 60 之间的整数"),
                         ({**FIVE_COLOUR, "rules": [{"outcome": "purple", "all": []}]},
                          "rules[0]：outcome 须为 blue、green、orange、red、yellow 之一")):
        with pytest.raises(RuleError) as caught:
            FiveColourRules.parse(bad)
        assert message in str(caught.value)
    assert ResumptionRules.parse(RESUMPTION_DEFAULT)["count_weight"] == 0.5
    with pytest.raises(RuleError) as refused:
        ResumptionRules.parse({**RESUMPTION_DEFAULT, "count_weight": 2})
    assert str(refused.value) == "「复工电力指数中企业数占比的权重」（count_weight）须为 0 到 1 之间的数"


def test_the_stored_situation_round_trips_and_is_the_contract(outbreak: City) -> None:
    stored = judgements.ensure(measure(), day(D))
    assert isinstance(stored.result, Situation)
    assert columnar.decode(Situation, columnar.encode(stored.result)) == stored.result
    out = io.StringIO()
    call_command("situation", "--date", D.isoformat(), "--json", "--epidemic-only", stdout=out)
    assert out.getvalue() == services.situation_json(services.compute_situation(D)) + "\n"  # byte for byte
    assert json.loads(out.getvalue()) == measure().as_json(stored.result)
    why = io.StringIO()
    call_command("situation", "--date", D.isoformat(), "--json", "--why", stdout=why)
    assert why.getvalue() == services.situation_json(services.compute_situation(D, with_why=True)) + "\n"


def test_the_api_body_is_the_stored_contract_in_the_callers_scope(outbreak: City) -> None:
    client = Client()
    body = client.get(reverse("api-epidemic-situation"), {"date": D.isoformat()},
                      HTTP_AUTHORIZATION=f"Token {outbreak.token('district')}").json()
    assert body == services.compute_situation(D, outbreak.users["district"])


def test_a_page_says_it_is_computing_and_never_computes(client: Client, outbreak: City, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(outbreak.users["hq"])
    page = client.get(reverse("epidemic:map"), {"date": D.isoformat()})
    assert page.status_code == 200 and "正在计算 疫情形势 2020-02-20" in page.content.decode()
    assert not Judgement.objects.filter(measure="epidemic", period=D.isoformat()).exclude(payload=None).exists()
    picture = client.get("/resumption/", {"date": D.isoformat()})
    assert picture.status_code == 200 and "正在计算 每日态势 2020-02-20" in picture.content.decode()


def test_a_change_makes_the_day_and_later_stale_and_keeps_the_days_before(outbreak: City, settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    earlier = D - dt.timedelta(days=3)
    judgements.ensure(measure(), day(earlier))
    judgements.ensure(measure(), day(D))
    CaseReport.objects.filter(date=D - dt.timedelta(days=1), county=outbreak.jiangbei).update(new_confirmed=9)
    CaseReport.objects.get(date=D - dt.timedelta(days=1), county=outbreak.jiangbei).save()  # a correction of D−1
    found = judgements.read(measure(), day(D))
    assert isinstance(found, judgements.Stored) and found.stale
    kept = judgements.read(measure(), day(earlier))
    assert isinstance(kept, judgements.Stored) and not kept.stale  # D−3 did not read D−1
    assert services.situation(D)["regions"][0]["risk"]["cumulative_confirmed"] == 0 + 9 + 2 + 3 + 4


def test_a_revision_of_the_national_rule_set_makes_the_situation_stale(outbreak: City, settings: Any) -> None:
    assert services.situation(D)["rules_version"] == "national-2020:v1,five-colour:v1"
    settings.DUALTRACK_JUDGE_INLINE = False
    revised = {**NATIONAL_2020, "window_days": 7}
    rule_sets.revise(NATIONAL_RULES, revised, outbreak.users["hq"], "shorter window")
    found = judgements.read(measure(), day(D))
    assert isinstance(found, judgements.Stored) and found.stale
    assert services.situation(D)["rules_version"] == "national-2020:v2,five-colour:v1"


def test_hq_tries_substitute_five_colour_thresholds_and_nothing_is_stored(client: Client, outbreak: City) -> None:
    client.force_login(outbreak.users["hq"])
    page = client.get("/rules/what-if/", {"measure": "epidemic", "date": D.isoformat()})
    assert page.status_code == 200
    stored = Judgement.objects.count()
    stricter = json.loads(json.dumps(FIVE_COLOUR))
    stricter["rules"][2] = {"outcome": "yellow", "all": [["new3", ">", 5]]}  # 江北: 3 new cases in 3 days
    tried = client.post(f"/rules/what-if/?measure=epidemic&date={D.isoformat()}",
                        {"definition": json.dumps(stricter)})
    assert tried.status_code == 200
    changed = {row["key"]: row["diffs"] for row in tried.context["comparison"]["changed"]}
    assert changed == {"339102": [("suggested_colour", "yellow", "blue"), ("colour", "yellow", "blue")]}
    assert Judgement.objects.count() == stored  # a trial is never stored
    assert {r["code"]: r["risk"]["colour"] for r in services.situation(D)["regions"]} == {
        "339102": "yellow", "339106": "blue"}
    assert AuditLog.objects.filter(action="what_if", object_repr="epidemic").exists()
    bad = client.post(f"/rules/what-if/?measure=epidemic&date={D.isoformat()}",
                      {"definition": json.dumps({**FIVE_COLOUR, "window_days": 0})})
    assert bad.status_code == 200 and bad.context["comparison"] is None and "window_days" in bad.content.decode()


def test_the_stored_picture_round_trips_and_a_new_day_reads_the_days_before(power_city: City) -> None:
    assert any(c.enterprises for c in snapshot.refresh(P - dt.timedelta(days=1)).result.day_trend)  # power data
    before = snapshot.refresh(P - dt.timedelta(days=1))
    stored = snapshot.refresh(P)
    assert isinstance(stored.result, Snapshot)
    assert stored.result.rules_version == f"national-2020:v1,five-colour:v1,{stored.rules_version}"
    assert columnar.decode(Snapshot, columnar.encode(stored.result)) == stored.result
    payload = bytes(Judgement.objects.get(measure="resumption", period=(P - dt.timedelta(days=1)).isoformat()).payload)
    assert columnar.decode_part(Snapshot, payload, "day_trend") == before.result.day_trend
    label = stored.rules_version
    parts = snapshot._stored_parts(label, P - dt.timedelta(days=29), D, "day_trend")
    assert set(parts) == {P - dt.timedelta(days=1), P}
    assert all(isinstance(c, TrendCell) for cells in parts.values() for c in cells)
    assert [c for c in stored.result.trend if c.date == (P - dt.timedelta(days=1)).isoformat()] == \
        before.result.day_trend  # the day before's part of the trend is the one stored with it
    assert snapshot.is_stale(P) is False and snapshot.computed_at(P) is not None
