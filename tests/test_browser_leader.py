"""The leader's morning in a browser (#28 §2): the bell counts the day's digest and the direct escalation, the digest
opens the 督办 list's task tab, the problems tab shows how long each is overdue; every page fits a 390 px phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dualtrack.problems import tasks

from .conftest import City, _user
from .test_browser import sign_in
from .test_browser_pages import fits, phone_page
from .test_leader_supervision import CLOCK, NOW, escalate_to_two, problem_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_leaders_bell_digest_and_supervision_list_on_a_phone(live_server: Any, city: City, settings: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used beside Playwright's event loop
    settings.DUALTRACK_CLOCK = CLOCK
    vice_mayor = _user("liming", "leader", leader_level=2)
    vice_mayor.supervised_departments.add(city.department)
    for n in range(1, 4):
        tasks.create_task(f"project:P{n}:2020-03:vice_mayor", f"项目P{n}连续两个月亮黄灯，报分管副市长督办。",
                          department=city.department, escalation_level=2, project_code=f"P{n}",
                          at=NOW.replace(hour=9))
    raised = problem_at(1, city.department, due=NOW - dt.timedelta(days=4), enterprise=city.e_jiangbei)
    escalate_to_two(raised, NOW)

    with phone_page() as (page, errors):
        sign_in(page, live_server.url, "liming")
        expect(page.locator("a.bell .badge")).to_have_text("2")  # one digest for three tasks, one escalation
        fits(page)
        page.locator("a.bell").click()
        expect(page.locator("#notifications")).to_contain_text("今日有3项重点项目任务待督办，请查看督办清单。")
        fits(page)
        page.get_by_role("button", name="今日有3项重点项目任务待督办，请查看督办清单。").click()
        page.wait_for_url(f"{live_server.url}/problems/escalated/?kind=tasks")
        expect(page.locator("#escalated tbody tr[data-ref]")).to_have_count(3)
        expect(page.locator("#escalated tbody")).to_contain_text("系统自动生成")
        fits(page)
        expect(page.locator("a.bell .badge")).to_have_text("1")  # the digest read; the escalation still waits
        page.locator("#supervision-kinds a[data-kind=problems]").click()
        row = page.locator(f'#escalated tr[data-ref="{raised.ref}"]')
        expect(row).to_contain_text("逾期4天")
        expect(row).to_contain_text(city.e_jiangbei.name)
        fits(page)
    assert errors == []
