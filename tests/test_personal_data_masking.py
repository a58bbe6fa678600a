"""One masking path for free text and contacts (DOMAIN.md §15, issue 26 §4): a poverty finding's text showed phone and
ID numbers whole on /poverty/findings/ to a leader (masked on the problem page), and an enterprise's phone was shown
whole on the enterprise page to a district operator, a liaison officer and a leader. Whole only for the roles the
record's policy grants ``PERSONAL``; each whole view audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.core.choices import AuditAction
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.models import AuditLog
from dualtrack.poverty import findings

from .conftest import City
from .test_poverty import load, villages  # noqa: F401 - the fixture
from .test_poverty_command import households  # noqa: F401 - the fixture

PHONE, ID = "13912345678", "339102199001011234"
TEXT = f"户主电话{PHONE},身份证{ID},住房等级C级"


def _views(user: Any) -> int:
    return AuditLog.objects.filter(actor=user, action=AuditAction.VIEW_PERSONAL).count()


def test_a_findings_text_is_whole_only_for_the_office_and_its_county(households: City, client: Any) -> None:  # noqa: F811
    at = dt.datetime(2020, 5, 11, 9, tzinfo=SHANGHAI)
    findings.raise_finding(households.users["office"], source="inspection", village_code="339102001201",
                           household_code="H1", description=TEXT, found_on=at.date(), working_days=5, at=at)
    for role, whole in (("office", True), ("district", True), ("hq", False), ("leader", False)):
        user = households.users[role]
        before = _views(user)
        shown = findings.rows(user)[0].description
        assert (PHONE in shown and ID in shown) == whole, role
        if not whole:
            assert "139****5678" in shown and "3391**********1234" in shown, role
        assert _views(user) == before + int(whole), role  # each whole view is audited
        client.force_login(user)
        page = client.get("/poverty/findings/").content.decode()
        assert (PHONE in page) == whole and (ID in page) == whole, role
    assert findings.rows(households.users["district_binhai"]) == []  # another county does not see it at all


def test_an_enterprises_phone_on_its_page_is_whole_only_for_itself_and_hq(city: City, client: Any) -> None:
    from dualtrack.problems import workflow

    workflow.report(city.users["enterprise"], f"联系人王经理 {PHONE},原料运输受阻", city.e_jiangbei)
    page = f"/registry/enterprises/{city.e_jiangbei.uscc}/"
    for role, whole in (("enterprise", True), ("hq", True), ("district", False), ("liaison", False),
                        ("leader", False)):
        user = city.users[role]
        client.force_login(user)
        before = _views(user)
        content = client.get(page).content.decode()
        assert "原料运输受阻" in content, role
        assert (PHONE in content) == whole and ("139****5678" in content) == (not whole), role
        assert _views(user) == before + int(whole), role
