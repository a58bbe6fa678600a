"""The safe-resumption datasets (DOMAIN.md §10, §16) through the import framework: the checklist, filings (applied,
inspected, decided through the pages' actions, in the order filings → filing_items → decided filings), the answers
and the epidemic ledger; all or nothing, idempotent, every error by row and column, each user within their scope;
and the optional enterprise of the ``clusters`` dataset."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.epidemic.models import ClusterEvent
from dualtrack.filings import actions
from dualtrack.filings.models import ChecklistItem, EnterpriseHealth, Filing, FilingEvent, FilingItem

from .conftest import City
from .helpers import csv_bytes, xlsx_bytes

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
FILINGS = ["备案编号", "统一社会信用代码", "申请日期", "拟复工日期", "拟到岗人数", "其中市外返岗", "防控负责人", "联系电话",
           "审核结果", "审核日期", "现场查勘日期", "意见"]
ITEMS = ["备案编号", "事项代码", "已落实", "说明"]
HEALTH = ["日期", "统一社会信用代码", "在岗人数", "市外返岗", "隔离观察", "发热", "口罩库存", "消毒液库存"]
CHECKLIST = ["事项代码", "事项", "必须", "适用风险等级"]


@pytest.fixture(autouse=True)
def clock(settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"


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


def filing_row(code: str, uscc: str, *, decision: str = "", decided_on: str = "", inspected_on: str = "",
               note: str = "", outside: int = 10, officer: str = "王防控", phone: str = "13800001111") -> list[Any]:
    return [code, uscc, "2020-02-07", "2020-02-10", 100, outside, officer, phone, decision, decided_on,
            inspected_on, note]


def answers(code: str, unmet: tuple[str, ...] = ()) -> list[list[Any]]:
    return [[code, c, "否" if c in unmet else "是", "已落实" if c not in unmet else "隔离室未设"] for c in CODES]


def world() -> dict[str, Any]:
    """What a filings import could touch, to prove a refused file wrote nothing."""
    return {"filings": sorted(Filing.objects.values_list("code", "state", "inspected_on", "decided_on", "note")),
            "items": sorted(FilingItem.objects.values_list("filing__code", "item__code", "met", "note")),
            "events": FilingEvent.objects.count(),
            "health": sorted(EnterpriseHealth.objects.values_list("date", "enterprise_id", "on_duty", "fever"))}


# --- the checklist ----------------------------------------------------------------------------------------------------

def test_checklist_items_are_hq_s_and_their_levels_are_validated(city: City) -> None:
    hq = city.users["hq"]
    assert list(ChecklistItem.objects.values_list("code", flat=True)) == CODES  # shipped as data
    rows = [CHECKLIST, ["C8", "食堂分餐：分散就餐，不面对面", "否", "中;高"], ["c2", "返岗人员隔离观察", "是", "high;medium"]]
    assert counts(imp(hq, "checklist_items", rows)) == (1, 1, 0)
    assert ChecklistItem.objects.get(code="C8").levels == "medium;high"
    assert not ChecklistItem.objects.get(code="C8").mandatory
    assert ChecklistItem.objects.get(code="C2").text == "返岗人员隔离观察"
    assert counts(imp(hq, "checklist_items", rows)) == (0, 0, 2)  # idempotent
    bad = imp(hq, "checklist_items", [CHECKLIST, ["C9", "x", "是", "low"], ["C10", "y", "是", "low;severe"]])
    assert where(bad) == [(3, "适用风险等级")] and "low、medium、high" in bad.errors[0].message
    assert not ChecklistItem.objects.filter(code="C9").exists()  # all or nothing
    refused = imp(city.users["district"], "checklist_items", [CHECKLIST, ["C9", "x", "是", "low"]])
    assert not refused.ok and not ChecklistItem.objects.filter(code="C9").exists()


# --- filings → filing_items → decided filings ----------------------------------------------------------------------------

def test_the_import_order_filings_then_answers_then_decisions(city: City) -> None:
    district = city.users["district"]
    park, key = city.e_jiangbei_park.uscc, city.e_jiangbei.uscc  # the key enterprise needs the on-site check
    undecided = [FILINGS, filing_row("FB-1", park), filing_row("FB-2", key)]
    assert counts(imp(district, "filings", undecided)) == (2, 0, 0)
    one = Filing.objects.get(code="FB-1")
    assert (one.state, one.applied_on, one.due_on, one.enterprise) == ("applied", dt.date(2020, 2, 7),
                                                                       dt.date(2020, 2, 10), city.e_jiangbei_park)
    assert list(one.events.values_list("kind", flat=True)) == ["applied"]
    assert counts(imp(district, "filings", undecided)) == (0, 0, 2)  # idempotent

    decided = [FILINGS, filing_row("FB-1", park, decision="已备案", decided_on="2020-02-08"),
               filing_row("FB-2", key, decision="已备案", decided_on="2020-02-08", inspected_on="2020-02-08")]
    before = world()
    early = imp(district, "filings", decided)  # before the answers: refused, naming the column
    assert where(early) == [(2, "审核结果"), (3, "审核结果")]
    assert "filing_items" in early.errors[0].message and "C1" in early.errors[0].message
    assert world() == before

    assert counts(imp(district, "filing_items", [ITEMS, *answers("FB-1"), *answers("FB-2")])) == (14, 0, 0)
    assert counts(imp(district, "filing_items", [ITEMS, *answers("FB-1"), *answers("FB-2")])) == (0, 0, 14)
    assert counts(imp(district, "filings", decided)) == (0, 2, 0)
    one, two = Filing.objects.get(code="FB-1"), Filing.objects.get(code="FB-2")
    assert (one.state, one.decided_on, one.decided_by) == ("filed", dt.date(2020, 2, 8), district)
    assert (two.state, two.inspected_on) == ("filed", dt.date(2020, 2, 8))
    assert list(two.events.values_list("kind", flat=True)) == ["applied", "inspected", "filed"]

    # Re-imports change nothing: the decided file, the undecided one, the answers.
    events = FilingEvent.objects.count()
    assert counts(imp(district, "filings", decided)) == (0, 0, 2)
    assert counts(imp(district, "filings", undecided)) == (0, 0, 2)
    assert counts(imp(district, "filing_items", [ITEMS, *answers("FB-1")])) == (0, 0, 7)
    assert FilingEvent.objects.count() == events

    # A recorded decision, check or answer is never changed by a file: refused with the reason.
    before = world()
    changed = imp(district, "filings", [FILINGS, filing_row("FB-1", park, decision="退回", decided_on="2020-02-08",
                                                            note="材料不全")])
    assert where(changed) == [(2, "审核结果")] and "不能通过导入更改" in changed.errors[0].message
    moved = imp(district, "filings", [FILINGS, filing_row("FB-2", key, decision="已备案", decided_on="2020-02-08",
                                                          inspected_on="2020-02-09")])
    assert where(moved) == [(2, "现场查勘日期")]
    officer = imp(district, "filings", [FILINGS, filing_row("FB-1", park, officer="李某")])
    assert where(officer) == [(2, "防控负责人")] and officer.errors[0].value is None  # a personal value not echoed
    reanswer = imp(district, "filing_items", [ITEMS, ["FB-1", "C3", "否", "体温枪损坏"]])
    assert where(reanswer) == [(2, "已落实")] and "已备案" in reanswer.errors[0].message
    assert world() == before


def test_a_return_needs_its_reason_and_the_answers_change_only_while_undecided(city: City) -> None:
    hq = city.users["hq"]
    park = city.e_jiangbei_park.uscc
    assert counts(imp(hq, "filings", [FILINGS, filing_row("FB-1", park)])) == (1, 0, 0)
    assert counts(imp(hq, "filing_items", [ITEMS, *answers("FB-1", unmet=("C7",))])) == (7, 0, 0)
    assert counts(imp(hq, "filing_items", [ITEMS, ["FB-1", "C7", "是", "隔离室已设"]])) == (0, 1, 0)
    no_reason = imp(hq, "filings", [FILINGS, filing_row("FB-1", park, decision="退回", decided_on="2020-02-08")])
    assert where(no_reason) == [(2, "意见")]
    returned = [FILINGS, filing_row("FB-1", park, decision="退回", decided_on="2020-02-08", note="承诺书未盖章")]
    assert counts(imp(hq, "filings", returned)) == (0, 1, 0)
    assert Filing.objects.get(code="FB-1").state == "returned"
    assert counts(imp(hq, "filings", returned)) == (0, 0, 1)
    # The enterprise applies again with a new code: the returned one stays as it was.
    assert counts(imp(hq, "filings", [FILINGS, filing_row("FB-2", park)])) == (1, 0, 0)
    assert Filing.objects.get(code="FB-2").previous == Filing.objects.get(code="FB-1")


def test_filing_is_refused_while_an_applicable_mandatory_item_is_unmet_and_the_file_is_rolled_back(city: City) -> None:
    """The refusal comes from the action inside ``write_batch`` (the risk level on the decision day): the row before
    it, already decided in the same transaction, is rolled back with it."""
    district = city.users["district"]
    park, key = city.e_jiangbei_park.uscc, city.e_jiangbei.uscc
    ok = imp(district, "filings", [FILINGS, filing_row("FB-1", park), filing_row("FB-2", key)])
    assert ok.ok
    counts(imp(district, "filing_items", [ITEMS, *answers("FB-1"), *answers("FB-2", unmet=("C3", "C5"))]))
    before = world()
    result = imp(district, "filings", [FILINGS, filing_row("FB-1", park, decision="已备案", decided_on="2020-02-08"),
                                       filing_row("FB-2", key, decision="已备案", decided_on="2020-02-08",
                                                  inspected_on="2020-02-08")])
    assert where(result) == [(3, "审核结果")]
    assert "C3" in result.errors[0].message and "C5" in result.errors[0].message
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert world() == before  # FB-1's decision and FB-2's check, written before the refusal, are rolled back
    assert Filing.objects.get(code="FB-1").state == "applied"
    # C2 applies at medium and high risk only: unmet at low risk, the filing goes through.
    counts(imp(district, "filing_items", [ITEMS, ["FB-2", "C3", "是", ""], ["FB-2", "C5", "是", ""],
                                          ["FB-2", "C2", "否", "无市外人员"]]))
    assert counts(imp(district, "filings", [FILINGS, filing_row("FB-2", key, decision="已备案",
                                                                 decided_on="2020-02-08",
                                                                 inspected_on="2020-02-08")])) == (0, 1, 0)


def test_the_on_site_check_is_required_for_a_key_enterprise(city: City) -> None:
    district = city.users["district"]
    key = city.e_jiangbei.uscc
    counts(imp(district, "filings", [FILINGS, filing_row("FB-1", key)]))
    counts(imp(district, "filing_items", [ITEMS, *answers("FB-1")]))
    result = imp(district, "filings", [FILINGS, filing_row("FB-1", key, decision="已备案", decided_on="2020-02-08")])
    assert where(result) == [(2, "现场查勘日期")] and "现场查勘" in result.errors[0].message
    assert Filing.objects.get(code="FB-1").state == "applied"


def test_errors_name_the_row_and_the_column(city: City) -> None:
    hq = city.users["hq"]
    park, binhai = city.e_jiangbei_park.uscc, city.e_binhai.uscc
    rows = [FILINGS, filing_row("FB-1", park), filing_row("FB-2", binhai, phone="12345"),
            filing_row("FB-3", "91339102000000000X"), filing_row("FB-4", park, decision="已备案"),
            ["FB-5", park, "2020-02-07", "2020-02-10", 10, 20, "王防控", "13800001111", "", "", "", ""]]
    result = imp(hq, "filings", rows)
    assert (3, "联系电话") not in where(result)  # the action's checks run only when every row's checks pass
    assert where(result) == [(4, "统一社会信用代码"), (5, "审核日期"), (5, "审核结果")]
    assert not Filing.objects.exists()
    # The action's own refusals (the phone, outside workers above the planned) come back by row and column too.
    result = imp(hq, "filings", [FILINGS, filing_row("FB-1", park), filing_row("FB-2", binhai, phone="12345"),
                                 ["FB-5", city.e_jiangbei.uscc, "2020-02-07", "2020-02-10", 10, 20, "王防控",
                                  "13800001111", "", "", "", ""]])
    assert where(result) == [(3, "联系电话"), (4, "其中市外返岗")]
    assert not Filing.objects.exists()
    # An enterprise with a filing pending may not apply again (the action names it).
    counts(imp(hq, "filings", [FILINGS, filing_row("FB-1", park)]))
    again = imp(hq, "filings", [FILINGS, filing_row("FB-9", park)])
    assert where(again) == [(2, "统一社会信用代码")] and "FB-1" in again.errors[0].message


def test_a_district_imports_only_its_own_enterprises(city: City) -> None:
    district, binhai = city.users["district"], city.users["district_binhai"]
    refused = imp(district, "filings", [FILINGS, filing_row("FB-1", city.e_binhai.uscc)])
    assert where(refused) == [(2, "统一社会信用代码")] and not Filing.objects.exists()
    ledger = imp(district, "enterprise_health", [HEALTH, ["2020-02-10", city.e_binhai.uscc, 50, 5, 5, 0, 100, 10]])
    assert where(ledger) == [(2, "统一社会信用代码")] and not EnterpriseHealth.objects.exists()
    # Binhai's own filing, taken over by a Jiangbei operator through the code: refused naming the owner.
    counts(imp(binhai, "filings", [FILINGS, filing_row("FB-1", city.e_binhai.uscc)]))
    taken = imp(district, "filings", [FILINGS, filing_row("FB-1", city.e_jiangbei.uscc)])
    assert where(taken) == [(2, "备案编号")] and "滨海海纳物流有限公司" in taken.errors[0].message
    counts(imp(binhai, "filing_items", [ITEMS, *answers("FB-1")]))
    items = imp(district, "filing_items", [ITEMS, ["FB-1", "C1", "否", ""]])
    assert where(items) == [(2, "备案编号")]
    assert FilingItem.objects.get(filing__code="FB-1", item__code="C1").met
    # The park's operator: its park's enterprise yes, the county's other one no.
    park = city.users["park"]
    assert imp(park, "filings", [FILINGS, filing_row("FB-2", city.e_jiangbei_park.uscc)]).ok
    assert where(imp(park, "filings", [FILINGS, filing_row("FB-3", city.e_jiangbei.uscc)])) == [(2, "统一社会信用代码")]
    # Enterprises, liaison officers, leaders and departments do not import filings (they apply on the page).
    for role in ("enterprise", "liaison", "leader", "department"):
        for name in ("filings", "filing_items", "enterprise_health", "checklist_items"):
            dataset = get_dataset(name)
            assert dataset is not None and not dataset.can_import(city.users[role]), (role, name)


# --- the epidemic ledger ------------------------------------------------------------------------------------------------

def test_enterprise_health_from_xlsx_idempotent_and_checked(city: City) -> None:
    district = city.users["district"]
    uscc = city.e_jiangbei.uscc
    rows = [HEALTH, [dt.date(2020, 2, 10), uscc, 120, 30, 12, 0, 5000, 50.5],
            ["2020-02-11", uscc, 118, 30, 10, 1, 4800, "48"]]
    assert counts(imp(district, "enterprise_health", rows, xlsx=True)) == (2, 0, 0)
    day = EnterpriseHealth.objects.get(date=dt.date(2020, 2, 10))
    assert (day.on_duty, day.masks, day.disinfectant_kg, day.reported_by) == (120, 5000, Decimal("50.5"), district)
    assert counts(imp(district, "enterprise_health", rows, xlsx=True)) == (0, 0, 2)
    assert counts(imp(city.users["hq"], "enterprise_health", rows)) == (0, 0, 2)  # another importer, same values
    corrected = [HEALTH, ["2020-02-11", uscc, 118, 30, 10, 2, 4800, "48"]]
    assert counts(imp(district, "enterprise_health", corrected)) == (0, 1, 0)
    assert EnterpriseHealth.objects.get(date=dt.date(2020, 2, 11)).fever == 2
    before = world()
    bad = imp(district, "enterprise_health", [HEALTH, ["2020-02-12", uscc, 100, 10, 0, 0, 10, 1],
                                              ["2020-02-13", uscc, 10, 30, 0, 0, 10, 1],
                                              ["2020-02-14", uscc, 10, 0, 0, 0, -5, 1]])
    assert where(bad) == [(3, "市外返岗"), (4, "口罩库存")]
    assert world() == before


def test_english_keys_the_page_and_the_template(client: Any, city: City) -> None:
    hq = city.users["hq"]
    counts(imp(hq, "filings", [FILINGS, filing_row("FB-1", city.e_jiangbei_park.uscc)]))
    english = [["filing", "item", "met", "note"], *answers("FB-1")]
    assert counts(imp(hq, "filing_items", english)) == (7, 0, 0)
    client.force_login(city.users["district"])
    for name in ("filings", "filing_items", "enterprise_health"):
        page = client.get(f"/imports/{name}/")
        assert page.status_code == 200, name
        assert client.get(f"/imports/{name}/template.xlsx").status_code == 200, name
    assert "个人信息" in client.get("/imports/filings/").content.decode()  # the officer and the phone say so
    assert client.get("/imports/checklist_items/").status_code in (403, 404)  # HQ's


def test_the_api_takes_the_ledger_within_the_scope(client: Any, city: City) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(role: str, uscc: str) -> Any:
        data = csv_bytes([HEALTH, ["2020-02-10", uscc, 50, 5, 5, 1, 100, 10]])
        return client.post("/api/v1/imports/enterprise_health", {"file": SimpleUploadedFile("台账.csv", data)},
                           HTTP_AUTHORIZATION=f"Token {city.token(role)}")

    refused = post("district", city.e_binhai.uscc)
    assert refused.status_code in (400, 422) and not EnterpriseHealth.objects.exists()
    assert refused.json()["errors"][0]["column"] == "统一社会信用代码"
    done = post("district", city.e_jiangbei.uscc)
    assert done.status_code in (200, 201) and done.json()["created"] == 1
    assert EnterpriseHealth.objects.get().fever == 1
    assert post("enterprise", city.e_jiangbei.uscc).status_code in (403, 404)  # the enterprise reports on its page


# --- the CLI and the clusters' enterprise --------------------------------------------------------------------------------

def test_the_cli_imports_the_datasets_in_order(city: City, tmp_path: Path) -> None:
    park = city.e_jiangbei_park.uscc
    files = [("filings", [FILINGS, filing_row("FB-1", park)]), ("filing_items", [ITEMS, *answers("FB-1")]),
             ("filings", [FILINGS, filing_row("FB-1", park, decision="已备案", decided_on="2020-02-08")])]
    for number, (name, rows) in enumerate(files):
        path = tmp_path / f"{number}-{name}.csv"
        path.write_bytes(csv_bytes(rows))
        out = io.StringIO()
        call_command("import", name, str(path), "--user", "jiangbei", "--json", stdout=out)
        assert json.loads(out.getvalue())["ok"], out.getvalue()
    assert Filing.objects.get(code="FB-1").state == "filed"


def test_the_clusters_enterprise_known_unknown_or_of_another_county(city: City) -> None:
    hq = city.users["hq"]
    header = ["日期", "区划代码", "病例数", "描述", "统一社会信用代码"]
    result = imp(hq, "clusters", [header, ["2020-02-10", "339102", 3, "厂区聚集", city.e_jiangbei.uscc],
                                  ["2020-02-10", "339102", 2, "小区聚集", ""]])
    assert counts(result) == (2, 0, 0)
    assert ClusterEvent.objects.get(description="厂区聚集").enterprise == city.e_jiangbei
    assert ClusterEvent.objects.get(description="小区聚集").enterprise is None
    bad = imp(hq, "clusters", [header, ["2020-02-11", "339102", 3, "甲", "91339102000000000X"],
                               ["2020-02-11", "339102", 3, "乙", city.e_binhai.uscc]])
    assert where(bad) == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]
    assert "企业名录" in bad.errors[0].message and "区县" in bad.errors[1].message
    assert ClusterEvent.objects.count() == 2
    # A later file names the enterprise of a cluster entered without one; a named one stays as recorded.
    assert counts(imp(hq, "clusters", [header, ["2020-02-10", "339102", 2, "小区聚集", city.e_jiangbei_park.uscc]])) \
        == (0, 1, 0)
    assert ClusterEvent.objects.get(description="小区聚集").enterprise == city.e_jiangbei_park


def test_a_page_application_still_needs_every_answer(city: City) -> None:
    """The file's way in (answers from ``filing_items``) leaves the page's rule as it was."""
    from django.core.exceptions import ValidationError

    spec = actions.NewFiling(planned_on=dt.date(2020, 2, 10), planned_workers=10, workers_from_outside=0,
                             officer="王防控", phone="13800001111")
    with pytest.raises(ValidationError) as refused:
        actions.apply(city.users["enterprise"], city.e_jiangbei, spec)
    assert "item_C1" in refused.value.message_dict
    with pytest.raises(Exception):  # noqa: B017,PT011 - a district does not apply on the page
        actions.apply(city.users["district"], city.e_jiangbei, spec, require_answers=False)
