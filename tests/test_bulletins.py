"""The daily bulletin: sentences and tables from the same numbers as `dualtrack situation`, read back from
the .docx and .xlsx files it writes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from dualtrack.bulletins import content, render
from dualtrack.resumption import services as pictures

from .conftest import City, D


def test_sentences_and_figures_match_the_situation(power_city: City) -> None:  # noqa: F811
    bulletin = content.build(D)
    situation = pictures.situation(D)
    city = situation["city"]
    assert bulletin.figures["resumption_rate"] == city["resumption"]["rate"]
    assert bulletin.figures["power_index"] == city["power"]["index"]
    text = "\n".join(p for s in bulletin.sections for p in s.paragraphs)
    assert f"累计复工{city['resumption']['resumed']}家" in text
    assert f"复工率{city['resumption']['rate'] * 100:.1f}%" in text
    assert f"全市复工电力指数为{city['power']['index']:.2f}" in text
    # below its target: named under its colour's target (said once per colour), with its figure and gap
    assert "黄色区县（市）目标70.0%，复产率：江北区25.0%（差45.0个百分点）" in text
    assert "2月10日未报送病例日报的区县（市）：滨海区。" in text


def test_docx_reads_back(power_city: City, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "bulletin.docx"
    call_command("bulletin", "--date", D.isoformat(), "--format", "docx", "--output", str(path), stdout=io.StringIO())
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    # the red header: issuing body in red, 送审稿 until signed off, the office and 签发人, a red rule
    issuer = document.paragraphs[0].runs[0]
    assert issuer.text == "宁江市统筹推进疫情防控和经济社会发展工作指挥部" and str(issuer.font.color.rgb) == "D00000"
    assert document.paragraphs[1].text == "（送审稿）"
    assert document.paragraphs[2].text.startswith("宁江市统筹推进疫情防控和经济社会发展工作指挥部办公室")
    assert document.paragraphs[2].text.endswith("签发人：（待签发）")
    assert 'w:color="D00000"' in document.paragraphs[2]._p.xml
    title = next(p for p in document.paragraphs if p.text.startswith("全市统筹推进")).runs[0]
    assert title.font.size.pt == 22 and title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    assert body.runs[0].font.size.pt == 16 and body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    situation = {r["name"]: r for r in pictures.situation(D)["regions"]}
    county_table = next(t for t in document.tables if t.rows[0].cells[1].text == "区县（市）")
    for row in county_table.rows[1:]:
        name, resumed = row.cells[1].text, int(row.cells[3].text.replace(",", ""))
        assert resumed == situation[name]["resumption"]["resumed"]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4


def test_xlsx_reads_back(power_city: City) -> None:  # noqa: F811
    workbook = load_workbook(io.BytesIO(render.xlsx(content.build(D))))
    assert workbook.sheetnames[0] == "通报正文"
    sheet = workbook["分区县（市）复工情况"]
    assert sheet.freeze_panes == "A2"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    situation = {r["name"]: r for r in pictures.situation(D)["regions"]}
    for name, row in rows.items():
        assert row[4] == situation[name]["resumption"]["rate"]  # a number, not text
        assert row[6] == situation[name]["power"]["index"]
    assert sheet.cell(row=2, column=5).number_format == "0.0%"


def test_json_output(power_city: City, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "b.json"
    call_command("bulletin", "--date", D.isoformat(), "--format", "json", "--output", str(path), stdout=io.StringIO())
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert data["date"] == D.isoformat() and [s["heading"][:2] for s in data["sections"]] == ["一、", "二、", "三、", "四、"]


def test_pdf_draws_chinese_with_a_cjk_font(power_city: City, tmp_path: Path) -> None:  # noqa: F811
    import pypdfium2 as pdfium

    from .test_browser import ARTIFACTS

    path = tmp_path / "bulletin.pdf"
    call_command("bulletin", "--date", D.isoformat(), "--format", "pdf", "--output", str(path), stdout=io.StringIO())
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    text = page.get_textpage().get_text_range()
    flat = text.replace("\n", "").replace("\r", "")
    assert "全市统筹推进疫情防控和经济社会发展工作" in flat and "疫情防控形势" in flat
    city = pictures.situation(D)["city"]
    all_text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document))).replace("\r\n", "")
    assert f"全市复工电力指数为{city['power']['index']:.2f}" in all_text.replace("\n", "")
    ARTIFACTS.mkdir(exist_ok=True)
    image = page.render(scale=1.0).to_pil()
    image.save(ARTIFACTS / "bulletin-page1.png")
    fonts = path.read_bytes()
    assert b"NotoSerifCJK" in fonts or b"NotoSansCJK" in fonts  # embedded CJK fonts, not a fallback
    dark = sum(image.convert("L").histogram()[:128])
    assert dark > 5000  # the page is drawn, not blank


def test_web_page_and_downloads(client: Any, power_city: City) -> None:  # noqa: F811
    client.force_login(power_city.users["district"])
    assert client.get("/bulletins/", {"date": D.isoformat()}).status_code == 403
    client.force_login(power_city.users["leader"])
    page = client.get("/bulletins/", {"date": D.isoformat()})
    assert page.status_code == 200 and "复工复产进展" in page.content.decode()
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in page.content.decode()  # the document is escaped into the attribute
    response = client.get("/bulletins/bulletin.xlsx", {"date": D.isoformat()})
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content)).sheetnames[0] == "通报正文"
    from dualtrack.core.models import AuditLog

    assert AuditLog.objects.filter(object_type="bulletins.bulletin", action="export").count() == 1


def test_sections_are_pluggable(power_city: City) -> None:  # noqa: F811
    from dualtrack.bulletins.content import _SECTIONS, Section, register_section

    register_section(50, "test-projects", lambda c: Section("重点项目", [f"{c.day.month}月{c.day.day}日重点项目情况。"]))
    try:
        headings = [s.heading for s in content.build(D).sections]
        assert headings == ["一、疫情防控形势", "二、复工复产进展", "三、疫情图与复工图匹配情况", "四、重点项目", "五、数据质量"]
    finally:
        _SECTIONS[:] = [item for item in _SECTIONS if item[1] != "test-projects"]


def test_the_pdf_is_rendered_by_a_job_not_while_hq_waits(client: Any, power_city: City) -> None:  # noqa: F811
    """Generating a draft stores Word and Excel at once; the PDF (a browser printing it, seconds) follows from a
    job, and the page says so meanwhile."""
    from dualtrack.bulletins import services

    stored = services.generate(D, power_city.users["hq"])
    assert stored.docx and stored.xlsx and not stored.pdf and services.pdf_pending(stored)
    client.force_login(power_city.users["hq"])
    assert "PDF 生成中" in client.get(f"/bulletins/stored/{D.isoformat()}/").content.decode()
    live = client.get("/bulletins/bulletin.pdf", {"date": D.isoformat()})
    assert live.status_code == 302 and live["Location"] == f"/bulletins/stored/{D.isoformat()}/"
    assert services.run_due()["done"] == 1
    stored.refresh_from_db()
    assert bytes(stored.pdf).startswith(b"%PDF") and not services.pdf_pending(stored)
    assert "pdf" in stored.digests
    download = client.get(f"/bulletins/stored/{D.isoformat()}/bulletin.pdf")
    assert download.status_code == 200 and "%E6%AF%8F%E6%97%A5%E9%80%9A%E6%8A%A5" in download["Content-Disposition"]


def test_the_released_bulletin_in_its_official_layout_with_maps(power_city: City) -> None:  # noqa: F811
    """Signed off: 第1期 and the signer in the Word and PDF files, the distribution line, the five-colour map, the
    power-index map and the trend as pictures; the PDF's first page kept as PNG in test-artifacts."""
    import pypdfium2 as pdfium

    from dualtrack.bulletins import services

    from .test_browser import ARTIFACTS

    for county, x in ((power_city.jiangbei, 120.0), (power_city.binhai, 120.3)):
        county.geometry = {"type": "Polygon", "coordinates": [[[x, 29], [x + 0.3, 29], [x + 0.3, 29.3], [x, 29.3],
                                                               [x, 29]]]}
        county.save()
    hq = power_city.users["hq"]
    hq.full_name = "王建国"
    hq.save()
    draft = services.generate(D, hq)
    released = services.sign_off(draft, hq)
    assert released.issue_number == 1 and released.content["masthead"]["signer"] == "王建国"
    document = Document(io.BytesIO(bytes(released.docx)))
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "2020年第1期" and texts[2].endswith("签发人：王建国")
    assert any(t.startswith("抄送：市委办公室，") for t in texts)
    assert any(t.startswith("宁江市统筹推进疫情防控和经济社会发展工作指挥部办公室") and t.endswith("印发") for t in texts)
    assert len(document.inline_shapes) == 3  # the two maps and the trend
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "图1 全市疫情风险五色图（2月10日）" in cells and "图2 全市用电指数分布图（2月10日）" in cells  # side by side
    assert "图3 全市用电指数走势（近30日）" in texts
    pdf = render.pdf(content.from_dict(released.content))
    page = pdfium.PdfDocument(pdf)[0]
    flat = page.get_textpage().get_text_range().replace("\r", "").replace("\n", "")
    assert "宁江市统筹推进疫情防控和经济社会发展工作指挥部" in flat and "2020年第1期" in flat and "签发人：王建国" in flat
    image = page.render(scale=1.0).to_pil().convert("RGB")
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "bulletin-released-page1.png")
    width, height = image.size

    def red(pixel: tuple[int, int, int]) -> bool:
        return pixel[0] > 180 and pixel[1] < 70 and pixel[2] < 70

    # the red rule: a row of red across most of the text block, in the top third; red letters above it
    rule = next(y for y in range(height // 3) if sum(red(image.getpixel((x, y))) for x in range(width)) > width * 0.6)
    assert sum(red(image.getpixel((x, y))) for x in range(0, width, 2) for y in range(rule - 4)) > 50
    # the five-colour map on the first page: 江北区 yellow (#fbc02d); 滨海区 sent no case report, grey (#bdbdbd)
    colours = {image.getpixel((x, y)) for x in range(0, width, 2) for y in range(height // 5, height, 2)}
    assert any(r > 230 and 170 < g < 210 and b < 80 for r, g, b in colours)
    assert (189, 189, 189) in colours
