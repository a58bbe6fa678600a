"""The pure judgement of 亩均论英雄 (DOMAIN.md §18) at each boundary: ⌈0.2n⌉ at small n, the 1.5 cap, ties by credit
code, each reason for T, a base from the city when a county had no rated firm, the parks' tiers and bonus rates."""

from __future__ import annotations

import datetime as dt

import pytest

from dualtrack.assessment.judge import (
    FirmFact,
    Indicator,
    ParkFact,
    YearFigures,
    grade,
    judge_firms,
    judge_parks,
)

HUAIAN = [Indicator("tax_per_mu", "tax", "land_mu", 45), Indicator("sales_per_mu", "sales", "land_mu", 35),
          Indicator("tax_per_kwh", "tax", "power", 20)]
Y = 2019


def firm(n: int, county: str = "A", *, tax: float = 10, sales: float = 100, power: float = 10, land: float = 10,
         since: dt.date = dt.date(2010, 1, 1), division: str = "34", section: str = "C", above: bool = True,
         years: tuple[int, ...] = (Y - 1, Y), annual: bool = True) -> FirmFact:
    figures = YearFigures(land_mu=land, operating_since=since, has_annual=annual, tax=tax if annual else None,
                          sales=sales if annual else None, power=power if annual else None)
    return FirmFact(n, f"91{n:016d}", county, "", section, division, above, {y: figures for y in years})


@pytest.mark.parametrize(("n", "expected"), [
    (1, "A"), (2, "AB"), (3, "ABC"), (4, "ABBC"), (5, "ABBCC"), (6, "AABBCC"),  # 0.6 × 5 is 3.0000000000000004 in floats
    (20, "AAAA" + "B" * 8 + "C" * 7 + "D"), (40, "A" * 8 + "B" * 16 + "C" * 14 + "DD")])
def test_classes_at_small_and_round_n(n: int, expected: str) -> None:
    assert "".join(grade(r, n, 0.2, 0.6, 0.05) for r in range(1, n + 1)) == expected


def test_ratio_capped_at_one_and_a_half() -> None:
    # last year's county mean of tax per mu is 1 → base 2; this year 10 per mu is 5 × the base, capped at 1.5
    firms = [firm(1, tax=10, years=(Y - 1,)), firm(2, tax=10, years=(Y - 1,))]
    firms.append(FirmFact(3, "91" + "0" * 15 + "3", "A", "", "C", "34", True, {
        Y: YearFigures(land_mu=1, operating_since=dt.date(2010, 1, 1), has_annual=True, tax=10, sales=100,
                       power=10)}))
    rows, base = judge_firms(firms, Y, HUAIAN, ["A"])
    assert base[("A", "tax_per_mu")] == 2.0
    row = next(r for r in rows if r.enterprise_id == 3)
    # tax/mu 10 vs 2 → 1.5; sales/mu 100 vs 20 → 1.5; tax/kwh 1 vs 2 → 0.5
    assert row.score == pytest.approx(1.5 * 45 + 1.5 * 35 + 0.5 * 20)


def test_ties_go_to_the_lower_credit_code() -> None:
    rows, _base = judge_firms([firm(2), firm(1)], Y, HUAIAN, ["A"])
    assert [(r.uscc[-1], r.rank_in_county, r.grade) for r in rows] == [("1", 1, "A"), ("2", 2, "B")]


def test_each_reason_for_t_first_that_holds() -> None:
    firms = [
        firm(1, division="44", section="D", since=dt.date(2019, 3, 1)),  # a utility first, though new too
        firm(2, since=dt.date(Y - 1, 1, 1)),  # operating since 1 January of Y−1: new
        firm(3, since=dt.date(Y - 2, 12, 31)),  # the day before: rated
        FirmFact(4, "91" + "0" * 15 + "4", "A", "", "C", "34", True, {}),  # 规上, no land for Y
        firm(5, annual=False),  # land, no annual figures
        firm(6, above=False, land=2.99),  # not 规上 and under 3 亩: not in the assessment at all
        firm(7, above=False, land=3),  # not 规上, 3 亩 of manufacturing: in
        firm(8, above=False, section="F", land=50),  # not manufacturing: out
    ]
    rows, _base = judge_firms(firms, Y, HUAIAN, ["A"])
    found = {r.enterprise_id: (r.grade, r.not_rated_reason) for r in rows}
    assert found == {1: ("T", "utility"), 2: ("T", "new"), 3: (found[3][0], None), 4: ("T", "no_land"),
                     5: ("T", "no_data"), 7: (found[7][0], None)}
    t_row = next(r for r in rows if r.enterprise_id == 2)
    assert (t_row.score, t_row.rank_in_county, set(t_row.values.values())) == (None, None, {None})


def test_base_from_the_city_when_the_county_had_no_rated_firm_last_year() -> None:
    firms = [firm(1, "A", tax=30, years=(Y - 1,)), firm(2, "A", tax=10, years=(Y - 1,)),
             firm(3, "B", tax=50, years=(Y,))]
    _rows, base = judge_firms(firms, Y, HUAIAN, ["A", "B"])
    assert base[("A", "tax_per_mu")] == 2 * 2.0  # A's own mean of Y−1: (3 + 1) / 2
    assert base[("B", "tax_per_mu")] == 2 * 2.0  # B had none in Y−1: the city's mean of Y−1
    alone = [firm(3, "B", tax=50, years=(Y,))]
    _rows, base = judge_firms(alone, Y, HUAIAN, ["B"])
    assert base[("B", "tax_per_mu")] == 2 * 5.0  # nobody in Y−1: the county's mean of Y


def test_zero_power_scores_nothing_on_that_indicator() -> None:
    rows, _base = judge_firms([firm(1, years=(Y - 1,)), firm(2, power=0, years=(Y,))], Y, HUAIAN, ["A"])
    row = next(r for r in rows if r.enterprise_id == 2)
    assert row.values["tax_per_kwh"] is None
    assert row.score == pytest.approx(0.5 * 45 + 0.5 * 35)


def test_parks_rank_change_tiers_and_bonus_in_order() -> None:
    parks = [ParkFact("P1", {Y - 1: (5, 100), Y: (3, 100)}),  # top 3 first: +30%, climbed 2: tier 0
             ParkFact("P2", {Y - 1: (40, 100), Y: (30, 100)}),  # climbed 10: tier 3, +20%
             ParkFact("P3", {Y - 1: (96, 100), Y: (100, 100)}),  # last: −30%
             ParkFact("P4", {Y - 1: (96, 100), Y: (91, 100)}),  # climbed 5 (+20% before the tail's −20%), tier 1
             ParkFact("P5", {Y - 1: (90, 100), Y: (91, 100)}),  # beyond 90%: −20%
             ParkFact("P6", {Y: (50, 100)}),  # no last year: no change, tier 0
             ParkFact("P7", {Y - 1: (20, 100), Y: (14, 100)}),  # climbed 6: tier 2, +20%
             ParkFact("P8", {Y - 1: (20, 100), Y: (18, 100)})]  # climbed 2: 0
    rows = {r.code: (r.rank_change, r.reward_tier, r.bonus_rate) for r in judge_parks(parks, Y)}
    assert rows == {"P1": (2, 0, 0.3), "P2": (10, 3, 0.2), "P3": (-4, 0, -0.3), "P4": (5, 1, 0.2),
                    "P5": (-1, 0, -0.2), "P6": (None, 0, 0.0), "P7": (6, 2, 0.2), "P8": (2, 0, 0.0)}
