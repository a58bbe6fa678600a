"""The yearly report of 亩均论英雄 (DOMAIN.md §18) in the bulletin's layout, read back: the Word file opened with
python-docx (the red header, the title with （公示稿） until final, the sentences' numbers, the counties' and parks'
tables, the D list handed to the counties), the Excel file opened with openpyxl (a sheet each for the counties, the
enterprises and the parks, numbers as numbers); Chinese file names; HQ, the office and leaders only; audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from dualtrack.assessment import actions
from dualtrack.assessment.models import EnterpriseAnnual, LandUse, ParkRank
from dualtrack.core.models import AuditLog

from .conftest import City, make_enterprise

Y = 2019
MONDAY = dt.date(2020, 3, 2)
TITLE = "宁江市2019年度工业企业亩均效益综合评价情况通报"


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(MONDAY)
    return set_clock


def figures(enterprise: Any, year: int, *, land: float = 10, tax: float = 100) -> None:
    LandUse.objects.create(enterprise=enterprise, year=year, land_mu=Decimal(str(land)),
                           operating_since=dt.date(2010, 1, 1))
    EnterpriseAnnual.objects.create(enterprise=enterprise, year=year, tax=Decimal(str(tax)), sales=Decimal("1000"),
                                    kwh=Decimal("100"))


@pytest.fixture
def assessed(city: City, clock: Any) -> City:
    """江北: 恒达 (A) and 高科 (B); 滨海: twenty firms (A 4, B 8, C 7, D 1) and a water works (T); the park climbs
    from 20th to 14th; published on Monday 2 March 2020."""
    for enterprise, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50)):
        figures(enterprise, Y - 1, tax=tax)
        figures(enterprise, Y, tax=tax)
    for n in range(20):
        figures(make_enterprise(city.binhai, f"滨海制造{n:02d}有限公司"), Y, tax=10 + n)
    figures(make_enterprise(city.binhai, "滨海水务有限公司", division="46"), Y)
    ParkRank.objects.create(park=city.park, year=Y - 1, rank=20, of=100)
    ParkRank.objects.create(park=city.park, year=Y, rank=14, of=100)
    actions.publish(city.users["department"], Y, on=MONDAY)
    return city


def download(client: Client, city: City, role: str, fmt: str, year: int = Y) -> Any:
    client.force_login(city.users[role])
    return client.get(f"/assessment/report.{fmt}", {"year": str(year)})


def filename(response: Any) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    return unquote(disposition.split("filename*=utf-8''")[1])


def document(response: Any) -> Any:
    import docx

    assert response.status_code == 200
    return docx.Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def paragraphs(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def cells(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_word_file_while_published(client: Client, assessed: City) -> None:
    response = download(client, assessed, "hq", "docx")
    assert filename(response) == f"{TITLE}（公示稿）.docx"
    doc = document(response)
    lines = paragraphs(doc)
    banner = doc.paragraphs[0]
    assert banner.text == "宁江市统筹推进疫情防控和经济社会发展工作指挥部"  # the red header
    assert banner.runs[0].font.color.rgb is not None and str(banner.runs[0].font.color.rgb) == "D00000"
    assert f"{TITLE}（公示稿）" in lines
    assert "一、总体情况" in lines and "四、D类企业（低效用地）处置" in lines
    overall = next(t for t in lines if t.startswith("按照亩均效益综合评价规则"))
    assert "2019年度全市纳入评价的工业企业共23家，其中参评企业22家，不参评（T类）企业1家" in overall
    assert "A类5家、B类9家、C类7家、D类1家" in overall
    assert "不参评企业中，水电气等公用事业1家。" in lines
    assert any("2020年3月2日起公示，公示期至2020年3月5日" in t and "本通报为公示稿" in t for t in lines)
    counties, parks = doc.tables
    rows = cells(counties)
    assert rows[0] == ["区县（市）", "参评企业", "A类", "B类", "C类", "D类", "T类（不参评）"]
    assert ["江北区", "2", "1", "1", "0", "0", "0"] in rows and ["滨海区", "20", "4", "8", "7", "1", "1"] in rows
    assert rows[-1] == ["全市合计", "22", "5", "9", "7", "1", "1"]
    assert cells(parks)[1] == ["宁江高新技术产业开发区", "14", "100", "20", "+6", "第2档", "+20%"]
    assert any("进位最多的是宁江高新技术产业开发区，全省排名第14位，比上年前进6位，获第2档进位奖励" in t for t in lines)
    d_list = next(t for t in lines if t.startswith("D类企业共"))
    assert "D类企业共1家（滨海区1家）" in d_list and "评价定稿后，名单将交各区县（市）" in d_list and "腾笼换鸟" in d_list
    assert "，" in overall and "。" in overall and "," not in overall  # full-width punctuation
    entry = AuditLog.objects.get(action="export", object_type="assessment.assessment")
    assert entry.detail["format"] == "docx" and entry.detail["year"] == Y and entry.actor == assessed.users["hq"]


def test_the_word_file_once_final_hands_the_d_list_to_the_counties(client: Client, assessed: City,
                                                                   clock: Any) -> None:
    clock(dt.date(2020, 3, 6))
    actions.finalise(assessed.users["department"], Y, on=dt.date(2020, 3, 6))
    response = download(client, assessed, "leader", "docx")
    assert filename(response) == f"{TITLE}.docx"
    lines = paragraphs(document(response))
    assert TITLE in lines and f"{TITLE}（公示稿）" not in lines
    assert any("2020年3月6日定稿，评价结果不再变更" in t for t in lines)
    d_list = next(t for t in lines if t.startswith("D类企业共"))
    assert "名单已交各区县（市）" in d_list and "“腾笼换鸟”" in d_list
    # issued, not a draft for sign-off: its number, the department in charge as 签发人, the final day as 印发
    text = "\n".join(lines)
    assert "（送审稿）" not in text and "（待签发）" not in text and "2020年第1期" in text
    assert "市经济和信息化局" in text and "2020年3月6日印发" in text


def test_the_excel_file_reads_back(client: Client, assessed: City) -> None:
    import openpyxl

    response = download(client, assessed, "department", "xlsx")
    assert response.status_code == 200
    assert filename(response) == f"{TITLE}（公示稿）.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["区县（市）", "企业", "园区"]
    counties = [list(r) for r in book["区县（市）"].iter_rows(values_only=True)]
    assert counties[0][:8] == ["区划代码", "区县（市）", "参评企业", "A类", "B类", "C类", "D类", "T类（不参评）"]
    assert ["339106", "滨海区", 20, 4, 8, 7, 1, 1, Y] in counties
    assert counties[-1] == [None, "全市合计", 22, 5, 9, 7, 1, 1, Y]
    firms = [list(r) for r in book["企业"].iter_rows(values_only=True)]
    header = firms[0]
    assert header[:6] == ["统一社会信用代码", "企业名称", "区县（市）", "园区", "参评", "不参评原因"]
    assert header[6:] == ["亩均税收（万元/亩）", "亩均销售收入（万元/亩）", "单位电耗税收（万元/万千瓦时）", "得分", "类别", "区县内排名"]
    best = next(r for r in firms if r[0] == assessed.e_jiangbei.uscc)
    assert best[1:6] == ["江北恒达机械有限公司", "江北区", None, "是", None]
    assert best[6:] == [10, 100, 1, 60.83, "A", 1]
    water = next(r for r in firms if r[1] == "滨海水务有限公司")
    assert water[4:7] == ["否", "水电气等公用事业", None] and water[-3:] == [None, "T", None]
    assert len(firms) == 1 + 23
    parks = [list(r) for r in book["园区"].iter_rows(values_only=True)]
    assert parks[1] == ["GXQ", "宁江高新技术产业开发区", 14, 100, 20, 6, 2, 0.2]
    entry = AuditLog.objects.get(action="export", object_type="assessment.assessment")
    assert entry.detail["rows"] == len(counties) - 1 + 23 + 1 and entry.detail["filename"].endswith(".xlsx")


@pytest.mark.parametrize("role", ["enterprise", "district", "liaison", "park"])
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_others_are_refused(client: Client, assessed: City, role: str, fmt: str) -> None:
    assert download(client, assessed, role, fmt).status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()


def test_a_year_never_computed(client: Client, assessed: City) -> None:
    assert download(client, assessed, "hq", "docx", year=Y - 1).status_code == 404


def test_a_draft_says_so(client: Client, assessed: City) -> None:
    actions.correct(assessed.users["department"], Y, "税收数据更正")
    actions.compute_draft(assessed.users["department"], Y)
    response = download(client, assessed, "hq", "docx")
    lines = paragraphs(document(response))
    assert f"{TITLE}（草稿）" in lines and any("评价结果尚未公示" in t for t in lines)
    assert any("本年度评价为第2版（更正理由：税收数据更正）" in t for t in lines)


def test_hostile_names_stay_text_in_the_excel_file(client: Client, assessed: City) -> None:
    """A name that a spreadsheet would run (``=HYPERLINK(…)``, ``+1``) is stored as text; numbers stay numbers
    (the one export path's rule, DOMAIN.md §15)."""
    import openpyxl

    from dualtrack.registry.models import Enterprise, Park

    hostile = ['=HYPERLINK("http://x","y")', "+1"]
    Enterprise.objects.filter(pk=assessed.e_jiangbei.pk).update(name=hostile[0])
    Park.objects.filter(pk=assessed.park.pk).update(name=hostile[1])
    response = download(client, assessed, "hq", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    written = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in written if c.data_type == "f"] == []
    assert {c.value for c in written} >= set(hostile)
    assert 60.83 in {c.value for c in written}
    doc = document(download(client, assessed, "hq", "docx"))
    assert [hostile[1], "14", "100", "20", "+6", "第2档", "+20%"] in cells(doc.tables[1])


def test_without_a_year_the_latest_assessed_one(client: Client, assessed: City) -> None:
    figures(assessed.e_jiangbei, Y + 1)  # 2020's figures, not assessed yet: the report stays on 2019
    client.force_login(assessed.users["hq"])
    response = client.get("/assessment/report.docx")
    assert filename(response) == f"{TITLE}（公示稿）.docx"
