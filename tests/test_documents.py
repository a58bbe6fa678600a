"""Documents fit to issue (#28 §3): on a demo city (the demo builder at a small size), the daily bulletin's Word file,
the monthly economy report's Word file, the notices and the system's task texts read back with full-width
punctuation (no ASCII , ; : ( ) ? ! next to a Chinese character), and the bulletin's core, printed to PDF, fits a
leader's reading (8 pages) with its long lists in the annex after it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from dualtrack.core import zh

CORE_PAGES = 8


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph and every table cell of a Word file, as a reader sees them."""
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def ascii_marks(texts: list[str]) -> list[str]:
    return [found for text in texts for found in zh.ascii_punctuation(text)]


def test_the_check_finds_ascii_punctuation_between_chinese_characters() -> None:
    found = zh.ascii_punctuation("复工率95.9%,与4月29日持平;复岗率(80.7%)")
    assert found == ["率95.9%,与4月29日", "月29日持平;复岗率(80", "持平;复岗率(80.7%)"]  # each mark in its context
    assert zh.ascii_punctuation("复工率95.9%，与4月29日持平；共20,000家（Rt 1.2）") == []
    assert zh.sentence(["截至4月30日", "", "全市复工"]) == "截至4月30日，全市复工。"
    assert zh.clauses(["甲", "乙"], zh.SEMICOLON) + zh.paren("丙") == "甲；乙（丙）"


@pytest.fixture
def demo_city(db: Any, settings: Any, tmp_path: Path) -> Any:
    from dualtrack.demo.loader import load_demo

    settings.HOME = tmp_path
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"  # the demo city runs on its own last day
    load_demo(seed=5, enterprises=400, log=lambda *_a, **_k: None)
    from dualtrack.accounts.models import User

    return User.objects.get(username="hq")


def test_documents_read_back_in_full_width_punctuation_and_the_core_fits(demo_city: Any) -> None:
    import datetime as dt

    from dualtrack.bulletins import content, render
    from dualtrack.core.models import Notification
    from dualtrack.core.pdf import available
    from dualtrack.economy import report
    from dualtrack.economy import services as economy
    from dualtrack.problems.models import Problem, ProblemEvent

    day = dt.date(2020, 4, 30)
    bulletin = content.build(day)
    texts = docx_texts(render.docx(bulletin))
    assert len(texts) > 200 and sum(t.count("，") for t in texts) > 50  # a whole bulletin, written in Chinese
    assert ascii_marks(texts) == []
    # The long lists are in the annex, after the core, each annex a section's lists on a page of its own.
    annexed = [t for s in bulletin.sections for t in s.tables if t.annex]
    assert annexed and all(len(t.rows) <= content.CORE_TABLE_ROWS for s in bulletin.sections for t in s.tables
                           if not t.annex)
    assert any(t.title == "红灯项目清单" for t in annexed)
    assert texts.index("附件1") > texts.index(render.release_date(bulletin))

    # 经济运行月报: its Word file, January in 1—2月 (statistics publish them together).
    month = economy.as_of_month(None, day)
    assert month is not None
    stored = report.generate(month, demo_city)
    assert ascii_marks(docx_texts(bytes(stored.docx))) == []
    assert economy.month_label(dt.date(2020, 1, 1)) == economy.month_label(dt.date(2020, 2, 1)) == "1—2月"

    # What the platform writes to people: notices, the tasks it raises and their history.
    notices = list(Notification.objects.values_list("title", flat=True))
    tasks = list(Problem.objects.exclude(source_key="").values_list("description", flat=True))
    events = list(ProblemEvent.objects.filter(actor__isnull=True).values_list("comment", flat=True))
    assert notices and tasks and events
    assert ascii_marks(notices) == [] and ascii_marks(tasks) == [] and ascii_marks(events) == []

    if not available():  # no browser on this machine: the page count needs the printed PDF
        pytest.skip("chromium is needed to print the bulletin")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render.pdf(bulletin))
    pages = [pdf[i].get_textpage().get_text_range().replace("\r", "").strip() for i in range(len(pdf))]
    annex = next(i for i, text in enumerate(pages) if text.startswith("附件1"))
    assert annex <= CORE_PAGES, f"the core is {annex} pages"
    assert "红灯项目清单" in "".join(pages[annex:]) and len(pages) > annex
    assert ascii_marks(pages[:annex]) == []
