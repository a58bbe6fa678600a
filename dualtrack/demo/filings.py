"""The demo's safe resumption (复工备案, DOMAIN.md §16), 3 February to 30 April 2020, deterministic.

Most enterprises that report resumed applied one to four days before their first resumed report and were filed
at the end of the next working day, after an on-site check where one is required (key enterprises, 50 or more
from outside the city); some were returned with a reason (the item they had not put in place) and applied again;
a few applications are still undecided at the end, some of them past their deadline. Each filing has its
checklist answered (all met, C2 left unmet by a few at a low-risk county, where it does not apply), its events
(applied, inspected, filed or returned) and, for those filed, the daily epidemic ledger of the last two weeks (a
couple report fever on the last day, through the ledger's own action). Two clusters in April name filed
enterprises (through the ``clusters`` import); their filings are suspended by the worker's own step. Some
enterprises resumed without a filing: by their report, and by their power (those that never report).

Tens of thousands of rows: written with :func:`dualtrack.core.bulk.insert_rows` and audited through
:func:`dualtrack.core.audit.record_many`, as the imports do; the clusters, the suspensions, the overdue escalation
and the 复工未备案 visit tasks go through the same functions as every day's data and the worker."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Min

from dualtrack.core import audit, dates, versions
from dualtrack.core.actors import Actor
from dualtrack.core.bulk import insert_rows, prepared
from dualtrack.core.calendar import WorkingCalendar
from dualtrack.core.choices import AuditAction

from .city import write_csv

START = dt.date(2020, 2, 3)  # the first working day after the extended Spring Festival: the first applications
END = dt.date(2020, 4, 30)
LEDGER_DAYS = 14
UNFILED_SHARE = 0.025  # of the enterprises resumed by report: no filing at all (复工未备案, by report)
SILENT_FILED_SHARE = 0.85  # of the enterprises that never report: filed all the same (the rest: by power)
RETURNED_SHARE = 0.06
LOW_C2_UNMET_SHARE = 0.04  # of the filings judged at a low-risk county: C2 answered not met (it does not apply)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢傅钟姜崔谭陆范汪廖石金贾夏韦付方邹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅飞鹏辉斌宇浩凯健俊帆帅旭宁瑞晨雪琳颖倩婷"
RETURN_REASONS = [
    ("C7", "未设置独立隔离室，应急预案未明确送医流程，请完善后重新申请", "隔离室正在改造"),
    ("C4", "厂区仍有三个出入口同时开放，未落实单一出入口登记测温，请整改后重新申请", "侧门尚未封闭"),
    ("C5", "未提供通风消毒记录，请补充消毒台账后重新申请", "消毒台账未建立"),
    ("C3", "未设立员工症状报告电话，健康监测制度不完整，请完善后重新申请", "健康监测制度正在制定"),
    ("C6", "食堂未落实错峰就餐，请提交错峰就餐和错时上下班方案后重新申请", "错峰方案待定"),
]
C2_NOT_APPLICABLE = ["本县（市、区）为低风险地区，不再实施上岗前隔离", "市外返岗人员已持健康码绿码，低风险地区不适用"]
CLUSTER_HEADERS = [("date", "日期"), ("county_code", "区划代码"), ("cases", "病例数"), ("description", "描述"),
                   ("uscc", "统一社会信用代码")]
# the two outbreaks: (day, preferred county, cases); both after the filings, before the last day's window closes
OUTBREAKS = [(dt.date(2020, 4, 9), "339102", 3), (dt.date(2020, 4, 15), "339106", 2)]


@dataclass
class Firm:
    pk: int
    uscc: str
    name: str
    county_id: int
    county: str
    park_id: int | None
    key: bool
    headcount: int
    first_resumed: dt.date | None = None  # the first report saying resumed
    reported: bool = False  # any report at all
    workers: int = 0  # the latest report's workers on duty


@dataclass
class PlannedFiling:
    firm: Firm
    applied_on: dt.date
    planned_on: dt.date
    planned_workers: int
    outside: int
    officer: str
    phone: str
    state: str = "applied"
    decided_on: dt.date | None = None
    due_on: dt.date | None = None
    note: str = ""
    inspected_on: dt.date | None = None
    inspectors: str = ""
    answers: dict[str, tuple[bool, str]] = field(default_factory=dict)
    previous: PlannedFiling | None = None
    code: str = ""
    pk: int | None = None


class Calendar:
    """The working days of the demo period (the HQ table's overrides, one query)."""

    def __init__(self) -> None:
        self.start, self.end = START - dt.timedelta(days=10), END + dt.timedelta(days=40)
        calendar = WorkingCalendar(self.start, self.end)
        self.working = {self.start + dt.timedelta(days=n): calendar.is_working(self.start + dt.timedelta(days=n))
                        for n in range((self.end - self.start).days + 1)}

    def next_working(self, day: dt.date) -> dt.date:
        current = day + dt.timedelta(days=1)
        while not self.working.get(current, current.weekday() < 5):
            current += dt.timedelta(days=1)
        return current


def _stable(uscc: str, salt: str) -> float:
    """A number in [0, 1) fixed by the credit code (the same firm draws the same whatever the city's size)."""
    return int(hashlib.sha256(f"{salt}:{uscc}".encode()).hexdigest()[:8], 16) / 0x100000000


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _n in range(rng.choice((1, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _firms(last: dt.date) -> list[Firm]:
    from dualtrack.registry.models import Enterprise
    from dualtrack.resumption.models import ResumptionReport

    firms = {pk: Firm(pk, uscc, name, county_id, county, park_id, key, headcount or 0)
             for pk, uscc, name, county_id, county, park_id, key, headcount in Enterprise.objects.filter(
                 is_active=True).order_by("uscc").values_list("pk", "uscc", "name", "county_id", "county__code",
                                                              "park_id", "is_key", "normal_headcount")}
    reports = ResumptionReport.objects.filter(date__lte=last)
    for pk, first in reports.filter(resumed=True).values("enterprise_id").annotate(first=Min("date")).values_list(
            "enterprise_id", "first"):
        if pk in firms:
            firms[pk].first_resumed = first
    for pk, workers in reports.order_by("enterprise_id", "date").values_list("enterprise_id", "workers_on_duty"):
        if pk in firms:
            firms[pk].reported, firms[pk].workers = True, workers
    return list(firms.values())


def plan(seed: int, last: dt.date, calendar: Calendar,
         levels: Callable[[list[tuple[str, dt.date]]], dict[tuple[str, dt.date], str]]) -> tuple[
             list[PlannedFiling], list[Firm]]:
    """Every filing of the demo (returned ones before their re-application), in the order they were applied."""
    rng = random.Random(seed * 31 + 29)
    firms = _firms(last)
    filings: list[PlannedFiling] = []

    def new(firm: Firm, applied: dt.date, planned: dt.date) -> PlannedFiling:
        workers = max(1, firm.workers or int(firm.headcount * rng.uniform(0.5, 0.9)) or 1)
        share = rng.choice((0.0, 0.05, 0.1, 0.2, 0.3, 0.4)) if firm.headcount >= 20 else rng.choice((0.0, 0.0, 0.2))
        filing = PlannedFiling(firm, applied, planned, workers, min(workers, int(workers * share)),
                               _person(rng), _mobile(rng))
        filing.due_on = calendar.next_working(applied)
        filings.append(filing)
        return filing

    late: list[Firm] = []  # report, not resumed by the last day: the applications still coming in
    unfiled: list[Firm] = []  # resumed by report without a filing: some apply at last, after their officer's visit
    for firm in firms:
        if firm.first_resumed is not None:
            if _stable(firm.uscc, "unfiled") < UNFILED_SHARE:
                unfiled.append(firm)
                continue  # resumed by its report, not filed
            applied = max(START, firm.first_resumed - dt.timedelta(days=rng.randint(1, 4)))
            planned = max(applied, firm.first_resumed)
        elif not firm.reported:
            if _stable(firm.uscc, "silent") >= SILENT_FILED_SHARE:
                continue  # never reports, never filed: only its power tells (复工未备案, by power)
            applied = START + dt.timedelta(days=4 + int(_stable(firm.uscc, "day") * 40))
            planned = applied + dt.timedelta(days=rng.randint(1, 3))
        else:
            late.append(firm)
            continue
        if applied > last:
            continue
        new(firm, applied, planned)
    # The last week's applications, some still undecided on the last day (a few past their deadline): the late
    # ones (catering, lodging, culture … planning to open in May) first, then some resumed without a filing.
    late.sort(key=lambda f: _stable(f.uscc, "late"))
    unfiled.sort(key=lambda f: _stable(f.uscc, "late"))
    overdue = max(2, len(firms) // 1800)
    pending = max(2, len(firms) // 1500)
    may = dt.date(2020, 5, 6)
    undecided: list[PlannedFiling] = []
    for number, firm in enumerate((late + unfiled)[:overdue + pending]):
        # applied by the 28th (due by the 29th): overdue on the 30th; else on the 29th or the 30th: pending
        applied = last - dt.timedelta(days=2 + number % 5 if number < overdue else number % 2)
        if applied >= START:
            undecided.append(new(firm, applied, max(may if firm.first_resumed is None else applied,
                                                    applied + dt.timedelta(days=1))))
    for number, firm in enumerate(late[overdue + pending:overdue * 3 + pending]):  # filed, opening in May
        applied = last - dt.timedelta(days=6 + number % 12)
        if applied >= START:
            new(firm, applied, may)
    filings.sort(key=lambda f: (f.applied_on, f.firm.uscc))
    # The decisions: the county files at the end of the next working day, unless still undecided or returned.
    returned_ids = {id(f) for f in filings if _stable(f.firm.uscc, "returned") < RETURNED_SHARE
                    and f.due_on is not None and f.due_on < last - dt.timedelta(days=3)}
    undecided_ids = {id(f) for f in undecided}
    decided = [f for f in filings if id(f) not in undecided_ids]
    wanted = sorted({(f.firm.county, min(f.due_on, last)) for f in decided if f.due_on is not None})
    level_of = levels(wanted)
    again: list[PlannedFiling] = []
    for filing in filings:
        answers = {code: (True, "") for code in CHECKLIST}
        if id(filing) in undecided_ids:
            filing.answers = answers
            continue
        assert filing.due_on is not None  # noqa: S101 - set when planned
        filing.decided_on = min(filing.due_on, last)
        if level_of.get((filing.firm.county, filing.decided_on), "low") == "low" \
                and _stable(filing.firm.uscc, "c2") < LOW_C2_UNMET_SHARE:
            answers["C2"] = (False, rng.choice(C2_NOT_APPLICABLE))
        if id(filing) in returned_ids:
            code, reason, answer = RETURN_REASONS[int(_stable(filing.firm.uscc, "reason") * len(RETURN_REASONS))]
            answers[code] = (False, answer)
            filing.state, filing.note, filing.answers = "returned", reason, answers
            reapplied = filing.decided_on + dt.timedelta(days=rng.randint(1, 3))
            if reapplied <= last:
                second = PlannedFiling(filing.firm, reapplied, max(reapplied, filing.planned_on),
                                       filing.planned_workers, filing.outside, filing.officer, filing.phone,
                                       previous=filing, due_on=calendar.next_working(reapplied))
                second.decided_on = second.due_on if second.due_on is not None and second.due_on <= last else None
                second.state = "filed" if second.decided_on is not None else "applied"
                second.answers = {c: (True, "已整改落实" if c == code else "") for c in CHECKLIST}
                again.append(second)
            continue
        filing.state, filing.answers = "filed", answers
    filings.extend(again)
    filings.sort(key=lambda f: (f.applied_on, f.firm.uscc, f.previous is not None))
    for filing in filings:  # the on-site checks the rules require before filing (and a few before a return)
        if filing.decided_on is not None and (filing.firm.key or filing.outside >= 50):
            filing.inspected_on = max(filing.applied_on, filing.decided_on - dt.timedelta(days=rng.randint(0, 1)))
            filing.inspectors = f"{_person(rng)}、{_person(rng)}"
    return filings, late


CHECKLIST = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")


class Prepared:
    """Each distinct value of a field in the database's form, prepared once: the demo writes a few days, one time
    and a few amounts on hundreds of thousands of rows (``insert_rows(…, ready=…)``)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.memo: dict[tuple[str, Any], Any] = {}

    def __call__(self, name: str, value: Any) -> Any:
        key = (name, value)
        if key not in self.memo:
            self.memo[key] = prepared(self.model, name, value)
        return self.memo[key]


def _users() -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Who acts in the demo: each county's and park's operator (the decisions) and the enterprise logins (their own
    applications)."""
    from dualtrack.accounts.models import User

    county_users: dict[int, int] = {}
    park_users: dict[int, int] = {}
    own: dict[int, int] = {}
    # a county's or park's operator is the account with that scope; an enterprise's, the one bound to it
    for pk, county, park, enterprise in User.objects.filter(is_active=True).order_by("pk").values_list(
            "pk", "county_id", "park_id", "enterprise_id"):
        if enterprise:
            own.setdefault(enterprise, pk)
        elif park:
            park_users.setdefault(park, pk)
        elif county:
            county_users.setdefault(county, pk)
    return county_users, park_users, own


@transaction.atomic
def write(filings: list[PlannedFiling], last: dt.date, actor: Actor) -> dict[str, int]:
    """The filings, their answers and events, and their audit rows, in bulk."""
    from dualtrack.filings.models import ChecklistItem, Filing, FilingEvent, FilingItem

    county_users, park_users, own = _users()
    now = dates.now()
    for number, filing in enumerate(filings, start=1):
        filing.code = f"FB{filing.applied_on.year}-{number:05d}"

    def decider(filing: PlannedFiling) -> int | None:
        if filing.firm.park_id and filing.firm.park_id in park_users:
            return park_users[filing.firm.park_id]
        return county_users.get(filing.firm.county_id)

    fields = ["code", "enterprise", "applied_on", "planned_on", "planned_workers", "workers_from_outside", "officer",
              "phone", "state", "decided_on", "decided_by", "note", "inspected_on", "inspectors", "inspection_photo",
              "due_on", "previous", "applied_by", "created_at"]
    p = Prepared(Filing)
    for batch in (lambda f: f.previous is None, lambda f: f.previous is not None):  # the first applications first
        chosen = [f for f in filings if batch(f)]
        insert_rows(Filing, fields, ([
            f.code, f.firm.pk, p("applied_on", f.applied_on), p("planned_on", f.planned_on), f.planned_workers,
            f.outside, f.officer, f.phone, f.state, p("decided_on", f.decided_on),
            decider(f) if f.decided_on else None, f.note, p("inspected_on", f.inspected_on), f.inspectors, "",
            p("due_on", f.due_on), f.previous.pk if f.previous is not None else None, own.get(f.firm.pk),
            p("created_at", now)] for f in chosen),
            ready=("applied_on", "planned_on", "decided_on", "inspected_on", "due_on", "created_at"))
        ids = dict(Filing.objects.filter(code__in=[f.code for f in chosen]).values_list("code", "pk"))
        for f in chosen:
            f.pk = ids[f.code]
    items = dict(ChecklistItem.objects.values_list("code", "pk"))
    insert_rows(FilingItem, ["filing", "item", "met", "note", "photo"], (
        [f.pk, items[code], met, note, ""] for f in filings for code, (met, note) in sorted(f.answers.items())
        if code in items))
    p = Prepared(FilingEvent)
    at = p("created_at", now)
    events: list[list[Any]] = []
    for f in filings:
        events.append([f.pk, p("date", f.applied_on), "applied", "", None, own.get(f.firm.pk), at])
        if f.inspected_on is not None:
            events.append([f.pk, p("date", f.inspected_on), "inspected", f.inspectors, None, decider(f), at])
        if f.decided_on is not None:
            events.append([f.pk, p("date", f.decided_on), f.state, f.note, None, decider(f), at])
    insert_rows(FilingEvent, ["filing", "date", "kind", "reason", "cluster", "actor", "created_at"], events,
                ready=("date", "created_at"))
    audit.record_many([audit.build(actor, AuditAction.CREATE, object_type="filings.filing", object_id=str(f.pk),
                                   object_repr=f.code, after={
                                       "code": f.code, "enterprise_id": f.firm.pk, "applied_on": f.applied_on,
                                       "planned_on": f.planned_on, "planned_workers": f.planned_workers,
                                       "workers_from_outside": f.outside, "state": f.state,
                                       "decided_on": f.decided_on, "due_on": f.due_on, "note": f.note,
                                       "inspected_on": f.inspected_on,
                                       "previous_id": f.previous.pk if f.previous is not None else None,
                                       "unmet": [c for c, (met, _n) in sorted(f.answers.items()) if not met]})
                       for f in filings])
    versions.changed("filings", min((f.applied_on for f in filings), default=None))  # a bulk write sends no signal
    return {"filings": len(filings), "items": sum(len(f.answers) for f in filings), "events": len(events)}


@transaction.atomic  # one transaction: SQLite commits each row of an INSERT outside one
def ledgers(filings: list[PlannedFiling], last: dt.date, seed: int, actor: Actor) -> list[int]:
    """防疫台账 of the last two weeks for each enterprise filed by then, from its filing's first day on; returns the
    enterprises whose ledger will report fever on the last day (written afterwards through the ledger's action)."""
    from dualtrack.filings.models import EnterpriseHealth

    rng = random.Random(seed * 7 + 16)
    filed = {f.firm.pk: f for f in filings if f.state == "filed" and f.decided_on is not None}
    first = last - dt.timedelta(days=LEDGER_DAYS - 1)
    now = dates.now()
    rows: list[list[Any]] = []
    per_day: dict[dt.date, int] = {}
    for pk, filing in sorted(filed.items()):
        begin = max(first, filing.decided_on or last, filing.firm.first_resumed or filing.planned_on)
        if begin > last:
            continue
        on_duty = max(1, filing.firm.workers or filing.planned_workers)
        outside = min(on_duty, filing.outside)
        masks = on_duty * rng.randint(20, 60)  # two a day each, restocked a month's worth when a week's is left
        kg = float(max(5, on_duty // 4) * rng.randint(2, 6))  # half a kilo a day, restocked by 20 below 5
        used, low, restock = on_duty * 2, on_duty * 6, on_duty * 30
        day = begin
        while day <= last:
            masks = masks - used if masks - used > low else masks + restock
            kg = kg - 0.5 if kg > 5 else kg + 20
            rows.append([day, pk, on_duty, outside, masks, kg])
            per_day[day] = per_day.get(day, 0) + 1
            day += dt.timedelta(days=1)
    fever = [r for r in rows if r[0] == last]
    chosen = sorted(fever, key=lambda r: _stable(str(r[1]), "fever"))[:2]
    chosen_keys = {(r[0], r[1]) for r in chosen}
    p = Prepared(EnterpriseHealth)
    at = p("updated_at", now)
    insert_rows(EnterpriseHealth, ["date", "enterprise", "on_duty", "from_outside", "under_observation", "fever",
                                   "masks", "disinfectant_kg", "reported_by", "updated_at"],
                ([p("date", r[0]), r[1], r[2], r[3], 0, 0, r[4], p("disinfectant_kg", Decimal(r[5])), None, at]
                 for r in sorted(rows, key=lambda r: (r[0], r[1]))  # in the unique index's order: appended
                 if (r[0], r[1]) not in chosen_keys), ready=("date", "disinfectant_kg", "updated_at"))
    # one audit row a day (as a bulk grant is audited once): the ledgers are the enterprises' daily figures
    audit.record_many([audit.build(actor, AuditAction.CREATE, object_type="filings.enterprisehealth",
                                   object_id=day.isoformat(), object_repr=f"防疫台账 {day.isoformat()}",
                                   detail={"date": day, "enterprises": count - sum(k[0] == day for k in chosen_keys)})
                       for day, count in sorted(per_day.items())])
    return [r[1] for r in chosen]


def fevers(enterprises: list[int], last: dt.date, actor: Actor) -> int:
    """The last day's ledger of ``enterprises``, reporting fever, through the ledger's own action (its county is
    told, as when an enterprise fills it in)."""
    from dualtrack.filings import actions
    from dualtrack.registry.models import Enterprise

    found = 0
    for enterprise in Enterprise.objects.filter(pk__in=enterprises).order_by("uscc"):
        from dualtrack.filings.models import Filing

        filing = Filing.objects.filter(enterprise=enterprise, state="filed").order_by("-applied_on").first()
        on_duty = max(1, filing.planned_workers if filing else enterprise.normal_headcount or 1)
        outside = min(on_duty, filing.workers_from_outside if filing else 0)
        actions.record_health(actor, enterprise, last, actions.HealthDay(
            on_duty=on_duty, from_outside=outside, under_observation=1, fever=1, masks=on_duty * 30,
            disinfectant_kg=Decimal(max(5, on_duty // 4) * 3)))
        found += 1
    return found


def outbreak_rows(filings: list[PlannedFiling], avoid: set[int]) -> list[dict[str, Any]]:
    """Two clusters in April, each in a filed enterprise of some size (filed a week before at least), in the
    preferred county if it has one."""
    rows: list[dict[str, Any]] = []
    used: set[int] = set(avoid)
    for day, county, cases in OUTBREAKS:
        candidates = sorted((f for f in filings if f.state == "filed" and f.decided_on is not None
                             and f.decided_on <= day - dt.timedelta(days=7) and f.firm.pk not in used
                             and f.firm.headcount >= 50), key=lambda f: (f.firm.county != county,
                                                                        _stable(f.firm.uscc, "outbreak")))
        if not candidates:
            continue
        chosen = candidates[0]
        used.add(chosen.firm.pk)
        rows.append({"date": day.isoformat(), "county_code": chosen.firm.county, "cases": cases,
                     "description": f"{chosen.firm.name}员工聚集性疫情", "uscc": chosen.firm.uscc})
    return rows


def load(seed: int, folder: Path, log: Any, actor: Actor, import_file: Callable[..., None]) -> None:
    """Load the demo's filings (once: a second run leaves them as they are), then run the worker's filings steps on
    the last day."""
    from dualtrack.epidemic import services as epidemic
    from dualtrack.filings import services as filings_services
    from dualtrack.filings.models import Filing

    last = min(END, dates.today())
    if last < START:
        return
    if Filing.objects.exists():
        log("  filings: already loaded")
    else:
        calendar = Calendar()

        def levels(wanted: list[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], str]:
            return epidemic.risk_levels([day for _county, day in wanted])[1]

        filings, _late = plan(seed, last, calendar, levels)
        counts = write(filings, last, actor)
        fever = ledgers(filings, last, seed, actor)
        told = fevers(fever, last, actor)
        log(f"  filings: {counts['filings']} applications ({sum(f.state == 'filed' for f in filings)} filed, "
            f"{sum(f.state == 'returned' for f in filings)} returned, {sum(f.state == 'applied' for f in filings)} "
            f"undecided), {counts['items']} answers, {counts['events']} events; ledgers with fever: {told}")
        from dualtrack.accounts.models import User

        own = set(User.objects.filter(role="enterprise", enterprise__isnull=False).values_list("enterprise_id",
                                                                                             flat=True))
        rows = outbreak_rows(filings, own)
        if rows:
            path = folder / "filings-clusters.csv"
            write_csv(path, rows, CLUSTER_HEADERS)
            import_file("clusters", path, log)
    # As the worker does: the outbreaks suspend their filings, overdue applications escalate, 复工未备案 is sent to
    # the liaison officers (each step on the data-as-of day, with the clock).
    log(f"  filings steps: {filings_services.suspend_for_outbreaks()}, {filings_services.escalate_overdue()}, "
        f"{filings_services.raise_unfiled_visits()}")
