"""Bulletin formats: .xlsx (a sheet per table, numbers as numbers) and .docx (after GB/T 9704)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from .content import Bulletin, Table

NUMBER_FORMATS = {"int": "#,##0", "percent": "0.0%", "pp": "+0.0;-0.0;0.0", "decimal": "0.00", "text": "@"}
# GB/T 9704 official fonts, kept by name in the file; renderers substitute open CJK fonts for them.
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"


def xlsx(bulletin: Bulletin) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # noqa: S101 - a new workbook has one sheet
    first.title = "通报正文"
    first.append([bulletin.title])
    first["A1"].font = Font(bold=True, size=14)
    for section in bulletin.sections:
        first.append([section.heading])
        for paragraph in section.paragraphs:
            first.append([paragraph])
    used: set[str] = set()
    for section in bulletin.sections:
        for table in section.tables:
            _sheet(workbook, table, used)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet(workbook: Workbook, table: Table, used: set[str]) -> None:
    name = table.title[:31]
    while name in used:
        name = name[:29] + str(len(used))
    used.add(name)
    sheet = workbook.create_sheet(name)
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in table.rows:
        sheet.append(row)
    for index, fmt in enumerate(table.formats, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if cell.value is not None and fmt != "text":
                cell.number_format = NUMBER_FORMATS[fmt]
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 14 if index > 1 else 22


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def docx(bulletin: Bulletin) -> bytes:
    """A4; margins top 37 mm, left 28 mm, text block 156 × 225 mm; title 2号 (22 pt) 小标宋, headings 3号
    黑体, body 3号 (16 pt) 仿宋 (GB/T 9704)."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.left_margin = Mm(37), Mm(28)
    page.right_margin, page.bottom_margin = Mm(210 - 28 - 156), Mm(297 - 37 - 225)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(bulletin.title), TITLE_FONT, 22)
    for section in bulletin.sections:
        heading = document.add_paragraph()
        _font(heading.add_run(section.heading), HEADING_FONT, 16)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            _font(paragraph.add_run(text), BODY_FONT, 16)
        for table in section.tables:
            caption = document.add_paragraph()
            _font(caption.add_run(table.title), SUBHEADING_FONT, 14)
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Table Grid"
            for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
                _font(cell.paragraphs[0].add_run(header), HEADING_FONT, 10.5)
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, value, fmt in zip(cells, row, table.formats, strict=True):
                    _font(cell.paragraphs[0].add_run(display(value, fmt)), BODY_FONT, 10.5)
    document.core_properties.title = bulletin.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def display(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "int":
        return f"{int(value):,}"
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if fmt == "pp":
        return f"{value:+.1f}"
    if fmt == "decimal":
        return f"{value:.2f}"
    return str(value)


def html(bulletin: Bulletin) -> str:
    """A standalone page (print CSS after GB/T 9704): the web view and the source of the PDF."""
    from django.template.loader import render_to_string

    sections = [{"heading": s.heading, "paragraphs": s.paragraphs,
                 "tables": [{"title": t.title, "headers": t.headers,
                             "cells": [[(display(v, f), f != "text") for v, f in zip(row, t.formats, strict=True)]
                                       for row in t.rows]} for t in s.tables]} for s in bulletin.sections]
    return render_to_string("bulletins/document.html", {"bulletin": bulletin, "sections": sections})


class PdfUnavailable(RuntimeError):
    """Chromium is needed to print the PDF."""


def pdf(bulletin: Bulletin) -> bytes:
    """The HTML printed to PDF by headless Chromium, with the Noto CJK fonts the set-up installs."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (Path(chromium).exists() or shutil.which(chromium)):
        raise PdfUnavailable("PDF bulletins need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="bulletin-") as work:
        source, target = Path(work) / "bulletin.html", Path(work) / "bulletin.pdf"
        source.write_text(html(bulletin), encoding="utf-8")
        subprocess.run(  # noqa: S603 - a fixed program and our own files
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
             f"--user-data-dir={work}/profile", f"--print-to-pdf={target}", source.as_uri()],
            check=True, capture_output=True, timeout=120)
        return target.read_bytes()
