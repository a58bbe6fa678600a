"""Poverty alleviation (DOMAIN.md §13, issue #18), the core: the exit standard, the monitoring triggers and the
county warning at their boundaries; the three datasets with their scope; the CLI contract."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core.imports import get_dataset, run_import
from dualtrack.poverty import engine
from dualtrack.poverty.models import Household, RegionFlag
from dualtrack.poverty.rules import DEFAULT
from dualtrack.registry.models import Department, Region

from .conftest import City, _user
from .helpers import csv_bytes

RULES = dict(DEFAULT)
ALL_MET = dict.fromkeys(["food", "clothing", "education", "medical", "housing", "water"], True)


def check(income: str, *, last: str | None = None, rigid: str | None = None, members: int = 4,
          grade: str = "B", **guarantees: bool) -> engine.Check:
    return engine.Check(Decimal(income), None if last is None else Decimal(last),
                        None if rigid is None else Decimal(rigid), members, {**ALL_MET, **guarantees}, grade)


@pytest.mark.parametrize(("income", "met"), [("4000", False), ("4000.01", True)])
def test_income_must_be_above_the_standard(income: str, met: bool) -> None:
    assert engine.exit_standard(check(income), RULES) == (met, [] if met else ["income"])


def test_housing_grade_c_fails_housing_whatever_its_flag_and_reasons_keep_their_order() -> None:
    assert engine.exit_standard(check("9000", grade="C", housing=True), RULES) == (False, ["housing"])
    assert engine.exit_standard(check("9000", grade="D"), RULES) == (False, ["housing"])
    assert engine.exit_standard(check("3000", water=False, food=False, grade="D"), RULES) == (
        False, ["income", "food", "housing", "water"])


@pytest.mark.parametrize(("income", "low"), [("6000", False), ("5999.99", True)])
def test_low_income_below_one_and_a_half_times_the_standard(income: str, low: bool) -> None:
    assert ("low_income" in engine.monitoring(check(income), RULES)[1]) == low


@pytest.mark.parametrize(("rigid", "flagged"), [("32000", False), ("32000.01", True)])
def test_rigid_spending_above_last_years_income_times_members(rigid: str, flagged: bool) -> None:
    # last year's per-capita income 8000 × 4 members = 32000
    assert ("rigid_spending" in engine.monitoring(check("9000", last="8000", rigid=rigid), RULES)[1]) == flagged


@pytest.mark.parametrize(("income", "dropped"), [("7000", True), ("7000.01", False)])
def test_an_income_drop_of_exactly_thirty_percent(income: str, dropped: bool) -> None:
    assert ("income_drop" in engine.monitoring(check(income, last="10000"), RULES)[1]) == dropped


def test_monitoring_reasons_in_their_order() -> None:
    assert engine.monitoring(check("3000", last="10000", rigid="50000"), RULES) == (
        True, ["low_income", "rigid_spending", "income_drop"])


@pytest.mark.parametrize(("monitored", "households", "deep", "warning"), [
    (5, 100, False, False), (6, 100, False, True), (10, 100, True, False), (11, 100, True, True), (0, 0, False, False)])
def test_a_county_warns_above_five_percent_ten_for_deep_poverty(monitored: int, households: int, deep: bool,
                                                                 warning: bool) -> None:
    assert engine.county_warning(monitored, households, deep, RULES) is warning


# --- the datasets and the contract -------------------------------------------------------------------------------

def load(user: Any, name: str, rows: list[list[Any]]) -> Any:
    return run_import(get_dataset(name), io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)


HOUSEHOLDS = ["户编号", "户主姓名", "身份证号", "村代码", "人口数", "户类型", "识别年度", "致贫原因", "帮扶责任人"]
CHECKS = ["户编号", "年度", "人均纯收入", "上年人均纯收入", "刚性支出", "不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全",
          "饮水安全", "住房等级", "核查日期"]


@pytest.fixture
def villages(city: City) -> City:
    for county, township_code, village_code in ((city.jiangbei, "339102001", "339102001201"),
                                                (city.binhai, "339106001", "339106001201")):
        township = Region.objects.get_or_create(code=township_code, defaults={
            "name": f"{county.name}一镇", "level": "township", "parent": county})[0]
        Region.objects.create(code=village_code, name=f"{county.name}一村", level="village", parent=township)
    office = Department.objects.create(code="FPB", name="市扶贫办")
    city.users["office"] = _user("fpb", "department", department=office)
    RegionFlag.objects.create(region=city.binhai, supervised=True, deep=True)
    return city


def test_households_checks_and_the_contract(villages: City, client: Any) -> None:
    office = villages.users["office"]
    rows = [HOUSEHOLDS, ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "因病", "王强"],
            ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "缺技术", ""]]
    assert load(office, "households", rows).ok
    assert load(office, "households", rows).unchanged == 2  # re-importing changes nothing
    household = Household.objects.get(code="H1")
    assert household.id_last4 == "1234" and len(household.id_hash) == 64 and household.county == villages.jiangbei
    assert load(office, "household_checks", [CHECKS,
        ["H1", 2020, "4000.01", "9000", "", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"],
        ["H2", 2020, "5000", "8000", "", "是", "是", "是", "是", "是", "是", "C", "2020-06-10"]]).ok
    out = io.StringIO()
    call_command("poverty", "--year", "2020", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["rules_version"] == "poverty-2020:v1"
    assert data["households"] == [
        {"code": "H1", "status": "met", "reasons": [], "monitored": True, "monitor_reasons": ["low_income",
                                                                                              "income_drop"]},
        {"code": "H2", "status": "not_met", "reasons": ["housing"], "monitored": True,
         "monitor_reasons": ["low_income", "income_drop"]}]
    binhai = next(c for c in data["counties"] if c["code"] == "339106")
    assert binhai == {"code": "339106", "households": 1, "not_met": 1, "monitored": 1, "monitored_share": 1.0,
                      "warning": True, "outbound_rate": None}
    assert "马福" not in out.getvalue() and "杨春" not in out.getvalue()


def test_a_county_operator_imports_only_its_own_villages(villages: City) -> None:
    refused = load(villages.users["district"], "households", [HOUSEHOLDS, [
        "H9", "某某", "339106196501019999", "339106001201", 2, "边缘户", 2019, "", ""]])
    assert not refused.ok and refused.errors[0].column == "村代码"
    unknown = load(villages.users["office"], "households", [HOUSEHOLDS, [
        "H9", "某某", "339106196501019999", "339106009999", 2, "边缘户", 2019, "", ""]])
    assert not unknown.ok and "村代码不存在" in str(unknown.errors[0])
    assert load(villages.users["district"], "households", [HOUSEHOLDS, [
        "H8", "某某", "339102196501018888", "339102001201", 2, "边缘户", 2019, "", ""]]).ok
    assert not Household.permits(villages.users["hq"], "view")  # HQ sees aggregates, never a household


def test_the_war_map_shows_aggregates_and_the_api_households_only_to_the_office_and_the_county(
        villages: City, client: Any) -> None:
    office = villages.users["office"]
    assert load(office, "households", [HOUSEHOLDS,
                                       ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""],
                                       ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "", ""]]).ok
    assert load(office, "household_checks", [CHECKS,
        ["H1", 2020, "9000", "9000", "", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"],
        ["H2", 2020, "3900", "", "", "是", "是", "是", "否", "是", "是", "A", "2020-06-10"]]).ok
    client.force_login(villages.users["hq"])
    page = client.get("/poverty/", {"year": "2020"})
    body = page.content.decode()
    assert page.status_code == 200 and "马福" not in body and "杨春" not in body  # aggregates only
    areas = {a.code: a for a in page.context["areas"]}
    assert areas["339106"].not_met == 1 and areas["339106"].supervised and areas["339102"].not_met == 0
    detail = {a.code: a for a in client.get("/poverty/", {"year": "2020", "county": "339106"}).context["areas"]}
    assert detail["339106001201"].failed["medical"] == 1 and detail["339106001201"].failed["income"] == 1
    assert client.get("/api/v1/poverty", {"year": "2020"}).json()["households"] == []  # HQ: no household
    client.force_login(villages.users["district"])  # Jiangbei's operator: its own households only
    codes = [h["code"] for h in client.get("/api/v1/poverty", {"year": "2020"}).json()["households"]]
    assert codes == ["H1"]
    client.force_login(office)
    assert len(client.get("/api/v1/poverty", {"year": "2020"}).json()["households"]) == 2
    client.force_login(villages.users["enterprise"])
    assert client.get("/poverty/").status_code == 403 and client.get("/api/v1/poverty").status_code == 403


def test_card_and_bulletin_section(villages: City) -> None:
    import datetime as dt

    from dualtrack.bulletins.content import Context
    from dualtrack.core.cards import cards_for
    from dualtrack.poverty.bulletin import section

    office = villages.users["office"]
    assert load(office, "households", [HOUSEHOLDS,
                                       ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "", ""]]).ok
    assert load(office, "household_checks", [CHECKS,
        ["H2", 2020, "3900", "", "", "是", "是", "是", "是", "是", "是", "A", "2020-06-10"]]).ok
    day = dt.date(2020, 6, 20)
    card = {c.key: c for c in cards_for(villages.users["hq"], day)}["poverty"]
    assert {f.key: f.value for f in card.figures} == {"households": "1", "not_met": "1", "monitored": "1"}
    assert card.rows and "滨海区" in card.rows[0].text
    assert "poverty" not in {c.key for c in cards_for(villages.users["district"], day)}  # Jiangbei has none
    part = section(Context(day=day, user=None, city={}, regions=[], sizes={}, industries=[], parks=[]))
    assert part is not None and "滨海区建档立卡户1户，2020年核查未达标1户，监测对象1户（占100.0%），超过预警线。" in part.paragraphs


def test_a_household_page_is_404_except_to_the_office_and_its_county(villages: City, client: Any) -> None:
    from dualtrack.core.models import AuditLog

    office = villages.users["office"]
    assert load(office, "households", [HOUSEHOLDS,
                                       ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""]]).ok
    assert load(office, "household_checks", [CHECKS,
        ["H1", 2020, "3900", "", "", "是", "是", "是", "否", "是", "是", "C", "2020-06-10"]]).ok
    for role, status in (("office", 200), ("district", 200), ("district_binhai", 404), ("hq", 404),
                         ("leader", 404), ("liaison", 404)):
        client.force_login(villages.users[role])
        response = client.get("/poverty/households/H1/")
        assert response.status_code == status, role
        if status == 200:
            body = response.content.decode()
            assert "马福" in body and "基本医疗" in body and "住房安全" in body and "收入低于标准1.5倍" in body
    assert AuditLog.objects.filter(object_type="poverty.household", action="view_personal").count() == 2
    client.force_login(villages.users["district"])
    listed = client.get("/poverty/households/", {"year": "2020", "status": "not_met"})
    assert [h.code for h in listed.context["page"]] == ["H1"]
    client.force_login(villages.users["hq"])
    assert client.get("/poverty/households/").status_code == 403


def test_the_judged_year_is_kept_until_an_import_changes_the_data(villages: City) -> None:
    from dualtrack.poverty import services

    office = villages.users["office"]
    assert load(office, "households", [HOUSEHOLDS,
                                       ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""]]).ok
    row = ["H1", 2020, "3900", "", "", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"]
    assert load(office, "household_checks", [CHECKS, row]).ok
    first = services.evaluate(2020)
    assert services.evaluate(2020) is first  # kept: the card and the bulletin do not judge again
    assert load(office, "household_checks", [CHECKS, ["H1", 2020, "9000", *row[3:]]]).ok  # a corrected income
    again = services.evaluate(2020)
    assert again is not first and again.households[0].met and not first.households[0].met
