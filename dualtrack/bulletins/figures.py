"""The bulletin's pictures as PNG (matplotlib, no screen): the five-colour map, the power-index map and the
index trend, put into the Word and PDF files. Drawn from the bulletin's stored chart data (a released bulletin
keeps its own), on the counties' boundaries.

The colours and legends are those of the web maps, from the same definitions: the five-colour map's legend with
each colour's meaning from the rule set in force (``epidemic.services.colour_legend``), the power index in the
same fixed steps with their numbers (``resumption.services.index_legend``), grey with 未报送 / 数据未到 where nothing
was reported; each county's name written in the colour its legend entry gives (contrast at least 4.5 on the fill).
The trend's axis starts at 0, so a dip of a few points does not look like a collapse.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def legends() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The two maps' legends in Chinese (the bulletin is written in Chinese whatever its reader's language), each
    with its grey entry (shown when a county has no report or no readings)."""
    from django.utils import translation

    from dualtrack.epidemic import services as epidemic
    from dualtrack.resumption import services as resumption

    with translation.override("zh-hans"):
        colour, index = epidemic.colour_legend(missing=True), resumption.index_legend(missing=True)
    for entry in colour:  # a document's Chinese takes full-width brackets: 红（高风险） (the page's label has ASCII ones)
        entry["name"] = entry["name"].replace("(", "（").replace(")", "）")
    return colour, index


def _wrapped(text: str, limit: int = 32) -> str:
    """A legend line broken for a half-page picture: after 或/且 where one falls before ``limit`` characters, else at
    ``limit``; the joiner stays at the line's end, as a Chinese text breaks."""
    lines = []
    while len(text) > limit:
        cut = max(text.rfind("或", 0, limit), text.rfind("且", 0, limit))
        cut = cut + 1 if cut > limit // 2 else limit
        lines.append(text[:cut])
        text = text[cut:]
    return "\n".join([*lines, text])


MAP_WIDTH = 3.4  # inches: about the half-width column it is printed in, so 8 pt stays about 8 pt
MAP_HEIGHTS = (1.2, 2.4)  # the map's own height, from its proportions, kept within these
LEGEND_HEIGHT = 0.9  # below the map: six lines of the five-colour legend (the index's steps take less)


def _layout(shapes: list[dict[str, Any]]) -> tuple[tuple[float, float], tuple[float, float, float, float], float]:
    """The figure's size, the map's axes and the legend's top (figure fractions) for boundaries ``shapes``: the map
    as high as its proportions ask at the column's width, the legend's band below it. Both maps of a day have the
    same boundaries, so the same size: side by side, their captions level."""
    xs = [p[0] for g in shapes for ring in _rings(g) for p in ring]
    ys = [p[1] for g in shapes for ring in _rings(g) for p in ring]
    aspect = (max(xs) - min(xs)) / (max(ys) - min(ys)) if ys and max(ys) > min(ys) else 1.0
    width = MAP_WIDTH * 0.96
    height = min(max(width / aspect if aspect > 0 else MAP_HEIGHTS[1], MAP_HEIGHTS[0]), MAP_HEIGHTS[1])
    total = height + LEGEND_HEIGHT + 0.05
    return (MAP_WIDTH, total), (0.02, (LEGEND_HEIGHT + 0.03) / total, 0.96, height / total), LEGEND_HEIGHT / total


def _map(regions: list[dict[str, Any]], geojson: dict[str, Any], kind: str,
         legend: list[dict[str, Any]]) -> bytes | None:
    from matplotlib.patches import Patch, Polygon

    from dualtrack.resumption import services as resumption

    shapes = {f["properties"]["code"]: f["geometry"] for f in geojson.get("features", []) if f.get("geometry")}
    drawn = [r for r in regions if r["code"] in shapes]
    if not drawn:
        return None
    plt = _pyplot()
    # drawn at about the size it is printed (a half-width column of the A4 text block), so 8 pt stays about 8 pt
    size, area, legend_top = _layout([shapes[r["code"]] for r in drawn])
    fig = plt.figure(figsize=size, dpi=200)
    ax = fig.add_axes(area)
    grey = next(e for e in legend if e.get("missing"))
    by_key = {e["key"]: e for e in legend}
    xs: list[float] = []
    ys: list[float] = []
    for region in drawn:
        if kind == "colour":
            reported = region.get("reported", True)
            entry = by_key.get(region.get("colour") or "", grey) if reported else grey
            label = region["name"] if reported else f"{region['name']}\n未报送"
        else:
            entry = resumption.index_step(legend, region.get("index")) or grey
            label = f"{region['name']}\n{region['index']:.1f}" if region.get("index") is not None \
                else f"{region['name']}\n数据未到"
        biggest: list[list[float]] = []
        for ring in _rings(shapes[region["code"]]):
            ax.add_patch(Polygon(ring, closed=True, facecolor=entry["fill"], edgecolor="white", linewidth=1.0))
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
            biggest = ring if len(ring) > len(biggest) else biggest
        if biggest:
            cx = sum(p[0] for p in biggest) / len(biggest)
            cy = sum(p[1] for p in biggest) / len(biggest)
            ax.text(cx, cy, label, ha="center", va="center", fontsize=8, color=entry["ink"], linespacing=1.1)
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_aspect("equal")
    ax.set_anchor("S")  # the map down on its legend
    ax.axis("off")
    # every entry of the legend (not only the colours of the day): a reader learns what each colour would mean
    if kind == "colour":
        shown = [e for e in legend if not e.get("missing") or any(not r.get("reported", True) for r in drawn)]
        handles = [Patch(facecolor=e["fill"], edgecolor="#9aa5b1", linewidth=0.4,
                         label=_wrapped(f"{e['name']}：{e['meaning']}")) for e in shown]
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.02, legend_top), ncol=1, fontsize=7.2,
                   frameon=False, handlelength=1.0, handletextpad=0.4, labelspacing=0.25, borderaxespad=0)
    else:
        shown = [e for e in legend if not e.get("missing") or any(r.get("index") is None for r in drawn)]
        handles = [Patch(facecolor=e["fill"], edgecolor="#9aa5b1", linewidth=0.4, label=e["name"]) for e in shown]
        columns = len(handles) if len(handles) <= 5 else 3
        if len(handles) == 6:  # two rows of three, read across (matplotlib fills a legend's columns first)
            handles = [handles[i] for i in (0, 3, 1, 4, 2, 5)]
        fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, legend_top), ncol=columns, fontsize=7.5,
                   frameon=False, handlelength=1.2, handletextpad=0.4, columnspacing=1.2, borderaxespad=0,
                   title="复工电力指数分段", title_fontsize=7.5)
    return _png(plt, fig, tight=False)


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
    # the axis from 0 (a dip from 95 to 88 is a dip, not a collapse); 100 at least at the top
    top = max(p[1] for p in points)
    ax.set_ylim(0, max(100.0, math.ceil(top / 10) * 10))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    last_x, last_y = len(points) - 1, points[-1][1]
    ax.annotate(f"{last_y:.2f}", (last_x, last_y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    return _png(plt, fig)


def _png(plt: Any, fig: Any, tight: bool = True) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight" if tight else None, pad_inches=0.05)
    plt.close(fig)
    return out.getvalue()


def figures(charts: dict[str, Any], geojson: dict[str, Any], day_label: str) -> list[Figure]:
    """The bulletin's pictures for ``charts`` (regions with colour, reported flag and index; the index trend).
    A picture that cannot be drawn (no boundaries imported, fewer than two days of readings) is left out."""
    regions = charts.get("regions") or []
    colour_legend, index_legend = legends() if regions else ([], [])
    made = [
        (f"图1 全市疫情风险五色图（{day_label}）", _map(regions, geojson, "colour", colour_legend)),
        (f"图2 全市用电指数分布图（{day_label}）", _map(regions, geojson, "index", index_legend)),
        ("图3 全市用电指数走势（近30日）", _trend(charts.get("trend") or [])),
    ]
    return [Figure(caption, png, is_map=index < 2) for index, (caption, png) in enumerate(made) if png]
