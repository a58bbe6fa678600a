"""The supplies' datasets (DOMAIN.md §10, §17) through the import framework: items, depots, receipts, requests (the
rows of one code make one request with its lines), commitments and issues, each through the pages' actions; all or
nothing, idempotent, every error by row and column with the limit named; a recorded receipt, request, commitment or
issue never changed by a file; commitments and issues only by those who allocate (HQ, the supplies office), never a
county."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.supplies import actions
from dualtrack.supplies.models import (
    Commitment,
    Depot,
    Issue,
    Receipt,
    RequestLine,
    SupplyItem,
    SupplyRequest,
)

from .conftest import City, report
from .helpers import csv_bytes, xlsx_bytes

D = dt.date(2020, 2, 10)
ITEMS = ["物资代码", "名称", "单位", "每人每日用量"]
DEPOTS = ["仓库代码", "仓库名称", "管理部门代码"]
RECEIPTS = ["单据号", "日期", "仓库代码", "物资代码", "来源", "数量"]
REQUESTS = ["申请编号", "日期", "申请方类型", "申请方代码", "物资代码", "申请数量", "需用日期"]
COMMITMENTS = ["申请编号", "物资代码", "仓库代码", "承诺数量", "日期"]
ISSUES = ["申请编号", "物资代码", "仓库代码", "发放数量", "日期", "签收人"]
ALL = ("supply_items", "supply_depots", "supply_receipts", "supply_requests", "supply_commitments", "supply_issues")


@pytest.fixture(autouse=True)
def clock(settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-02-20T18:00:00+08:00"


def imp(user: Any, name: str, rows: list[list[Any]], *, xlsx: bool = False) -> ImportResult:
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
    """What a supplies import could touch, to prove a refused file wrote nothing."""
    return {"items": sorted(SupplyItem.objects.values_list("code", "name", "unit", "per_head_day")),
            "depots": sorted(Depot.objects.values_list("code", "name", "department_id")),
            "receipts": sorted(Receipt.objects.values_list("code", "date", "depot__code", "item__code", "quantity")),
            "requests": sorted(SupplyRequest.objects.values_list("code", "date", "kind", "applicant")),
            "lines": sorted(RequestLine.objects.values_list("request__code", "item__code", "requested", "needed_by")),
            "commitments": sorted(Commitment.objects.values_list("line_id", "depot_id", "quantity", "date")),
            "issues": sorted(Issue.objects.values_list("line_id", "depot_id", "quantity", "date", "receiver"))}


@pytest.fixture
def stocked(city: City) -> City:
    """A depot with 10 000 masks and 500 kg of disinfectant; Jiangbei's key enterprise reported 100 on duty (its cap
    of masks: 100 × 2 × 15 = 3000)."""
    office = city.users["department"]
    counts(imp(office, "supply_depots", [DEPOTS, ["CK01", "市应急物资储备库", ""]]))
    counts(imp(office, "supply_receipts", [RECEIPTS, ["RK-1", "2020-02-10", "CK01", "KZ", "上级调拨", 10000],
                                           ["RK-2", "2020-02-10", "CK01", "XDY", "捐赠", 500]]))
    report(city.e_jiangbei, D - dt.timedelta(days=1), True, 100)
    return city


def request_rows(code: str, uscc: str, *lines: tuple[str, int], day: str = "2020-02-10",
                 kind: str = "重点企业", needed_by: str = "2020-02-12") -> list[list[Any]]:
    return [[code, day, kind, uscc, item, quantity, needed_by] for item, quantity in lines]


# --- items and depots --------------------------------------------------------------------------------------------

def test_items_are_added_changed_and_checked_by_hq_and_the_office(city: City) -> None:
    office = city.users["department"]
    rows = [ITEMS, ["GGY", "护目镜", "副", ""], ["kz", "口罩", "只", "2"], ["HSY", "洗手液", "瓶", "0.05"]]
    assert counts(imp(office, "supply_items", rows)) == (2, 0, 1)  # KZ ships with 2 a head: as it is
    assert SupplyItem.objects.get(code="GGY").per_head_day is None
    assert str(SupplyItem.objects.get(code="HSY").per_head_day) == "0.05"
    assert counts(imp(city.users["hq"], "supply_items", rows, xlsx=True)) == (0, 0, 3)  # idempotent
    assert counts(imp(office, "supply_items", [ITEMS, ["KZ", "医用口罩", "只", "3"]])) == (0, 1, 0)
    assert (SupplyItem.objects.get(code="KZ").name, str(SupplyItem.objects.get(code="KZ").per_head_day)) == (
        "医用口罩", "3.00")
    before = world()
    bad = imp(office, "supply_items", [ITEMS, ["FMJ", "防护面具", "个", ""], ["GGY", "护目镜", "副", "0.005"],
                                       ["XDY", "消毒液", "公斤", "200"]])
    assert where(bad) == [(3, "每人每日用量")] and "两位小数" in bad.errors[0].message  # not rounded silently
    bad = imp(office, "supply_items", [ITEMS, ["FMJ", "防护面具", "个", ""], ["XDY", "消毒液", "公斤", "200"]])
    assert where(bad) == [(3, "每人每日用量")] and "100" in bad.errors[0].message  # the action's bound
    assert world() == before and not SupplyItem.objects.filter(code="FMJ").exists()  # all or nothing
    for role in ("district", "leader", "enterprise", "liaison"):
        assert not get_dataset("supply_items").can_import(city.users[role]), role  # type: ignore[union-attr]


def test_depots_with_their_department_kept_when_the_column_is_left_out(city: City) -> None:
    from dualtrack.registry.models import Department

    office = city.users["department"]
    fgw = Department.objects.create(code="FGW", name="市发展改革委")
    rows = [DEPOTS, ["CK01", "市应急物资储备库", ""], ["CK02", "市发改委储备库", "FGW"]]
    assert counts(imp(office, "supply_depots", rows)) == (2, 0, 0)
    assert Depot.objects.get(code="CK01").department == city.department  # blank: the supplies office (JXJ)
    assert Depot.objects.get(code="CK02").department == fgw
    assert counts(imp(office, "supply_depots", rows)) == (0, 0, 2)
    assert counts(imp(office, "supply_depots", [["仓库代码", "仓库名称"], ["CK02", "市发改委物资储备库"]])) == (0, 1, 0)
    assert Depot.objects.get(code="CK02").department == fgw  # no column: the department stays
    bad = imp(office, "supply_depots", [DEPOTS, ["CK03", "江北仓", "XXX"]])
    assert where(bad) == [(2, "管理部门代码")] and not Depot.objects.filter(code="CK03").exists()
    assert not imp(city.users["district"], "supply_depots", [DEPOTS, ["CK03", "江北仓", ""]]).ok


# --- receipts ----------------------------------------------------------------------------------------------------

def test_receipts_skip_the_same_row_and_refuse_a_changed_one(stocked: City) -> None:
    city, office = stocked, stocked.users["department"]
    assert Receipt.objects.get(code="RK-1").source == "allocated"  # the Chinese label
    again = [RECEIPTS, ["RK-1", dt.date(2020, 2, 10), "CK01", "KZ", "上级调拨", 10000],
             ["RK-3", dt.date(2020, 2, 11), "CK01", "KZ", "purchase", 2000]]
    assert counts(imp(city.users["hq"], "supply_receipts", again, xlsx=True)) == (1, 0, 1)
    assert counts(imp(office, "supply_receipts", again, xlsx=True)) == (0, 0, 2)  # idempotent
    before = world()
    changed = imp(office, "supply_receipts", [RECEIPTS, ["RK-4", "2020-02-12", "CK01", "KZ", "采购", 100],
                                              ["RK-1", "2020-02-10", "CK01", "KZ", "上级调拨", 12000]])
    assert where(changed) == [(3, "数量")]
    assert "RK-1" in changed.errors[0].message and "10000" in changed.errors[0].message
    wrong = imp(office, "supply_receipts", [RECEIPTS, ["RK-4", "2020-02-12", "CK09", "KZ", "采购", 100],
                                            ["RK-5", "2020-02-12", "CK01", "KZ", "赠送", 100],
                                            ["RK-6", "2020-02-12", "CK01", "MASK", "采购", 100],
                                            ["RK-7", "2020-02-12", "CK01", "KZ", "采购", 0],
                                            ["RK-8", "2020-02-21", "CK01", "KZ", "采购", 10]])
    assert where(wrong) == [(3, "来源"), (6, "日期")]  # the cells first; the actions only when they pass
    wrong = imp(office, "supply_receipts", [RECEIPTS, ["RK-4", "2020-02-12", "CK09", "KZ", "采购", 100],
                                            ["RK-6", "2020-02-12", "CK01", "MASK", "采购", 100],
                                            ["RK-7", "2020-02-12", "CK01", "KZ", "采购", 0]])
    assert where(wrong) == [(2, "仓库代码"), (3, "物资代码"), (4, "数量")]
    assert world() == before  # all or nothing
    refused = imp(city.users["district"], "supply_receipts", [RECEIPTS, ["RK-9", "2020-02-12", "CK01", "KZ", "采购", 1]])
    assert not refused.ok and "权限" in refused.errors[0].message and not Receipt.objects.filter(code="RK-9").exists()


# --- requests ----------------------------------------------------------------------------------------------------

def test_the_rows_of_one_code_make_one_request_with_its_lines(stocked: City) -> None:
    city, hq = stocked, stocked.users["hq"]
    uscc = city.e_jiangbei.uscc
    rows = [REQUESTS + ["申请方名称"],
            *[r + [""] for r in request_rows("R-1", uscc, ("KZ", 3000), ("XDY", 50))],
            ["R-2", "2020-02-10", "医疗机构", "JXJ", "KZ", 5000, "2020-02-11", "市人民医院"],
            ["R-2", "2020-02-10", "医疗机构", "JXJ", "FHF", 100, "2020-02-11", "市人民医院"]]
    assert counts(imp(hq, "supply_requests", rows)) == (4, 0, 0)
    one = SupplyRequest.objects.get(code="R-1")
    assert (one.kind, one.enterprise, one.county, one.date, one.requested_by) == (
        "key_enterprise", city.e_jiangbei, city.jiangbei, D, hq)
    assert sorted(one.lines.values_list("item__code", "requested", "needed_by")) == [
        ("KZ", 3000, dt.date(2020, 2, 12)), ("XDY", 50, dt.date(2020, 2, 12))]
    two = SupplyRequest.objects.get(code="R-2")
    assert (two.applicant_name, two.department, two.lines.count()) == ("市人民医院", city.department, 2)
    assert counts(imp(hq, "supply_requests", rows)) == (0, 0, 4)  # idempotent
    # the same lines in another order, without the optional column: the same request
    swapped = [REQUESTS, *request_rows("R-1", uscc, ("XDY", 50), ("KZ", 3000))]
    assert counts(imp(city.users["department"], "supply_requests", swapped)) == (0, 0, 2)

    # A recorded request is never changed by a file: a line changed, one added, one left out, all by row.
    before = world()
    changed = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 2500), ("XDY", 50))])
    assert where(changed) == [(2, "申请数量")] and "3000" in changed.errors[0].message
    added = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 3000), ("XDY", 50), ("JJ", 5))])
    assert where(added) == [(4, "物资代码")]
    dropped = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 3000))])
    assert where(dropped) == [(2, "物资代码")] and "XDY" in dropped.errors[0].message
    later = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 3000), ("XDY", 50),
                                                                needed_by="2020-02-14")])
    assert where(later) == [(2, "需用日期"), (3, "需用日期")]
    moved = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 3000), ("XDY", 50),
                                                                day="2020-02-11")])
    assert where(moved) == [(2, "日期")]
    assert world() == before

    # The rows of one new code must agree on the request's day, kind and applicant.
    split = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-3", "339102001", ("KZ", 10), kind="基层单位"),
                                        *request_rows("R-3", "339102", ("XDY", 10), kind="基层单位")])
    assert where(split) == [(3, "申请方代码")] and "第2行" in split.errors[0].message
    assert world() == before


def test_a_request_over_the_cap_or_within_7_days_is_refused_naming_the_row_and_the_limit(stocked: City) -> None:
    city, hq = stocked, stocked.users["hq"]
    uscc = city.e_jiangbei.uscc
    before = world()
    over = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-2", "JXJ", ("KZ", 100), kind="城市运行"),
                                       *request_rows("R-1", uscc, ("XDY", 50), ("KZ", 3001))])
    assert where(over) == [(4, "申请数量")]
    message = over.errors[0].message
    assert "3000" in message and "100人" in message and "15天" in message
    assert world() == before  # R-2, written before the refusal, is rolled back with it
    assert counts(imp(hq, "supply_requests", [REQUESTS, *request_rows("R-1", uscc, ("KZ", 3000))])) == (1, 0, 0)
    # one request per enterprise per 7 days: the 7th day refused with the day it may ask again, the 8th accepted
    again = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-4", uscc, ("KZ", 10), day="2020-02-16",
                                                                needed_by="2020-02-16")])
    assert where(again) == [(2, "日期")] and "R-1" in again.errors[0].message and "2020-02-17" in again.errors[0].message
    assert counts(imp(hq, "supply_requests", [REQUESTS, *request_rows("R-4", uscc, ("KZ", 10), day="2020-02-17",
                                                                      needed_by="2020-02-17")])) == (1, 0, 0)
    # an enterprise that has reported no one on duty has no cap to ask within
    none = imp(hq, "supply_requests", [REQUESTS, *request_rows("R-5", city.e_binhai.uscc, ("KZ", 10),
                                                               kind="复工企业")])
    assert where(none) == [(2, "申请数量")] and "尚未报送在岗人数" in none.errors[0].message


def test_a_county_imports_grassroots_and_public_requests_of_its_own(stocked: City) -> None:
    city, district = stocked, stocked.users["district"]
    assert counts(imp(district, "supply_requests", [REQUESTS, *request_rows("R-1", city.township.code, ("KZ", 500),
                                                                            kind="基层单位")])) == (1, 0, 0)
    assert SupplyRequest.objects.get(code="R-1").county == city.jiangbei
    before = world()
    kind = imp(district, "supply_requests", [REQUESTS, *request_rows("R-2", "JXJ", ("KZ", 10), kind="医疗机构")])
    assert where(kind) == [(2, "申请方类型")] and "基层单位" in kind.errors[0].message
    foreign = imp(district, "supply_requests", [REQUESTS, *request_rows("R-3", city.binhai.code, ("KZ", 10),
                                                                        kind="公众批次")])
    assert where(foreign) == [(2, "申请方代码")] and "范围" in foreign.errors[0].message
    assert world() == before
    # Binhai's operators cannot re-import (or take over) Jiangbei's request
    taken = imp(city.users["district_binhai"], "supply_requests",
                [REQUESTS, *request_rows("R-1", city.binhai.code, ("KZ", 500), kind="基层单位")])
    assert where(taken) == [(2, "申请编号")] and "江北区" in taken.errors[0].message
    assert world() == before
    for role in ("enterprise", "liaison", "leader"):
        assert not get_dataset("supply_requests").can_import(city.users[role]), role  # type: ignore[union-attr]


# --- commitments and issues --------------------------------------------------------------------------------------

def test_commitments_within_what_is_available_idempotent_and_never_changed(stocked: City) -> None:
    city, office = stocked, stocked.users["department"]
    counts(imp(city.users["hq"], "supply_requests", [
        REQUESTS, *request_rows("R-1", city.e_jiangbei.uscc, ("KZ", 3000)),
        *request_rows("R-2", "JXJ", ("KZ", 9000), kind="医疗机构")]))
    rows = [COMMITMENTS, ["R-1", "KZ", "CK01", 3000, "2020-02-11"]]
    assert counts(imp(office, "supply_commitments", rows)) == (1, 0, 0)
    line = RequestLine.objects.get(request__code="R-1")
    assert actions.line_figures(line) == (3000, 0)
    assert Commitment.objects.get().actor == office
    assert counts(imp(city.users["hq"], "supply_commitments", rows)) == (0, 0, 1)  # idempotent
    before = world()
    changed = imp(office, "supply_commitments", [COMMITMENTS, ["R-1", "KZ", "CK01", 2000, "2020-02-11"]])
    assert where(changed) == [(2, "承诺数量")] and "3000" in changed.errors[0].message
    # over what is available at the depot (10 000 received − 3000 committed): the limit named; the good row before
    # it is rolled back with it
    over = imp(office, "supply_commitments", [COMMITMENTS, ["R-2", "KZ", "CK01", 1000, "2020-02-11"],
                                              ["R-2", "KZ", "CK01", 6001, "2020-02-12"]])
    assert where(over) == [(3, "承诺数量")] and "可分配6000" in over.errors[0].message
    early = imp(office, "supply_commitments", [COMMITMENTS, ["R-9", "KZ", "CK01", 10, "2020-02-11"],
                                               ["R-2", "XDY", "CK01", 10, "2020-02-11"],
                                               ["R-2", "KZ", "CK09", 10, "2020-02-11"]])
    assert where(early) == [(2, "申请编号"), (3, "物资代码"), (4, "仓库代码")]
    assert "supply_requests" in early.errors[0].message
    assert world() == before
    assert counts(imp(office, "supply_commitments", [COMMITMENTS, ["R-2", "KZ", "CK01", 1000, "2020-02-11"],
                                                     ["R-2", "KZ", "CK01", 6000, "2020-02-12"]])) == (2, 0, 0)
    assert actions.depot_available(Depot.objects.get(code="CK01"), line.item) == 0


def test_issues_within_what_is_committed_the_receiver_kept(stocked: City) -> None:
    city, office = stocked, stocked.users["department"]
    counts(imp(office, "supply_requests", [REQUESTS, *request_rows("R-1", city.e_jiangbei.uscc, ("KZ", 3000))]))
    counts(imp(office, "supply_commitments", [COMMITMENTS, ["R-1", "KZ", "CK01", 3000, "2020-02-11"]]))
    rows = [ISSUES, ["R-1", "KZ", "CK01", 2000, "2020-02-11", "张三"]]
    assert counts(imp(office, "supply_issues", rows, xlsx=True)) == (1, 0, 0)
    assert (Issue.objects.get().receiver, Issue.objects.get().actor) == ("张三", office)
    assert counts(imp(office, "supply_issues", rows)) == (0, 0, 1)  # idempotent
    before = world()
    other = imp(office, "supply_issues", [ISSUES, ["R-1", "KZ", "CK01", 2000, "2020-02-11", "李四"]])
    assert where(other) == [(2, "签收人")]
    assert other.errors[0].value is None and "李四" not in str(other.errors[0]) and "张三" not in str(other.errors[0])
    over = imp(office, "supply_issues", [ISSUES, ["R-1", "KZ", "CK01", 1001, "2020-02-12", "张三"]])
    assert where(over) == [(2, "发放数量")] and "最多还可发放1000" in over.errors[0].message
    blank = imp(office, "supply_issues", [ISSUES, ["R-1", "KZ", "CK01", 10, "2020-02-12", ""]])
    assert where(blank) == [(2, "签收人")]
    assert world() == before
    assert counts(imp(office, "supply_issues", [ISSUES, ["R-1", "KZ", "CK01", 1000, "2020-02-12", "张三"]])) == (
        1, 0, 0)
    assert actions.line_figures(RequestLine.objects.get()) == (3000, 3000)


def test_a_county_cannot_commit_or_issue_through_a_file(stocked: City) -> None:
    city, district = stocked, stocked.users["district"]
    counts(imp(district, "supply_requests", [REQUESTS, *request_rows("R-1", city.township.code, ("KZ", 500),
                                                                     kind="基层单位")]))
    line = RequestLine.objects.get()
    for name, rows in (("supply_commitments", [COMMITMENTS, ["R-1", "KZ", "CK01", 500, "2020-02-11"]]),
                       ("supply_issues", [ISSUES, ["R-1", "KZ", "CK01", 500, "2020-02-11", "王五"]])):
        assert not get_dataset(name).can_import(district), name  # type: ignore[union-attr]
        denied = imp(district, name, rows)
        assert not denied.ok and "权限" in denied.errors[0].message, name
    assert not Commitment.objects.exists() and not Issue.objects.exists()
    # the action itself: an import (Action.IMPORT, which a county holds on its requests) still needs the approval
    with pytest.raises(PermissionDenied):
        actions.commit(district, line, "CK01", 500, dt.date(2020, 2, 11), action="import")
    with pytest.raises(PermissionDenied):
        actions.issue(district, line, "CK01", 500, "王五", dt.date(2020, 2, 11), action="import")
    assert not Commitment.objects.exists()
    actions.commit(city.users["department"], line, "CK01", 500, dt.date(2020, 2, 11), action="import")
    assert Commitment.objects.count() == 1
    for role in ("enterprise", "liaison", "leader", "district_binhai", "park"):
        for name in ("supply_commitments", "supply_issues", "supply_receipts", "supply_items", "supply_depots"):
            assert not get_dataset(name).can_import(city.users[role]), (role, name)  # type: ignore[union-attr]


# --- the ways in -------------------------------------------------------------------------------------------------

def test_english_keys_the_pages_and_the_templates(client: Any, stocked: City) -> None:
    city = stocked
    english = [["code", "date", "depot", "item", "source", "quantity"], ["RK-3", "2020-02-11", "CK01", "JJ", "local",
                                                                         200]]
    assert counts(imp(city.users["hq"], "supply_receipts", english)) == (1, 0, 0)
    assert Receipt.objects.get(code="RK-3").source == "local"
    client.force_login(city.users["hq"])
    for name in ALL:
        assert client.get(f"/imports/{name}/").status_code == 200, name
        assert client.get(f"/imports/{name}/template.xlsx").status_code == 200, name
    assert "个人信息" in client.get("/imports/supply_issues/").content.decode()  # the receiver says so
    client.force_login(city.users["district"])
    assert client.get("/imports/supply_requests/").status_code == 200
    for name in ("supply_commitments", "supply_issues", "supply_receipts"):
        assert client.get(f"/imports/{name}/").status_code in (403, 404), name


def test_the_cli_and_the_api_import_in_order(client: Any, city: City, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    report(city.e_jiangbei, D, True, 100)
    files = [("supply_depots", [DEPOTS, ["CK01", "市应急物资储备库", ""]]),
             ("supply_receipts", [RECEIPTS, ["RK-1", "2020-02-10", "CK01", "KZ", "采购", 5000]]),
             ("supply_requests", [REQUESTS, *request_rows("R-1", city.e_jiangbei.uscc, ("KZ", 3000))]),
             ("supply_commitments", [COMMITMENTS, ["R-1", "KZ", "CK01", 3000, "2020-02-11"]])]
    for number, (name, rows) in enumerate(files):
        path = tmp_path / f"{number}-{name}.csv"
        path.write_bytes(csv_bytes(rows))
        out = io.StringIO()
        user = ["--user", "jingxin"] if number % 2 else []  # the office, or the console operator acting as HQ
        call_command("import", name, str(path), *user, "--json", stdout=out)
        assert json.loads(out.getvalue())["ok"], out.getvalue()
    assert Commitment.objects.get().actor == city.users["department"]

    def post(role: str, quantity: int) -> Any:
        data = csv_bytes([ISSUES, ["R-1", "KZ", "CK01", quantity, "2020-02-12", "张三"]])
        return client.post("/api/v1/imports/supply_issues", {"file": SimpleUploadedFile("发放.csv", data)},
                           HTTP_AUTHORIZATION=f"Token {city.token(role)}")

    assert post("district", 100).status_code in (403, 404)
    refused = post("department", 3001)
    assert refused.status_code in (400, 422) and refused.json()["errors"][0]["column"] == "发放数量"
    done = post("department", 3000)
    assert done.status_code in (200, 201) and done.json()["created"] == 1
    assert actions.line_figures(RequestLine.objects.get()) == (3000, 3000)


def test_a_file_over_the_row_limit_writes_nothing(stocked: City, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    before = world()
    rows = [RECEIPTS, *[[f"RK-{n}", "2020-02-11", "CK01", "KZ", "采购", 10] for n in range(3, 6)]]
    result = imp(stocked.users["department"], "supply_receipts", rows)
    assert not result.ok and "2 行" in result.errors[0].message and result.created == 0
    assert world() == before
    assert counts(imp(stocked.users["department"], "supply_receipts", rows[:3])) == (2, 0, 0)
