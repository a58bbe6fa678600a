"""The demo city's safe resumption (#29, DOMAIN.md §16 "Demo"): built once at a small size (400 enterprises), read
back through the contract (``dualtrack filings --json``), the records behind it, the bulletin's sentence in the
seeds' words, HQ's card on 总览 and 复工图's flag of the outbreaks in filed enterprises."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

DAY = dt.date(2020, 4, 30)
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture
def demo_city(db: Any, settings: Any, tmp_path: Path) -> Any:
    from dualtrack.demo.loader import load_demo

    settings.HOME = tmp_path
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"  # the demo city runs on its own last day
    load_demo(seed=5, enterprises=400, log=lambda *_a, **_k: None)
    from dualtrack.accounts.models import User

    return User.objects.get(username="hq")


def contract(day: dt.date) -> dict[str, Any]:
    out = io.StringIO()
    call_command("filings", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_city_files_most_resumed_enterprises(demo_city: Any) -> None:  # noqa: PLR0915 - one demo build
    from dualtrack.filings.models import EnterpriseHealth, Filing, FilingEvent, FilingItem, UnfiledVisit
    from dualtrack.problems.models import Problem

    data = contract(DAY)
    totals = {key: sum(c[key] for c in data["counties"]) for key in data["counties"][0] if key != "code"}
    # Most applications filed, within a day; some returned (and applied again); a few undecided, some overdue.
    filed = totals["filed"] + totals["suspended"]
    assert filed > 0.85 * totals["applied"] and totals["returned"] >= 3
    assert 1 <= totals["overdue"] < totals["pending"] <= 10
    states = {f["code"]: f for f in data["filings"]}
    assert all(not f["missing_items"] for f in data["filings"] if f["state"] in ("filed", "suspended"))
    # Two outbreaks in April, each in a filed enterprise, its filing suspended, the county's task due next day.
    assert len(data["outbreaks"]) == 2 and totals["suspended"] == 2
    for outbreak in data["outbreaks"]:
        assert outbreak["date"].startswith("2020-04-") and outbreak["task_due_on"] > outbreak["date"]
        assert states[outbreak["filing"]]["state"] == "suspended"
    assert Problem.objects.filter(source_key__startswith="filing-outbreak:").count() == 2
    assert Problem.objects.filter(source_key__startswith="filing-overdue:").count() == totals["overdue"]
    # 复工未备案 by report and by power, each sent to the liaison officers as a visit task.
    sources = {u["source"] for u in data["resumed_unfiled"]}
    assert sources == {"report", "power"} and totals["resumed_unfiled"] == len(data["resumed_unfiled"])
    assert totals["resumed_unfiled"] < 0.1 * filed
    assert UnfiledVisit.objects.filter(state="open").count() == totals["resumed_unfiled"]

    # The records agree with the states: an applied event for each, the decision's event on its day, the on-site
    # check before the decision where the rules require one, answers for each item.
    filings = list(Filing.objects.select_related("enterprise"))
    events: dict[int, dict[str, dt.date]] = {}
    for filing_id, kind, date in FilingEvent.objects.values_list("filing_id", "kind", "date"):
        events.setdefault(filing_id, {})[kind] = date
    answered = dict(FilingItem.objects.values("filing_id").annotate(n=Count("id")).values_list("filing_id", "n"))
    for filing in filings:
        mine = events[filing.pk]
        assert mine["applied"] == filing.applied_on and answered[filing.pk] == 7
        if filing.decided_on is not None:
            kind = "returned" if filing.state == "returned" else "filed"
            assert mine[kind] == filing.decided_on and filing.decided_on <= filing.due_on
        if states[filing.code]["inspection_required"] and filing.decided_on is not None \
                and filing.state != "returned":
            assert filing.inspected_on is not None and filing.inspected_on <= filing.decided_on
            assert filing.inspectors and not re.search(r"\d", filing.inspectors)
        assert MOBILE.match(filing.phone) and not re.search(r"\d", filing.officer)
    again = [f for f in filings if f.previous_id is not None]
    assert again and all(f.previous.state == "returned" for f in again)
    # C2 answered not met by a few, where it does not apply (a low-risk county on the decision day): never missing.
    unmet_c2 = set(FilingItem.objects.filter(item__code="C2", met=False).values_list("filing__code", flat=True))
    assert unmet_c2 and all("C2" not in states[code]["missing_items"] for code in unmet_c2)
    # The ledgers: the last two weeks of the filed enterprises, a couple reporting fever on the last day.
    on_last_day = set(EnterpriseHealth.objects.filter(date=DAY).values_list("enterprise_id", flat=True))
    filed_firms = {f.enterprise_id for f in filings if f.state in ("filed", "suspended")}
    assert len(on_last_day & filed_firms) > 0.9 * len(filed_firms)
    assert EnterpriseHealth.objects.filter(date=DAY - dt.timedelta(days=13)).exists()
    assert EnterpriseHealth.objects.filter(date=DAY, fever__gt=0).count() == 2

    # The bulletin's section in the seeds' words, with the contract's figures.
    from dualtrack.bulletins import content

    bulletin = content.build(DAY)
    # a paragraph of 复工复产进展 (the core keeps within its pages), the seeds' sentence first
    section = next(s for s in bulletin.sections if s.heading.endswith("、复工复产进展"))
    paragraph = next(p for p in section.paragraphs if p.startswith("全市累计"))
    assert paragraph.startswith(f"全市累计{filed}家企业完成复工备案，{totals['resumed_unfiled']}家复工未备案"
                                "已交办核查；")
    assert "目前2家已备案企业因发生聚集性疫情暂停复工备案。" in paragraph
    assert not any(s.heading.endswith("、复工备案") for s in bulletin.sections)

    # HQ's card on 总览: the city's figures, the day they are of.
    from dualtrack.core.cards import cards_for

    card = next(c for c in cards_for(demo_city, DAY) if c.key == "filings")
    figures = {f.key: f.value for f in card.figures}
    assert figures["filed"] == str(filed) and figures["overdue"] == str(totals["overdue"])
    assert figures["resumed_unfiled"] == str(totals["resumed_unfiled"]) and "2020-04-30" in card.note
    client = Client()
    client.force_login(demo_city)
    home = client.get("/").content.decode()
    assert 'id="card-filings"' in home

    # 复工图 flags the outbreaks in filed enterprises: their names, counties, the cluster's day, 备案已暂停.
    from dualtrack.filings import services

    outbreaks = services.outbreaks_on(DAY, demo_city)
    assert outbreaks is not None and len(outbreaks) == 2
    page = client.get("/resumption/?date=2020-04-30").content.decode()
    assert 'id="card-filings-outbreaks"' in page and page.count("备案已暂停") == 2
    for outbreak in outbreaks:
        assert outbreak.name in page and outbreak.county in page and outbreak.lifted_on is None
    # A county's operator sees its own outbreaks only; a county without one is not flagged.
    from dualtrack.accounts.models import User

    for username in ("jiangbei", "binhai", "qingxi"):
        user = User.objects.get(username=username)
        mine = services.outbreaks_on(DAY, user) or []
        assert all(o.county == user.county.name for o in mine)
        client.force_login(user)
        page = client.get("/resumption/?date=2020-04-30").content.decode()
        assert ('id="card-filings-outbreaks"' in page) == bool(mine)
