"""The demo city's anti-epidemic supplies (防疫物资, DOMAIN.md §17 "Demo"): built once at a small size (400
enterprises), read back through the contract (``dualtrack supplies --json``), the stored judgement of each day, the
records behind them, the overdue tasks and the bulletin's sentence in seed 003's words."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

DAY = dt.date(2020, 4, 30)


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
    call_command("supplies", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_demo_city_keeps_its_supplies(demo_city: Any) -> None:  # noqa: PLR0915 - one demo build
    from dualtrack.accounts.models import User
    from dualtrack.core.models import AuditLog
    from dualtrack.demo.supplies import ENTERPRISE_MASKS, FULL_CITY, LOW_WEEK
    from dualtrack.problems.models import Problem
    from dualtrack.registry.models import Enterprise
    from dualtrack.resumption.services import latest_report_on
    from dualtrack.supplies import services
    from dualtrack.supplies.choices import ENTERPRISE_KINDS, RequestKind, Source
    from dualtrack.supplies.models import Commitment, Depot, Issue, Receipt, RequestLine, SupplyRequest

    body = contract(DAY)
    # Three depots; receipts of every item from every source (the masks' too), February to April.
    depots = dict(Depot.objects.values_list("code", "department__code"))
    assert depots == {"CK01": "YJGL", "CK02": "JXJ", "CK03": "JXJ"}
    result = services.evaluate(DAY)
    assert {s.source for s in result.sources if s.item == "KZ"} == set(Source.values)
    assert {s.source for s in result.sources} == set(Source.values)
    assert {i["code"] for i in body["items"] if i["received"] > 0} == {"KZ", "XDY", "JJ", "FHF", "CWQ"}
    first, last = Receipt.objects.order_by("date").first(), Receipt.objects.order_by("date").last()
    assert first is not None and last is not None and first.date.month == 2 and last.date.month >= 3

    # Requests of every kind, the hospitals by the 卫健委's code under their own names and by their county's.
    kinds = {r["kind"] for r in body["requests"]}
    assert kinds == set(RequestKind.values)
    medical = SupplyRequest.objects.filter(kind="medical")
    assert medical.filter(department__code="WJW", applicant_name="市第一人民医院").exists()
    assert medical.filter(county__isnull=False, applicant_name__endswith="人民医院").exists()
    assert SupplyRequest.objects.filter(kind="grassroots", county__isnull=False).count() >= 10
    public = SupplyRequest.objects.filter(kind="public").first()
    assert public is not None and re.search(r"预约\d+人次", public.note)

    # Requested, committed and issued kept apart: issued ≤ committed ≤ requested on every line; mostly complete,
    # some partial (committed or issued), a few waiting, the statuses as §17 says.
    for request in body["requests"]:
        for line in request["lines"]:
            assert 0 <= line["issued"] <= line["committed"] <= line["requested"]
        lines = request["lines"]
        for key, status in (("committed", "commit_status"), ("issued", "fulfil_status")):
            expected = ("complete" if all(x[key] >= x["requested"] for x in lines) else
                        "none" if not any(x[key] for x in lines) else "partial")
            assert request[status] == expected
    statuses = [(r["commit_status"], r["fulfil_status"]) for r in body["requests"]]
    assert statuses.count(("complete", "complete")) > 0.8 * len(statuses)
    assert any(c == "partial" for c, _f in statuses) and any(f == "partial" for _c, f in statuses)
    assert ("none", "none") in statuses
    assert set(body["queue"]) == {r["code"] for r in body["requests"] if r["fulfil_status"] != "complete"}

    # A few overdue on the last day (committed, not fully issued after the needed-by day), each a task for the
    # department that keeps its depot, raised by the worker's step.
    overdue = [r for r in body["requests"] if r["overdue"]]
    assert 2 <= len(overdue) <= 6
    for request in overdue:
        assert any(line["issued"] < line["committed"] for line in request["lines"])
        made = SupplyRequest.objects.get(code=request["code"])
        assert min(line.needed_by for line in made.lines.all()) < DAY and made.date >= dt.date(2020, 4, 15)
        task = Problem.objects.get(source_key=f"supplies-overdue:{request['code']}")
        keeper = Commitment.objects.filter(line__request=made).values_list("depot__department__code", flat=True)
        assert task.department is not None and task.department.code in set(keeper)
    assert Problem.objects.filter(source_key__startswith="supplies-overdue:").count() == len(overdue)

    # Masks under 3 days of cover for the week when resumption jumps and receipts lag, 3 or more before and after.
    first_low, last_low = LOW_WEEK
    for day in _days(first_low - dt.timedelta(days=7), DAY):
        masks = services.evaluate(day).item("KZ")
        assert masks is not None and masks.daily_need
        if first_low <= day <= last_low:
            assert masks.days_of_cover is not None and masks.days_of_cover < 3 and masks.warning, day
        else:
            assert masks.days_of_cover is not None and masks.days_of_cover >= 3 and not masks.warning, day
    # the requests of that week were committed in part and topped up after it (most of them)
    week = SupplyRequest.objects.filter(date__range=LOW_WEEK).exclude(kind__in=["public"])
    topped = [r for r in week if Commitment.objects.filter(line__request=r).values("line").distinct().count()
              < Commitment.objects.filter(line__request=r).count()]
    assert len(topped) >= 3
    for request in topped:
        for line in request.lines.all():
            days = list(line.commitments.order_by("date", "id").values_list("date", flat=True))
            assert days[0] <= last_low and all(day > last_low for day in days[1:])

    # Every enterprise's request within its cap on its day (its latest report's workers × 2 × 15) and at least 7
    # days after its previous one; the demo enterprise asked again on the first day it could.
    by_enterprise: dict[int, list[dt.date]] = defaultdict(list)
    enterprise_requests = SupplyRequest.objects.filter(kind__in=ENTERPRISE_KINDS).order_by("date")
    assert enterprise_requests.count() >= 12
    for request in enterprise_requests:
        assert request.enterprise is not None
        found = latest_report_on(request.enterprise_id, request.date)
        assert found is not None and found[1] and found[2] > 0
        for line in request.lines.select_related("item"):
            if line.item.per_head_day is not None:
                assert line.requested <= found[2] * 2 * 15
        assert request.kind == ("key_enterprise" if request.enterprise.is_key else "resumed")
        by_enterprise[request.enterprise_id].append(request.date)
    gaps = [(b - a).days for days in by_enterprise.values() for a, b in zip(days, days[1:], strict=False)]
    assert gaps and min(gaps) >= 7
    own = User.objects.get(username="enterprise").enterprise
    assert [(b - a).days for a, b in zip(by_enterprise[own.pk], by_enterprise[own.pk][1:], strict=False)] == [7]
    mine = services.evaluate(DAY, User.objects.get(username="enterprise"))
    assert mine.requests and {r.enterprise_id for r in mine.requests} == {own.pk} and mine.items == []
    assert Enterprise.objects.filter(pk__in=by_enterprise, is_key=False).exists()

    # Commitments never exceeded what was available at their depot on their day, issues never what was committed
    # on their line and depot.
    events: dict[tuple[str, str], list[tuple[dt.date, int, int]]] = defaultdict(list)
    for depot, item, day, quantity in Receipt.objects.values_list("depot__code", "item__code", "date", "quantity"):
        events[(depot, item)].append((day, 0, quantity))
    for depot, item, day, quantity in Commitment.objects.values_list("depot__code", "line__item__code", "date",
                                                                     "quantity"):
        events[(depot, item)].append((day, 1, -quantity))
    for key, rows in events.items():
        running = 0
        for _day, _order, quantity in sorted(rows):
            running += quantity
            assert running >= 0, key
    for line in RequestLine.objects.all():
        moves = sorted([(c.date, 0, c.depot_id, c.quantity) for c in line.commitments.all()]
                       + [(i.date, 1, i.depot_id, -i.quantity) for i in line.issues.all()])
        held: dict[int, int] = defaultdict(int)
        for day, _order, depot_id, quantity in moves:
            held[depot_id] += quantity
            assert held[depot_id] >= 0 and day >= line.request.date
    # every row written through the actions: each audited, with its author
    for model, label in ((SupplyRequest, "supplies.supplyrequest"), (Commitment, "supplies.commitment"),
                         (Issue, "supplies.issue"), (Receipt, "supplies.receipt")):
        assert AuditLog.objects.filter(object_type=label, action="create").count() == model.objects.count()
    assert not Commitment.objects.exclude(actor__username="jingxin").exists()
    assert SupplyRequest.objects.filter(requested_by__username="enterprise").count() == 2
    assert SupplyRequest.objects.filter(kind="grassroots", requested_by__role="district").exists()

    # What the enterprises were given by the end, of the order of seed 003's 口罩5万多只 at this city's scale; the
    # bulletin's sentence says it with the masks' cover.
    enterprise_codes = {r["code"] for r in body["requests"] if r["kind"] in ENTERPRISE_KINDS}
    issued: dict[str, int] = defaultdict(int)
    for request in body["requests"]:
        if request["code"] in enterprise_codes:
            for line in request["lines"]:
                issued[line["item"]] += line["issued"]
    scale = Enterprise.objects.filter(is_active=True).count() / FULL_CITY
    assert 0.8 * ENTERPRISE_MASKS * scale <= issued["KZ"] <= 1.25 * ENTERPRISE_MASKS * scale
    assert set(issued) == {"KZ", "XDY"} and issued["XDY"] > 0
    from dualtrack.bulletins import content

    masks = next(i for i in body["items"] if i["code"] == "KZ")
    paragraphs = [p for s in content.build(DAY).sections for p in s.paragraphs]
    sentence = f"累计向复工企业发放口罩{issued['KZ']}只、消毒液{issued['XDY']}公斤，库存可保障{masks['days_of_cover']:g}天"
    assert any(p.startswith(sentence) for p in paragraphs), paragraphs
    assert any(f"其中{len(overdue)}件超过需用日期未发放完毕" in p for p in paragraphs)

