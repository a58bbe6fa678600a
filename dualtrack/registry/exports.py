"""Exports of registry lists (.xlsx, streamed through a temporary file), audited."""

from __future__ import annotations

import tempfile
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dualtrack.core import audit
from dualtrack.core.choices import AuditAction

from .filters import EnterpriseFilterSet
from .models import Enterprise


def write_enterprises_xlsx(user: Any, filterset: EnterpriseFilterSet, out: IO[bytes]) -> int:
    """Write the filtered enterprise list (within ``user``'s scope) as .xlsx to ``out``; audited."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("企业名录"))
    sheet.freeze_panes = "A2"
    header = [_("统一社会信用代码"), _("企业名称"), _("区划代码"), _("区县(市)"), _("园区代码"), _("行业代码"),
              _("规模类型"), _("正常用工人数"), _("重点企业")]
    sheet.append([_cell(sheet, h) for h in header])
    rows = 0
    for e in filterset.qs.values_list("uscc", "name", "county__code", "county__name", "park__code",
                                      "industry_code", "size_class", "normal_headcount", "is_key"
                                      ).iterator(chunk_size=5000):
        sheet.append([e[0], e[1], e[2], e[3], e[4] or "", e[5], e[6], e[7], _("是") if e[8] else _("否")])
        rows += 1
    workbook.save(out)
    audit.record(user, AuditAction.EXPORT, object_type=Enterprise._meta.label_lower, object_repr=_("企业名录"),
                 detail={"rows": rows, "filters": dict(filterset.data or {})})
    return rows


def enterprises_xlsx_response(user: Any, filterset: EnterpriseFilterSet) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    write_enterprises_xlsx(user, filterset, handle)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"enterprises-{stamp}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell
