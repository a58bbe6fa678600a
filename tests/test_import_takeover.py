"""The standing take-over test (issue #26 §1, DOMAIN.md §15 "One write path"): for every dataset with a natural
key, a user of another scope who may import the dataset tries to change an existing row through the import. The
row is refused (the error names the row) and nothing is written. Datasets where no other scope can exist are
listed with the reason, and that reason is checked too; a new dataset that is neither covered nor listed fails
:func:`test_every_dataset_with_a_natural_key_is_covered_or_listed`.

Also the page's rules the imports used to skip: a trip's seats may not fall below twice its manifest, and only a
worker registered for a trip's enterprise and origin rides it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps

from dualtrack.core import policy
from dualtrack.core.choices import Role
from dualtrack.core.imports import get_dataset, registered_datasets, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.registry.models import Department, Region
from dualtrack.workreturn.models import ManifestEntry, Trip, Worker

from .conftest import City, _user
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row


def load(user: Any, name: str, rows: list[list[Any]]) -> ImportResult:
    dataset = get_dataset(name)
    assert dataset is not None, name
    return run_import(dataset, io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)


def ok(user: Any, name: str, rows: list[list[Any]]) -> None:
    result = load(user, name, rows)
    assert result.ok, (name, [str(e) for e in result.errors])


@pytest.fixture
def world(city: City) -> City:
    """Jiangbei and Binhai each with a township and a village; the poverty office, the worker-return bureau and a
    second department; Binhai's worker travelling to Binhai's enterprise, boarded, arrived and received."""
    for county, township_code, village_code in ((city.jiangbei, "339102001", "339102001201"),
                                                (city.binhai, "339106001", "339106001201")):
        township = Region.objects.get_or_create(code=township_code, defaults={
            "name": f"{county.name}一镇", "level": "township", "parent": county})[0]
        Region.objects.create(code=village_code, name=f"{county.name}一村", level="village", parent=township)
    city.users["office"] = _user("fpb", Role.DEPARTMENT, department=Department.objects.create(code="FPB",
                                                                                               name="市扶贫办"))
    city.users["bureau"] = _user("rsj", Role.DEPARTMENT, department=Department.objects.create(code="RSJ",
                                                                                               name="市人社局"))
    city.users["fgw"] = _user("fgw", Role.DEPARTMENT, department=Department.objects.create(code="FGW",
                                                                                            name="市发展改革委"))
    city.users["enterprise_binhai"] = _user("haina", Role.ENTERPRISE, enterprise=city.e_binhai)
    return city


@dataclass
class Attempt:
    """An intruder's try at an existing row: who, the file, the models whose rows must not change, and what the
    refusal must name (for the rows refused by the one write path: the key and the owner)."""

    user: Any
    dataset: str
    rows: list[list[Any]]
    models: tuple[str, ...]
    names: tuple[str, ...] = ()


# --- the existing rows and the intruders -------------------------------------------------------------------------

WORKERS = ["登记编号", "姓名", "手机号", "身份证号", "户籍村代码", "意向企业信用代码", "健康证明类型", "证明日期"]
HOUSEHOLDS = ["户编号", "户主姓名", "身份证号", "村代码", "人口数", "户类型", "识别年度"]
CHECKS = ["户编号", "年度", "人均纯收入", "不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "住房等级", "核查日期"]
LEADS = ["线索编号", "项目名称", "投资方", "计划投资", "区划代码", "阶段"]
TEAMS = ["督战队编号", "督战队名称", "乡镇代码", "队长", "队员人数", "专职队员人数"]
PROJECTS = ["项目代码", "项目名称", "项目级别", "建设性质", "区划代码", "责任单位", "总投资"]


def _binhai_household(w: City) -> None:
    ok(w.users["district_binhai"], "households", [HOUSEHOLDS, ["H-1", "马福", "339106196501011234", "339106001201", 4,
                                                               "脱贫户", 2015]])


def _binhai_lead(w: City) -> None:
    ok(w.users["district_binhai"], "leads", [LEADS, ["ZS-1", "滨海港口物流园", "某集团", "12", "339106", "洽谈"]])


def _binhai_trip(w: City, *, arrive: bool = True) -> None:
    """Binhai's worker W-1 registered for Binhai's enterprise, on trip T-1 from Binhai to it, boarded, arrived,
    received."""
    hq = w.users["hq"]
    ok(w.users["district_binhai"], "workers", [WORKERS, ["W-1", "马建军", "13900000001", "339106199001011234",
                                                         "339106001201", w.e_binhai.uscc, "健康证明", "2020-02-10"]])
    ok(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位"],
                     ["T-1", "339106", w.e_binhai.uscc, "2020-02-15 07:00", "浙B12345", 44]])
    ok(hq, "trip_manifest", [["车次编号", "登记编号"], ["T-1", "W-1"]])
    ok(hq, "boardings", [["登记编号", "车次编号", "上车时间", "体温"], ["W-1", "T-1", "2020-02-15 06:40", "36.5"]])
    if arrive:
        ok(hq, "arrivals", [["车次编号", "到达时间"], ["T-1", "2020-02-16 18:30"]])
        ok(hq, "receipts", [["登记编号", "回执时间"], ["W-1", "2020-02-17 09:00"]])


def a_enterprises(w: City) -> Attempt:
    return Attempt(w.users["district"], "enterprises", [ENTERPRISE_HEADER, enterprise_row(
        w.e_binhai.uscc, "改名", county="339102")], ("registry.Enterprise",), (w.e_binhai.uscc, "滨海区"))


def a_resumption(w: City) -> Attempt:
    ok(w.users["district_binhai"], "resumption", [["日期", "统一社会信用代码", "是否复工", "在岗人数"],
                                                  ["2020-02-10", w.e_binhai.uscc, "是", 30]])
    return Attempt(w.users["district"], "resumption", [["日期", "统一社会信用代码", "是否复工", "在岗人数"],
                                                       ["2020-02-10", w.e_binhai.uscc, "否", 0]],
                   ("resumption.ResumptionReport",))


def a_project_progress(w: City) -> Attempt:
    ok(w.users["hq"], "projects", [PROJECTS, ["XM-1", "滨海码头", "市重点", "续建", "339106", "市交通运输局", "1000"]])
    header = ["日期", "项目代码", "是否复工", "累计完成投资"]
    ok(w.users["district_binhai"], "project_progress", [header, ["2020-03-06", "XM-1", "是", "100"]])
    return Attempt(w.users["district"], "project_progress", [header, ["2020-03-06", "XM-1", "否", "1"]],
                   ("projects.ProjectProgress", "projects.Project"))


def _indicator(w: City) -> None:
    ok(w.users["hq"], "indicators", [["指标代码", "指标名称", "类型", "责任部门"], ["GDZC", "固定资产投资", "增速", "JXJ"]])


def a_economy_targets(w: City) -> Attempt:
    _indicator(w)
    header = ["年度", "范围代码", "指标代码", "目标增速"]
    ok(w.users["department"], "economy_targets", [header, [2020, "339100", "GDZC", "8"]])
    return Attempt(w.users["fgw"], "economy_targets", [header, [2020, "339100", "GDZC", "1"]], ("economy.Target",))


def a_economy_actuals(w: City) -> Attempt:
    _indicator(w)
    header = ["月份", "范围代码", "指标代码", "累计增速"]
    ok(w.users["department"], "economy_actuals", [header, ["2020-03", "339100", "GDZC", "-9.5"]])
    return Attempt(w.users["fgw"], "economy_actuals", [header, ["2020-03", "339100", "GDZC", "5"]],
                   ("economy.Actual",))


def a_households(w: City) -> Attempt:
    _binhai_household(w)
    return Attempt(w.users["district"], "households", [HOUSEHOLDS, ["H-1", "张三", "339102196501019999",
                                                                    "339102001201", 1, "脱贫户", 2015]],
                   ("poverty.Household",), ("H-1", "滨海区"))


def a_household_checks(w: City) -> Attempt:
    _binhai_household(w)
    row = ["H-1", 2020, "8650", "是", "是", "是", "是", "是", "是", "B", "2020-06-10"]
    ok(w.users["district_binhai"], "household_checks", [CHECKS, row])
    return Attempt(w.users["district"], "household_checks", [CHECKS, [*row[:2], "1", *row[3:]]],
                   ("poverty.HouseholdCheck",))


def a_labourers(w: City) -> Attempt:
    _binhai_household(w)
    header = ["户编号", "姓名", "务工状态"]
    ok(w.users["district_binhai"], "labourers", [header, ["H-1", "马建军", "在家待岗"]])
    return Attempt(w.users["district"], "labourers", [header, ["H-1", "马建军", "已外出"]], ("poverty.Labourer",))


def a_helpers(w: City) -> Attempt:
    header = ["村代码", "姓名", "职务"]
    ok(w.users["district_binhai"], "helpers", [header, ["339106001201", "李卫东", "第一书记"]])
    return Attempt(w.users["district"], "helpers", [header, ["339106001201", "李卫东", "工作队员"]], ("poverty.Helper",))


def a_inspection_teams(w: City) -> Attempt:
    ok(w.users["district_binhai"], "inspection_teams", [TEAMS, ["D-1", "滨海一镇督战队", "339106001", "张建华", 5, 3]])
    return Attempt(w.users["district"], "inspection_teams", [TEAMS, ["D-1", "江滨督战队", "339102001", "王五", 3, 3]],
                   ("poverty.InspectionTeam",), ("D-1", "滨海区"))


def a_leads(w: City) -> Attempt:
    _binhai_lead(w)
    return Attempt(w.users["district"], "leads", [LEADS, ["ZS-1", "江北园", "某集团", "1", "339102", "线索"]],
                   ("investment.Lead",), ("ZS-1", "滨海区"))


def a_leads_by_a_park(w: City) -> Attempt:
    _binhai_lead(w)
    return Attempt(w.users["park"], "leads", [LEADS + ["园区代码"], ["ZS-1", "高新园", "某集团", "1", "339102", "线索",
                                                                 "GXQ"]],
                   ("investment.Lead",), ("ZS-1", "滨海区"))


def a_lead_activities(w: City) -> Attempt:
    _binhai_lead(w)
    header = ["日期", "线索编号", "类型", "说明"]
    ok(w.users["district_binhai"], "lead_activities", [header, ["2020-03-02", "ZS-1", "线上洽谈", "视频洽谈"]])
    return Attempt(w.users["district"], "lead_activities", [header, ["2020-03-02", "ZS-1", "线上洽谈", "改写"]],
                   ("investment.LeadActivity",))


def a_fund_arrivals(w: City) -> Attempt:
    _binhai_lead(w)
    header = ["月份", "线索编号", "到位资金"]
    ok(w.users["district_binhai"], "fund_arrivals", [header, ["2020-03", "ZS-1", "1.2"]])
    return Attempt(w.users["district"], "fund_arrivals", [header, ["2020-03", "ZS-1", "9"]],
                   ("investment.FundArrival",))


def a_labour_demand(w: City) -> Attempt:
    header = ["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期"]
    ok(w.users["enterprise_binhai"], "labour_demand", [header, [w.e_binhai.uscc, "装卸工", 10, "640402", "2020-02-20"]])
    return Attempt(w.users["enterprise"], "labour_demand", [header, [w.e_binhai.uscc, "装卸工", 1, "640402",
                                                                     "2020-02-20"]], ("workreturn.LabourDemand",))


def a_workers(w: City) -> Attempt:
    _binhai_trip(w, arrive=False)
    return Attempt(w.users["district"], "workers", [WORKERS, ["W-1", "张三", "13900009999", "339102199001019999",
                                                              "339102001201", w.e_jiangbei.uscc, "健康证明",
                                                              "2020-02-12"]],
                   ("workreturn.Worker",), ("W-1", "滨海区"))


def a_workers_from_outside_the_city(w: City) -> Attempt:
    """The issue's case: the bureau registered a Ningxia worker; a county imports the same registration number."""
    ok(w.users["bureau"], "workers", [WORKERS, ["NX-1", "马建军", "13900000001", "640402199001011234", "640402100201",
                                                w.e_binhai.uscc, "健康证明", "2020-02-10"]])
    return Attempt(w.users["district"], "workers", [WORKERS, ["NX-1", "张三", "13900009999", "339102199001019999",
                                                              "339102001201", w.e_jiangbei.uscc, "健康证明",
                                                              "2020-02-12"]],
                   ("workreturn.Worker",), ("NX-1", "640402"))


def a_boardings(w: City) -> Attempt:
    _binhai_trip(w, arrive=False)
    return Attempt(w.users["district"], "boardings", [["登记编号", "车次编号", "上车时间", "体温"],
                                                      ["W-1", "T-1", "2020-02-15 06:50", "38.5"]],
                   ("workreturn.Boarding",))


def a_arrivals(w: City) -> Attempt:
    _binhai_trip(w)
    return Attempt(w.users["enterprise"], "arrivals", [["车次编号", "到达时间"], ["T-1", "2020-02-20 18:30"]],
                   ("workreturn.Trip", "workreturn.Worker"))


def a_receipts(w: City) -> Attempt:
    _binhai_trip(w)
    return Attempt(w.users["district"], "receipts", [["登记编号", "回执时间"], ["W-1", "2020-02-17 09:00"]],
                   ("workreturn.Receipt",))


FILINGS = ["备案编号", "统一社会信用代码", "申请日期", "拟复工日期", "拟到岗人数", "其中市外返岗", "防控负责人", "联系电话"]


def _binhai_filing(w: City) -> None:
    ok(w.users["district_binhai"], "filings", [FILINGS, ["FB-1", w.e_binhai.uscc, "2020-02-07", "2020-02-10", 50, 5,
                                                         "王防控", "13800001111"]])


def a_filings(w: City) -> Attempt:
    _binhai_filing(w)
    return Attempt(w.users["district"], "filings", [FILINGS, ["FB-1", w.e_jiangbei.uscc, "2020-02-07", "2020-02-10",
                                                              50, 5, "李某", "13900002222"]],
                   ("filings.Filing",), ("FB-1", "滨海海纳物流有限公司"))


def a_filing_items(w: City) -> Attempt:
    _binhai_filing(w)
    header = ["备案编号", "事项代码", "已落实", "说明"]
    ok(w.users["district_binhai"], "filing_items", [header, ["FB-1", "C1", "是", "总经理负责"]])
    return Attempt(w.users["district"], "filing_items", [header, ["FB-1", "C1", "否", "改写"]],
                   ("filings.FilingItem",), ("FB-1",))


def a_enterprise_health(w: City) -> Attempt:
    header = ["日期", "统一社会信用代码", "在岗人数", "市外返岗", "隔离观察", "发热", "口罩库存", "消毒液库存"]
    ok(w.users["district_binhai"], "enterprise_health", [header, ["2020-02-10", w.e_binhai.uscc, 50, 5, 5, 0, 100, 10]])
    return Attempt(w.users["district"], "enterprise_health", [header, ["2020-02-10", w.e_binhai.uscc, 1, 0, 0, 0, 0,
                                                                       0]],
                   ("filings.EnterpriseHealth",))


def a_supply_requests(w: City) -> Attempt:
    """Binhai's township asks for masks; Jiangbei's operators re-use the code for their own township."""
    header = ["申请编号", "日期", "申请方类型", "申请方代码", "物资代码", "申请数量", "需用日期"]
    ok(w.users["district_binhai"], "supply_requests", [header, ["R-1", "2020-02-10", "基层单位", "339106001", "KZ",
                                                                500, "2020-02-12"]])
    return Attempt(w.users["district"], "supply_requests", [header, ["R-1", "2020-02-10", "基层单位", "339102001", "KZ",
                                                                     900, "2020-02-12"]],
                   ("supplies.SupplyRequest", "supplies.RequestLine"), ("R-1", "滨海区"))


def a_land_use(w: City) -> Attempt:
    """Binhai's operators record their enterprise's land; Jiangbei's try to change it."""
    header = ["统一社会信用代码", "年度", "用地面积", "投产日期"]
    ok(w.users["district_binhai"], "land_use", [header, [w.e_binhai.uscc, 2019, 12, "2010-01-01"]])
    return Attempt(w.users["district"], "land_use", [header, [w.e_binhai.uscc, 2019, 1200, "2010-01-01"]],
                   ("assessment.LandUse",), (w.e_binhai.uscc, "滨海海纳物流有限公司"))


def a_enterprise_annual(w: City) -> Attempt:
    header = ["统一社会信用代码", "年度", "评价税收", "销售收入", "用电量"]
    ok(w.users["district_binhai"], "enterprise_annual", [header, [w.e_binhai.uscc, 2019, 100, 1000, ""]])
    return Attempt(w.users["district"], "enterprise_annual", [header, [w.e_binhai.uscc, 2019, 1, 1, 1]],
                   ("assessment.EnterpriseAnnual",), (w.e_binhai.uscc, "滨海海纳物流有限公司"))


ATTEMPTS: dict[str, Callable[[City], Attempt]] = {
    "enterprises": a_enterprises,
    "resumption": a_resumption,
    "project_progress": a_project_progress,
    "economy_targets": a_economy_targets,
    "economy_actuals": a_economy_actuals,
    "households": a_households,
    "household_checks": a_household_checks,
    "labourers": a_labourers,
    "helpers": a_helpers,
    "inspection_teams": a_inspection_teams,
    "leads": a_leads,
    "leads (park)": a_leads_by_a_park,
    "lead_activities": a_lead_activities,
    "fund_arrivals": a_fund_arrivals,
    "labour_demand": a_labour_demand,
    "workers": a_workers,
    "workers (outside the city)": a_workers_from_outside_the_city,
    "boardings": a_boardings,
    "arrivals": a_arrivals,
    "receipts": a_receipts,
    "filings": a_filings,
    "filing_items": a_filing_items,
    "enterprise_health": a_enterprise_health,
    "supply_requests": a_supply_requests,
    "land_use": a_land_use,
    "enterprise_annual": a_enterprise_annual,
}

# Datasets where no other scope can exist: everyone who may import them may import every row (checked below by
# the declared policy of the model, for every role and scope of the test city).
ONE_SCOPE: dict[str, tuple[str, str]] = {
    "regions": ("registry.Region", "reference data: HQ only"),
    "parks": ("registry.Park", "reference data: HQ only"),
    "departments": ("registry.Department", "reference data: HQ only"),
    "cases": ("epidemic.CaseReport", "HQ enters the case data"),
    "clusters": ("epidemic.ClusterEvent", "HQ enters the case data"),
    "problems": ("problems.Problem", "the ledger import is HQ's"),
    "liaisons": ("accounts.User", "HQ assigns the liaison officers"),
    "projects": ("projects.Project", "HQ keeps the list of key projects"),
    "project_plans": ("projects.ProjectPlan", "HQ keeps the monthly plans"),
    "indicators": ("economy.Indicator", "HQ keeps the indicators"),
    "investment_targets": ("investment.InvestmentTarget", "HQ sets the targets"),
    "fund_bids": ("investment.FundBid", "HQ and the development and reform commission, both for every project"),
    "poverty_findings": ("poverty.Finding", "HQ and the poverty office, both for every county"),
    "trips": ("workreturn.Trip", "HQ and the human-resources bureau plan every trip"),
    "trip_manifest": ("workreturn.Trip", "HQ and the human-resources bureau plan every trip"),
    "checklist_items": ("filings.ChecklistItem", "HQ keeps the checklist"),
    "supply_items": ("supplies.SupplyItem", "HQ and the supplies office keep the items"),
    "supply_depots": ("supplies.Depot", "HQ and the supplies office keep the depots"),
    "supply_receipts": ("supplies.Receipt", "HQ and the supplies office receive at every depot"),
    "supply_commitments": ("supplies.Commitment", "only the allocators (HQ, the supplies office), for every request"),
    "supply_issues": ("supplies.Issue", "only the allocators (HQ, the supplies office), for every request"),
    "park_ranks": ("assessment.ParkRank", "HQ and the assessment office, both for every park"),
}


def _rows(models: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    return {label: list(apps.get_model(label)._default_manager.order_by("pk").values()) for label in models}


@pytest.mark.parametrize("case", sorted(ATTEMPTS))
def test_a_user_of_another_scope_cannot_change_an_existing_row_through_the_import(world: City, case: str) -> None:
    attempt = ATTEMPTS[case](world)
    dataset = get_dataset(attempt.dataset)
    assert dataset is not None and dataset.can_import(attempt.user), "the intruder may import the dataset"
    before = _rows(attempt.models)
    result = load(attempt.user, attempt.dataset, attempt.rows)
    assert not result.ok, f"{attempt.dataset}: another scope's row was taken over"
    assert result.errors[0].row == 2, [str(e) for e in result.errors]
    message = str(result.errors[0])
    for name in attempt.names:
        assert name in message, message
    assert _rows(attempt.models) == before, "nothing is written"


def test_every_dataset_with_a_natural_key_is_covered_or_listed() -> None:
    keyed = {d.name for d in registered_datasets() if d.natural_key}
    covered = {case.split(" ")[0] for case in ATTEMPTS}
    assert not covered & set(ONE_SCOPE)
    missing = keyed - covered - set(ONE_SCOPE)
    assert not missing, f"datasets neither tried by another scope nor listed as single-scope: {sorted(missing)}"
    assert not (covered | set(ONE_SCOPE)) - keyed, "a listed dataset no longer exists"


def test_the_single_scope_datasets_are_imported_only_by_users_who_reach_every_row(world: City) -> None:
    """The reason a dataset is listed holds: every user of the test city who may import it may import every row."""
    users = list(world.users.values())
    for name, (model, reason) in ONE_SCOPE.items():
        dataset = get_dataset(name)
        assert dataset is not None
        for user in users:
            if dataset.can_import(user):
                assert policy.scope(user, model, dataset.import_action) is policy.ALL, (name, reason, user.username)


# --- the page's rules hold in the import -------------------------------------------------------------------------

def test_the_trips_import_cannot_lower_the_seats_below_twice_the_manifest(world: City) -> None:
    _binhai_trip(world, arrive=False)  # one worker on the manifest: at least two seats
    header = ["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位"]
    result = load(world.users["hq"], "trips", [header, ["T-1", "339106", world.e_binhai.uscc, "2020-02-15 07:00",
                                                        "浙B12345", 1]])
    assert not result.ok and (result.errors[0].row, result.errors[0].column) == (2, "核载座位")
    assert "名单人数已超过新的座位数的一半" in result.errors[0].message
    assert Trip.objects.get(code="T-1").seats == 44


def test_the_manifest_import_adds_only_a_worker_registered_for_the_trips_enterprise_and_origin(world: City) -> None:
    _binhai_trip(world, arrive=False)
    ok(world.users["district"], "workers", [WORKERS, ["W-2", "张三", "13900009999", "339102199001019999",
                                                      "339102001201", world.e_jiangbei.uscc, "健康证明", "2020-02-12"]])
    result = load(world.users["hq"], "trip_manifest", [["车次编号", "登记编号"], ["T-1", "W-2"]])
    assert not result.ok and (result.errors[0].row, result.errors[0].column) == (2, "登记编号")
    assert "不符" in result.errors[0].message
    assert not ManifestEntry.objects.filter(worker__code="W-2").exists()
    assert list(ManifestEntry.objects.values_list("worker__code", flat=True)) == ["W-1"]
    assert Worker.objects.get(code="W-2").enterprise == world.e_jiangbei
