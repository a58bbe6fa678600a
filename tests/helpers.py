"""Building real import files for tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "区划代码", "园区代码", "行业代码", "规模类型", "正常用工人数", "重点企业",
                     "成立日期", "电力户号"]


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def enterprise_row(uscc: str, name: str, county: str = "339102", park: str = "", industry: str = "C3484",
                   size: str = "规上工业", headcount: Any = 120, key: str = "否", established: Any = "2015-06-18",
                   accounts: str = "") -> list[Any]:
    return [uscc, name, county, park, industry, size, headcount, key, established, accounts]


