"""Region boundaries from GeoJSON (行政区划边界): real boundaries for the maps.

A FeatureCollection whose features carry the region code in a property (``code``, ``adcode``,
``区划代码`` or the one named); all features valid and written, or nothing written and every error listed
by feature number. Each replaced boundary is audited (with digests of the old and new geometry).
"""

from __future__ import annotations

import hashlib
import json
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.imports import ImportResult

from .models import Region

CODE_PROPERTIES = ("code", "adcode", "区划代码", "gb", "GB")
GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


def _digest(geometry: Any) -> str | None:
    if geometry is None:
        return None
    return hashlib.sha256(json.dumps(geometry, sort_keys=True).encode()).hexdigest()[:16]


def _valid_ring(ring: Any) -> bool:
    return (isinstance(ring, list) and len(ring) >= 4 and ring[0] == ring[-1]
            and all(isinstance(p, list) and len(p) >= 2 and all(isinstance(v, int | float) for v in p[:2])
                    and -180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in ring))


def _valid_geometry(geometry: Any) -> bool:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return False
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    return isinstance(polygons, list) and bool(polygons) and all(
        isinstance(poly, list) and poly and all(_valid_ring(r) for r in poly) for poly in polygons)


def import_boundaries(fh: IO[bytes], filename: str, user: Actor, code_property: str | None = None) -> ImportResult:
    result = ImportResult(dataset="boundaries", filename=filename)
    if not Region.permits(user, Action.IMPORT):  # reference data: HQ's
        result.add_error(_("只有市指挥部可以导入行政区划边界"))
        return result
    try:
        data = json.load(fh)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.add_error(_("不是有效的 GeoJSON 文件: %(error)s") % {"error": exc})
        return result
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        result.add_error(_("GeoJSON 应为 FeatureCollection"))
        return result
    regions = {r.code: r for r in Region.objects.all()}
    properties_to_try = (code_property,) if code_property else CODE_PROPERTIES
    updates: list[tuple[Region, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        result.rows += 1
        props = (feature or {}).get("properties") or {}
        code = next((str(props[p]).strip() for p in properties_to_try if props.get(p) not in (None, "")), None)
        if code is None:
            result.add_error(_("缺少区划代码属性（%(names)s）") % {"names": "/".join(properties_to_try)}, row=number,
                             column="properties")
            continue
        region = regions.get(code)
        if region is None:
            result.add_error(_("区划代码不存在"), row=number, column="properties", value=code)
            continue
        if code in seen:
            result.add_error(_("与第%(row)d个要素重复") % {"row": seen[code]}, row=number, column="properties",
                             value=code)
            continue
        seen[code] = number
        geometry = (feature or {}).get("geometry")
        if not isinstance(geometry, dict) or not _valid_geometry(geometry):
            result.add_error(_("几何图形无效:应为闭合的 Polygon 或 MultiPolygon(经纬度)"), row=number,
                             column="geometry", value=code)
            continue
        updates.append((region, geometry))
    if result.error_count:
        return result
    with transaction.atomic():
        for region, geometry in updates:
            if region.geometry == geometry:
                result.unchanged += 1
                continue
            before = _digest(region.geometry)
            region.geometry = geometry
            region.save(update_fields=["geometry"])
            audit.record(user, AuditAction.UPDATE, region, before={"geometry_sha256": before},
                         after={"geometry_sha256": _digest(geometry)}, detail={"file": filename})
            result.updated += 1
    return result
