"""Liaison officers (驻企联企服务员): who looks after which enterprise, the coverage report (全覆盖), the visit
log (走访记录). Registry, problems, projects and policies reach them here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.accounts import services as accounts
from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action

from .models import Visit


@transaction.atomic
def log_visit(actor: Actor, visited_on: dt.date, notes: str, enterprise: Any = None, project_code: str = "") -> Visit:
    """A liaison officer logs a visit (走访记录) to one of the enterprises in their care."""
    policy.authorize_create(actor, Visit, Action.ADD)
    if enterprise is not None:
        policy.authorize(actor, enterprise, Action.REPORT)
    if not notes.strip():
        raise ValidationError({"notes": _("请填写走访情况")})
    if enterprise is None and not project_code:
        raise ValidationError({"enterprise": _("请选择走访的企业或项目")})
    if visited_on > dates.today():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    visit = Visit.objects.create(officer=actor, enterprise=enterprise, project_code=project_code,
                                 visited_on=visited_on, notes=notes.strip())
    audit.record_change(actor, visit, None)
    return visit


_COVERAGE: list[Any] = []


def register_coverage(provider: Any) -> None:
    """Other modules add what their liaison officers must cover (key projects): ``provider(user)`` returns
    ``{"label", "total", "covered", "rate", "uncovered": [(code, name, county), …]}``."""
    if provider not in _COVERAGE:
        _COVERAGE.append(provider)


def coverage_extras(user: Viewer) -> list[dict[str, Any]]:
    return [provider(user) for provider in _COVERAGE]


def coverage(user: Viewer) -> dict[str, Any]:
    """全覆盖: key enterprises in the user's scope without a liaison officer, per county, with the list."""
    from django.db.models import Count, Q

    from dualtrack.registry import services as registry

    keys = registry.enterprises_for(user).filter(is_key=True)
    per_county = list(keys.values("county__code", "county__name").annotate(
        total=Count("pk", distinct=True),
        covered=Count("pk", filter=Q(liaison_officers__isnull=False), distinct=True)).order_by("county__code"))
    for row in per_county:
        row["uncovered"] = row["total"] - row["covered"]
        row["rate"] = round(row["covered"] / row["total"], 4) if row["total"] else None
    uncovered = keys.filter(liaison_officers__isnull=True).select_related("county").order_by("county__code", "name")
    total = sum(r["total"] for r in per_county)
    covered = sum(r["covered"] for r in per_county)
    return {"counties": per_county, "uncovered": uncovered, "total": total, "covered": covered,
            "rate": round(covered / total, 4) if total else None}


def officers() -> Any:
    return accounts.liaison_officers().order_by("username")


def assign_liaison(actor: Actor, username: str, usccs: list[str]) -> int:
    """HQ puts enterprises (by credit code) in a liaison officer's care."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, "accounts.User", Action.CHANGE)
    officer = accounts.user_by_username(username.strip())
    if officer is None or not officer.is_liaison_officer:
        raise ValidationError({"username": _("“%(username)s”不是驻企服务员账号") % {"username": username}})
    if not usccs:
        raise ValidationError({"uscc": _("请填写企业统一社会信用代码")})
    found = dict(registry.all_enterprises().filter(uscc__in=usccs).values_list("uscc", "pk"))
    missing = [code for code in usccs if code not in found]
    if missing:
        raise ValidationError({"uscc": _("企业不存在：") + "、".join(missing[:10])})
    with transaction.atomic():
        return accounts.assign_enterprises(actor, officer, list(found.values()))


def visits_exist(officer: Any) -> bool:
    return Visit.objects.filter(officer=officer).exists()
