"""点对点返岗 on the measure (``core.capability``): the rule set's bounds, the stored campaign round-tripping through
the columnar form, a page saying 计算中 while it is computed, the console's and the API's one contract, each
reader's narrowing exactly as the scoped computation did, and a write making the stored campaign stale."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from dualtrack.core import columnar, judgements, privacy, versions
from dualtrack.core import rules as rule_sets
from dualtrack.core.capability import Period, PeriodKind, measure
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.rules import RuleError
from dualtrack.workreturn import engine, services
from dualtrack.workreturn.choices import WorkerState
from dualtrack.workreturn.measure import WorkReturn, WorkReturnRules
from dualtrack.workreturn.models import Boarding, LabourDemand, ManifestEntry, Receipt, Trip, Worker
from dualtrack.workreturn.rules import DEFAULT, validate

from .conftest import City
from .test_workreturn import at, board_and_arrive
from .test_workreturn import campaign as campaign  # noqa: F401 - the fixture

MOMENT = "2020-02-17 09:00"


def period(text: str = MOMENT) -> Period:
    return Period.of(PeriodKind.MOMENT, at(text))


def test_the_rules_are_checked_against_their_bounds() -> None:
    rules = WorkReturnRules.parse(DEFAULT)
    assert rules["receipt_working_days"] == 3 and rules.fever_celsius == 37.3 and rules.campaign_end is None
    cases: list[tuple[dict[str, Any], str]] = [
            ({"attestation_max_days": 61}, "「健康证明距出发日最多几天」（attestation_max_days）须为 0 到 60 之间的整数"),
            ({"receipt_working_days": 1.5},
             "「回执单于到达后第几个工作日结束前返回」（receipt_working_days）须为 0 到 60 之间的整数"),
            ({"fever_celsius": 34}, "「体温不低于此值不准上车」（fever_celsius）须为 35 到 40 之间的数"),
            ({"passenger_share": 0}, "「乘客不超过核载座位的比例」（passenger_share）须为大于 0、不大于 1 的数"),
            ({"campaign_end": "2020-13-01"},
             "「活动结束日(YYYY-MM-DD),进行中为空」（campaign_end）须为 null（活动进行中）或日期（YYYY-MM-DD）")]
    for change, message in cases:
        with pytest.raises(RuleError) as refused:
            validate({**DEFAULT, **change})
        assert str(refused.value) == message
    validate({**DEFAULT, "campaign_end": "2020-03-15", "fever_celsius": 38})


@pytest.mark.django_db
def test_the_stored_campaign_round_trips_through_the_columnar_form(campaign: City) -> None:  # noqa: F811
    board_and_arrive(campaign)
    services.record_receipt(campaign.users["hq"], Worker.objects.get(code="W004"), at("2020-02-17 08:00"))
    result = judgements.ensure(measure("worker-return"), period()).result
    assert isinstance(result, WorkReturn) and result.events and result.workers and result.demand
    assert columnar.decode(WorkReturn, columnar.encode(result)) == result


@pytest.mark.django_db
def test_the_board_says_pending_while_the_campaign_is_computed(client: Any, campaign: City,  # noqa: F811
                                                               settings: Any) -> None:
    settings.DUALTRACK_JUDGE_INLINE = False
    settings.DUALTRACK_CLOCK = "2020-02-17T09:00:00+08:00"
    client.force_login(campaign.users["hq"])
    page = client.get("/worker-return/")
    assert page.status_code == 200 and "正在计算" in page.content.decode()
    overview = client.get("/", {"date": "2020-02-16"}).content.decode()  # the card reads the store too
    assert 'data-figure="worker-return_pending"' in overview
    api = client.get("/api/v1/worker-return", {"at": "2020-02-17T09:00"})
    assert api.status_code == 202 and api.json()["status"] == "pending"
    judgements.run_queued("worker-return", "2020-02-17T09:00", measure("worker-return").current_rules()[0])
    page = client.get("/worker-return/")
    assert "正在计算" not in page.content.decode() and page.context["rules_version"] == "worker-return:v1"


@pytest.mark.django_db
def test_the_console_and_the_api_print_the_same_contract(client: Any, campaign: City) -> None:  # noqa: F811
    board_and_arrive(campaign)
    out = io.StringIO()
    call_command("worker-return", "--at", MOMENT, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert out.getvalue() == json.dumps(scoped_reference(at(MOMENT), None), ensure_ascii=False, indent=1) + "\n"
    client.force_login(campaign.users["hq"])
    assert client.get("/api/v1/worker-return", {"at": "2020-02-17 09:00"}).json() == printed
    assert client.get("/api/v1/worker-return", {"at": "2020-02-17T09:00"}).json() == printed
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    assert schema["paths"]["/api/v1/worker-return"]["get"]["operationId"] == "worker-return_result"
    assert list(schema["components"]["schemas"]["WorkReturnContract"]["properties"]) == [
        "rules_version", "trips", "workers", "enterprises"]
    bad = io.StringIO()
    with pytest.raises(Exception, match='--at: "YYYY-MM-DD HH:MM"'):
        call_command("worker-return", "--at", "2020-02-17", "--json", stdout=bad)


@pytest.mark.django_db
def test_each_reader_sees_what_the_scoped_campaign_showed(client: Any, campaign: City) -> None:  # noqa: F811
    """A worker brought back on a trip, then registered for another enterprise (of the park): a reader who sees the
    worker but not the trip sees them registered, each trip's count and each enterprise's figures are those of what
    the reader sees, as the scoped computation did."""
    from .test_workreturn import load

    board_and_arrive(campaign)
    hq = campaign.users["hq"]
    services.record_receipt(hq, Worker.objects.get(code="W005"), at("2020-02-17 08:00"))
    assert load(hq, "labour_demand", [["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期"],
                                      [campaign.e_binhai.uscc, "焊工", 4, "339106", "2020-02-20"]]).ok
    Worker.objects.filter(code="W001").update(enterprise=campaign.e_jiangbei_park)
    versions.changed("worker-return")
    for role, user in campaign.users.items():
        narrowed = measure("worker-return").as_json(measure("worker-return").visible(
            judgements.ensure(measure("worker-return"), period()).result, user))
        assert narrowed == scoped_reference(at(MOMENT), user), role
        assert services.campaign(at(MOMENT), user).as_json() == narrowed, role
    park = measure("worker-return").visible(judgements.ensure(measure("worker-return"), period()).result,
                                            campaign.users["park"])
    assert [w.code for w in park.workers] == ["W001"] and not park.trips  # the worker, not the trip
    assert measure("worker-return").as_json(park)["workers"][0]["state"] == "registered"


@pytest.mark.django_db
def test_a_write_makes_the_stored_campaign_stale(campaign: City, settings: Any) -> None:  # noqa: F811
    board_and_arrive(campaign)
    first = judgements.ensure(measure("worker-return"), period())
    assert {w["code"]: w["state"] for w in measure("worker-return").as_json(first.result)["workers"]}["W006"] == \
        "arrived"
    services.record_receipt(campaign.users["hq"], Worker.objects.get(code="W006"), at("2020-02-17 08:30"))
    settings.DUALTRACK_JUDGE_INLINE = False
    seen = judgements.read(measure("worker-return"), period())
    assert isinstance(seen, judgements.Stored) and seen.stale
    fresh = judgements.ensure(measure("worker-return"), period())
    assert not fresh.stale and {w["code"]: w["state"] for w in measure("worker-return").as_json(
        fresh.result)["workers"]}["W006"] == "received"
    before = judgements.ensure(measure("worker-return"), period()).data_version
    rule_sets.revise("worker-return", {**DEFAULT, "receipt_working_days": 1}, campaign.users["hq"], "一个工作日")
    due = next(w for w in measure("worker-return").as_json(judgements.ensure(measure("worker-return"), period())
                                                           .result)["workers"] if w["code"] == "W001")
    assert due["receipt_due_at"] == "2020-02-17T23:59:59+08:00" and before  # the new version's own result


# --- the scoped computation as it was before the measure (the reference each narrowing must equal) ---------------

def scoped_reference(moment: dt.datetime, user: Any) -> dict[str, Any]:
    label, definition = services.rules()
    trips = list(Trip.objects.restrict(user) if user is not None else Trip.objects.all())
    trip_ids = {t.pk for t in trips}
    passengers = Counter(ManifestEntry.objects.filter(trip_id__in=trip_ids).values_list("trip_id", flat=True))
    boardings = list(Boarding.objects.filter(trip_id__in=trip_ids, boarded_at__lte=moment).select_related("worker")
                     .order_by("boarded_at", "pk"))
    by_trip: dict[int, list[Boarding]] = defaultdict(list)
    latest: dict[int, Boarding] = {}
    for b in boardings:
        by_trip[b.trip_id].append(b)
        latest[b.worker_id] = b
    arrived_at = {t.pk: t.arrived_at for t in trips if t.arrived_at is not None and t.arrived_at <= moment}
    on_board = Counter(b.trip_id for b in latest.values() if b.allowed)
    trip_rows = [{"code": t.code, "passengers": passengers.get(t.pk, 0), "seats": t.seats, "boarded": on_board[t.pk],
                  "refused": [{"worker": b.worker.code, "reason": b.reason}
                              for b in sorted(by_trip[t.pk], key=lambda b: b.worker.code) if not b.allowed],
                  "history": [{"worker": b.worker.code, "at": b.boarded_at.astimezone(SHANGHAI).isoformat(),
                               "allowed": b.allowed, "reason": b.reason, "note": privacy.mask(b.note)}
                              for b in by_trip[t.pk]]} for t in sorted(trips, key=lambda t: t.code)]
    workers = Worker.objects.restrict(user) if user is not None else Worker.objects.all()
    receipts = dict(Receipt.objects.filter(receipt_at__lte=moment).values_list("worker_id", "receipt_at"))
    statuses = []
    for worker in workers.order_by("code"):
        b = latest.get(worker.pk)
        state, due, overdue = WorkerState.REGISTERED.value, None, False
        if b is not None:
            state = WorkerState.BOARDED if b.allowed else WorkerState.REFUSED
            arrival = arrived_at.get(b.trip_id) if b.allowed else None
            if arrival is not None:
                state = WorkerState.ARRIVED
                due = engine.receipt_due(arrival, definition)
                if worker.pk in receipts:
                    state = WorkerState.RECEIVED
                else:
                    overdue = moment > due
        statuses.append((worker, str(state), due, overdue))
    demand = LabourDemand.objects.restrict(user) if user is not None else LabourDemand.objects.all()
    requested = dict(demand.values("enterprise_id").annotate(n=Sum("headcount")).values_list("enterprise_id", "n"))
    arrived = Counter(w.enterprise_id for w, state, _due, _o in statuses if state in ("arrived", "received"))
    from dualtrack.registry import services as registry

    usccs = registry.usccs(set(requested) | set(arrived))
    return {"rules_version": label, "trips": trip_rows,
            "workers": [{"code": w.code, "state": state,
                         "receipt_due_at": due.astimezone(SHANGHAI).isoformat() if due else None,
                         "receipt_overdue": overdue} for w, state, due, overdue in statuses],
            "enterprises": [{"uscc": usccs[pk], "requested": requested.get(pk, 0), "arrived": arrived.get(pk, 0),
                             "fulfilment": engine.fulfilment(arrived.get(pk, 0), requested.get(pk, 0))}
                            for pk in sorted(set(requested) | set(arrived), key=lambda pk: usccs.get(pk, ""))
                            if pk in usccs]}



# --- the card's figures: read from the stored groups, never from an assembled campaign (#27) ---------------------

def _more_trips(city: City) -> None:
    """Beside T1 (滨海 → 江北's enterprise, arrived 16 Feb): T2 from 江北 to 滨海's enterprise arriving 17 Feb (one of
    its two workers received), T3 from outside the city to the park's enterprise, arrived 10 Feb (its receipt overdue
    for one worker); W004 received; W001 (poor, arrived on T1) registered since for the park's enterprise."""
    from decimal import Decimal

    hq = city.users["hq"]
    board_and_arrive(city)
    plan = [("T2", "339102", city.e_binhai, "2020-02-17 06:00", [("JB1", "339102001201", True),
                                                                  ("JB2", "339102001201", False)], "2020-02-17 08:00"),
            ("T3", "640402", city.e_jiangbei_park, "2020-02-09 06:00", [("GY1", "640402100201", True),
                                                                         ("GY2", "640402100201", False)],
             "2020-02-10 10:00")]
    for n, (code, origin, enterprise, departure, riders, arrival) in enumerate(plan):
        trip = services.plan_trip(hq, code=code, origin_code=origin, enterprise=enterprise, departure=at(departure),
                                  plate=f"浙B0000{n}", seats=10)
        workers = [services.register_worker(
            hq, code=worker, name="张工", phone="13900002222", id_number=f"{origin}19900101{n}{i:03d}",
            village_code=village, enterprise=enterprise, attestation_kind="health_certificate",
            attestation_date=at(departure).date() - dt.timedelta(days=2), poor_labourer=poor)
            for i, (worker, village, poor) in enumerate(riders)]
        services.set_manifest(hq, trip, workers)
        for worker in workers:
            services.record_boarding(hq, trip, worker, Decimal("36.5"), at(departure) - dt.timedelta(minutes=20))
        services.record_arrival(hq, trip, at(arrival))
    services.record_receipt(hq, Worker.objects.get(code="JB2"), at("2020-02-17 09:00"))
    services.record_receipt(hq, Worker.objects.get(code="GY2"), at("2020-02-11 09:00"))
    services.record_receipt(hq, Worker.objects.get(code="W004"), at("2020-02-17 08:00"))
    Worker.objects.filter(code="W001").update(enterprise=city.e_jiangbei_park)
    versions.changed("worker-return")


def campaign_figures(day: dt.date, user: Any) -> dict[str, int]:
    """The card's figures as they were counted before #27: on the reader's campaign as of the day's moment, assembled
    from the stored rows narrowed to the reader (the reference)."""
    state = services.campaign(services.as_of(day), user)
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
    today = {t.code for t in state.trips if t.arrived_at is not None and start <= t.arrived_at <= state.at}
    arrived = [w for w in state.workers if w.state in (WorkerState.ARRIVED, WorkerState.RECEIVED)]
    return {"trips_today": len(today), "workers_today": sum(1 for w in arrived if w.trip in today),
            "workers_total": len(arrived), "poor_total": sum(1 for w in arrived if w.poor_labourer),
            "overdue": sum(1 for w in state.workers if w.receipt_overdue)}


@pytest.mark.django_db
def test_the_cards_figures_are_the_readers_campaigns_read_from_the_stored_groups(campaign: City,  # noqa: F811
                                                                                 monkeypatch: Any) -> None:
    from dualtrack.workreturn import measure as module
    from dualtrack.workreturn.cards import worker_return_card

    _more_trips(campaign)
    days = (dt.date(2020, 2, 10), dt.date(2020, 2, 16), dt.date(2020, 2, 17))
    expected = {(role, day): campaign_figures(day, user) for role, user in [*campaign.users.items(), ("console", None)]
                for day in days}
    assert expected[("hq", days[2])] == {"trips_today": 1, "workers_today": 2, "workers_total": 24, "poor_total": 3,
                                         "overdue": 1}
    assert expected[("hq", days[1])] == {"trips_today": 1, "workers_today": 20, "workers_total": 22, "poor_total": 2,
                                         "overdue": 1}  # GY1's receipt was due on Thursday 13 February
    assert expected[("district", days[2])]["workers_total"] == 24  # 江北: its enterprises' (the park's too), its people
    assert expected[("district_binhai", days[2])] == {"trips_today": 1, "workers_today": 2, "workers_total": 22,
                                                      "poor_total": 2, "overdue": 0}  # T1's and T2's, not T3's
    assert expected[("park", days[2])] == {"trips_today": 0, "workers_today": 0, "workers_total": 2, "poor_total": 1,
                                           "overdue": 1}  # T3's two; W001 seen, T1 not: not counted, as before
    assert expected[("enterprise", days[2])]["workers_total"] == 19 and expected[("department", days[2])] == dict.fromkeys(
        module.FIGURES, 0)

    def assembled(*_args: Any) -> Any:
        raise AssertionError("the card assembled or narrowed the campaign")

    monkeypatch.setattr(module, "assemble", assembled)
    monkeypatch.setattr(module, "narrowed", assembled)
    for (role, day), figures in expected.items():
        user = campaign.users.get(role)
        assert services.read_day_figures(day, user)[0] == figures, (role, day)
        assert services.day_figures(day, user) == figures, (role, day)  # the bulletin's (ensured): the same
        card = worker_return_card(user, day) if user is not None else None
        if card is not None:
            assert {f.key: f.value for f in card.figures} == {
                "trips_today": str(figures["trips_today"]), "workers_today": str(figures["workers_today"]),
                "workers_total": str(figures["workers_total"]), "poor_total": str(figures["poor_total"]),
                "receipts_overdue": str(figures["overdue"])}, (role, day)


@pytest.mark.django_db
def test_the_card_reads_the_stored_moment_in_a_few_queries(campaign: City,  # noqa: F811
                                                           django_assert_max_num_queries: Any) -> None:
    from dualtrack.workreturn.cards import worker_return_card

    _more_trips(campaign)
    day = dt.date(2020, 2, 17)
    judgements.ensure(measure("worker-return"), Period.of(PeriodKind.MOMENT, services.as_of(day)))
    for role, most in (("hq", 3), ("district", 5), ("enterprise", 5)):  # + the keys of its trips and workers
        worker_return_card(campaign.users[role], day)  # the rule set and the decoded result cached, as when warm
        with django_assert_max_num_queries(most):
            card = worker_return_card(campaign.users[role], day)
        assert card is not None and card.figures[0].value is not None, role
