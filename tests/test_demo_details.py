"""Details a tester found walking the demo (#26, the clock fixed at 2020-04-30 18:00 while the calendar said 2026):
the audit log's time, Chinese object types, day pickers bounded by the clock, unique ids on a lead's page, a print
job's page once done, the data-as-of day on one line, full-width punctuation in this wave's messages."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from dualtrack.core import audit, dates, exportjobs
from dualtrack.core.calendar import SHANGHAI
from dualtrack.core.choices import AuditAction
from dualtrack.core.models import ExportJob
from dualtrack.workreturn import services as workreturn
from dualtrack.workreturn.models import Trip, Worker

from .conftest import City
from .test_investment_pipeline import leads  # noqa: F401 - the fixture
from .test_print_jobs import StubPrinter, printer  # noqa: F401 - the fixture
from .test_workreturn import campaign  # noqa: F401 - the fixture

PACKAGE = Path(__file__).resolve().parent.parent / "dualtrack"
DEMO_CLOCK = "2020-04-30T18:00:00+08:00"
CJK = re.compile(r"[\u4e00-\u9fff]")


# 1. The audit log ----------------------------------------------------------------------------------------------

def _time_cell(page: str, repr_: str) -> str:
    body = page.split('<table id="audit-log">', 1)[1].split("</tbody>", 1)[0]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", body, re.S) if f"· {repr_}" in r)
    return re.match(r"<td[^>]*>(.*?)</td>", row, re.S)[1]  # type: ignore[index]


def test_the_audit_log_shows_the_clocks_time_with_the_real_time_beside_it(client: Client, city: City,
                                                                          settings: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 8, 5, tzinfo=SHANGHAI), tick=False):
        audit.record(city.users["hq"], AuditAction.UPDATE, city.department, object_repr="实时")
        settings.DUALTRACK_CLOCK = DEMO_CLOCK
        audit.record(city.users["hq"], AuditAction.UPDATE, city.department, object_repr="演示")
    client.force_login(city.users["hq"])
    page = client.get("/audit/").content.decode()
    clocked, real = _time_cell(page, "演示"), _time_cell(page, "实时")
    shown = re.sub(r"<[^>]+>", " ", clocked).split()
    assert shown[:2] == ["2020-04-30", "18:00:00"]  # the entry's time: the clock's
    assert "实际时间" in shown and shown[-2:] == ["2026-12-02", "23:08:05"]  # the real time beside it
    assert re.sub(r"<[^>]+>", " ", real).split() == ["2026-12-02", "23:08:05"] and "实际时间" not in real


def test_every_object_type_of_the_audit_filter_reads_in_chinese(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    page = client.get("/audit/").content.decode()
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>',
                         re.search(r'<select name="object_type">(.*?)</select>', page, re.S)[1])  # type: ignore[index]
    assert ("problems.problemevent", "问题处理记录") in options
    assert [label for _value, label in options if not CJK.search(label)] == []


def test_every_model_has_a_chinese_name() -> None:
    """Any model may reach the audit filter (and the admin): each names itself in Chinese, singular and plural."""
    from django.apps import apps

    unnamed = [m._meta.label for m in apps.get_models() if m.__module__.startswith("dualtrack.")
               and not (CJK.search(str(m._meta.verbose_name)) and CJK.search(str(m._meta.verbose_name_plural)))]
    assert unnamed == []


# 2. Day pickers bounded by the clock ---------------------------------------------------------------------------

FILTER_PAGES = [  # (role, page): every page whose GET filter picks a day
    ("hq", "/"), ("hq", "/projects/"), ("hq", "/projects/map/"), ("hq", "/projects/board/"),
    ("hq", "/resumption/"), ("hq", "/resumption/not-resumed/"), ("hq", "/resumption/crosscheck/"),
    ("hq", "/bulletins/"), ("hq", "/poverty/"), ("hq", "/epidemic/"),
]


def _date_inputs_of_get_forms(page: str) -> list[str]:
    forms = [f for f in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S)
             if re.match(r'<form\b[^>]*method="get"', f, re.I)]
    return [tag for f in forms for tag in re.findall(r"<input\b[^>]*>", f) if 'type="date"' in tag]


def _attribute(tag: str, name: str) -> str:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found[1] if found else ""


@pytest.mark.parametrize("role,url", FILTER_PAGES)
def test_every_day_picker_of_a_filter_stops_at_the_clocks_today(client: Client, city: City, settings: Any,
                                                                 role: str, url: str) -> None:
    settings.DUALTRACK_CLOCK = DEMO_CLOCK  # the calendar is years later: a picker past 2020-04-30 offers the future
    client.force_login(city.users[role])
    response = client.get(url)
    assert response.status_code == 200
    inputs = _date_inputs_of_get_forms(response.content.decode())
    assert inputs, url
    for tag in inputs:
        if url == "/epidemic/":  # the map's days: those with cases, within the same bounds
            assert _attribute(tag, "min") >= "2000-01-01" and _attribute(tag, "max") <= "2020-04-30", tag
        else:
            assert (_attribute(tag, "min"), _attribute(tag, "max")) == ("2000-01-01", "2020-04-30"), (url, tag)


def test_no_template_writes_a_day_picker_by_hand() -> None:
    """Every day picker of a page goes through ``{% day_input %}`` (bounded by the clock when drawn); a notice
    period, which may lie ahead, is the one kept by hand."""
    ahead = {"policies/templates/policies/measure.html"}
    by_hand = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("templates/**/*.html")
               if 'type="date"' in p.read_text(encoding="utf-8") and str(p.relative_to(PACKAGE)) not in ahead]
    assert by_hand == []


def test_the_day_picker_follows_the_clock(settings: Any) -> None:
    from django.template import Context, Template

    settings.DUALTRACK_CLOCK = "2020-03-01"
    drawn = Template("{% load dualtrack %}{% day_input day 'paid_on' aria_label='日期' %}").render(
        Context({"day": dt.date(2020, 2, 10)}))
    assert drawn == ('<input type="date" name="paid_on" value="2020-02-10" aria-label="日期" max="2020-03-01"'
                     ' min="2000-01-01">')
    assert dates.today() == dt.date(2020, 3, 1)


# 3. A lead's page: one id per field ----------------------------------------------------------------------------

def test_a_leads_page_has_no_duplicate_ids(client: Client, leads: City) -> None:  # noqa: F811
    client.force_login(leads.users["hq"])
    page = client.get("/investment/leads/ZS-1/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []  # was id_date twice (the activity's and the stage's)
    assert {"id_activity_date", "id_stage_date"} <= set(ids)  # both forms are on the page
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    assert labels <= set(ids)  # every label points at its own field


# 4. A print job's page once done -------------------------------------------------------------------------------

def test_a_print_jobs_page_once_done_shows_only_the_done_state(client: Client, campaign: City,  # noqa: F811
                                                               printer: StubPrinter) -> None:  # noqa: F811
    workreturn.set_manifest(campaign.users["hq"], Trip.objects.get(code="T1"),
                            list(Worker.objects.order_by("code"))[:2])
    client.force_login(campaign.users["binhai_district"])
    pending = client.get("/worker-return/trips/T1/slips.pdf").content.decode()
    refreshed = pending.split('id="export-progress"', 1)[1]  # the part of the page its refresh replaces
    assert "正在生成三联单" in refreshed and "<progress" in refreshed
    assert "三联单-车次T1.pdf（2 人），生成后自动下载；如未开始，请" in refreshed  # full-width
    job = ExportJob.objects.get()
    assert exportjobs.run(job.pk)
    for done in (client.get(f"/exports/{job.token}/", HTTP_HX_REQUEST="true").content.decode(),  # the refresh
                 client.get(f"/exports/{job.token}/").content.decode()):  # the job's page
        assert "三联单已生成" in done and "已完成" in done and f"/exports/{job.token}/file" in done
        assert "正在生成三联单" not in done and "<progress" not in done and "every 1s" not in done
        assert "生成后自动下载" not in done


# 5. The data-as-of day on one line -----------------------------------------------------------------------------

def test_the_as_of_day_stays_on_one_line(client: Client, city: City, settings: Any) -> None:
    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    client.force_login(city.users["hq"])
    page = client.get("/", {"date": "2020-04-30"}).content.decode()
    note = re.search(r'<p class="as-of"[^>]*>(.*?)</p>', page, re.S)[1]  # type: ignore[index]
    assert '<span class="nowrap">2020-04-30</span>' in note
    assert not re.search(r"(?<!>)\d{4}-\d{2}-\d{2}", note)  # every day in the note is kept whole


def test_every_as_of_note_of_a_template_keeps_its_day_whole() -> None:
    """A day drawn in a 数据截至 note goes through ``one_line_days`` (or sits in a .nowrap)."""
    loose = []
    for path in PACKAGE.rglob("templates/**/*.html"):
        for note in re.findall(r"\{%\s*blocktranslate with ([^%]*)%\}[^{]*数据截至", path.read_text(encoding="utf-8")):
            if "one_line_days" not in note:
                loose.append(f"{path.relative_to(PACKAGE)}: {note}")
    assert loose == []


def test_a_cards_note_keeps_its_days_whole() -> None:
    from django.template.loader import render_to_string

    from dualtrack.core.cards import Card

    card = Card(key="k", title="招商引资", note="数据截至 2020-04-30 · 规则版本 <b>1</b>")
    drawn = render_to_string("core/_card.html", {"card": card})
    assert '数据截至 <span class="nowrap">2020-04-30</span> · 规则版本 &lt;b&gt;1&lt;/b&gt;' in drawn  # still escaped


# 6. Full-width punctuation in this wave's messages -------------------------------------------------------------

def test_the_days_messages_use_full_width_punctuation(settings: Any) -> None:
    from dualtrack.core.imports import parsers

    settings.DUALTRACK_CLOCK = DEMO_CLOCK
    with pytest.raises(parsers.CellError) as future:
        parsers.check_day(dt.date(2020, 5, 1), "event")
    assert str(future.value) == "日期不能晚于今天（2020-04-30）：2020-05-01"
    with pytest.raises(dates.BadDay) as asked:
        dates.parse_day("2020-05-01")
    assert str(asked.value) == "日期 2020-05-01 超出可查询范围（2000-01-01 至 2020-04-30）"
    with pytest.raises(dates.BadDay) as malformed:
        dates.parse_month("2020/13")
    assert "，应为 YYYY-MM" in str(malformed.value)
