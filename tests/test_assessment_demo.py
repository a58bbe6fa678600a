"""The demo city's 亩均论英雄 (#31 "Demo", DOMAIN.md §18): built once at a small size (1,000 enterprises, so that some
counties rate 20 firms or more and have a D class), read back through the contract (``dualtrack assessment --year Y
--json``) and the records behind it: the land and figures in realistic ranges, every T reason, 2019 final with its
classes by the rule in every county, the notice's objections answered, the D list's tasks, the parks' ranks with a
reward tier and the bonus rates, 2020 a draft from the first quarter's figures, and a second load that changes
nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import statistics
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_city(db: Any, settings: Any, tmp_path: Path) -> Any:
    from dualtrack.demo.loader import load_demo

    settings.HOME = tmp_path
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"  # the demo city runs on its own last day
    lines: list[str] = []
    load_demo(seed=5, enterprises=1000, log=lines.append)
    return lines


def contract(year: int) -> dict[str, Any]:
    out = io.StringIO()
    call_command("assessment", "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def expected_classes(n: int) -> dict[str, int]:
    a, ab, d = math.ceil(0.2 * n), math.ceil(0.6 * n), math.floor(0.05 * n)
    return {"A": a, "B": ab - a, "C": n - ab - d, "D": d}


def test_the_demo_citys_assessment(demo_city: list[str], settings: Any) -> None:  # noqa: PLR0915 - one demo build
    from dualtrack.assessment import services
    from dualtrack.assessment.models import (
        Assessment,
        AssessmentRow,
        EnterpriseAnnual,
        LandUse,
        Objection,
        ParkRank,
    )
    from dualtrack.core.models import AuditLog
    from dualtrack.problems.models import Problem
    from dualtrack.registry.models import Enterprise

    assert settings.DUALTRACK_CLOCK == "2020-04-30T18:00:00+08:00"  # the steps' clocks were put back
    body = contract(2019)
    assert (body["year"], body["status"], body["rules_version"]) == (2019, "final", "mu-efficiency:v1")
    rows = body["enterprises"]
    rated = [r for r in rows if r["rated"]]
    assert len(rated) > 100

    # Every T reason, each as the records say: a utility's division, an operating day from 2018, no land row, land
    # without figures.
    reasons = {r["not_rated_reason"] for r in rows if not r["rated"]}
    assert reasons == {"utility", "new", "no_land", "no_data"}
    firms = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows]).select_related(
        "industry_division")}
    land = {(e, y): (float(m), s) for e, y, m, s in LandUse.objects.values_list("enterprise_id", "year", "land_mu",
                                                                              "operating_since")}
    annual = {(e, y) for e, y in EnterpriseAnnual.objects.values_list("enterprise_id", "year")}
    for row in rows:
        firm, reason = firms[row["uscc"]], row["not_rated_reason"]
        if reason == "utility":
            assert firm.industry_division.code in ("44", "45", "46")
        elif reason == "new":
            assert land[(firm.pk, 2019)][1] >= dt.date(2018, 1, 1)
        elif reason == "no_land":
            assert (firm.pk, 2019) not in land and firm.size_class == "规上工业"
        elif reason == "no_data":
            assert (firm.pk, 2019) in land and (firm.pk, 2019) not in annual
        else:
            assert land[(firm.pk, 2019)][0] >= 3 and (firm.pk, 2019) in annual
    # A small manufacturing firm with land under 3 亩 is not listed; every 规上工业 firm is.
    small = [pk for (pk, y), (mu, _s) in land.items() if y == 2019 and mu < 3]
    assert small and not {firms[r["uscc"]].pk for r in rows} & set(small)
    assert len(rows) >= Enterprise.objects.filter(size_class="规上工业", is_active=True).count()

    # Realistic figures: land 5–300 亩 for the 规上, 亩均税收 mostly 5–40 万元/亩, 亩均销售收入 mostly 100–800.
    above = set(Enterprise.objects.filter(size_class="规上工业").values_list("pk", flat=True))
    assert all(5 <= mu <= 300 for (pk, _y), (mu, _s) in land.items() if pk in above)
    assert all(1 <= mu <= 300 for mu, _s in land.values())
    tax_per_mu = [r["tax_per_mu"] for r in rated]
    sales_per_mu = [r["sales_per_mu"] for r in rated]
    assert 5 <= statistics.median(tax_per_mu) <= 40 and 100 <= statistics.median(sales_per_mu) <= 800
    assert sum(5 <= v <= 40 for v in tax_per_mu) > 0.6 * len(rated)
    assert sum(60 <= v <= 1000 for v in sales_per_mu) > 0.8 * len(rated)
    # Power: given for most firms; a few left it blank and the platform's readings gave it.
    figures_2019 = EnterpriseAnnual.objects.filter(year=2019)
    blank = set(figures_2019.filter(kwh__isnull=True).values_list("enterprise__uscc", flat=True))
    assert 0 < len(blank) < 0.1 * figures_2019.count()
    assert any(r["uscc"] in blank and r["tax_per_kwh"] is not None for r in rated)
    # The other presets' figures for most firms.
    full = figures_2019.exclude(added_value=None).exclude(employees=None).exclude(rd=None).exclude(
        energy=None).exclude(emissions=None).count()
    assert full > 0.7 * figures_2019.count()
    # Audited as an import's rows.
    assert AuditLog.objects.filter(object_type="assessment.landuse").count() == len(land)
    assert AuditLog.objects.filter(object_type="assessment.enterpriseannual").count() == len(annual)

    # 2019's classes by the rule in every county; A, B, C and D where 20 or more are rated.
    big = 0
    for county in body["counties"]:
        n = county["rated"]
        assert {g: county[g] for g in "ABCD"} == expected_classes(n)
        assert n == sum(r["county"] == county["code"] for r in rated)
        if n >= 20:
            big += 1
            assert all(county[g] >= 1 for g in "ABCD")
    assert big >= 1

    # The life of 2019: published in early March, three objections during the notice, each answered, final after.
    first = Assessment.objects.get(year=2019)
    assert first.version == 1 and first.published_on is not None and first.finalised_on is not None
    assert dt.date(2020, 3, 1) <= first.published_on <= dt.date(2020, 3, 10)
    assert first.published_on < first.notice_ends_on < first.finalised_on
    assert AssessmentRow.objects.filter(assessment=first).count() == len(rows)
    objections = list(Objection.objects.filter(assessment=first).select_related("filed_by"))
    assert len(objections) == 3
    frozen = dict(AssessmentRow.objects.filter(assessment=first).values_list("enterprise_id", "grade"))
    assert sorted(frozen[o.enterprise_id] for o in objections) == ["B", "C", "D"]
    for objection in objections:
        assert first.published_on < objection.filed_on <= first.notice_ends_on
        assert objection.filed_by.enterprise_id == objection.enterprise_id and objection.filed_by.role == "enterprise"
        assert objection.state == "answered" and objection.answered_on <= first.finalised_on
        assert f"维持原评价（{frozen[objection.enterprise_id]}类）" in objection.answer
        # the objecting firm sees its own row, and only it
        mine = services.evaluate(2019, objection.filed_by).enterprises
        assert [r.enterprise_id for r in mine] == [objection.enterprise_id]
    # The D list: one task per county with D firms, naming them, raised on the day of the final.
    with_d = {c["code"] for c in body["counties"] if c["D"]}
    tasks = list(Problem.objects.filter(source_key__startswith="mu-d-list:2019:").select_related("county"))
    assert {t.county.code for t in tasks} == with_d and with_d
    for task in tasks:
        assert task.reported_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == first.finalised_on
        d_names = Enterprise.objects.filter(pk__in=[e for e, g in frozen.items() if g == "D"],
                                            county__code=task.county.code).values_list("name", flat=True)
        assert all(name in task.description for name in list(d_names)[:5])
    assert services.final_class(objections[0].enterprise_id, 2019) == frozen[objections[0].enterprise_id]

    # The parks: the province's ranks of 2018 and 2019 (of 100–150); 高新区 climbs 7 (tier 2, +20%), 经开区 is 3rd
    # (+30%), 丰和工业园区 is near the bottom (−20%).
    assert ParkRank.objects.count() == 8 and all(100 <= r.of <= 150 for r in ParkRank.objects.all())
    parks = {p["code"]: p for p in body["parks"]}
    assert parks["GXQ"] == {"code": "GXQ", "rank": 7, "last_rank": 14, "rank_change": 7, "reward_tier": 2,
                            "bonus_rate": 0.2}
    assert (parks["JKQ"]["rank"], parks["JKQ"]["bonus_rate"]) == (3, 0.3)
    assert (parks["ZBQ"]["reward_tier"], parks["ZBQ"]["bonus_rate"]) == (1, 0.0)
    assert parks["FHY"]["rank_change"] < 0 and parks["FHY"]["bonus_rate"] == -0.2

    # 2020: a draft from the first quarter's figures (annualised, below 2019's), land for every firm with land.
    draft = contract(2020)
    assert draft["status"] == "draft" and Assessment.objects.get(year=2020).status == "draft"
    assert not AssessmentRow.objects.filter(assessment__year=2020).exists()
    assert sum(r["rated"] for r in draft["enterprises"]) > 0.5 * len(rated)
    assert {r["not_rated_reason"] for r in draft["enterprises"]} >= {"utility", "new", "no_data"}
    assert LandUse.objects.filter(year=2020).count() >= LandUse.objects.filter(year=2019).count()
    tax = {y: float(sum(EnterpriseAnnual.objects.filter(year=y, enterprise__in=above).values_list("tax", flat=True)))
           for y in (2018, 2019, 2020)}
    assert tax[2018] < tax[2019] and 0.5 * tax[2019] < tax[2020] < tax[2019]
    assert services.final_class(objections[0].enterprise_id, 2020) is None
    # The 黄岩 preset can be tried on the draft: most rated firms have all six of its indicators.
    from dualtrack.assessment.choices import HUANGYAN
    from dualtrack.assessment.measure import MuRules
    from dualtrack.core import capability, judgements
    from dualtrack.core.capability import Period, PeriodKind

    measure = capability.measure("assessment")
    trial = judgements.what_if(measure, Period.of(PeriodKind.YEAR, dt.date(2020, 1, 1)),
                               MuRules.parse({**measure.current_rules()[1].definition(), "indicators": HUANGYAN}))
    trial_rated = [r for r in trial.enterprises if r.rated]
    assert sum(all(v is not None for v in r.values) for r in trial_rated) > 0.6 * len(trial_rated)
    assert any("assessment:" in line and "2019 已定稿" in line for line in demo_city)
    second_load_changes_nothing()


def second_load_changes_nothing() -> None:
    from dualtrack.assessment.models import Assessment, EnterpriseAnnual, LandUse, Objection, ParkRank
    from dualtrack.core.actors import SystemActor
    from dualtrack.demo import assessment as demo_assessment
    from dualtrack.problems.models import Problem

    def counts() -> tuple[int, ...]:
        return (LandUse.objects.count(), EnterpriseAnnual.objects.count(), ParkRank.objects.count(),
                Assessment.objects.count(), Objection.objects.count(),
                Problem.objects.filter(source_key__startswith="mu-d-list:").count())

    before = counts()
    lines: list[str] = []
    demo_assessment.load(5, lines.append, SystemActor("system:demo"))
    assert counts() == before and "already loaded" in lines[0]
    assert list(Assessment.objects.order_by("year").values_list("year", "status")) == [(2019, "final"),
                                                                                      (2020, "draft")]
