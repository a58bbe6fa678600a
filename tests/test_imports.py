"""The import framework through the real enterprise, region, park and department datasets."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import uscc as stdnum_uscc

from dualtrack.core.actors import SystemActor
from dualtrack.core.choices import AuditAction
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.imports.base import ImportResult
from dualtrack.core.models import AuditLog
from dualtrack.registry.models import Department, ElectricityAccount, Enterprise, Park, Region
from dualtrack.registry.validators import make_uscc

from .conftest import City, new_uscc
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row, xlsx_bytes


def imp(name: str, data: bytes, user: Any, filename: str = "upload.csv") -> ImportResult:
    dataset = get_dataset(name)
    assert dataset is not None
    return run_import(dataset, io.BytesIO(data), filename, user)


def state() -> dict[str, Any]:
    """Everything an import could touch, to prove a rejected file changed nothing."""
    return {
        "enterprises": sorted(Enterprise.objects.values_list("uscc", "name", "county_id", "normal_headcount")),
        "accounts": sorted(ElectricityAccount.objects.values_list("account_no", "enterprise_id")),
        "regions": sorted(Region.objects.values_list("code", "name")),
        "audit": AuditLog.objects.count(),
    }


def errors_of(result: ImportResult) -> list[tuple[int | None, str | None]]:
    return [(e.row, e.column) for e in result.errors]


@pytest.fixture
def hq(city: City) -> Any:
    return city.users["hq"]


_accounts = itertools.count(1)


def good_rows(n: int = 3, county: str = "339102") -> list[list[Any]]:
    return [enterprise_row(new_uscc(county), f"测试企业{i}有限公司", county=county, accounts=f"33{next(_accounts):08d}")
            for i in range(n)]


class TestRejections:
    """Each kind of bad input is rejected with its row and column, and nothing is written."""

    def check(self, rows: list[list[Any]], user: Any, expected: list[tuple[int | None, str | None]],
              message_part: str, encoding: str = "utf-8-sig") -> ImportResult:
        before = state()
        result = imp("enterprises", csv_bytes(rows, encoding), user)
        assert not result.ok
        assert errors_of(result) == expected
        assert message_part in result.errors[0].message
        assert state() == before
        return result

    def test_bad_credit_code(self, city: City, hq: Any) -> None:
        rows = good_rows(3)
        rows[1][0] = rows[1][0][:-1] + ("0" if rows[1][0][-1] != "0" else "1")
        self.check([ENTERPRISE_HEADER, *rows], hq, [(3, "统一社会信用代码")], "校验位")

    def test_credit_code_with_forbidden_letter(self, city: City, hq: Any) -> None:
        rows = good_rows(1)
        rows[0][0] = "91339102MA2CF0QXIR"
        self.check([ENTERPRISE_HEADER, *rows], hq, [(2, "统一社会信用代码")], "非法字符")

    def test_unknown_county(self, city: City, hq: Any) -> None:
        rows = good_rows(2)
        rows[0][2] = "339199"
        self.check([ENTERPRISE_HEADER, *rows], hq, [(2, "区划代码")], "不存在")

    def test_unknown_industry(self, city: City, hq: Any) -> None:
        rows = good_rows(2)
        rows[1][4] = "C9911"  # division 99 does not exist
        result = self.check([ENTERPRISE_HEADER, *rows], hq, [(3, "行业代码")], "99")
        rows[1][4] = "F3484"  # division 34 is manufacturing, not trade
        self.check([ENTERPRISE_HEADER, *rows], hq, [(3, "行业代码")], "门类 C")
        assert result.error_count == 1

    def test_bad_date(self, city: City, hq: Any) -> None:
        rows = good_rows(3)
        rows[2][8] = "2020-02-30"
        self.check([ENTERPRISE_HEADER, *rows], hq, [(4, "成立日期")], "不是有效日期")

    def test_duplicate_key_within_file(self, city: City, hq: Any) -> None:
        rows = good_rows(3)
        rows.append(list(rows[0]))
        rows[3][9] = ""
        self.check([ENTERPRISE_HEADER, *rows], hq, [(5, "统一社会信用代码")], "与第2行重复")

    def test_wrong_encoding(self, city: City, hq: Any) -> None:
        before = state()
        data = csv_bytes([ENTERPRISE_HEADER, *good_rows(2)], encoding="utf-16")
        result = imp("enterprises", data, hq)
        assert not result.ok
        assert "编码" in result.errors[0].message
        assert state() == before

    def test_missing_column(self, city: City, hq: Any) -> None:
        header = [h for h in ENTERPRISE_HEADER if h != "规模类型"]
        rows = [r[:5] + r[6:] for r in good_rows(2)]
        self.check([header, *rows], hq, [(1, "规模类型")], "缺少必需的列")

    def test_district_operator_row_for_another_district(self, city: City) -> None:
        rows = good_rows(2) + good_rows(1, county="339106")
        self.check([ENTERPRISE_HEADER, *rows], city.users["district"], [(4, "区划代码")], "无权")

    def test_district_operator_cannot_take_over_another_districts_enterprise(self, city: City) -> None:
        row = enterprise_row(city.e_binhai.uscc, "改名企业", county="339102")
        self.check([ENTERPRISE_HEADER, row], city.users["district"], [(2, "统一社会信用代码")], "无权")

    def test_power_account_of_another_enterprise(self, city: City, hq: Any) -> None:
        ElectricityAccount.objects.create(account_no="3302999999", enterprise=city.e_binhai)
        rows = good_rows(2)
        rows[1][9] = "3302999999"
        self.check([ENTERPRISE_HEADER, *rows], hq, [(3, "电力户号")], "已属于其他企业")

    def test_every_error_is_listed(self, city: City, hq: Any) -> None:
        rows = good_rows(4)
        rows[0][6] = "-3"
        rows[1][5] = "大型"
        rows[3][7] = "也许"
        result = self.check([ENTERPRISE_HEADER, *rows], hq,
                            [(2, "正常用工人数"), (3, "规模类型"), (5, "重点企业")], "负数")
        assert result.error_count == 3

    def test_role_without_import_right(self, city: City) -> None:
        before = state()
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *good_rows(1)]), city.users["liaison"])
        assert not result.ok and "权限" in result.errors[0].message
        assert state() == before


class TestAcceptance:
    def test_import_writes_rows_accounts_and_audit(self, city: City, hq: Any) -> None:
        rows = good_rows(3)
        rows[0][3] = "GXQ"
        rows[0][9] = "3302000001;3302000002"
        audit_before = AuditLog.objects.count()
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), hq)
        assert result.ok, result.errors
        assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
        first = Enterprise.objects.get(uscc=rows[0][0])
        assert first.park == city.park and first.industry_code == "C3484" and first.industry_section == "C"
        assert first.established_on == dt.date(2015, 6, 18)
        assert sorted(first.power_accounts.values_list("account_no", flat=True)) == ["3302000001", "3302000002"]
        created = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="registry.enterprise")
        assert created.count() == 3
        entry = created.get(object_id=str(first.pk))
        assert entry.actor == hq and entry.after["name"] == first.name
        assert entry.after["power_accounts"] == ["3302000001", "3302000002"]
        summary = AuditLog.objects.get(action=AuditAction.IMPORT)
        assert summary.detail["created"] == 3 and len(summary.detail["sha256"]) == 64
        assert AuditLog.objects.count() == audit_before + 4

    def test_reimport_changes_nothing(self, city: City, hq: Any) -> None:
        data = csv_bytes([ENTERPRISE_HEADER, *good_rows(5)])
        assert imp("enterprises", data, hq).created == 5
        snapshot = sorted(Enterprise.objects.values_list("uscc", "name", "updated_at"))
        changes = AuditLog.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count()
        again = imp("enterprises", data, hq)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
        assert sorted(Enterprise.objects.values_list("uscc", "name", "updated_at")) == snapshot
        assert AuditLog.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count() == changes

    def test_update_is_audited_with_before_and_after(self, city: City, hq: Any) -> None:
        rows = good_rows(1)
        imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), hq)
        first_account = rows[0][9]
        rows[0][6] = 480
        rows[0][9] = "3302000099"
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), hq)
        assert (result.created, result.updated) == (0, 1)
        entry = AuditLog.objects.filter(action=AuditAction.UPDATE).latest("id")
        old_account = entry.before["power_accounts"][0]
        assert entry.before == {"normal_headcount": 120, "power_accounts": [old_account]}
        assert old_account == first_account
        assert entry.after == {"normal_headcount": 480, "power_accounts": ["3302000099"]}
        assert list(ElectricityAccount.objects.filter(enterprise__uscc=rows[0][0]).values_list(
            "account_no", flat=True)) == ["3302000099"]

    def test_gb18030_csv_with_english_headers(self, city: City, hq: Any) -> None:
        header = ["uscc", "name", "county_code", "industry_code", "size_class", "normal_headcount"]
        rows = [[new_uscc("339106"), "滨海鑫达贸易有限公司", "339106", "F5123", "限上服务业", "35"]]
        result = imp("enterprises", csv_bytes([header, *rows], encoding="gb18030"), hq)
        assert result.ok, result.errors
        assert Enterprise.objects.get(uscc=rows[0][0]).name == "滨海鑫达贸易有限公司"

    def test_plain_utf8_without_bom(self, city: City, hq: Any) -> None:
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *good_rows(2)], encoding="utf-8"), hq)
        assert result.ok and result.created == 2

    def test_xlsx_with_date_cells_serials_and_numbers(self, city: City, hq: Any) -> None:
        rows = good_rows(3)
        rows[0][8] = dt.datetime(2012, 3, 4)  # noqa: DTZ001 - an Excel date cell is naive
        rows[1][8] = 43871  # an Excel date serial: 2020-02-10
        rows[2][8] = "2019/12/31"
        rows[0][6] = 150.0  # Excel stores numbers as floats
        rows[0][9] = 3302000123  # an account number typed as a number
        result = imp("enterprises", xlsx_bytes([ENTERPRISE_HEADER, *rows]), hq, filename="名录.xlsx")
        assert result.ok, result.errors
        got = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r[0] for r in rows])}
        assert got[rows[0][0]].established_on == dt.date(2012, 3, 4)
        assert got[rows[1][0]].established_on == dt.date(2020, 2, 10)
        assert got[rows[2][0]].established_on == dt.date(2019, 12, 31)
        assert got[rows[0][0]].normal_headcount == 150
        assert got[rows[0][0]].power_accounts.get().account_no == "3302000123"

    def test_credit_codes_beginning_with_a_letter(self, city: City, hq: Any) -> None:
        codes = [make_uscc("N2339102MA0000001"), make_uscc("Y1339102MA0000002"), make_uscc("A1339102MA0000003")]
        assert not any(stdnum_uscc.is_valid(c) for c in codes)  # python-stdnum's validate() rejects these
        rows = [enterprise_row(c, f"股份经济合作社{i}", size="其他", industry="A0111") for i, c in enumerate(codes)]
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), hq)
        assert result.ok, result.errors
        assert Enterprise.objects.filter(uscc__in=codes).count() == 3

    def test_known_real_credit_code(self, city: City, hq: Any) -> None:
        rows = [enterprise_row("91110000600037341L", "外资企业样例")]
        assert imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), hq).ok

    def test_park_operator_imports_park_rows_of_any_county(self, city: City) -> None:
        rows = [enterprise_row(new_uscc("339102"), "园区企业", park="GXQ"),
                enterprise_row(new_uscc("339102"), "园区外企业")]
        result = imp("enterprises", csv_bytes([ENTERPRISE_HEADER, *rows]), city.users["park"])
        assert errors_of(result) == [(3, "园区代码")]


class TestReferenceDatasets:
    def test_regions_parents_resolved_in_any_order(self, city: City, hq: Any) -> None:
        rows = [["区划代码", "名称", "上级代码", "层级", "城区"],
                ["339106001001", "海港社区", "339106001", "村", ""],
                ["339106001", "海港街道", "339106", "乡", ""],
                ["339107", "临港区", "339100", "区", "否"]]
        result = imp("regions", csv_bytes(rows), hq)
        assert result.ok, result.errors
        assert Region.objects.get(code="339106001001").parent.code == "339106001"
        assert Region.objects.get(code="339107").level == "county"

    def test_region_errors(self, city: City, hq: Any) -> None:
        rows = [["code", "name", "parent_code", "level"],
                ["33910600", "短码街道", "339106", "township"],
                ["339106002", "孤儿街道", "339188", "township"],
                ["339102003", "错位街道", "339106", "township"],
                ["339102004", "层级街道", "339102001", "township"]]
        before = state()
        result = imp("regions", csv_bytes(rows), hq)
        assert errors_of(result) == [(2, "code"), (3, "code"), (4, "code"), (5, "parent_code")]
        assert "层级不符" in result.errors[3].message
        assert state() == before

    def test_region_with_unknown_parent(self, city: City, hq: Any) -> None:
        rows = [["code", "name", "parent_code", "level"], ["339188001", "孤儿街道", "339188", "township"]]
        result = imp("regions", csv_bytes(rows), hq)
        assert errors_of(result) == [(2, "parent_code")]
        assert "不存在" in result.errors[0].message

    def test_parks_and_departments(self, city: City, hq: Any) -> None:
        parks = [["园区代码", "园区名称", "区划代码"], ["JKQ", "经开区", "339106"], ["BAD", "无效园区", "339199"]]
        result = imp("parks", csv_bytes(parks), hq)
        assert errors_of(result) == [(3, "区划代码")]
        assert imp("parks", csv_bytes(parks[:2]), hq).ok
        assert Park.objects.get(code="JKQ").county == city.binhai
        departments = [["部门代码", "部门名称"], ["FGW", "市发展和改革委员会"]]
        assert imp("departments", csv_bytes(departments), hq).created == 1
        assert imp("departments", csv_bytes(departments), hq).unchanged == 1
        assert Department.objects.filter(code="FGW").exists()

    def test_reference_data_is_hq_only(self, city: City) -> None:
        departments = [["部门代码", "部门名称"], ["FGW", "市发展和改革委员会"]]
        assert not imp("departments", csv_bytes(departments), city.users["district"]).ok
        assert not Department.objects.filter(code="FGW").exists()


class TestCommandLine:
    def test_dualtrack_import_command(self, city: City, tmp_path: Any) -> None:
        path = tmp_path / "enterprises.csv"
        rows = good_rows(2)
        path.write_bytes(csv_bytes([ENTERPRISE_HEADER, *rows]))
        out = io.StringIO()
        call_command("import", "enterprises", str(path), stdout=out)
        assert "2 created" in out.getvalue()
        entry = AuditLog.objects.get(action=AuditAction.IMPORT)
        assert entry.actor is None and entry.actor_username.startswith("system:")

    def test_dualtrack_import_rejects_with_errors(self, city: City, tmp_path: Any) -> None:
        path = tmp_path / "bad.csv"
        rows = good_rows(2)
        rows[1][2] = "000000"
        path.write_bytes(csv_bytes([ENTERPRISE_HEADER, *rows]))
        err = io.StringIO()
        with pytest.raises(CommandError, match="1 errors; nothing was written"):
            call_command("import", "enterprises", str(path), stderr=err)
        assert "第3行" in err.getvalue() and "区划代码" in err.getvalue()
        assert Enterprise.objects.count() == 3

    def test_unknown_dataset(self, db: Any, tmp_path: Any) -> None:
        with pytest.raises(CommandError, match="unknown dataset"):
            call_command("import", "nonsense", str(tmp_path / "x.csv"))

    def test_system_actor_scope(self) -> None:
        assert SystemActor().role == "hq"


def test_a_regions_file_without_the_optional_urban_column(city: City) -> None:
    """Villages imported with 区划代码, 名称, 上级代码, 层级 only (no 城区): created, and a county's 城区 flag left alone
    by a file that does not carry it (this raised a KeyError)."""
    from dualtrack.registry.models import Region

    from .helpers import csv_bytes

    rows = [["区划代码", "名称", "上级代码", "层级"], ["339102001201", "江滨一村", "339102001", "村"],
            ["339102", "江北区", "339100", "县"]]
    result = run_import(get_dataset("regions"), io.BytesIO(csv_bytes(rows)), "villages.csv", city.users["hq"])
    assert result.ok, result.errors
    assert Region.objects.get(code="339102001201").parent == city.township
    assert Region.objects.get(code="339102").urban is True  # left as it was
