"""Safe resumption (复工备案, DOMAIN.md §16): the day's judgement read and narrowed, the as-of day, the worker's steps
(outbreak suspensions, overdue escalation, 复工未备案 visit tasks), the task texts and what the pages and the card
read. Other apps call these."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import OVERDUE_TASK_KEY, OVERDUE_TASK_TEXT, FilingState, VisitState
from .models import ChecklistItem, EnterpriseHealth, Filing, UnfiledVisit
from .texts import overdue_task_text


def as_of(on: dt.date | None = None) -> dt.date:
    """The filings' as-of day (数据截至) on a picture of ``on``: the city's data-as-of day, never past the clock. The
    deadlines are counted in working days from an application, so a day with no new record is itself information
    (an application turns overdue on it), as for the investment pipeline."""
    from dualtrack.core import versions

    return versions.bound(on)


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("filings")


def _period(day: dt.date) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period.of(PeriodKind.DAY, day)


def can_view(user: Viewer) -> bool:
    return Filing.permits(user, Action.VIEW)


def in_menu(user: Viewer) -> bool:
    return Filing.permits(user, Action.VIEW) or Filing.permits(user, Action.APPLY)


def narrowed(result: Any, user: Viewer) -> Any:
    """The whole city's result narrowed to the filings, 复工未备案 and outbreaks of the enterprises ``user`` may see;
    the counts stay the city's, each county's and park's (figures, no names). The console (None) sees all."""
    if user is None:
        return result
    from dualtrack.core import policy

    if policy.scope(user, Filing, Action.VIEW) is policy.ALL:
        return result
    from dualtrack.registry import services as registry

    seen = set(registry.enterprises_for(user).values_list("pk", flat=True))
    return dataclasses.replace(
        result, filings=[f for f in result.filings if f.enterprise_id in seen],
        unfiled=[u for u in result.unfiled if u.enterprise_id in seen],
        outbreaks=[o for o in result.outbreaks if o.enterprise_id in seen])


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


# --- the worker's steps -----------------------------------------------------------------------------------------


def suspend_for_outbreaks() -> dict[str, Any]:
    """Every cluster naming a filed enterprise suspends its filing and raises the county's task (idempotent)."""
    from dualtrack.epidemic import services as epidemic

    from . import actions

    day = as_of()
    done = 0
    ids = [pk for pk, _d, _e, _c in epidemic.clusters_in_enterprises(day)]
    for cluster in epidemic.cluster_events(ids):
        done += len(actions.suspend_for_cluster(cluster))
    return {"day": day.isoformat(), "suspended": done}


def escalate_overdue(day: dt.date | None = None) -> dict[str, Any]:
    """Each application still undecided after its due day raises one §6 task for its county (idempotent by the
    filing's code); the problems' chain escalates it further."""
    from django.conf import settings
    from django.utils import translation

    from dualtrack.problems import services as problems

    day = day or as_of()
    raised = 0
    for filing in Filing.objects.filter(state=FilingState.APPLIED, due_on__lt=day).select_related(
            "enterprise__county"):
        params = {"code": filing.code, "name": filing.enterprise.name, "applied": filing.applied_on.isoformat(),
                  "due": filing.due_on.isoformat()}
        with translation.override(settings.LANGUAGE_CODE):
            text = overdue_task_text(params)
        _task, created = problems.create_task(OVERDUE_TASK_KEY + filing.code, text, category="其他",
                                              county=filing.enterprise.county, enterprise=filing.enterprise,
                                              text_code=OVERDUE_TASK_TEXT, text_params=params)
        raised += created
    return {"day": day.isoformat(), "raised": raised}


def raise_unfiled_visits(day: dt.date | None = None) -> dict[str, Any]:
    """复工未备案 on the as-of day: one open visit task per enterprise for its liaison officer (told once per officer
    and day); an open task whose enterprise is now filed is closed as such."""
    from django.db import IntegrityError, transaction

    from dualtrack.accounts import services as accounts
    from dualtrack.core import notifications
    from dualtrack.registry import services as registry

    day = day or as_of()
    result = evaluate(day)
    unfiled = {u.enterprise_id: u.source for u in result.unfiled}
    open_ids = set(UnfiledVisit.objects.filter(state=VisitState.OPEN).values_list("enterprise_id", flat=True))
    closed = UnfiledVisit.objects.filter(state=VisitState.OPEN).exclude(enterprise_id__in=list(unfiled)).update(
        state=VisitState.DONE, done_on=day, note=_("已完成复工备案或不再复工"))
    told: dict[int, list[str]] = {}
    created = 0
    officers = accounts.liaison_by_enterprise([e for e in unfiled if e not in open_ids])
    names = registry.enterprise_names(officers)
    for enterprise_id, source in unfiled.items():
        if enterprise_id in open_ids:
            continue
        try:
            with transaction.atomic():
                UnfiledVisit.objects.create(enterprise_id=enterprise_id, source=source, found_on=day,
                                            officer_id=officers.get(enterprise_id))
        except IntegrityError:  # raised by a concurrent run
            continue
        created += 1
        if enterprise_id in officers:
            told.setdefault(officers[enterprise_id], []).append(names.get(enterprise_id, ""))
    for user in accounts.users_by_ids(told):
        firms = told[user.pk]
        notifications.notify([user], f"{len(firms)}家企业复工未备案，请上门核查：{'、'.join(firms[:3])}"
                                     f"{'等' if len(firms) > 3 else ''}", "/filings/visits/")
    return {"day": day.isoformat(), "raised": created, "closed": closed}


def erase_personal_data(now: dt.datetime | None = None) -> dict[str, Any]:
    """Erase the officers' names and phones ``FILINGS_RETENTION_DAYS`` after the filing work's end (the rule set's
    ``campaign_end``, set by HQ; nothing is erased while it runs); the filings, their answers, events and the
    ledgers' counts stay. The worker's step."""
    from django.conf import settings

    from dualtrack.core import audit, dates
    from dualtrack.core.choices import AuditAction

    now = now or dates.now()
    end = _measure().current_rules()[1].campaign_end
    if not end:
        return {"erased": 0}
    ended = dt.datetime.combine(dt.date.fromisoformat(end), dt.time(23, 59, 59), tzinfo=dates.SHANGHAI)
    if now < ended + dt.timedelta(days=settings.FILINGS_RETENTION_DAYS):
        return {"erased": 0}
    erased = Filing.objects.exclude(officer="", phone="").update(officer="", phone="")
    if erased:
        audit.record(None, AuditAction.DELETE, object_type="filings.filing", object_repr=f"{erased} filings",
                     detail={"erased": erased, "fields": ["officer", "phone"]})
    return {"erased": erased}


# --- what pages read ----------------------------------------------------------------------------------------------


def checklist() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(is_active=True).order_by("code"))


def fevers(day: dt.date, user: Viewer) -> Any:
    """The ledgers of ``day`` reporting fever in ``user``'s scope (发热预警)."""
    return EnterpriseHealth.objects.restrict(user).filter(date=day, fever__gt=0).select_related("enterprise")


def latest_filing(enterprise: Any) -> Filing | None:
    return Filing.objects.filter(enterprise=enterprise).order_by("-applied_on", "-pk").first()


@dataclasses.dataclass(frozen=True)
class Outbreak:
    """An outbreak in a filed enterprise as 复工图 flags it: the enterprise and its county by name, the cluster's day,
    the filing it suspended, the county's task's due day and the day the suspension was lifted (None: in force)."""

    uscc: str
    name: str
    county: str
    date: dt.date
    filing: str
    task_due_on: dt.date
    lifted_on: dt.date | None


def outbreaks_on(day: dt.date, user: Viewer) -> list[Outbreak] | None:
    """The outbreaks in filed enterprises of the stored result of ``day`` narrowed to ``user`` (a cluster on or
    before the day naming an enterprise filed by the cluster's day), with the enterprises' and counties' names,
    oldest first; None while the day is being computed (pages read the store, never compute). A day no cluster
    before names an enterprise has none, known without reading the store."""
    from dualtrack.epidemic import services as epidemic
    from dualtrack.registry import services as registry

    if not epidemic.clusters_in_enterprises(day):  # no cluster names an enterprise: nothing to read (one query)
        return []
    result, _answer = read(day, user)
    if result is None:
        return None
    names = registry.enterprise_names({o.enterprise_id for o in result.outbreaks})
    counties = {s.code: s.name for s in result.counties()}
    return [Outbreak(o.uscc, names.get(o.enterprise_id, o.uscc), counties.get(o.county, o.county), o.date, o.filing,
                     o.task_due_on, o.lifted_on) for o in result.outbreaks]
