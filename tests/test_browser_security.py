"""In a real browser: a project name carrying markup is shown as text in the map's tooltip, never run, and
every page is served under a Content-Security-Policy that forbids inline script (#13 §2)."""

from __future__ import annotations

from typing import Any

import pytest

from dualtrack.projects.models import Project

from .conftest import City
from .test_browser import browser_page, sign_in  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_project_name_in_the_map_tooltip_is_text(live_server: Any, city: City, browser_page: Any) -> None:  # noqa: F811
    square = {"type": "Polygon", "coordinates": [[[120, 29], [120.2, 29], [120.2, 29.2], [120, 29.2], [120, 29]]]}
    city.jiangbei.geometry = square
    city.jiangbei.save()
    Project.objects.create(code="XM-XSS", name=PAYLOAD, level="city_key", nature="continuing", county=city.jiangbei,
                           responsible_unit="市交通运输局", total_investment=1000, longitude=120.1, latitude=29.1)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server.url, "hq")
    response = page.goto(f"{live_server.url}/projects/map/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("#project-map[data-rendered=true]").wait_for()
    page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('project-map'));
        chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
    }""")
    page.wait_for_timeout(500)
    tooltip = page.evaluate("""() => Array.from(document.querySelectorAll('#project-map div'))
        .map(d => d.innerHTML).filter(h => h.includes('XM-XSS')).join('')""")
    assert "&lt;img" in tooltip and "<img" not in tooltip
    assert page.evaluate("() => window.__xss") is None
    assert errors == []


def test_inline_script_is_refused_by_the_policy(live_server: Any, city: City, browser_page: Any) -> None:  # noqa: F811
    """The policy is real: a script element injected into a page does not run, and the language switch (once an
    inline handler) still works through dualtrack.js."""
    page = browser_page
    sign_in(page, live_server.url, "hq")
    page.goto(f"{live_server.url}/problems/")
    ran = page.evaluate("""() => new Promise(resolve => {
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.addEventListener('securitypolicyviolation', () => resolve('blocked'), {once: true});
        document.body.appendChild(s);
        setTimeout(() => resolve(window.__inline === 1 ? 'ran' : 'blocked'), 500);
    })""")
    assert ran == "blocked"
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
