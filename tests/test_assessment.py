"""亩均论英雄 (DOMAIN.md §18) with a real database: the year's contract from the land and annual figures, power from
the readings when a firm gave none, draft → 公示 → objection → answer → final, frozen rows, the D list's tasks, a
correction as a new version, another preset adopted as a new rule-set version."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dualtrack.assessment import actions, services
from dualtrack.assessment.models import Assessment, EnterpriseAnnual, LandUse, Objection, ParkRank

from .conftest import City, make_enterprise

Y = 2019


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(dt.date(2020, 3, 2))
    return set_clock


def figures(enterprise: Any, year: int, *, land: float = 10, tax: float = 100, sales: float = 1000,
            kwh: float | None = 100, since: dt.date = dt.date(2010, 1, 1)) -> None:
    LandUse.objects.create(enterprise=enterprise, year=year, land_mu=Decimal(str(land)), operating_since=since)
    EnterpriseAnnual.objects.create(enterprise=enterprise, year=year, tax=Decimal(str(tax)),
                                    sales=Decimal(str(sales)), kwh=None if kwh is None else Decimal(str(kwh)))


def contract(year: int = Y) -> dict[str, Any]:
    out = StringIO()
    call_command("assessment", "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def rated(city: City, clock: Any) -> City:
    for enterprise, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50)):
        figures(enterprise, Y - 1, tax=tax)
        figures(enterprise, Y, tax=tax)
    ParkRank.objects.create(park=city.park, year=Y - 1, rank=20, of=100)
    ParkRank.objects.create(park=city.park, year=Y, rank=14, of=100)
    return city


def test_the_contract_of_a_draft_year(rated: City) -> None:
    body = contract()
    assert (body["year"], body["rules_version"], body["status"]) == (Y, "mu-efficiency:v1", "draft")
    rows = {r["uscc"]: r for r in body["enterprises"]}
    best = rows[rated.e_jiangbei.uscc]
    # base: 2 × last year's county mean of tax per mu ((10 + 5) / 2 = 7.5) = 15; 10 ÷ 15 × 45 = 30
    assert best["tax_per_mu"] == 10 and best["sales_per_mu"] == 100 and best["tax_per_kwh"] == 1
    assert best["score"] == pytest.approx(30 + 0.5 * 35 + (1 / 1.5) * 20, abs=0.01)
    assert (best["class"], best["rank_in_county"], best["rated"], best["not_rated_reason"]) == ("A", 1, True, None)
    assert rows[rated.e_jiangbei_park.uscc]["class"] == "B"
    assert rated.e_binhai.uscc not in rows  # a service firm is not in the assessment
    county = next(c for c in body["counties"] if c["code"] == rated.jiangbei.code)
    assert county == {"code": rated.jiangbei.code, "rated": 2, "A": 1, "B": 1, "C": 0, "D": 0, "T": 0}
    assert body["parks"] == [{"code": "GXQ", "rank": 14, "last_rank": 20, "rank_change": 6, "reward_tier": 2,
                              "bonus_rate": 0.2}]


def test_power_from_the_readings_when_the_firm_gave_none(power_city: City, clock: Any) -> None:
    figures(power_city.e_jiangbei, Y, kwh=None)  # its accounts read 1000 kWh in December 2019: 0.1 万千瓦时
    row = next(r for r in contract()["enterprises"] if r["uscc"] == power_city.e_jiangbei.uscc)
    assert row["tax_per_kwh"] == pytest.approx(100 / 0.1)


def test_each_t_reason(city: City, clock: Any) -> None:
    utility = make_enterprise(city.binhai, "滨海水务有限公司", division="46")
    newcomer = make_enterprise(city.binhai, "滨海新材料有限公司")
    small = make_enterprise(city.binhai, "滨海小五金厂", size_class="规下工业")
    for enterprise in (utility, city.e_jiangbei):
        figures(enterprise, Y)
    figures(newcomer, Y, since=dt.date(Y - 1, 1, 1))
    LandUse.objects.create(enterprise=small, year=Y, land_mu=Decimal("3"))  # 3 亩: in, but no figures
    reasons = {r["uscc"]: r["not_rated_reason"] for r in contract()["enterprises"]}
    assert reasons[utility.uscc] == "utility" and reasons[newcomer.uscc] == "new"
    assert reasons[small.uscc] == "no_data" and reasons[city.e_jiangbei_park.uscc] == "no_land"
    assert reasons[city.e_jiangbei.uscc] is None


def test_draft_publish_object_answer_finalise(rated: City, clock: Any) -> None:
    from dualtrack.problems.models import Problem

    office, firm = rated.users["department"], rated.users["enterprise"]
    with pytest.raises(PermissionDenied):
        actions.compute_draft(rated.users["district"], Y)
    actions.compute_draft(office, Y)
    mine = services.evaluate(Y, firm)
    assert mine.enterprises == []  # an enterprise does not see a draft
    published = actions.publish(office, Y, on=dt.date(2020, 3, 2))  # a Monday: the notice ends Thursday
    assert published.notice_ends_on == dt.date(2020, 3, 5)
    assert contract()["status"] == "published"
    assert [r.uscc for r in services.evaluate(Y, firm).enterprises] == [rated.e_jiangbei.uscc]
    # data changed after publication: the published rows do not move
    EnterpriseAnnual.objects.filter(enterprise=rated.e_jiangbei, year=Y).update(tax=Decimal("1"))
    LandUse.objects.filter(enterprise=rated.e_jiangbei, year=Y).update(land_mu=Decimal("11"))
    assert next(r for r in contract()["enterprises"] if r["uscc"] == rated.e_jiangbei.uscc)["class"] == "A"
    objection = actions.object_to(firm, published, rated.e_jiangbei, "用地面积含代征道路，应扣除", on=dt.date(2020, 3, 5))
    with pytest.raises(ValidationError):
        actions.object_to(firm, published, rated.e_jiangbei, "再提一次", on=dt.date(2020, 3, 6))  # after the notice
    with pytest.raises(ValidationError) as refused:
        actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    assert "1件异议未答复" in str(refused.value)
    actions.answer(office, objection, "经核实，用地面积按不动产登记证确认，维持原评价。", on=dt.date(2020, 3, 6))
    with pytest.raises(ValidationError):
        actions.finalise(office, Y, on=dt.date(2020, 3, 5))  # the notice's last day
    final = actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    assert final.status == "final" and contract()["status"] == "final"
    assert Objection.objects.get().state == "answered"
    assert services.classes_of(rated.e_jiangbei.pk) == [(Y, "A", "final")]
    assert services.final_class(rated.e_jiangbei.pk, Y) == "A"
    assert not Problem.objects.filter(source_key__startswith="mu-d-list:").exists()  # no D with 2 rated
    correction = actions.correct(office, Y, "税收数据更正")
    assert (correction.version, correction.status) == (2, "draft")
    body = contract()
    assert body["status"] == "draft"  # the new version recomputed from the corrected data
    assert next(r for r in body["enterprises"] if r["uscc"] == rated.e_jiangbei.uscc)["class"] == "B"
    assert Assessment.objects.get(year=Y, version=1).status == "final"  # the final one stays as it was
    assert services.classes_of(rated.e_jiangbei.pk) == [(Y, "A", "final")]


def test_the_d_list_becomes_the_countys_task(city: City, clock: Any) -> None:
    from dualtrack.problems.models import Problem

    firms = [make_enterprise(city.binhai, f"滨海制造{n:02d}有限公司") for n in range(20)]
    for n, enterprise in enumerate(firms):
        figures(enterprise, Y, tax=10 + n)
    office = city.users["department"]
    actions.publish(office, Y, on=dt.date(2020, 3, 2))
    actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    task = Problem.objects.get(source_key=f"mu-d-list:{Y}:{city.binhai.code}")
    assert task.county == city.binhai and firms[0].name in task.description and "D类企业" in task.description
    county = next(c for c in contract()["counties"] if c["code"] == city.binhai.code)
    assert (county["A"], county["B"], county["C"], county["D"]) == (4, 8, 7, 1)


def test_another_preset_adopted_as_a_new_version(rated: City) -> None:
    from dualtrack.core import rules as rule_sets

    actions.adopt_preset(rated.users["hq"], "山东")
    assert rule_sets.current("mu-efficiency").version == 2
    body = contract()
    assert body["rules_version"] == "mu-efficiency:v2"
    row = next(r for r in body["enterprises"] if r["uscc"] == rated.e_jiangbei.uscc)
    assert "rd_intensity" in row and row["tax_per_kwh"] is None  # 山东 has no tax per kWh
    with pytest.raises(ValidationError):
        actions.adopt_preset(rated.users["hq"], "杭州")


def test_the_class_is_a_policys_eligibility_field(rated: City) -> None:
    from django.core.exceptions import ValidationError as Refused

    from dualtrack.policies.eligibility import Eligibility
    from dualtrack.registry.models import Enterprise

    only_a = Eligibility.parse({"mu_classes": ["A"]})
    assert "亩均效益评价类别：A类" in only_a.describe()
    assert not only_a.apply(Enterprise.objects.all(), dt.date(2020, 3, 2)).exists()  # nothing final yet
    office = rated.users["department"]
    actions.publish(office, Y, on=dt.date(2020, 3, 2))
    actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    assert list(only_a.apply(Enterprise.objects.all(), dt.date(2020, 3, 6))) == [rated.e_jiangbei]
    with pytest.raises(Refused):
        Eligibility.parse({"mu_classes": ["E"]})


def test_the_bases_are_kept_with_the_published_rows(rated: City) -> None:
    office = rated.users["department"]
    before = {(b.county, b.indicator): b.base for b in services.evaluate(Y).bases}
    actions.publish(office, Y, on=dt.date(2020, 3, 2))
    EnterpriseAnnual.objects.filter(year=Y - 1).update(tax=Decimal("1"))  # last year's figures change afterwards
    after = {(b.county, b.indicator): b.base for b in services.evaluate(Y).bases}
    assert after == before and after[(rated.jiangbei.code, "tax_per_mu")] == 15
