"""Bulletin formats: .xlsx (a sheet per table, numbers as numbers; the annexes), .docx and PDF (after GB/T 9704)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl.utils import get_column_letter

from dualtrack.core.exports import Sheet, Styled, xlsx_bytes
from dualtrack.core.pdf import PdfUnavailable, html_to_pdf

from .content import Bulletin, Masthead, Table, md
from .figures import Figure, figures

__all__ = ["PdfUnavailable", "docx", "html", "pdf", "xlsx"]
NUMBER_FORMATS = {"int": "#,##0", "percent": "0.0%", "pp": "+0.0;-0.0;0.0", "decimal": "0.00", "text": "@"}
# GB/T 9704 official fonts, kept by name in the file; renderers substitute open CJK fonts for them.
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"


def xlsx(bulletin: Bulletin) -> bytes:
    """The text on a first sheet, then a sheet per table (the annexes named 附件N), through the one export
    path (``core.exports``): a name such as ``=HYPERLINK(…)`` stays text, numbers stay numbers."""
    head = bulletin.masthead
    lines: list[list[Any]] = []
    if head is not None:
        lines.append([head.issuer])
        lines.append([issue_line(head) + ("  签发人：" + head.signer if head.signer else "")])
    lines.append([Styled(bulletin.title, bold=True, size=14)])
    for section in bulletin.sections:
        lines.append([section.heading])
        lines.extend([paragraph] for paragraph in section.paragraphs)
    sheets = [Sheet("通报正文", [], lines, freeze=None)]
    used: set[str] = {"通报正文"}
    numbers = {id(table): number for number, _title, tables in annexes(bulletin) for table in tables}
    for section in bulletin.sections:
        for table in section.tables:
            if table.annex:  # the lists the Word and PDF files print in their annexes, named as there
                table = Table(f"附件{numbers[id(table)]} {table.title}", table.headers, table.formats, table.rows,
                              annex=True)
            sheets.append(_sheet(table, used))
    return xlsx_bytes(sheets)


def _number(value: Any, fmt: str) -> Any:
    """A number stored as text (a Decimal through JSON) written as the number it is; text stays text."""
    if fmt != "text" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _sheet(table: Table, used: set[str]) -> Sheet:
    name = table.title[:31]
    while name in used:
        name = name[:29] + str(len(used))
    used.add(name)
    formats = [None if fmt == "text" else NUMBER_FORMATS[fmt] for fmt in table.formats]
    widths: dict[str, float] = {get_column_letter(index): 14 if index > 1 else 22 for index in range(1, len(table.formats) + 1)}
    rows = ([_number(value, fmt) for value, fmt in zip(row, table.formats, strict=False)] for row in table.rows)
    return Sheet(name, table.headers, rows, widths, formats=formats)


def _font(run: Any, name: str, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


RED = RGBColor(0xD0, 0x00, 0x00)


def _rule(paragraph: Any, colour: str = "D00000", size: int = 12) -> None:
    """A horizontal line under ``paragraph`` (the red separator under the header, the 版记 lines)."""
    properties = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", colour)):
        bottom.set(qn(key), value)
    border.append(bottom)
    properties.append(border)


def issuer_size(issuer: str) -> int:
    """The red header's size in points: as large as 26 pt (小初) while the issuing body fits the 156 mm line."""
    return max(16, min(26, int(156 / 25.4 * 72 * 0.88 / max(len(issuer), 1))))


def issue_line(masthead: Masthead | None) -> str:
    """第X期, or 送审稿 for a draft not yet signed off."""
    if masthead is None or masthead.number is None:
        return "（送审稿）"
    return f"{masthead.year}年第{masthead.number}期"


def release_date(bulletin: Bulletin) -> str:
    head = bulletin.masthead
    when = dt.date.fromisoformat(head.released_on) if head and head.released_on else bulletin.day
    return f"{when.year}年{when.month}月{when.day}日"


def annexes(bulletin: Bulletin) -> list[tuple[int, str, list[Table]]]:
    """The annexes (附件): one per section that has long lists, numbered in order, named after the section
    ("重点项目推进情况"), holding the section's lists."""
    found: list[tuple[int, str, list[Table]]] = []
    for section in bulletin.sections:
        tables = [t for t in section.tables if t.annex]
        if tables:
            found.append((len(found) + 1, re.sub(r"^[一二三四五六七八九十]+、", "", section.heading), tables))
    return found


def figures_for(bulletin: Bulletin) -> list[Figure]:
    """The bulletin's maps and trend as pictures, from its stored chart data on the counties' boundaries."""
    if not bulletin.charts:
        return []
    from dualtrack.epidemic import services as epidemic

    return figures(bulletin.charts, epidemic.map_geojson(None), md(bulletin.day))


def docx(bulletin: Bulletin, pictures: list[Figure] | None = None) -> bytes:
    """A4; margins top 37 mm, left 28 mm, text block 156 × 225 mm; title 2号 (22 pt) 小标宋, headings 3号
    黑体, body 3号 (16 pt) 仿宋 (GB/T 9704). The red header (发文机关标志, 期号, 签发人, red line), the maps and
    trend as pictures, the core naming its long lists, the 附件说明 and the 落款, then each list as an annex (附件N) on a
    page of its own, and the 版记 (抄送, 印发) at the end."""
    pictures = figures_for(bulletin) if pictures is None else pictures
    head = bulletin.masthead
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.left_margin = Mm(37), Mm(28)
    page.right_margin, page.bottom_margin = Mm(210 - 28 - 156), Mm(297 - 37 - 225)
    if head is not None:
        banner = document.add_paragraph()
        banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(banner.add_run(head.issuer), TITLE_FONT, issuer_size(head.issuer), colour=RED)
        number = document.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(number.add_run(issue_line(head)), BODY_FONT, 16)
        line = document.add_paragraph()
        line.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
        _font(line.add_run(head.office + "\t"), BODY_FONT, 12)
        _font(line.add_run("签发人："), BODY_FONT, 12)
        _font(line.add_run(head.signer or "（待签发）"), SUBHEADING_FONT, 12)
        _rule(line, size=18)
    listed = annexes(bulletin)
    numbers = {id(table): number for number, _title, tables in listed for table in tables}
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    _font(title.add_run(bulletin.title), TITLE_FONT, 22)
    for index, section in enumerate(bulletin.sections):
        heading = document.add_paragraph()
        heading.paragraph_format.keep_with_next = True  # never left alone at a page's foot
        _font(heading.add_run(section.heading), HEADING_FONT, 16)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            _font(paragraph.add_run(text), BODY_FONT, 16)
        if index == 0:  # the pictures after the situation they show: the two maps side by side, then the trend
            maps = [p for p in pictures if p.is_map]
            if maps:
                row = document.add_table(rows=2, cols=len(maps))
                for column, picture in enumerate(maps):
                    cell = row.cell(0, column).paragraphs[0]
                    cell.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    cell.add_run().add_picture(io.BytesIO(picture.png), width=Mm(150 / len(maps) - 3))
                    label = row.cell(1, column).paragraphs[0]
                    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _font(label.add_run(picture.caption), SUBHEADING_FONT, 10.5)
            for picture in (p for p in pictures if not p.is_map):
                holder = document.add_paragraph()
                holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
                holder.paragraph_format.keep_with_next = True
                holder.add_run().add_picture(io.BytesIO(picture.png), width=Mm(140))
                caption = document.add_paragraph()
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(caption.add_run(picture.caption), SUBHEADING_FONT, 12)
        lists = [t for t in section.tables if t.annex]
        if lists:  # the core names the section's lists in one sentence; the lists are printed in the annex
            note = document.add_paragraph()
            note.paragraph_format.first_line_indent = Pt(32)
            _font(note.add_run(annex_note(lists, numbers)), BODY_FONT, 16)
        for table in section.tables:
            if table.annex:
                continue
            caption = document.add_paragraph()
            caption.paragraph_format.keep_with_next = True
            _font(caption.add_run(table.title), SUBHEADING_FONT, 14)
            _grid(document, table)
    for n, name, _tables in listed:  # 附件说明 (GB/T 9704 7.3.5.4): under the text, 附件：then the names
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Pt(32 + (0 if n == 1 else 48))
        if n == 1:
            paragraph.paragraph_format.space_before = Pt(16)
        _font(paragraph.add_run(("附件：" if n == 1 else "") + f"{n}.{name}"), BODY_FONT, 16)
    if head is not None:
        signature = document.add_paragraph()
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.space_before = Pt(24)
        _font(signature.add_run(head.office), BODY_FONT, 16)
        dated = document.add_paragraph()
        dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(dated.add_run(release_date(bulletin)), BODY_FONT, 16)
    for n, name, tables in listed:  # each annex from a page of its own, after the core
        mark = document.add_paragraph()
        mark.paragraph_format.page_break_before = True
        _font(mark.add_run(f"附件{n}"), HEADING_FONT, 16)
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.keep_with_next = True
        _font(heading.add_run(name), TITLE_FONT, 18)
        for table in tables:
            caption = document.add_paragraph()
            caption.paragraph_format.keep_with_next = True
            _font(caption.add_run(table.title), SUBHEADING_FONT, 14)
            _grid(document, table)
    if head is not None:
        # 版记: the distribution line and the printing line between black rules, at the end.
        top = document.add_paragraph()
        top.paragraph_format.space_before = Pt(24)
        _rule(top, "000000", 8)
        if head.cc:
            cc = document.add_paragraph()
            _font(cc.add_run("抄送：" + "，".join(head.cc) + "。"), BODY_FONT, 14)
            _rule(cc, "000000", 4)
        printed = document.add_paragraph()
        printed.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
        _font(printed.add_run(f"{head.office}\t{release_date(bulletin)}印发"), BODY_FONT, 14)
        _rule(printed, "000000", 8)
    document.core_properties.title = bulletin.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annex_note(tables: list[Table], numbers: dict[int, int]) -> str:
    """What the core says of a section's lists printed in its annex: "红灯项目清单（35项）见附件1。",
    "问题分类统计（11项）、责任部门办理情况（15项）见附件2。"."""
    names = "、".join(f"{t.title}（{len(t.rows)}项）" for t in tables)
    return f"{names}见附件{numbers[id(tables[0])]}。"


def _grid(document: Any, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value, fmt in zip(cells, row, table.formats, strict=True):
            _font(cell.paragraphs[0].add_run(display(value, fmt)), BODY_FONT, 10.5)


def display(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt != "text":
        value = float(value)  # a number stored as text (a Decimal through JSON) reads as a number
    if fmt == "int":
        return f"{int(value):,}"
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if fmt == "pp":
        return f"{value:+.1f}"
    if fmt == "decimal":
        return f"{value:.2f}"
    return str(value)


def html(bulletin: Bulletin, pictures: list[Figure] | None = None) -> str:
    """A standalone page (print CSS after GB/T 9704): the source of the PDF, and the web view (which draws its
    maps live, so passes no pictures)."""
    import base64

    from django.template.loader import render_to_string

    listed = annexes(bulletin)
    numbers = {id(table): number for number, _title, tables in listed for table in tables}

    def cells(table: Table) -> list[list[tuple[str, bool]]]:
        return [[(display(v, f), f != "text") for v, f in zip(row, table.formats, strict=True)] for row in table.rows]

    sections = [{"heading": s.heading, "paragraphs": s.paragraphs,
                 "note": annex_note(lists, numbers) if (lists := [t for t in s.tables if t.annex]) else "",
                 "tables": [{"title": t.title, "headers": t.headers, "cells": cells(t)} for t in s.tables if not t.annex]}
                for s in bulletin.sections]
    images = [{"caption": p.caption, "map": p.is_map,
               "src": "data:image/png;base64," + base64.b64encode(p.png).decode("ascii")} for p in (pictures or [])]
    return render_to_string("bulletins/document.html", {
        "bulletin": bulletin, "sections": sections, "head": bulletin.masthead,
        "maps": [i for i in images if i["map"]], "charts": [i for i in images if not i["map"]],
        "issuer_size": issuer_size(bulletin.masthead.issuer) if bulletin.masthead else 26,
        "issue_line": issue_line(bulletin.masthead), "release_date": release_date(bulletin),
        "annexes": [{"number": number, "title": name,
                     "tables": [{"title": t.title, "headers": t.headers, "cells": cells(t)} for t in tables]}
                    for number, name, tables in listed]})


def pdf(bulletin: Bulletin, pictures: list[Figure] | None = None) -> bytes:
    """The HTML printed to PDF by headless Chromium (``core.pdf``)."""
    return html_to_pdf(html(bulletin, figures_for(bulletin) if pictures is None else pictures))
