"""Every page, every role, in a real browser (#15 §1).

- The console-error crawl: each page pattern (with the hostile sweep's valid parameters) is opened by every role
  that signs in; a page the role may open must log no console error and throw no script error.
- The phone width test: for the roles that work on phones (enterprise, liaison officer, district and park
  operators), every page they can open is measured on a 390×844 viewport and must not be wider than it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from .conftest import PASSWORD, City
from .test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from .test_hostile_sweep import SKIPPED, _objects, _patterns, _valid_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_ROLES = {"enterprise", "liaison", "district", "park"}
ROLES = ["hq", "leader", "district", "park", "department", "liaison", "enterprise", "public"]
PHONE = {"width": 390, "height": 844}
# Downloads, not pages (a browser saves them; nothing is drawn).
DOWNLOADS = ("export", "file", "template", "attachment", "retry_job", "javascript-catalog")


def _page_urls(city: City) -> list[str]:
    objects = _objects(city)
    valid = _valid_paths(city, objects)
    urls = []
    for name, route in _patterns():
        if name in SKIPPED or "format" in route or any(word in name for word in DOWNLOADS):
            continue
        url = reverse(name, kwargs=valid.get(name, {}))
        if not url.startswith("/api/") and not url.startswith("/admin/"):
            urls.append(url)
    urls.append(reverse("admin:index"))  # HQ's; the others are sent to sign in there
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_every_page_draws_without_script_errors_and_fits_a_phone(live_server: Any, city: City, role: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    from dualtrack.bulletins import services as bulletins
    from dualtrack.resumption import services as resumption

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    urls = _page_urls(city)
    resumption.refresh_pictures()
    bulletins.keep_drafts_current()
    phone = role in PHONE_ROLES
    errors: list[str] = []
    too_wide: list[str] = []
    opened = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport=PHONE if phone else {"width": 1280, "height": 900}, locale="zh-CN")
        current = {"url": ""}
        page.on("console", lambda message: errors.append(f"{current['url']}: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"{current['url']}: {error}"))
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", city.users[role].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            current["url"] = url
            # The status first, from the same session: a page the role may not open (403/404) or a POST-only
            # address (405) is not drawn, and the browser would log its failed load as a console error.
            status = page.request.get(f"{live_server.url}{url}", max_redirects=0).status
            assert status < 500, f"{role} {url}: {status}"
            if status != 200:
                continue
            page.goto(f"{live_server.url}{url}", wait_until="load")
            opened += 1
            # htmx fragments and charts: wait until no request is in flight and every chart has drawn.
            page.wait_for_function("!document.querySelector('.htmx-request')")
            page.wait_for_timeout(50)
            if phone:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{url}: {width}px")
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"too-wide-{role}-{url.strip('/').replace('/', '-')}.png"))
        browser.close()
    from django.db import connections

    connections.close_all()
    assert opened >= 3, f"{role} opened only {opened} pages"
    assert errors == [], "\n".join(errors)
    assert too_wide == [], f"{role} on a 390 px phone: " + ", ".join(too_wide)
