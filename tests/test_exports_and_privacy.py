"""The one export path (formulas kept as text, Shanghai times, Chinese file names, audited) and the masking
of phone and ID numbers typed into problem texts (#13 §2, DOMAIN.md §15)."""

from __future__ import annotations

import datetime as dt
import io
import urllib.parse
from typing import Any

import pytest
from openpyxl import load_workbook

from dualtrack.core.choices import AuditAction
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.models import AuditLog
from dualtrack.core.privacy import mask
from dualtrack.problems.models import Problem

from .conftest import City

FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","点击")'
DDE = "=cmd|' /C calc'!A0"
PERSONAL = "联系人王先生,电话 13812345678,身份证 330102199001011234,座机 0574-87654321"


def _workbook(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # formulas as written, not values


def _problem(city: City, description: str, **extra: Any) -> Problem:
    return Problem.objects.create(ref=f"WT2020-{Problem.objects.count() + 1:05d}", description=description,
                                  enterprise=city.e_jiangbei, reported_at=dt.datetime(2020, 2, 10, 9, 30,
                                                                                       tzinfo=SHANGHAI), **extra)


class TestExports:
    def test_problem_ledger_keeps_formulas_as_text_in_local_time_with_a_chinese_name(self, client: Any,
                                                                                     city: City) -> None:
        _problem(city, FORMULA)
        client.force_login(city.users["hq"])
        response = client.get("/problems/", {"format": "xlsx"})
        assert response.status_code == 200
        disposition = urllib.parse.unquote(response["Content-Disposition"])
        assert "问题台账-" in disposition and disposition.endswith(".xlsx")
        sheet = _workbook(response).worksheets[0]
        header = [c.value for c in sheet[1]]
        row = {h: c for h, c in zip(header, sheet[2], strict=False)}
        assert row["描述"].value == FORMULA and row["描述"].data_type == "s"
        # 09:30 in Shanghai, not 01:30 UTC (a spreadsheet cell holds wall-clock time without a zone)
        assert row["提出时间"].value == dt.datetime(2020, 2, 10, 9, 30, tzinfo=SHANGHAI).replace(tzinfo=None)
        entry = AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="problems.problem").get()
        assert entry.detail["rows"] == 1 and entry.actor == city.users["hq"]

    def test_enterprise_export_neutralises_every_formula_prefix(self, client: Any, city: City) -> None:
        for enterprise, name in zip([city.e_jiangbei, city.e_jiangbei_park, city.e_binhai], [DDE, "+1+1", "@SUM(1,2)"],
                                    strict=True):
            enterprise.name = name
            enterprise.save()
        client.force_login(city.users["hq"])
        response = client.get("/registry/enterprises/export.xlsx")
        assert "企业名录-" in urllib.parse.unquote(response["Content-Disposition"])
        sheet = _workbook(response).worksheets[0]
        cells = [row[1] for row in sheet.iter_rows(min_row=2)]
        assert {c.value for c in cells} == {DDE, "+1+1", "@SUM(1,2)"}
        assert all(c.data_type == "s" for c in cells)
        counts = [row[7] for row in sheet.iter_rows(min_row=2)]
        assert all(c.data_type == "n" for c in counts)  # numbers stay numbers

    def test_safe_cell_for_every_prefix(self) -> None:
        from openpyxl import Workbook

        from dualtrack.core.exports import safe_cell

        sheet = Workbook(write_only=True).create_sheet("t")
        for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
            cell = safe_cell(sheet, value)
            assert cell.data_type == "s" and cell.value == value
        assert safe_cell(sheet, -5).data_type == "n"
        assert safe_cell(sheet, "普通文字").data_type == "s"
        moment = dt.datetime(2020, 2, 10, 1, 30, tzinfo=dt.UTC)
        assert safe_cell(sheet, moment).value == dt.datetime(2020, 2, 10, 9, 30, tzinfo=SHANGHAI).replace(tzinfo=None)


class TestMasking:
    def test_mask(self) -> None:
        masked = mask(PERSONAL)
        assert "13812345678" not in masked and "138****5678" in masked
        assert "330102199001011234" not in masked and "3301**********1234" in masked
        assert "87654321" not in masked and "0574-****4321" in masked
        assert mask("统一社会信用代码 91339102MA2CF0QX4T,金额 1234567.89 万元") == \
            "统一社会信用代码 91339102MA2CF0QX4T,金额 1234567.89 万元"

    @pytest.fixture
    def problem(self, city: City) -> Problem:
        return _problem(city, PERSONAL, department=city.department)

    def test_liaison_and_district_see_masked_texts(self, client: Any, city: City, problem: Problem) -> None:
        # The enterprise reads its own problem whole (its own contacts: the policy's PERSONAL since the one masking
        # path), so it is no longer among the roles that see these texts masked.
        for role in ("liaison", "district", "leader"):
            client.force_login(city.users[role])
            page = client.get(f"/problems/{problem.ref}/").content.decode()
            assert "13812345678" not in page and "138****5678" in page, role
            listing = client.get("/problems/").content.decode()
            assert "13812345678" not in listing
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token('liaison')}"}
        client.logout()
        body = client.get(f"/api/v1/problems/{problem.ref}", **auth).json()
        assert "138****5678" in body["description"] and "13812345678" not in body["description"]

    def test_district_export_is_masked(self, client: Any, city: City, problem: Problem) -> None:
        client.force_login(city.users["district"])
        sheet = _workbook(client.get("/problems/", {"format": "xlsx"})).worksheets[0]
        assert "138****5678" in sheet.cell(row=2, column=11).value

    def test_hq_and_handling_department_see_the_numbers_audited(self, client: Any, city: City,
                                                                problem: Problem) -> None:
        for role in ("hq", "department"):
            client.force_login(city.users[role])
            assert "13812345678" in client.get(f"/problems/{problem.ref}/").content.decode()
        viewers = set(AuditLog.objects.filter(action=AuditAction.VIEW_PERSONAL).values_list("actor_username", flat=True))
        assert viewers == {city.users["hq"].username, city.users["department"].username}
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token('department')}"}
        client.logout()
        assert "13812345678" in client.get(f"/api/v1/problems/{problem.ref}", **auth).json()["description"]
