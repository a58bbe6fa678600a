"""The bulletin's pictures as PNG (matplotlib, no screen): the five-colour map, the power-index map and the
index trend, put into the Word and PDF files. Drawn from the bulletin's stored chart data (a released bulletin
keeps its own), on the counties' boundaries.

The colours are those of the web maps: the risk colours for the five-colour map, a blue sequential scale for
the power index (red means risk on the map beside it), grey with 未报送 / 数据未到 where nothing was reported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLOUR_HEX = {"green": "#2e7d32", "blue": "#1e88e5", "yellow": "#fbc02d", "orange": "#ef6c00", "red": "#c62828"}
COLOUR_NAMES = {"green": "绿色", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
MISSING = "#bdbdbd"
INDEX_SCALE = ["#e3f2fd", "#90caf9", "#42a5f5", "#1e88e5", "#0d47a1"]  # low → high, as on the web map
FONT_FILES = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"]


@dataclass(frozen=True)
class Figure:
    """One picture: its caption (图题) and the PNG."""

    caption: str
    png: bytes
    is_map: bool = False


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for path in FONT_FILES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            plt.rcParams["font.family"] = font_manager.FontProperties(fname=path).get_name()
            break
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon (holes are not drawn at this size)."""
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _index_colour(value: float | None, top: float) -> str:
    if value is None:
        return MISSING
    step = min(int(value / top * len(INDEX_SCALE)), len(INDEX_SCALE) - 1) if top > 0 else 0
    return INDEX_SCALE[max(step, 0)]


def _map(regions: list[dict[str, Any]], geojson: dict[str, Any], kind: str) -> bytes | None:
    from matplotlib.patches import Patch, Polygon

    shapes = {f["properties"]["code"]: f["geometry"] for f in geojson.get("features", []) if f.get("geometry")}
    drawn = [r for r in regions if r["code"] in shapes]
    if not drawn:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.2), dpi=150)
    top = max((r["index"] for r in drawn if r.get("index") is not None), default=0) or 0
    xs: list[float] = []
    ys: list[float] = []
    for region in drawn:
        if kind == "colour":
            face = COLOUR_HEX.get(region.get("colour") or "", MISSING) if region.get("reported", True) else MISSING
            label = region["name"] if region.get("reported", True) else f"{region['name']}\n未报送"
        else:
            face = _index_colour(region.get("index"), top)
            label = f"{region['name']}\n{region['index']:.2f}" if region.get("index") is not None \
                else f"{region['name']}\n数据未到"
        biggest: list[list[float]] = []
        for ring in _rings(shapes[region["code"]]):
            ax.add_patch(Polygon(ring, closed=True, facecolor=face, edgecolor="white", linewidth=1.2))
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
            biggest = ring if len(ring) > len(biggest) else biggest
        if biggest:
            cx = sum(p[0] for p in biggest) / len(biggest)
            cy = sum(p[1] for p in biggest) / len(biggest)
            dark = kind == "index" and face in INDEX_SCALE[3:] or kind == "colour" and face in (
                COLOUR_HEX["green"], COLOUR_HEX["red"], COLOUR_HEX["blue"])
            ax.text(cx, cy, label, ha="center", va="center", fontsize=9, color="white" if dark else "#1f2933")
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect("equal")
    ax.axis("off")
    if kind == "colour":
        present = [c for c in COLOUR_HEX if any(r.get("colour") == c and r.get("reported", True) for r in drawn)]
        handles = [Patch(facecolor=COLOUR_HEX[c], label=COLOUR_NAMES[c]) for c in present]
        if any(not r.get("reported", True) for r in drawn):
            handles.append(Patch(facecolor=MISSING, label="未报送"))
    else:
        handles = [Patch(facecolor=INDEX_SCALE[0], label=f"低 (<{top / len(INDEX_SCALE):.2f})"),
                   Patch(facecolor=INDEX_SCALE[-1], label=f"高 (≥{top * (len(INDEX_SCALE) - 1) / len(INDEX_SCALE):.2f})")]
        if any(r.get("index") is None for r in drawn):
            handles.append(Patch(facecolor=MISSING, label="数据未到"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), fontsize=9,
              frameon=False, handlelength=1.2, columnspacing=1.2)
    return _png(plt, fig)


def _trend(trend: list[dict[str, Any]]) -> bytes | None:
    points = [(d["date"], d["index"]) for d in trend if d.get("index") is not None]
    if len(points) < 2:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.2, 2.6), dpi=150)
    labels = [p[0][5:] for p in points]
    ax.plot(range(len(points)), [p[1] for p in points], color="#1e88e5", linewidth=1.8, marker="o", markersize=2.5)
    step = max(len(labels) // 8, 1)
    ax.set_xticks(range(0, len(labels), step), labels[::step], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel("用电指数", fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    last_x, last_y = len(points) - 1, points[-1][1]
    ax.annotate(f"{last_y:.2f}", (last_x, last_y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    return _png(plt, fig)


def _png(plt: Any, fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight", pad_inches=0.05)
    plt.close(fig)
    return out.getvalue()


def figures(charts: dict[str, Any], geojson: dict[str, Any], day_label: str) -> list[Figure]:
    """The bulletin's pictures for ``charts`` (regions with colour, reported flag and index; the index trend).
    A picture that cannot be drawn (no boundaries imported, fewer than two days of readings) is left out."""
    regions = charts.get("regions") or []
    made = [
        (f"图1 全市疫情风险五色图（{day_label}）", _map(regions, geojson, "colour")),
        (f"图2 全市用电指数分布图（{day_label}）", _map(regions, geojson, "index")),
        ("图3 全市用电指数走势（近30日）", _trend(charts.get("trend") or [])),
    ]
    return [Figure(caption, png, is_map=index < 2) for index, (caption, png) in enumerate(made) if png]
