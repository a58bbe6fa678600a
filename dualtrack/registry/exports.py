"""Exports of registry lists (.xlsx, through the one export path of ``core.exports``), audited."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _

from dualtrack.core import audit, exportjobs, exports
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import AuditAction

from .filters import EnterpriseFilterSet
from .models import Enterprise

HEADER = ["统一社会信用代码", "企业名称", "区划代码", "区县(市)", "园区代码", "行业代码", "规模类型", "正常用工人数", "重点企业"]


def _sheet(filterset: EnterpriseFilterSet) -> exports.Sheet:
    rows = ([e[0], e[1], e[2], e[3], e[4] or "", e[5], e[6], e[7], _("是") if e[8] else _("否")]
            for e in filterset.qs.values_list("uscc", "name", "county__code", "county__name", "park__code",
                                              "industry_code", "size_class", "normal_headcount", "is_key"
                                              ).iterator(chunk_size=5000))
    return exports.Sheet(_("企业名录"), [_(h) for h in HEADER], rows)


def write_enterprises_xlsx(user: Viewer, filterset: EnterpriseFilterSet, out: IO[bytes]) -> int:
    """Write the filtered enterprise list (within ``user``'s scope) as .xlsx to ``out``; audited (the CLI)."""
    rows = exports.write_xlsx([_sheet(filterset)], out)
    audit.record(user, AuditAction.EXPORT, object_type=Enterprise._meta.label_lower, object_repr=_("企业名录"),
                 detail={"rows": rows, "filters": dict(filterset.data or {})})
    return rows


def enterprises_export(user: Viewer, params: Any) -> exportjobs.Export:
    """企业名录 as .xlsx with the list's filters (``core.exportjobs``: a job when it is long)."""
    from dualtrack.core.choices import Action

    filterset = EnterpriseFilterSet(params or None, queryset=Enterprise.objects.restrict(user, Action.EXPORT))
    return exportjobs.Export([_sheet(filterset)], exports.dated_name(_("企业名录")), Enterprise._meta.label_lower,
                             _("企业名录"), total=filterset.qs.count(),
                             detail={"filters": dict(params.lists()) if params else {}})
