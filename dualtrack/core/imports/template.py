"""Downloadable .xlsx template per dataset: the header row, one example row, and a sheet of notes."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .base import Dataset, describe_columns


def template_xlsx(dataset: Dataset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:  # pragma: no cover - a new workbook always has one sheet
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = str(dataset.label)[:31]
    for row in dataset.template_rows():
        sheet.append(row)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, cell in enumerate(sheet[1], start=1):
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(str(cell.value)) * 2 + 4)
        cell.number_format = "@"
    for cell in sheet[2]:
        cell.number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("英文列名"), _("必填"), _("示例"), _("说明")])
    for cell in notes[1]:
        cell.font = bold
    for col in describe_columns(dataset):
        notes.append([col["header"], col["key"], _("是") if col["required"] else _("否"), str(col["example"]),
                      str(col["help"])])
    notes.append([])
    notes.append([_("文件可为 .xlsx(第一个工作表)或 CSV(UTF-8 或 GB18030 编码);第一行为列名,中文或英文均可;"
                    "是/否 可填 是/否、Y/N、1/0、true/false;日期格式 YYYY-MM-DD。")])
    notes.append([_("导入为全部成功或全部不写入:任何一行有错,整个文件不导入,并列出所有错误的行和列。")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
