"""Downloadable .xlsx template per dataset: the header row, one example row, and a sheet of notes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dualtrack.core.exports import Sheet, xlsx_bytes

from .base import Dataset, describe_columns


def template_xlsx(dataset: Dataset) -> bytes:
    """Through the one export path (``core.exports``): an example such as ``-1`` or ``=…`` stays text."""
    from openpyxl.utils import get_column_letter  # openpyxl loaded when a file is first written

    header, *examples = dataset.template_rows()
    widths: dict[str, float] = {get_column_letter(index): max(14, len(str(h)) * 2 + 4) for index, h in enumerate(header, start=1)}
    data = Sheet(str(dataset.label)[:31], header, examples, widths, formats=["@"] * len(header),
                 header_fill="DDEBF7", header_format="@")
    notes = [[col["header"], col["key"], _("是") if col["required"] else _("否"), str(col["example"]),
              str(col["help"])] for col in describe_columns(dataset)]
    notes.append([])
    notes.append([_("文件可为 .xlsx(第一个工作表)或 CSV(UTF-8 或 GB18030 编码);第一行为列名,中文或英文均可;"
                    "是/否 可填 是/否、Y/N、1/0、true/false;日期格式 YYYY-MM-DD。")])
    notes.append([_("导入为全部成功或全部不写入：任何一行有错，整个文件不导入，并列出所有错误的行和列。")])
    explained = Sheet(_("填写说明"), [_("列名"), _("英文列名"), _("必填"), _("示例"), _("说明")], notes, freeze=None)
    return xlsx_bytes([data, explained])
