"""The one judgement store (研判结果库): every measure's result for a period, computed once and read by pages, cards,
the API, the console and the bulletin.

- :func:`read` (pages, cards): the stored result, stale or not (a stale one says so and is recomputed in the
  background); a period never computed is queued and answered :class:`Pending`: the page shows 计算中 and asks
  again, it never computes in the request.
- :func:`ensure` (the console, the bulletin, the worker, the API's second look): a fresh result, computed now if
  needed.
- :func:`what_if`: judge with a substitute rule set, nothing stored (DOMAIN.md §9's first step).
- :func:`worker_step` (``dualtrack worker``): keeps each measure's as-of period fresh, recomputes stale results
  (latest first) and runs what pages queued; a row is claimed only if it is still as it was read.

Results are keyed by (measure, period, rules version) and record the data version they were computed from; a
change of any source the measure reads (``core.versions``) makes them stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction

from . import background, columnar, dates
from .capability import Measure, Period, PeriodKind, Rules, measures
from .models import DataVersion, Judgement, JudgementState

logger = logging.getLogger(__name__)
R = TypeVar("R")
CLAIM_SECONDS = 600  # a claim older than this was left by a stopped process: the worker takes the row over
STEP_LIMIT = 20  # results one worker step recomputes at most (the rest wait for the next step)
KEEP_FRESH_DAYS = 7  # stale results of periods this close to the as-of period, or computed this recently (someone
# asked for them), are recomputed unasked; older ones wait until a page asks for them again. A moment's result is
# stored per minute: only the period bound applies to them, else every minute anyone asked would be recomputed
# after each change of its data.


@dataclasses.dataclass(frozen=True)
class Stored(Generic[R]):
    """A stored result with where it came from."""

    measure: str
    period: Period
    rules_version: str
    data_version: str
    result: R
    computed_at: dt.datetime
    seconds: float
    stale: bool = False


@dataclasses.dataclass(frozen=True)
class Pending:
    """Not computed yet (queued) or failed: what a page shows instead of a result."""

    measure: str
    period: Period
    rules_version: str
    failed: bool = False
    error: str = ""


def data_version(measure: Measure[Any, Any, Any]) -> str:
    """The versions of the sources ``measure`` reads, as one key (``economy:12|registry:3``)."""
    if not measure.sources:
        return ""
    found = dict(DataVersion.objects.filter(source__in=measure.sources).values_list("source", "version"))
    return "|".join(f"{s}:{found.get(s, 0)}" for s in sorted(measure.sources))


def keep_earlier(measure: Measure[Any, Any, Any], source: str, day: dt.date | None) -> int:
    """``source`` changed from ``day`` on (``core.versions.data_changed``): the results of periods that end before
    ``day`` were not read from what changed, so the fresh ones among them take the new data version and stay fresh
    (a late import of one day leaves the month before it as it was). Returns how many were kept."""
    if day is None or source not in measure.sources:
        return 0
    current = data_version(measure)
    parts = dict(part.rsplit(":", 1) for part in current.split("|"))
    parts[source] = str(int(parts[source]) - 1)
    before = "|".join(f"{s}:{parts[s]}" for s in sorted(measure.sources))
    rows = Judgement.objects.filter(measure=measure.key, data_version=before).values_list("pk", "period")
    kept = [pk for pk, key in rows if _period_of_key(measure, key).end < day]
    return Judgement.objects.filter(pk__in=kept, data_version=before).update(data_version=current) if kept else 0


def compute(measure: Measure[Any, Any, R], period: Period, rules: Rules | None = None) -> R:
    """Load the whole city's facts of ``period`` and judge them (under ``rules``, default the current rule set)."""
    if rules is None:
        rules = measure.current_rules()[1]
    return measure.judge(measure.load(period, None), rules)


def what_if(measure: Measure[Any, Any, R], period: Period, rules: Rules) -> R:
    """``measure``'s result for ``period`` under a substitute rule set: computed, never stored."""
    return compute(measure, period, rules)


_DECODED: dict[tuple[int, str], Any] = {}


def forget() -> None:
    """Drop the results this process decoded (a test's rolled-back database)."""
    _DECODED.clear()


def _head(measure: Measure[Any, Any, Any], period: Period, label: str) -> Judgement | None:
    return Judgement.objects.defer("payload").filter(measure=measure.key, period=period.key,
                                                     rules_version=label).first()


def _decoded(measure: Measure[Any, Any, R], row: Judgement) -> R:
    stamp = row.computed_at.isoformat() if row.computed_at else ""
    key = (row.pk, stamp)
    if key not in _DECODED:
        payload = Judgement.objects.filter(pk=row.pk).values_list("payload", flat=True).first()
        if len(_DECODED) > 128:
            _DECODED.clear()
        _DECODED[key] = columnar.decode(measure.result, bytes(payload or b""))
    return _DECODED[key]  # type: ignore[no-any-return]


def _stored(measure: Measure[Any, Any, R], period: Period, row: Judgement, current_data: str) -> Stored[R]:
    assert row.computed_at is not None  # noqa: S101 - a ready row has its time
    return Stored(measure.key, period, row.rules_version, row.data_version, _decoded(measure, row), row.computed_at,
                  row.seconds, stale=row.data_version != current_data)


def _usable(measure: Measure[Any, Any, Any], row: Judgement | None) -> bool:
    return row is not None and row.state == JudgementState.READY and row.format == measure.format \
        and row.computed_at is not None


def _fresh(measure: Measure[Any, Any, Any], row: Judgement | None, data: str) -> bool:
    """A stored result computed from the data as it is now."""
    return _usable(measure, row) and row is not None and row.data_version == data


def save(measure: Measure[Any, Any, R], period: Period, label: str, data: str, result: R, seconds: float) -> Judgement:
    """Store ``result`` as the period's judgement under ``label`` (replacing an earlier computation)."""
    payload = columnar.encode(result)
    rows = 0
    for f in dataclasses.fields(result):  # type: ignore[arg-type]
        value = getattr(result, f.name)
        rows += len(value) if isinstance(value, list) else 0
    values = {"data_version": data, "format": measure.format, "state": JudgementState.READY, "payload": payload,
              "rows": rows, "queued_at": None, "claimed_at": None, "computed_at": dates.real_now(),
              "seconds": round(seconds, 3), "error": ""}
    try:
        with transaction.atomic():
            row, _created = Judgement.objects.update_or_create(measure=measure.key, period=period.key,
                                                               rules_version=label, defaults=values)
    except IntegrityError:  # stored by another process at the same moment: theirs is as good
        row = Judgement.objects.get(measure=measure.key, period=period.key, rules_version=label)
    return row


def refresh(measure: Measure[Any, Any, R], period: Period) -> Stored[R]:
    """Compute and store ``period``'s result now (the data version read before the facts: a change while
    computing leaves the result stale, never falsely fresh)."""
    label, rules = measure.current_rules()
    data = data_version(measure)
    started = time.perf_counter()
    result = measure.judge(measure.load(period, None), rules)
    row = save(measure, period, label, data, result, time.perf_counter() - started)
    return _stored(measure, period, row, data)


def ensure(measure: Measure[Any, Any, R], period: Period) -> Stored[R]:
    """A fresh result of ``period``: the stored one when current, else computed now and stored."""
    label, _rules = measure.current_rules()
    row = _head(measure, period, label)
    data = data_version(measure)
    if _fresh(measure, row, data) and row is not None:
        return _stored(measure, period, row, data)
    return refresh(measure, period)


def read(measure: Measure[Any, Any, R], period: Period) -> Stored[R] | Pending:
    """What a page or a card shows for ``period``: the stored result (``stale`` when its data changed since, and
    then queued again); else the period is queued and :class:`Pending` answered."""
    label, _rules = measure.current_rules()
    row = _head(measure, period, label)
    found: Stored[R] | Pending
    if _usable(measure, row) and row is not None:
        found = _stored(measure, period, row, data_version(measure))
        if not found.stale:
            return found
    elif row is not None and row.state == JudgementState.FAILED and row.queued_at is None:
        return Pending(measure.key, period, label, failed=True, error=row.error)
    else:
        found = Pending(measure.key, period, label)
    queue(measure, period, label)
    if inline():  # computed at once: answer what was stored
        again = _head(measure, period, label)
        if _usable(measure, again) and again is not None:
            return _stored(measure, period, again, data_version(measure))
        if isinstance(found, Pending) and again is not None and again.state == JudgementState.FAILED:
            return Pending(measure.key, period, label, failed=True, error=again.error)
    return found


def inline() -> bool:
    """Queued work runs at once in the asking thread (``DUALTRACK_JUDGE_INLINE``: the test suite, where a request's
    after-commit work never runs); otherwise a background thread and the worker run it."""
    return bool(getattr(settings, "DUALTRACK_JUDGE_INLINE", False))


def queue(measure: Measure[Any, Any, Any], period: Period, label: str) -> None:
    """Ask for ``period``'s result: the row is marked queued (created pending if new) and a background thread of
    this process starts on it after the commit; the worker picks up what a stopped process left."""
    at = dates.real_now()
    updated = Judgement.objects.filter(measure=measure.key, period=period.key, rules_version=label,
                                       queued_at__isnull=True).update(queued_at=at)
    if not updated and not Judgement.objects.filter(measure=measure.key, period=period.key,
                                                    rules_version=label).exists():
        try:
            with transaction.atomic():
                Judgement.objects.create(measure=measure.key, period=period.key, rules_version=label, queued_at=at)
        except IntegrityError:
            pass  # queued by another request at the same moment
    if inline():
        run_queued(measure.key, period.key, label)
        return
    key = (measure.key, period.key, label)
    transaction.on_commit(lambda: background.in_thread(f"judge-{key[0]}-{key[1]}", run_queued, *key))


def run_queued(measure_key: str, period_key: str, label: str) -> bool:
    """Compute a queued result if it is still queued and nobody holds it (claimed by a conditional update)."""
    from .capability import measure as find

    measure = find(measure_key)
    row = Judgement.objects.defer("payload").filter(measure=measure_key, period=period_key,
                                                    rules_version=label).first()
    if row is None or row.queued_at is None:
        return False
    stale_claim = dates.real_now() - dt.timedelta(seconds=CLAIM_SECONDS)
    if row.claimed_at is not None and row.claimed_at > stale_claim:
        return False
    claimed = Judgement.objects.filter(pk=row.pk, queued_at=row.queued_at, claimed_at=row.claimed_at).update(
        claimed_at=dates.real_now())
    if not claimed:
        return False
    period = _period_of_key(measure, period_key)
    try:
        current_label, _rules = measure.current_rules()
        if current_label != label:  # the rules changed meanwhile: the current version's row is what pages ask
            Judgement.objects.filter(pk=row.pk).update(queued_at=None, claimed_at=None)
            return False
        refresh(measure, period)
    except Exception as exc:  # noqa: BLE001 - the failure is kept on the row and shown; the worker goes on
        logger.exception("judgement %s %s failed", measure_key, period_key)
        Judgement.objects.filter(pk=row.pk).update(state=JudgementState.FAILED, queued_at=None, claimed_at=None,
                                                   error=str(exc)[:2000])
        return False
    return True


def _period_of_key(measure: Measure[Any, Any, Any], key: str) -> Period:
    kind = measure.period_kind
    if kind == PeriodKind.MONTH:
        return Period(kind, dt.date(int(key[:4]), int(key[5:7]), 1))
    if kind == PeriodKind.QUARTER:
        return Period(kind, dt.date(int(key[:4]), (int(key[-1]) - 1) * 3 + 1, 1))
    if kind == PeriodKind.YEAR:
        return Period(kind, dt.date(int(key), 1, 1))
    if kind == PeriodKind.MOMENT:
        return Period.of(kind, dt.datetime.fromisoformat(key).replace(tzinfo=dates.SHANGHAI))
    return Period.of(kind, dt.date.fromisoformat(key))


def worker_step() -> dict[str, Any]:
    """Each measure's as-of period kept fresh; stale results (latest first) and queued ones recomputed, at most
    ``STEP_LIMIT`` per step."""
    done: list[str] = []
    # what each measure stands on this step, read once: its as-of period, current rules and data version
    standing: list[tuple[Measure[Any, Any, Any], Period | None, str, str]] = []
    for measure in measures():
        try:
            label, _rules = measure.current_rules()
        except Exception:  # noqa: BLE001 - no rule set yet (a fresh database)
            logger.info("no rule set for %s yet", measure.key)
            continue
        standing.append((measure, measure.as_of(None), label, data_version(measure)))
    for measure, period, label, data in standing:
        if period is None:
            continue
        try:
            if not _fresh(measure, _head(measure, period, label), data):
                refresh(measure, period)
                done.append(f"{measure.key}:{period.key}")
        except Exception:  # noqa: BLE001 - one measure's failure must not stop the others
            logger.exception("judgement of %s's as-of period failed", measure.key)
    recent = dates.real_now() - dt.timedelta(days=KEEP_FRESH_DAYS)
    for measure, as_of, label, data in standing:
        if len(done) >= STEP_LIMIT:
            break
        cutoff = Period.of(measure.period_kind, as_of.start - dt.timedelta(days=KEEP_FRESH_DAYS)).key \
            if as_of is not None else ""
        rows = Judgement.objects.defer("payload").filter(measure=measure.key, rules_version=label)
        wanted = [r for r in rows.order_by("-period") if r.queued_at is not None or (
            r.state == JudgementState.READY and r.data_version != data and (r.period >= cutoff or (
                measure.period_kind != PeriodKind.MOMENT and r.computed_at is not None and r.computed_at >= recent)))]
        if measure.period_kind == PeriodKind.MOMENT and cutoff:
            # a moment's results are kept a week: each is cheap to compute again when a page asks for it
            rows.filter(period__lt=cutoff, queued_at__isnull=True).delete()
        for row in wanted[:STEP_LIMIT - len(done)]:
            if row.queued_at is None:
                Judgement.objects.filter(pk=row.pk, queued_at__isnull=True).update(queued_at=dates.real_now())
            if run_queued(measure.key, row.period, label):
                done.append(f"{measure.key}:{row.period}")
    return {"computed": done}

