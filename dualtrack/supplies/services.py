"""Anti-epidemic supplies (防疫物资, DOMAIN.md §17): the day's judgement read and narrowed, the as-of day, the worker's
step (overdue requests become §6 tasks for the depot's department), what an enterprise may still ask for and what
the pages and the card read. Other apps call these."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import ENTERPRISE_KINDS, OVERDUE_TASK_KEY, OVERDUE_TASK_TEXT
from .models import Commitment, RequestLine, SupplyItem, SupplyRequest
from .texts import overdue_task_text


def as_of(on: dt.date | None = None) -> dt.date:
    """The supplies' as-of day (数据截至) on a picture of ``on``: the city's data-as-of day, never past the clock (a
    day with no new record is itself information: a line turns overdue on it, the cover falls with the need)."""
    from dualtrack.core import versions

    return versions.bound(on)


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("supplies")


def _period(day: dt.date) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period.of(PeriodKind.DAY, day)


def can_view(user: Viewer) -> bool:
    return SupplyRequest.permits(user, Action.VIEW)


def in_menu(user: Viewer) -> bool:
    return SupplyRequest.permits(user, Action.VIEW) or SupplyRequest.permits(user, Action.APPLY)


def narrowed(result: Any, user: Viewer) -> Any:
    """The whole city's result narrowed to the requests ``user`` may see; the stock (items, depots, sources) only for
    those who see it (HQ, leaders, the supplies office), the coverage per county for all who see requests (figures,
    no names). The console (None) sees all."""
    if user is None:
        return result
    from dualtrack.core import policy

    from .policy import sees_stock

    if policy.scope(user, SupplyRequest, Action.VIEW) is policy.ALL:
        return result
    seen = set(SupplyRequest.objects.restrict(user).values_list("code", flat=True))
    stock = sees_stock(user)
    return dataclasses.replace(
        result, items=result.items if stock else [], depots=result.depots if stock else [],
        sources=result.sources if stock else [], requests=[r for r in result.requests if r.code in seen],
        lines=[line for line in result.lines if line.request in seen],
        queue=[code for code in result.queue if code in seen])


def evaluate(day: dt.date, user: Viewer = None) -> Any:
    """The day's result for ``user`` (all for the console): the stored one, computed now if it is missing or its
    data changed (the console, the bulletin, the worker; pages and the card read :func:`read`)."""
    from dualtrack.core import judgements

    return narrowed(judgements.ensure(_measure(), _period(day)).result, user)


def read(day: dt.date, user: Viewer) -> tuple[Any, Any]:
    """What a page or the card shows for ``day``: (the stored result narrowed to ``user``, the store's answer); the
    result is None while the day is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(day))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def has_data() -> bool:
    """Whether the city keeps supplies here at all (a city that does not shows no card and no bulletin sentence)."""
    return SupplyRequest.objects.exists() or _has_receipts()


def _has_receipts() -> bool:
    from .models import Receipt

    return Receipt.objects.exists()


# --- the worker's step ------------------------------------------------------------------------------------------


def escalate_overdue(day: dt.date | None = None) -> dict[str, Any]:
    """Each overdue request (a line committed but not fully issued after its needed-by day) raises one §6 task for
    the department that keeps the depot it was committed at (idempotent by the request's code); the problems' chain
    escalates it further."""
    from django.conf import settings
    from django.utils import translation

    from dualtrack.problems import services as problems
    from dualtrack.registry import services as registry

    day = day or as_of()
    if not SupplyRequest.objects.exists():
        return {"day": day.isoformat(), "raised": 0}
    result = evaluate(day)
    overdue = [r for r in result.requests if r.overdue]
    if not overdue:
        return {"day": day.isoformat(), "raised": 0}
    office = registry.department_by_code(settings.SUPPLIES_OFFICE)
    departments = dict(Commitment.objects.filter(line__request__code__in=[r.code for r in overdue]).values_list(
        "line__request__code", "depot__department_id"))
    by_id = {d.pk: d for d in registry.departments()}
    raised = 0
    for row in overdue:
        params = {"code": row.code, "name": row.applicant_name, "needed_by": row.needed_by.isoformat()}
        with translation.override(settings.LANGUAGE_CODE):
            text = overdue_task_text(params)
        department = by_id.get(departments.get(row.code) or 0) or office
        _task, created = problems.create_task(OVERDUE_TASK_KEY + row.code, text, category="防疫物资",
                                              department=department, text_code=OVERDUE_TASK_TEXT,
                                              text_params=params)
        raised += created
    return {"day": day.isoformat(), "raised": raised}


# --- what pages read ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Allowance:
    """What an enterprise may still ask for on a day: from which day it may ask again (None: now), its workers on
    duty by its latest report (None: none reported) and each item used per head with its cap."""

    next_day: dt.date | None
    previous_code: str
    workers: int | None
    caps: list[tuple[Any, int]]  # (item, the most it may ask for)


def allowance(enterprise: Any, day: dt.date) -> Allowance:
    from . import actions

    rules = actions._rules()
    earlier = SupplyRequest.objects.filter(enterprise=enterprise, kind__in=ENTERPRISE_KINDS, date__lte=day).order_by(
        "-date").first()
    next_day = None
    if earlier is not None and (day - earlier.date).days < rules.request_interval_days:
        next_day = earlier.date + dt.timedelta(days=rules.request_interval_days)
    caps, workers = [], None
    for item in SupplyItem.objects.filter(is_active=True, per_head_day__isnull=False).order_by("code"):
        cap, workers = actions.enterprise_cap(enterprise, item, day, rules)
        caps.append((item, cap))
    return Allowance(next_day, earlier.code if earlier else "", workers, caps)


def items() -> list[SupplyItem]:
    return list(SupplyItem.objects.filter(is_active=True).order_by("code"))


def lines_of(request: SupplyRequest) -> list[RequestLine]:
    return list(request.lines.select_related("item").order_by("item__code"))


# --- what the phone pages read (phone.py, panels.py) ---------------------------------------------------------------


def rules() -> Any:
    """The current rule set ``supplies`` (the cap's days and the interval, to say them beside a cap)."""
    return _measure().current_rules()[1]


def latest_workers(enterprise: Any, day: dt.date) -> tuple[dt.date, int] | None:
    """The enterprise's workers on duty by its latest resumption report on or before ``day``: (the report's day,
    the workers), None when it has reported none (the cap of what is used per head is then 0)."""
    from dualtrack.resumption import services as resumption

    found = resumption.latest_report_on(enterprise.pk, day)
    return (found[0], found[2]) if found else None


def owned_projects(enterprise: Any, user: Viewer) -> list[Any]:
    """The key projects ``enterprise`` owns (项目业主) for which ``user`` may ask: the enterprise's own account all of
    them, its liaison officer those they serve too (a request the asker could not see afterwards is never offered)."""
    from dualtrack.projects import services as projects

    from .policy import PhoneSide, phone_side

    side = phone_side(user)
    if side not in (PhoneSide.ENTERPRISE, PhoneSide.LIAISON):
        return []
    return projects.owned_by(enterprise, getattr(user, "pk", None) if side == PhoneSide.LIAISON else None)


def grassroots_places(county: Any) -> list[tuple[Any, list[Any]]]:
    """A county's places a county asks for (基层单位, 公众批次): the county itself, then each township with its
    villages, in the registry's order: [(township, [village, …]), …] after (county, [])."""
    from dualtrack.registry import services as registry

    return registry.townships_and_villages(county)


def item_names() -> dict[str, SupplyItem]:
    """Every item by its code (also those no longer active: an old request's line keeps its name)."""
    return {i.code: i for i in SupplyItem.objects.all()}


def owned_project_ids(enterprise: Any) -> list[int]:
    """The ids of the key projects ``enterprise`` owns (its requests include theirs)."""
    from dualtrack.projects import services as projects

    return [p.pk for p in projects.owned_by(enterprise)]


# --- read helpers of the office's, HQ's, leaders' and counties' pages (views.py) ---------------------------------


def item_catalogue() -> dict[str, SupplyItem]:
    """Every item by code (those no longer used too: an old request still names them)."""
    return {i.code: i for i in SupplyItem.objects.order_by("code")}


def active_depots() -> list[Any]:
    """The depots in use, in code order (what a receipt, a commitment or an issue may name)."""
    from .models import Depot

    return list(Depot.objects.filter(is_active=True).order_by("code"))


def depot_names() -> dict[str, str]:
    from .models import Depot

    return dict(Depot.objects.values_list("code", "name"))


def county_names() -> list[tuple[str, str]]:
    """(code, name) of the counties in the registry's order."""
    from dualtrack.registry import services as registry

    return list(registry.counties().values_list("code", "name"))


def user_county(user: Viewer) -> str | None:
    """The county code a district (or park) operator works for; None for anyone else."""
    from dualtrack.registry import services as registry

    county_id = getattr(user, "county_id", None) or registry.park_county_id(getattr(user, "park_id", None))
    if county_id is None:
        return None
    return registry.region_codes([county_id]).get(county_id)


def latest_receipts(user: Viewer, day: dt.date, limit: int = 50) -> list[Any]:
    """The latest receipts on or before ``day`` that ``user`` may see (the office, HQ, leaders)."""
    from .models import Receipt

    return list(Receipt.objects.restrict(user).filter(date__lte=day).select_related("depot", "item").order_by(
        "-date", "-code")[:limit])


def history(request: SupplyRequest) -> tuple[list[Commitment], list[Any]]:
    """A request's commitments and issues as recorded (never changed), in the order they were made."""
    from .models import Issue

    commitments = list(Commitment.objects.filter(line__request=request).select_related("depot", "line__item")
                       .order_by("date", "id"))
    issues = list(Issue.objects.filter(line__request=request).select_related("depot", "line__item")
                  .order_by("date", "id"))
    return commitments, issues
