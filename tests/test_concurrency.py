"""Writes that race (#13 §3): two handlers moving one problem, an approval and a rejection of one application,
the same form submitted twice at once. Exactly one wins, the other is told so (nothing half-written, never
a server error). With real concurrent transactions on PostgreSQL (CI runs the suite there too); SQLite
serialises writers, so there the same outcomes are checked one after the other."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from dualtrack.core.dates import SHANGHAI
from dualtrack.core.errors import ConcurrentChange
from dualtrack.policies import services as policies
from dualtrack.policies.models import Application, Measure, Policy
from dualtrack.problems import services as problems
from dualtrack.problems.models import Category, Problem
from dualtrack.resumption import services as resumption
from dualtrack.resumption.models import ResumptionReport

from .conftest import City

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
concurrent = pytest.mark.skipif(not POSTGRES, reason="SQLite serialises every write transaction: the race needs "
                                                     "concurrent writers (PostgreSQL; CI runs it there)")
T0 = dt.datetime(2020, 3, 2, 10, 0, tzinfo=SHANGHAI)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database connection; return what each
    returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _assigned(city: City) -> Problem:
    problem = problems.report(city.users["enterprise"], "原材料断供", enterprise=city.e_jiangbei)
    problem = problems.move(problem.pk, 0, "triaged", city.users["hq"], category=Category.objects.first(),
                            department=city.department, complexity="simple")
    return problems.move(problem.pk, problem.version, "assigned", city.users["hq"])


def _application(city: City) -> Application:
    policy = Policy.objects.create(doc_number="宁政发〔2020〕3号", title="若干意见", issuer="市政府",
                                   issued_on=dt.date(2020, 2, 6), effective_from=dt.date(2020, 2, 6))
    measure = Measure.objects.create(code="M-R", policy=policy, title="稳岗返还", support_type="job_stabilisation",
                                     department=city.department, window_start=dt.date(2020, 2, 10),
                                     window_end=dt.date(2030, 6, 30), amount_rule="fixed", amount_fixed=5)
    return Application.objects.create(measure=measure, enterprise=city.e_jiangbei, source="enterprise",
                                      state="submitted", submitted_at=timezone.now(), amount=Decimal(5))


def _one_won(results: list[Any], expected_loss: type[Exception]) -> Any:
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], expected_loss), repr(losses[0])
    return wins[0]


# --- on PostgreSQL: real concurrent transactions -------------------------------------------------------------

@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_handlers_move_one_problem_at_once(city: City) -> None:
    problem = _assigned(city)
    results = race(lambda: problems.move(problem.pk, problem.version, "in_progress", city.users["department"], "我来办"),
                   lambda: problems.move(problem.pk, problem.version, "returned", city.users["hq"], "退回"))
    winner = _one_won(results, ConcurrentChange)
    final = Problem.objects.get(pk=problem.pk)
    assert final.state == winner.state and final.version == problem.version + 1
    assert final.events.count() == 4  # reported, triaged, assigned, and exactly one of the two moves


@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approve_and_reject_at_once(city: City) -> None:
    application = _application(city)
    handler = city.users["department"]
    results = race(lambda: policies.review(handler, application.pk, 0, True, Decimal(5)),
                   lambda: policies.review(city.users["hq"], application.pk, 0, False, reason="材料不全"))
    winner = _one_won(results, ConcurrentChange)
    final = Application.objects.get(pk=application.pk)
    assert final.state == winner.state and final.version == 1


@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_application_sent_twice_at_once(city: City) -> None:
    application = _application(city)
    measure = application.measure
    application.delete()
    with time_machine.travel(T0, tick=False):
        results = race(lambda: policies.apply(city.users["enterprise"], measure, city.e_jiangbei),
                       lambda: policies.apply(city.users["enterprise"], measure, city.e_jiangbei))
    _one_won(results, ValidationError)
    assert Application.objects.filter(measure=measure, enterprise=city.e_jiangbei).count() == 1


@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_report_sent_twice_at_once(city: City) -> None:
    day = dt.date(2020, 3, 2)
    with time_machine.travel(T0, tick=False):
        results = race(lambda: resumption.save_report(city.users["enterprise"], city.e_jiangbei, day, True, 40),
                       lambda: resumption.save_report(city.users["enterprise"], city.e_jiangbei, day, True, 40))
    assert not [r for r in results if isinstance(r, Exception)], results  # the second finds the first
    assert ResumptionReport.objects.filter(enterprise=city.e_jiangbei, date=day).count() == 1


def _trip_with(city: City, *codes: str) -> tuple[Any, list[Any]]:
    from dualtrack.workreturn.models import ManifestEntry, Trip, Worker

    trip = Trip.objects.create(code="T1", origin_code="339106", enterprise=city.e_jiangbei, plate="宁B12345",
                               seats=44, departure=dt.datetime(2020, 2, 15, 7, 0, tzinfo=SHANGHAI))
    workers = [Worker.objects.create(code=code, village_code="339106100201", home_code="339106",
                                     enterprise=city.e_jiangbei, attestation_kind="no_travel_14",
                                     attestation_date=dt.date(2020, 2, 10)) for code in codes]
    for worker in workers:
        ManifestEntry.objects.create(trip=trip, worker=worker)
    return trip, workers


@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_boarding_scans_of_one_worker_at_once_are_both_kept(city: City) -> None:
    """A refusal at 37.4 ℃ and a re-check at 36.8 ℃ scanned at the same moment: both events are kept (the trip's
    row orders them), the refusal stays in the history."""
    from dualtrack.workreturn import services as workreturn
    from dualtrack.workreturn.models import Boarding

    trip, (worker,) = _trip_with(city, "W001")
    moment = dt.datetime(2020, 2, 15, 6, 40, tzinfo=SHANGHAI)
    results = race(lambda: workreturn.record_boarding(city.users["hq"], trip, worker, Decimal("37.4"), moment),
                   lambda: workreturn.record_boarding(city.users["hq"], trip, worker, Decimal("36.8"), moment,
                                                      note="复测"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Boarding.objects.values_list("allowed", flat=True)) == [False, True]
    assert workreturn.current_boardings().count() == 1


@concurrent
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_arrivals_of_one_trip_at_once(city: City) -> None:
    from dualtrack.workreturn import services as workreturn
    from dualtrack.workreturn.models import Trip

    trip, _workers = _trip_with(city, "W001")
    first = dt.datetime(2020, 2, 16, 18, 30, tzinfo=SHANGHAI)
    results = race(lambda: workreturn.record_arrival(city.users["hq"], trip, first),
                   lambda: workreturn.record_arrival(city.users["hq"], trip, first + dt.timedelta(days=3)))
    _one_won(results, ValidationError)
    assert Trip.objects.get(pk=trip.pk).arrived_at in (first, first + dt.timedelta(days=3))


# --- everywhere: the same outcomes one after the other -----------------------------------------------------

def test_second_handler_with_a_stale_version(city: City) -> None:
    problem = _assigned(city)
    problems.move(problem.pk, problem.version, "in_progress", city.users["department"])
    with pytest.raises(ConcurrentChange):
        problems.move(problem.pk, problem.version, "returned", city.users["hq"])


def test_reject_after_approve_with_a_stale_version(city: City) -> None:
    application = _application(city)
    policies.review(city.users["department"], application.pk, 0, True, Decimal(5))
    with pytest.raises(ConcurrentChange):
        policies.review(city.users["hq"], application.pk, 0, False, reason="重复")


def test_double_submission_one_after_the_other(city: City) -> None:
    application = _application(city)
    measure = application.measure
    application.delete()
    with time_machine.travel(T0, tick=False):
        policies.apply(city.users["enterprise"], measure, city.e_jiangbei)
        with pytest.raises(ValidationError, match="已申报过本条款"):
            policies.apply(city.users["enterprise"], measure, city.e_jiangbei)


def test_api_answers_409_on_a_stale_version(client: Any, city: City) -> None:
    problem = _assigned(city)
    problems.move(problem.pk, problem.version, "in_progress", city.users["department"])
    auth = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
    response = client.post(f"/api/v1/problems/{problem.ref}/move", {"to_state": "returned", "version": problem.version},
                           content_type="application/json", **auth)
    assert response.status_code == 409 and response.json()["state"] == "in_progress"
