"""Point-to-point worker return (点对点返岗, DOMAIN.md §12): manifests within the seat rule, boarding checks,
arrivals, receipts and their deadline, the state of every worker at a moment, and the worker step that raises a
task when a receipt is overdue. Writes check the access policy, change and audit together."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.dispatch import Signal
from django.http import Http404
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy, privacy, versions
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.dates import SHANGHAI

from . import engine
from . import policy as access
from .models import Boarding, LabourDemand, ManifestEntry, Receipt, Trip, Worker
from .rules import RULES_KEY

SOURCE = "worker-return"  # the data source (``core.versions``) whose change makes the stored campaigns stale

# Sent (with ``worker`` and ``id_number``) when a worker is registered with an ID number, on a page or by a file:
# poverty alleviation links its labourers with the same number then (DOMAIN.md §13), and the link outlives the
# worker's erasure, so the figures that counted the match stay the same.
worker_identified = Signal()


def rules() -> tuple[str, dict[str, Any]]:
    current = rule_sets.current(RULES_KEY)
    return current.label, dict(current.definition)


def rules_of(label: str) -> Any:
    """The typed rules a stored campaign was judged under, by its ``rules_version`` (the current ones otherwise):
    a page's flag (超需求接收) says what the rules of the figures beside it say."""
    return _measure().rules_named(label)


# --- writes -----------------------------------------------------------------------------------------------------

def check_rider(trip: Trip, worker: Worker) -> None:
    """Only a worker registered for the trip's enterprise from its origin rides it (the page's candidates, the
    file's rows and :func:`set_manifest` alike)."""
    if worker.enterprise_id != trip.enterprise_id or worker.home_code != trip.origin_code:
        raise ValidationError({"worker": _("%(worker)s 登记的意向企业或户籍地与车次 %(trip)s 不符，不能乘坐") % {
            "worker": worker.code, "trip": trip.code}})


def check_seats(trip: Trip | None, seats: int) -> None:
    """A trip's seats may not fall below twice its manifest (one passenger for two seats)."""
    if trip is None or trip.pk is None:
        return
    on_board = ManifestEntry.objects.filter(trip=trip).count()
    limit = engine.capacity(seats, rules()[1])
    if on_board > limit:
        raise ValidationError({"seats": _("名单人数已超过新的座位数的一半：车次 %(trip)s 名单 %(n)s 人，核载 %(seats)s 座最多乘坐 "
                                          "%(limit)s 人") % {"trip": trip.code, "n": on_board, "seats": seats,
                                                            "limit": limit}})


@transaction.atomic
def set_manifest(actor: Actor, trip: Trip, workers: list[Worker]) -> int:
    """A trip's manifest, whole: refused (nothing written) when it exceeds ⌊0.5 × seats⌋ passengers, names a
    worker already on another trip or one registered for another enterprise or origin."""
    policy.authorize(actor, trip, Action.IMPORT)
    label, definition = rules()
    limit = engine.capacity(trip.seats, definition)
    for worker in workers:
        check_rider(trip, worker)
    codes = {w.pk for w in workers}
    if len(codes) > limit:
        raise ValidationError({"manifest": _("车次 %(trip)s 核载 %(seats)s 座，最多乘坐 %(limit)s 人（一人两座），名单有 %(n)s 人") % {
            "trip": trip.code, "seats": trip.seats, "limit": limit, "n": len(codes)}})
    elsewhere = ManifestEntry.objects.filter(worker_id__in=codes).exclude(trip=trip).select_related("worker", "trip")
    if elsewhere:
        first = elsewhere[0]
        raise ValidationError({"manifest": _("%(worker)s 已在车次 %(trip)s 的名单上") % {
            "worker": first.worker.code, "trip": first.trip.code}})
    before = sorted(ManifestEntry.objects.filter(trip=trip).values_list("worker__code", flat=True))
    ManifestEntry.objects.filter(trip=trip).exclude(worker_id__in=codes).delete()
    present = set(ManifestEntry.objects.filter(trip=trip).values_list("worker_id", flat=True))
    ManifestEntry.objects.bulk_create([ManifestEntry(trip=trip, worker_id=pk) for pk in codes - present])
    versions.changed(SOURCE)  # a bulk write: the stored campaigns read the manifests
    after = sorted(w.code for w in workers)
    if before != after:
        audit.record(actor, AuditAction.UPDATE, trip, before={"manifest": before}, after={"manifest": after})
    return len(codes)


@transaction.atomic
def post_demand(actor: Actor, enterprise: Any, position: str, headcount: int, origin_code: str,
                needed_by: dt.date, origin_name: str = "") -> LabourDemand:
    """用工需求 from a page: an enterprise for itself, a liaison officer for an enterprise in their care, HQ or the
    bureau for any; the same key as the file (enterprise, position, origin) updates it, audited."""
    from dualtrack.registry import services as registry

    position, origin_code, origin_name = position.strip()[:100], origin_code.strip(), origin_name.strip()[:50]
    errors = {}
    if not position:
        errors["position"] = _("请填写岗位")
    if headcount <= 0:
        errors["headcount"] = _("需求人数须大于0")
    if not (len(origin_code) == 6 and origin_code.isdigit()):
        errors["origin_code"] = _("区划代码应为6位数字")
    if errors:
        raise ValidationError(errors)
    existing = LabourDemand.objects.filter(enterprise=enterprise, position=position, origin_code=origin_code).first()
    before = audit.snapshot(existing) if existing else None
    demand = existing or LabourDemand(enterprise=enterprise, position=position, origin_code=origin_code)
    demand.headcount, demand.needed_by = headcount, needed_by
    demand.origin_name = origin_name or demand.origin_name
    demand.origin_id = registry.county_ids_by_code().get(origin_code)
    if existing is not None:
        policy.authorize(actor, demand, Action.REPORT)
    else:
        policy.authorize_create(actor, LabourDemand, Action.REPORT)
    demand.save()
    if not LabourDemand.objects.restrict(actor, Action.REPORT).filter(pk=demand.pk).exists():
        raise PermissionDenied  # an enterprise outside the actor's scope: nothing is kept (the transaction rolls back)
    audit.record_change(actor, demand, before)
    return demand


@transaction.atomic
def register_worker(actor: Actor, *, code: str, name: str, phone: str, id_number: str, village_code: str,
                    enterprise: Any, attestation_kind: str, attestation_date: dt.date,
                    poor_labourer: bool = False) -> Worker:
    """A worker registered on a page by the home county (its own villages only), the bureau or HQ: the ID number
    kept as a keyed hash and its last four; the registration number is the key, as in the file."""
    import re

    from dualtrack.registry import services as registry

    code, id_number, village_code = code.strip().upper()[:30], id_number.strip().upper(), village_code.strip()
    phone = re.sub(r"[\s-]", "", phone)
    errors = {}
    if not code:
        errors["code"] = _("请填写登记编号")
    if not name.strip():
        errors["name"] = _("请填写姓名")
    if not re.fullmatch(r"1[3-9]\d{9}", phone):
        errors["phone"] = _("手机号应为11位")
    if not re.fullmatch(r"\d{17}[\dX]", id_number):
        errors["id_number"] = _("身份证号应为18位")
    if not re.fullmatch(r"\d{12}", village_code):
        errors["village_code"] = _("村代码应为12位数字")
    own = getattr(getattr(actor, "county", None), "code", None) if access.bound_to_home_county(actor) else None
    if own and village_code[:6] != own:
        errors["village_code"] = _("只能登记本区县户籍的务工人员")
    if errors:
        raise ValidationError(errors)
    policy.authorize_create(actor, Worker, Action.IMPORT)
    existing = Worker.objects.filter(code=code).first()
    if existing is not None and not Worker.objects.restrict(actor, Action.IMPORT).filter(pk=existing.pk).exists():
        raise ValidationError({"code": _("登记编号已被使用")})
    worker = existing or Worker(code=code)
    worker.name, worker.phone = name.strip()[:50], phone
    worker.id_hash, worker.id_key, worker.id_last4 = privacy.id_fields(id_number).values()
    worker.village_code, worker.home_code = village_code, village_code[:6]
    worker.home_county_id = registry.county_ids_by_code().get(village_code[:6])
    worker.enterprise, worker.poor_labourer = enterprise, poor_labourer
    worker.attestation_kind, worker.attestation_date = attestation_kind, attestation_date
    worker.save()
    audit.record(actor, AuditAction.CREATE if existing is None else AuditAction.UPDATE, worker,
                 after={"code": code, "village_code": village_code, "attestation_date": attestation_date})
    worker_identified.send(Worker, worker=worker, id_number=id_number)
    return worker


@transaction.atomic
def plan_trip(actor: Actor, *, code: str, origin_code: str, enterprise: Any, departure: dt.datetime, plate: str,
              seats: int, escort: str = "", origin_name: str = "") -> Trip:
    """一车一方案 from a page (HQ or the bureau), keyed by its code as in the file."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, Trip, Action.IMPORT)
    code, origin_code = code.strip().upper()[:30], origin_code.strip()
    errors = {}
    if not code:
        errors["code"] = _("请填写车次编号")
    if not (len(origin_code) == 6 and origin_code.isdigit()):
        errors["origin_code"] = _("区划代码应为6位数字")
    if not 1 <= seats <= 80:
        errors["seats"] = _("核载座位应在1到80之间")
    if not plate.strip():
        errors["plate"] = _("请填写车牌号")
    if errors:
        raise ValidationError(errors)
    existing = Trip.objects.filter(code=code).first()
    before = audit.snapshot(existing) if existing else None
    check_seats(existing, seats)
    trip = existing or Trip(code=code)
    trip.origin_code, trip.origin_name = origin_code, origin_name.strip()[:50] or trip.origin_name
    trip.origin_id = registry.county_ids_by_code().get(origin_code)
    trip.enterprise, trip.departure, trip.plate = enterprise, departure, plate.strip()[:20]
    trip.seats, trip.escort = seats, escort.strip()[:50]
    trip.save()
    audit.record_change(actor, trip, before)
    return trip


def manifest_candidates(trip: Trip) -> Any:
    """The workers who may ride ``trip``: registered for its enterprise from its origin, on no other trip."""
    taken = ManifestEntry.objects.exclude(trip=trip).values("worker_id")
    return Worker.objects.filter(enterprise=trip.enterprise, home_code=trip.origin_code).exclude(
        pk__in=taken).order_by("code")


def worker_by_slip(user: Viewer, code: str) -> Worker:
    """A worker by the slip's QR token or registration number, among those ``user`` may see (404 otherwise)."""
    code = (code or "").strip()[:40]
    found = Worker.objects.restrict(user).filter(Q(slip_token=code) | Q(code=code.upper())).first() if code else None
    if found is None:
        raise Http404
    return found


def current_boardings(events: Any = None) -> Any:
    """The current boarding of each worker on each trip: the latest of its events (by ``boarded_at``, then the
    order of record); earlier events (a refusal before a re-check, a scan before its correction) stay as history."""
    events = Boarding.objects.all() if events is None else events
    later = Boarding.objects.filter(trip_id=OuterRef("trip_id"), worker_id=OuterRef("worker_id")).filter(
        Q(boarded_at__gt=OuterRef("boarded_at")) | Q(boarded_at=OuterRef("boarded_at"), pk__gt=OuterRef("pk")))
    return events.filter(~Exists(later))


def boarded(events: Any = None) -> Any:
    """The workers on board: those whose current boarding on a trip is allowed."""
    return current_boardings(events).filter(allowed=True)


@transaction.atomic
def record_boarding(actor: Actor, trip: Trip, worker: Worker, temperature: Decimal,
                    at: dt.datetime | None = None, note: str = "") -> Boarding:
    """The boarding check (scan or import): allowed, or refused with its reason; either way an event, kept with
    the rule set's version and never rewritten. A later scan of the same worker (a re-check, or a correction with
    its note) is a new event beside the first: the refusal stays in the trip's history. The same scan recorded
    again (same moment, temperature and note) is the same event. Only a worker on the trip's manifest boards it."""
    policy.authorize(actor, trip, Action.REPORT)
    # The trip's row is held until the event is written: scans of one trip run one after the other, so two at
    # once are both kept, in order, and the arrival waits for them.
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    if not ManifestEntry.objects.filter(trip=trip, worker=worker).exists():
        raise ValidationError({"worker": _("%(worker)s 不在车次 %(trip)s 的名单上") % {"worker": worker.code,
                                                                                 "trip": trip.code}})
    if not Decimal("30") <= temperature <= Decimal("45"):
        raise ValidationError({"temperature": _("体温 %(t)s℃ 不在合理范围（30–45℃）") % {"t": temperature}})
    note = " ".join((note or "").split())[:200]
    label, definition = rules()
    at = at or dates.now()
    same = Boarding.objects.filter(trip=trip, worker=worker, boarded_at=at, temperature=temperature,
                                   note=note).order_by("-pk").first()
    if same is not None:
        return same
    previous = current_boardings(Boarding.objects.filter(trip=trip, worker=worker)).first()
    allowed, reason = engine.boarding(worker.attestation_date, trip.departure.astimezone(SHANGHAI).date(),
                                      temperature, definition)
    boarding = Boarding.objects.create(trip=trip, worker=worker, boarded_at=at, temperature=temperature,
                                       allowed=allowed, reason=reason, rules_version=label, note=note)
    audit.record(actor, AuditAction.CREATE, boarding,
                 before=None if previous is None else {"boarding": previous.pk, "allowed": previous.allowed,
                                                       "reason": previous.reason},
                 after={"trip": trip.code, "worker": worker.code, "temperature": str(temperature),
                        "allowed": allowed, "reason": reason, "note": note})
    return boarding


@transaction.atomic
def record_arrival(actor: Actor, trip: Trip, at: dt.datetime | None = None) -> int:
    """The trip arrived: every worker on board is due a receipt by the end of the 3rd working day after the
    arrival day. Returns how many arrived. An arrival is an event: once recorded it is never moved (a second
    arrival is refused, whichever path sends it)."""
    policy.authorize(actor, trip, Action.REPORT)
    trip = Trip.objects.select_for_update().get(pk=trip.pk)  # two arrivals at once: the second sees the first
    if trip.arrived_at is not None:
        raise ValidationError({"arrived_at": _("车次 %(trip)s 已于 %(at)s 到达，到达时间不能更改") % {
            "trip": trip.code, "at": trip.arrived_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")}})
    at = at or dates.now()
    if at < trip.departure:
        raise ValidationError({"arrived_at": _("到达时间早于出发时间")})
    _label, definition = rules()
    trip.arrived_at = at
    trip.save(update_fields=["arrived_at"])
    due = engine.receipt_due(at, definition)
    on_board = boarded(Boarding.objects.filter(trip=trip)).values_list("worker_id", flat=True)
    count = Worker.objects.filter(pk__in=on_board).update(receipt_due_at=due)
    audit.record(actor, AuditAction.UPDATE, trip, before={"arrived_at": None}, after={"arrived_at": at})
    return count


@transaction.atomic
def record_receipt(actor: Actor, worker: Worker, at: dt.datetime | None = None) -> Receipt:
    """回执单: the receiving enterprise confirms the worker arrived (a late receipt ends the overdue state)."""
    policy.authorize(actor, worker, Action.VIEW)
    trip = Trip.objects.filter(pk__in=boarded(Boarding.objects.filter(worker=worker)).values("trip_id"),
                               arrived_at__isnull=False).first()
    if trip is None:
        raise ValidationError({"worker": _("%(worker)s 尚未随车到达，不能回执") % {"worker": worker.code}})
    policy.authorize(actor, trip, Action.REPORT)
    receipt, created = Receipt.objects.get_or_create(worker=worker, defaults={"receipt_at": at or dates.now()})
    if created:
        audit.record(actor, AuditAction.CREATE, receipt, after={"worker": worker.code, "receipt_at": receipt.receipt_at})
    return receipt


# --- the picture at a moment ------------------------------------------------------------------------------------

@dataclass
class TripState:
    code: str
    passengers: int
    seats: int
    boarded: int
    refused: list[dict[str, str]] = field(default_factory=list)  # every refusal by then, re-checked or not
    history: list[dict[str, Any]] = field(default_factory=list)  # every boarding event by then, in order
    arrived_at: dt.datetime | None = None  # by then (not in the contract)


@dataclass
class WorkerStatus:
    code: str
    state: str
    receipt_due_at: dt.datetime | None
    receipt_overdue: bool
    poor_labourer: bool
    enterprise_id: int
    trip: str | None


@dataclass
class Campaign:
    rules_version: str
    at: dt.datetime
    trips: list[TripState]
    workers: list[WorkerStatus]
    enterprises: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        """The contract of ``dualtrack worker-return --json``: no personal data."""
        return {
            "rules_version": self.rules_version,
            "trips": [{"code": t.code, "passengers": t.passengers, "seats": t.seats, "boarded": t.boarded,
                       "refused": t.refused, "history": t.history} for t in self.trips],
            "workers": [{"code": w.code, "state": w.state,
                         "receipt_due_at": w.receipt_due_at.astimezone(SHANGHAI).isoformat() if w.receipt_due_at
                         else None, "receipt_overdue": w.receipt_overdue} for w in self.workers],
            "enterprises": self.enterprises,
        }


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("worker-return")


def campaign(at: dt.datetime, user: Viewer = None) -> Campaign:
    """Every trip, worker and enterprise in ``user``'s scope as of ``at`` (named to the minute): boardings, arrivals
    and receipts that have happened by then, and each receipt's deadline from arrival on. The stored whole-city
    result (``core.judgements``), computed now if it is missing or its data changed (the console, the bulletin);
    pages read :func:`read` and never compute."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    stored = judgements.ensure(_measure(), Period.of(PeriodKind.MOMENT, at))
    return _measure().campaign(stored.result, user)


def read(at: dt.datetime, user: Viewer) -> tuple[Campaign | None, Any]:
    """What a page shows as of ``at``: (the stored campaign narrowed to ``user``, the store's answer); the campaign
    is None while the moment is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    found = judgements.read(_measure(), Period.of(PeriodKind.MOMENT, at))
    if isinstance(found, judgements.Pending):
        return None, found
    return _measure().campaign(found.result, user), found


def origin_names() -> dict[str, str]:
    """Origin county code → name: the city's counties, and the names the demand and trip files gave."""
    from dualtrack.registry import services as registry

    names = dict(registry.counties().values_list("code", "name"))
    names |= dict(LabourDemand.objects.exclude(origin_name="").values_list("origin_code", "origin_name"))
    return names | dict(Trip.objects.exclude(origin_name="").values_list("origin_code", "origin_name"))


def as_of(on: dt.date | None = None) -> dt.datetime:
    """The moment the campaign is shown as of (截至): the clock's now (the board without ``?date=``), or on a
    picture of ``on`` the end of that day (23:59:59, Asia/Shanghai, as a receipt falls due), never past the clock.
    The board, the card on 总览 (which says the moment and links to the board of its day) and the bulletin section
    all ask it: the card counted a receipt due at the end of the day overdue from the day's start while the board,
    at the clock's now, did not."""
    now = dates.now()
    if on is None:
        return now
    return min(dt.datetime.combine(on, dt.time(23, 59, 59), tzinfo=SHANGHAI), now)


def day_figures(day: dt.date, user: Viewer = None) -> dict[str, int]:
    """The bulletin's figures on ``day`` (Asia/Shanghai) as of :func:`as_of` (the end of the day, or the clock's now
    if the day is not over) in ``user``'s scope (None: the whole city), from the stored campaign of that moment
    (ensured): trips that arrived that day by then and the workers on them; workers arrived so far, the registered
    poor labourers among them, and the receipts overdue then, the figures the board of that moment shows."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    stored = judgements.ensure(_measure(), Period.of(PeriodKind.MOMENT, as_of(day)))
    return _measure().day_figures(stored.result, user, day)  # type: ignore[no-any-return]


def read_day_figures(day: dt.date, user: Viewer) -> tuple[dict[str, int] | None, Any]:
    """The card's figures on ``day`` (those of :func:`day_figures`) read from the stored campaign of the moment
    :func:`as_of` ``day``, summed over the groups in ``user``'s scope (the campaign is not assembled): (the figures,
    the store's answer); the figures are None while the moment is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    found = judgements.read(_measure(), Period.of(PeriodKind.MOMENT, as_of(day)))
    if isinstance(found, judgements.Pending):
        return None, found
    return _measure().day_figures(found.result, user, day), found


# --- personal data ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonView:
    """A worker's name, phone and ID as ``user`` may see them: whole for the home county, the bureau and the
    receiving enterprise (the worker's policy grants them ``PERSONAL``); masked for everyone else; gone once erased.
    ``notes``: the worker's boarding notes (``Boarding.pk`` → note) as the same policy shows them."""

    name: str
    phone: str
    id_number: str
    whole: bool
    notes: dict[int, str]


PERSON_KINDS = {"name": privacy.NAME, "phone": privacy.PHONE}


def persons(user: Viewer, workers: list[Worker], boardings: Iterable[Boarding] = (), *,
            audit: bool = True) -> list[PersonView]:
    """Each of ``workers`` as ``user`` may see them, with their ``boardings``' notes, through the one masking path
    (``core.privacy``: the worker is the record whose policy decides; each worker shown whole is audited once).
    ``audit=False`` only to fingerprint what would be shown (a print job's name)."""
    notes: dict[int, list[Boarding]] = defaultdict(list)
    for boarding in boardings:
        if boarding.note:
            notes[boarding.worker_id].append(boarding)
    rows: list[tuple[Any, dict[str, str]]] = []
    for worker in workers:
        rows.append((worker, {"name": worker.name, "phone": worker.phone}))
        rows.extend((worker, {"note": b.note}) for b in notes[worker.pk])
    judged = iter(privacy.judged(user, rows, kinds=PERSON_KINDS, audit=audit))
    out = []
    for worker in workers:
        whole, values = next(judged)
        shown = {b.pk: next(judged)[1]["note"] for b in notes[worker.pk]}
        if worker.erased_at is not None:
            out.append(PersonView(_("（已删除）"), "", "", whole, shown))
            continue
        id_text = f"**************{worker.id_last4}" if worker.id_last4 else ""
        out.append(PersonView(values["name"], values["phone"], id_text, whole, shown))
    return out


def person(user: Viewer, worker: Worker) -> PersonView:
    """One worker as :func:`persons` shows them."""
    return persons(user, [worker])[0]


@transaction.atomic
def erase_personal_data(now: dt.datetime | None = None) -> int:
    """Erase names, phones and ID hashes ``WORKER_RETURN_RETENTION_DAYS`` after the campaign's end (the rule set's
    ``campaign_end``, set by HQ when the campaign is over; nothing is erased while it runs); the counts (workers,
    states, trips) stay. The worker step runs it."""
    from django.conf import settings

    now = now or dates.now()
    end = rules()[1].get("campaign_end")
    if not end:
        return 0  # the campaign is still running
    ended = dt.datetime.combine(dt.date.fromisoformat(end), dt.time(23, 59, 59), tzinfo=SHANGHAI)
    if now < ended + dt.timedelta(days=settings.WORKER_RETURN_RETENTION_DAYS):
        return 0
    erased = Worker.objects.filter(erased_at__isnull=True).update(name="", phone="", id_hash="", id_key="",
                                                                  id_last4="", erased_at=now)
    if erased:
        from . import printed

        files = printed.erase()  # the printed slips hold the names and phones erased here
        audit.record(None, AuditAction.DELETE, object_type="workreturn.worker", object_repr=f"{erased} workers",
                     detail={"erased": erased, "fields": ["name", "phone", "id_hash", "id_last4"], "slips_files": files})
    return erased


# --- the worker step: overdue receipts --------------------------------------------------------------------------

RECEIPT_TASK_TEXT = "workreturn.receipt_overdue"  # an overdue receipt's task text as a code (#28 §3)


def receipt_task_text(params: dict[str, Any]) -> str:
    """An overdue receipt's task (督办任务) in the active language, from its code's parameters
    (``RECEIPT_TASK_TEXT``): the worker's code and the receiving enterprise's name."""
    return _("务工人员 %(worker)s 已随车到达 %(enterprise)s，回执单逾期未返回，请驻企服务员督促企业回执") % {
        "worker": params["worker"], "enterprise": params["enterprise"]}


def raise_overdue_receipts(now: dt.datetime | None = None) -> int:
    """Receipts past due raise a task for the receiving enterprise's liaison officer (the problems task API);
    each worker once, claimed only if still unclaimed (two workers running at once raise it once). The task's text
    is kept as a code with parameters, shown in the reader's language; its description is the Chinese text."""
    from django.conf import settings
    from django.utils import translation

    from dualtrack.problems import services as problems

    now = now or dates.now()
    raised = 0
    due = Worker.objects.filter(receipt_due_at__lt=now, receipt__isnull=True, receipt_task="").select_related(
        "enterprise")
    for worker in due:
        params = {"worker": worker.code, "enterprise": worker.enterprise.name}
        with translation.override(settings.LANGUAGE_CODE):  # a task's text is kept in Chinese, whoever asked
            text = receipt_task_text(params)
        task, _created = problems.create_task(
            f"receipt:{worker.code}", text, category="用工", enterprise=worker.enterprise, complexity="simple", at=now,
            text_code=RECEIPT_TASK_TEXT, text_params=params)
        if Worker.objects.filter(pk=worker.pk, receipt_task="").update(receipt_task=task.ref):
            raised += 1
    return raised


def charter_bus_entitlements(actor: Actor, measure_code: str) -> dict[str, int]:
    """Completed trips as entitlements of the charter-bus subsidy measure (包车补贴, §8): each receiving enterprise,
    for the workers who arrived on its trips."""
    from dualtrack.policies import services as policies

    measure = policies.measure_by_code(measure_code)
    if measure is None:
        raise ValidationError({"measure": _("政策条款 %(code)s 不存在") % {"code": measure_code}})
    arrived = boarded(Boarding.objects.filter(trip__arrived_at__isnull=False)).values(
        "trip__enterprise_id").annotate(n=Count("pk")).values_list("trip__enterprise_id", "n")
    return policies.entitle_by_headcount(actor, measure, dict(arrived))


def arrived_poor_labourers(until: dt.datetime | None = None) -> set[int]:
    """The ids of workers flagged as poor labourers (建档立卡贫困劳动力) who arrived on a trip by ``until``: poverty
    alleviation counts the labourers linked to them as 已外出 (DOMAIN.md §13), erased or not."""
    arrived = boarded(Boarding.objects.filter(trip__arrived_at__isnull=False, worker__poor_labourer=True))
    if until is not None:
        arrived = arrived.filter(trip__arrived_at__lte=until)
    return set(arrived.values_list("worker_id", flat=True))


def worker_ids_with_id_number(id_number: str) -> list[int]:
    """The workers (not erased) registered with ``id_number``, whichever known key hashed it."""
    chains = Worker.objects.exclude(id_hash="").values_list("id_key", flat=True).distinct()
    return list(Worker.objects.filter(privacy.matching(id_number, chains), erased_at__isnull=True)
                .values_list("pk", flat=True))


def worker_step() -> dict[str, int]:
    return {"overdue": raise_overdue_receipts(), "erased": erase_personal_data()}
