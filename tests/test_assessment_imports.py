"""The datasets of 亩均论英雄 (DOMAIN.md §10, §18) through the import framework: ``land_use``, ``enterprise_annual`` and
``park_ranks``, each row through the actions (``save_land_use``, ``save_annual``, ``save_park_rank``); .xlsx and
.csv, all or nothing, idempotent, every error by row and column; a reported value never changed silently (a draft
year's input corrected and audited, a published or final year's refused naming the row and the columns); a county
imports its own enterprises' land and figures only; the contract reflects what was imported."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from dualtrack.assessment import actions
from dualtrack.assessment.models import EnterpriseAnnual, LandUse, ParkRank
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.core.models import AuditLog

from .conftest import City, _user, make_enterprise

Y = 2019
LAND = ["统一社会信用代码", "年度", "用地面积", "投产日期"]
ANNUAL = ["统一社会信用代码", "年度", "评价税收", "销售收入", "用电量"]
PRESET = ["工业增加值", "从业人员", "研发经费", "综合能耗", "主要污染物排放"]
RANKS = ["园区代码", "年度", "全省排名", "参评园区数"]
ALL = ("land_use", "enterprise_annual", "park_ranks")


@pytest.fixture(autouse=True)
def clock(settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-03-02T18:00:00+08:00"


def imp(user: Any, name: str, rows: list[list[Any]], *, xlsx: bool = False) -> ImportResult:
    from .helpers import csv_bytes, xlsx_bytes

    dataset = get_dataset(name)
    assert dataset is not None, name
    data, filename = (xlsx_bytes(rows), f"{name}.xlsx") if xlsx else (csv_bytes(rows), f"{name}.csv")
    return run_import(dataset, io.BytesIO(data), filename, user)


def where(result: ImportResult) -> list[tuple[int | None, str | None]]:
    return [(e.row, e.column) for e in result.errors]


def counts(result: ImportResult) -> tuple[int, int, int]:
    assert result.ok, [str(e) for e in result.errors]
    return result.created, result.updated, result.unchanged


def world() -> dict[str, Any]:
    """What an import of these datasets could touch, to prove a refused file wrote nothing."""
    return {"land": sorted(LandUse.objects.values_list("enterprise_id", "year", "land_mu", "operating_since")),
            "annual": sorted(EnterpriseAnnual.objects.values_list(
                "enterprise_id", "year", "tax", "sales", "kwh", "added_value", "employees", "rd", "energy",
                "emissions")),
            "ranks": sorted(ParkRank.objects.values_list("park_id", "year", "rank", "of")),
            "audit": AuditLog.objects.exclude(action="import").count()}


def changes(model: str) -> int:
    return AuditLog.objects.filter(object_type=f"assessment.{model}", action__in=("create", "update")).count()


def contract(year: int = Y) -> dict[str, Any]:
    out = StringIO()
    call_command("assessment", "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def imported(city: City) -> City:
    """Both of Jiangbei's manufacturing firms with their land and figures of 2018 and 2019 (tax 100 and 50 on 10 亩)."""
    office = city.users["department"]
    rows = [[e.uscc, year, 10, "2010-01-01"] for e in (city.e_jiangbei, city.e_jiangbei_park) for year in (Y - 1, Y)]
    counts(imp(office, "land_use", [LAND, *rows]))
    rows = [[e.uscc, year, tax, 1000, 100] for e, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50))
            for year in (Y - 1, Y)]
    counts(imp(office, "enterprise_annual", [ANNUAL, *rows]))
    return city


# --- each dataset ------------------------------------------------------------------------------------------------

def test_land_use_from_csv_and_xlsx_and_again_changes_nothing(city: City) -> None:
    office, hq = city.users["department"], city.users["hq"]
    rows = [LAND, [city.e_jiangbei.uscc, Y, "35.5", "2012-06-01"], [city.e_binhai.uscc, Y, 3, ""]]
    assert counts(imp(office, "land_use", rows)) == (2, 0, 0)  # the office: every county's enterprises
    mine = LandUse.objects.get(enterprise=city.e_jiangbei, year=Y)
    assert (mine.land_mu, mine.operating_since) == (Decimal("35.50"), dt.date(2012, 6, 1))
    assert LandUse.objects.get(enterprise=city.e_binhai).operating_since is None  # blank: not known
    assert changes("landuse") == 2  # each row audited as created
    again = [LAND, [city.e_jiangbei.uscc.lower(), Y, 35.5, dt.date(2012, 6, 1)], [city.e_binhai.uscc, Y, "3.00", None],
             [city.e_jiangbei_park.uscc, Y - 1, 12.25, dt.datetime.fromisoformat("2015-03-01")]]
    assert counts(imp(hq, "land_use", again, xlsx=True)) == (1, 0, 2)  # typed cells: the same values, skipped
    before = world()
    assert counts(imp(hq, "land_use", again, xlsx=True)) == (0, 0, 3)
    assert counts(imp(hq, "land_use", [["uscc", "year", "land_mu", "operating_since"], *again[1:]])) == (0, 0, 3)
    assert world() == before  # nothing written, nothing audited
    for role in ("leader", "enterprise", "liaison", "public"):
        assert not get_dataset("land_use").can_import(city.users[role]), role  # type: ignore[union-attr]


def test_enterprise_annual_with_power_left_blank_and_the_presets_figures(city: City) -> None:
    office = city.users["department"]
    rows = [ANNUAL + PRESET, [city.e_jiangbei.uscc, Y, "120.5", "3500", "", "800", "150", "60.25", "900", "12"],
            [city.e_jiangbei_park.uscc, Y, 0, "1,200", "85.2", "", "", "", "", ""]]
    assert counts(imp(office, "enterprise_annual", rows)) == (2, 0, 0)
    mine = EnterpriseAnnual.objects.get(enterprise=city.e_jiangbei)
    assert (mine.tax, mine.sales, mine.kwh) == (Decimal("120.5"), Decimal("3500"), None)  # blank: from the readings
    assert (mine.added_value, mine.employees, mine.rd, mine.energy, mine.emissions) == (
        Decimal("800"), 150, Decimal("60.25"), Decimal("900"), Decimal("12"))
    park = EnterpriseAnnual.objects.get(enterprise=city.e_jiangbei_park)
    assert (park.tax, park.sales, park.kwh, park.added_value, park.employees) == (0, 1200, Decimal("85.2"), None, None)
    assert counts(imp(office, "enterprise_annual", rows, xlsx=True)) == (0, 0, 2)
    # the presets' columns left out of a file: what is recorded stays
    assert counts(imp(office, "enterprise_annual", [ANNUAL, [city.e_jiangbei.uscc, Y, "120.50", 3500, None]],
                      xlsx=True)) == (0, 0, 1)
    assert EnterpriseAnnual.objects.get(enterprise=city.e_jiangbei).added_value == Decimal("800")
    # a file without the power column is refused: 用电量 is a column of the contract (its cells may be blank)
    missing = imp(office, "enterprise_annual", [ANNUAL[:4], [city.e_jiangbei.uscc, Y, 1, 1]])
    assert where(missing) == [(1, "用电量")]


def test_park_ranks_by_hq_and_the_office_only(city: City) -> None:
    from dualtrack.registry.models import Park

    hq, office = city.users["hq"], city.users["department"]
    other = Park.objects.create(code="BHGY", name="滨海工业园区", county=city.binhai)
    rows = [RANKS, ["GXQ", Y - 1, 20, 100], ["gxq", Y, 14, 100], ["BHGY", Y, 100, 100]]
    assert counts(imp(hq, "park_ranks", rows)) == (3, 0, 0)
    assert counts(imp(office, "park_ranks", rows, xlsx=True)) == (0, 0, 3)
    assert ParkRank.objects.get(park=other).rank == 100
    bad = imp(hq, "park_ranks", [RANKS, ["XXX", Y, 1, 10], ["BHGY", Y - 1, 11, 10], ["BHGY", Y - 2, 0, 10],
                                 ["BHGY", Y - 3, 3, 0]])
    assert where(bad) == [(2, "园区代码"), (3, "全省排名"), (4, "全省排名"), (5, "参评园区数")]
    assert "全省排名11超过参评园区数10" in bad.errors[1].message
    assert ParkRank.objects.count() == 3
    for role in ("district", "park", "leader", "enterprise"):
        assert not get_dataset("park_ranks").can_import(city.users[role]), role  # type: ignore[union-attr]
    # the park board reads what was imported: 20 → 14, six places gained (tier 2), +20%
    board = {p["code"]: p for p in contract()["parks"]}
    assert board["GXQ"] == {"code": "GXQ", "rank": 14, "last_rank": 20, "rank_change": 6, "reward_tier": 2,
                            "bonus_rate": 0.2}
    assert board["BHGY"]["bonus_rate"] == -0.3  # the last


# --- a reported value is never changed silently -----------------------------------------------------------------

def test_a_draft_years_input_is_corrected_and_audited_a_published_ones_refused(city: City) -> None:
    imported(city)
    office, firm = city.users["department"], city.e_jiangbei.uscc
    actions.compute_draft(office, Y)
    updates = AuditLog.objects.filter(object_type="assessment.enterpriseannual", action="update")
    assert counts(imp(office, "enterprise_annual", [ANNUAL, [firm, Y, 90, 1000, 100]])) == (0, 1, 0)
    assert EnterpriseAnnual.objects.get(enterprise=city.e_jiangbei, year=Y).tax == 90
    entry = updates.get()  # the correction of the draft's input, audited with what it was
    assert (entry.before, entry.after, entry.actor) == ({"tax": "100.00"}, {"tax": "90.00"}, office)
    assert next(r for r in contract()["enterprises"] if r["uscc"] == firm)["tax_per_mu"] == 9
    actions.publish(office, Y, on=dt.date(2020, 3, 2))
    before = world()
    refused = imp(office, "enterprise_annual", [ANNUAL, [city.e_jiangbei_park.uscc, Y, 50, 1000, 100],
                                                [firm, Y, 100, 1000, 120]])
    assert where(refused) == [(3, "评价税收"), (3, "用电量")]
    assert "2019年度评价已公示，数据不能再修改，如需更正请发起更正" in refused.errors[0].message
    assert "已登记为90" in refused.errors[0].message and refused.errors[0].value == "100"
    land = imp(office, "land_use", [LAND, [firm, Y, 11, "2010-01-01"]])
    assert where(land) == [(2, "用地面积")] and "已公示" in land.errors[0].message
    ranks = imp(city.users["hq"], "park_ranks", [RANKS, ["GXQ", Y, 15, 100]])
    assert counts(ranks) == (1, 0, 0)  # a new row of a published year: not a change of a reported value
    assert where(imp(city.users["hq"], "park_ranks", [RANKS, ["GXQ", Y, 14, 100]])) == [(2, "全省排名")]
    assert world()["annual"] == before["annual"] and world()["land"] == before["land"]
    assert counts(imp(office, "enterprise_annual", [ANNUAL, [firm, Y, "90.00", 1000, 100]])) == (0, 0, 1)  # as is
    # the last year's figures feed this year's base only: a published 2019 does not freeze 2018
    assert counts(imp(office, "land_use", [LAND, [firm, Y - 1, 10, "2010-01-02"]])) == (0, 1, 0)
    actions.finalise(office, Y, on=dt.date(2020, 3, 6))
    final = imp(office, "land_use", [LAND, [firm, Y, 11, "2010-01-01"]])
    assert "2019年度评价已定稿，数据不能再修改，如需更正请发起更正" in final.errors[0].message
    with pytest.raises(ValidationError) as direct:  # the action refuses as the import does (one write path)
        actions.save_land_use(office, city.e_jiangbei, Y, Decimal("11"), dt.date(2010, 1, 1))
    assert set(direct.value.message_dict) == {"land_mu"}
    actions.correct(office, Y, "用地面积更正")  # a new version, a draft: its input may be corrected again
    assert counts(imp(office, "land_use", [LAND, [firm, Y, 11, "2010-01-01"]])) == (0, 1, 0)


def test_all_or_nothing_with_every_error_named(city: City) -> None:
    office = city.users["department"]
    before = world()
    bad = imp(office, "enterprise_annual", [
        ANNUAL,
        [city.e_jiangbei.uscc, Y, 100, 1000, 100],  # good
        [city.e_jiangbei_park.uscc, Y, "12,3a", 1000, ""],  # not a number
        [city.e_binhai.uscc, Y, "-5", "10.125", "1e9"],  # negative, three places, beyond 10 000 000 万千瓦时
        ["91339102MA00000000", Y, 1, 1, 1],  # no such enterprise
        [city.e_jiangbei.uscc, 1999, 1, 1, 1],  # before 2000
        [city.e_jiangbei_park.uscc, 2021, 1, 1, 1],  # after the clock's year
        [city.e_jiangbei.uscc, Y, 5, 5, 5],  # the same key twice
    ])
    assert sorted(where(bad)) == [(3, "评价税收"), (4, "用电量"), (4, "评价税收"), (4, "销售收入"), (5, "统一社会信用代码"),
                                  (6, "年度"), (7, "年度"), (8, "统一社会信用代码")]
    said = {(e.row, e.column): e for e in bad.errors}
    assert said[3, "评价税收"].value == "12,3a" and "不是数字" in said[3, "评价税收"].message
    assert "不小于0" in said[4, "评价税收"].message and "最多两位小数" in said[4, "销售收入"].message
    assert "不超过10000000万千瓦时" in said[4, "用电量"].message
    assert "2000 至 2020" in said[6, "年度"].message and "与第2行重复" in said[8, "统一社会信用代码"].message
    assert (bad.created, bad.updated, bad.unchanged) == (0, 0, 0)
    assert world() == before  # the good row is not written either
    land = imp(office, "land_use", [LAND, [city.e_jiangbei.uscc, Y, 0, ""], [city.e_binhai.uscc, Y, 100001, ""],
                                    [city.e_jiangbei_park.uscc, Y, 5, "2020-03-03"]], xlsx=True)
    said = {(e.row, e.column): e.message for e in land.errors}
    assert sorted(said) == [(2, "用地面积"), (3, "用地面积"), (4, "投产日期")]
    assert "大于0且不超过100000亩" in said[2, "用地面积"] and "晚于今天" in said[4, "投产日期"]
    assert world() == before


def test_a_county_imports_its_own_enterprises_only(city: City) -> None:
    jiangbei, binhai, park = city.users["district"], city.users["district_binhai"], city.users["park"]
    assert counts(imp(jiangbei, "land_use", [LAND, [city.e_jiangbei.uscc, Y, 10, ""]])) == (1, 0, 0)
    before = world()
    refused = imp(jiangbei, "enterprise_annual", [ANNUAL, [city.e_jiangbei.uscc, Y, 1, 1, 1],
                                                  [city.e_binhai.uscc, Y, 1, 1, 1]])
    assert where(refused) == [(3, "统一社会信用代码")] and "不在您的范围内" in refused.errors[0].message
    assert world() == before  # not even its own enterprise's row
    # a row Binhai recorded: Jiangbei's operators cannot change it, the refusal names the row and the owner
    assert counts(imp(binhai, "land_use", [LAND, [city.e_binhai.uscc, Y, 3, ""]])) == (1, 0, 0)
    before = world()
    taken = imp(jiangbei, "land_use", [LAND, [city.e_binhai.uscc, Y, 300, ""]])
    assert where(taken) == [(2, "统一社会信用代码")] and city.e_binhai.name in taken.errors[0].message
    assert world() == before
    # a park's operators: the park's enterprises, not the rest of its county
    assert counts(imp(park, "land_use", [LAND, [city.e_jiangbei_park.uscc, Y, 8, ""]])) == (1, 0, 0)
    assert where(imp(park, "land_use", [LAND, [city.e_jiangbei.uscc, Y - 1, 8, ""]])) == [(2, "统一社会信用代码")]
    # the action itself: another county's enterprise is not found, a leader may not import at all
    with pytest.raises(Http404):
        actions.save_annual(jiangbei, city.e_binhai, Y, {"tax": Decimal(1), "sales": Decimal(1), "kwh": None})
    with pytest.raises(PermissionDenied):
        actions.save_land_use(city.users["leader"], city.e_jiangbei, Y, Decimal(1), None)
    with pytest.raises(PermissionDenied):
        actions.save_park_rank(jiangbei, city.park, Y, 1, 10)
    assert world() == before | {"land": sorted([*before["land"], (city.e_jiangbei_park.pk, Y, Decimal("8.00"), None)]),
                                "audit": before["audit"] + 1}  # the park's row, nothing else


def test_another_departments_staff_do_not_import(city: City) -> None:
    from dualtrack.core.choices import Role
    from dualtrack.registry.models import Department

    other = _user("fgw", Role.DEPARTMENT, department=Department.objects.create(code="FGW", name="市发展改革委"))
    for name in ALL:
        assert not get_dataset(name).can_import(other), name  # type: ignore[union-attr]
        result = imp(other, name, [LAND, [city.e_jiangbei.uscc, Y, 10, ""]])
        assert not result.ok and "权限" in result.errors[0].message
    assert not LandUse.objects.exists()


# --- the contract --------------------------------------------------------------------------------------------------

def test_the_contract_reflects_an_import(city: City) -> None:
    assert {(r["class"], r["not_rated_reason"]) for r in contract()["enterprises"]} == {("T", "no_land")}
    imported(city)
    rows = {r["uscc"]: r for r in contract()["enterprises"]}
    best = rows[city.e_jiangbei.uscc]
    assert (best["tax_per_mu"], best["sales_per_mu"], best["tax_per_kwh"]) == (10, 100, 1)
    assert (best["class"], best["rank_in_county"], rows[city.e_jiangbei_park.uscc]["class"]) == ("A", 1, "B")
    # a draft year's figures corrected by a file: the contract follows (the park firm now pays the most tax)
    counts(imp(city.users["district"], "enterprise_annual", [ANNUAL, [city.e_jiangbei_park.uscc, Y, 300, 1000, 100]]))
    rows = {r["uscc"]: r for r in contract()["enterprises"]}
    assert rows[city.e_jiangbei_park.uscc]["tax_per_mu"] == 30 and rows[city.e_jiangbei_park.uscc]["class"] == "A"
    assert rows[city.e_jiangbei.uscc]["class"] == "B"
    # land imported for a small manufacturer without figures: in the assessment (≥ 3 亩), T for want of data;
    # a service firm's land does not bring it in
    small = make_enterprise(city.binhai, "滨海小五金厂", size_class="规下工业")
    counts(imp(city.users["hq"], "land_use", [LAND, [small.uscc, Y, 3, ""], [city.e_binhai.uscc, Y, 5, ""]]))
    rows = {r["uscc"]: r for r in contract()["enterprises"]}
    assert (rows[small.uscc]["class"], rows[small.uscc]["not_rated_reason"]) == ("T", "no_data")
    assert city.e_binhai.uscc not in rows
