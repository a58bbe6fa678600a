"""Access policy of anti-epidemic supplies (防疫物资, DOMAIN.md §1, §15, §17).

The department that keeps the depots (the supplies office, a department whose code is ``SUPPLIES_OFFICE``, 市经信局
by default) records receipts, commits and issues, and sees everything; HQ may do all of it. Requests are made by an
enterprise for itself (and for the key projects it owns), by its liaison officer on its behalf, by a county for its
grassroots units and by HQ for medical and city-operation units and the public batches. HQ and leaders see every
request; a county sees its own requesters'; an enterprise and its liaison officer theirs. The receiver's name
(``Action.PERSONAL``) is whole for the office, HQ and the requester's side, masked for leaders. Out of scope answers
404."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role

from .choices import RequestKind


def office(user: Actor) -> Any:
    """The supplies office's staff (a department account of ``SUPPLIES_OFFICE``): every row."""
    department = getattr(user, "department", None)
    return ALL if department is not None and department.code == settings.SUPPLIES_OFFICE else NOTHING


def county_requests(user: Actor) -> Any:
    """A county's (or park's) requesters: the requests of its county (a park's: its county's enterprises in it)."""
    if user.park_id:
        return Q(enterprise__park_id=user.park_id) | Q(project__park_id=user.park_id)
    return Q(county_id=user.county_id) if user.county_id else NOTHING


def county_operator(user: Actor) -> Any:
    """A county's operators request for its grassroots units and public batches; a park has none of those (its
    operators follow their enterprises' requests)."""
    return Q(county_id=user.county_id) if user.county_id and not user.park_id else NOTHING


def liaison_requests(user: Actor) -> Any:
    return Q(enterprise__liaison_officers=user.pk) | Q(project__liaison_officers=user.pk)


def own_requests(user: Actor) -> Any:
    """An enterprise's own requests and those of the key projects it owns (项目业主)."""
    if not user.enterprise_id:
        return NOTHING
    return Q(enterprise_id=user.enterprise_id) | Q(project__owner_id=user.enterprise_id)


SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_requests,
       Role.LIAISON: liaison_requests, Role.ENTERPRISE: own_requests}
REQUEST = {Role.HQ: ALL, Role.DISTRICT: county_operator, Role.LIAISON: liaison_requests,
           Role.ENTERPRISE: own_requests}
ALLOCATE = {Role.HQ: ALL, Role.DEPARTMENT: office}
PERSONAL = {Role.HQ: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_requests,
            Role.LIAISON: liaison_requests, Role.ENTERPRISE: own_requests}
declare("supplies.SupplyRequest", {Action.VIEW: SEE, Action.EXPORT: SEE, Action.APPLY: REQUEST,
                                   Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: office,
                                                   Role.DISTRICT: county_operator},
                                   Action.APPROVE: ALLOCATE, Action.PERSONAL: PERSONAL})
declare("supplies.RequestLine", via=("request", "supplies.SupplyRequest"))
declare("supplies.Commitment", via=("line__request", "supplies.SupplyRequest"))
declare("supplies.Issue", via=("line__request", "supplies.SupplyRequest"))
# what the depots hold is for those who allocate and those who command (figures, no one's name)
STOCK = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: office}
declare("supplies.SupplyItem", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT, Role.LIAISON, Role.ENTERPRISE),
    Action.IMPORT: ALLOCATE, Action.CHANGE: ALLOCATE})
declare("supplies.Depot", {Action.VIEW: {**STOCK, Role.DISTRICT: ALL}, Action.IMPORT: ALLOCATE,
                           Action.CHANGE: ALLOCATE})
declare("supplies.Receipt", {Action.VIEW: STOCK, Action.EXPORT: STOCK, Action.ADD: ALLOCATE,
                             Action.IMPORT: ALLOCATE})


# What a role is shown of the supplies (pages, cards, menus): named here so views and cards ask by name.
def allocates(user: Viewer) -> bool:
    """Who commits and issues (the supplies office, HQ): the queue and the issue form."""
    return allows(user, "supplies.SupplyRequest", Action.APPROVE)


def sees_stock(user: Viewer) -> bool:
    """The stock by item and depot, days of cover: HQ, leaders, the supplies office."""
    return allows(user, "supplies.Receipt", Action.VIEW)


def requests_for_enterprises(user: Viewer) -> bool:
    """An enterprise or its liaison officer: the phone flow (its requests and what it may still ask for)."""
    return user_role(user) in (Role.ENTERPRISE, Role.LIAISON)


#: the kinds of request each requesting role may make (HQ, and the office's files: every kind)
ROLE_KINDS = {Role.ENTERPRISE: (RequestKind.KEY_ENTERPRISE, RequestKind.RESUMED, RequestKind.KEY_PROJECT),
              Role.LIAISON: (RequestKind.KEY_ENTERPRISE, RequestKind.RESUMED, RequestKind.KEY_PROJECT),
              Role.DISTRICT: (RequestKind.GRASSROOTS, RequestKind.PUBLIC)}


def kinds_for(user: Viewer, *, imported: bool = False) -> tuple[str, ...] | None:
    """The kinds of request ``user`` may make (None: every kind): an enterprise and its liaison officer for the
    enterprise and its key projects, a county for its grassroots units and public batches (by a page or a file);
    HQ every kind, as the office's files (the console, None, too)."""
    role = user_role(user)
    if role == Role.DISTRICT or (role in ROLE_KINDS and not imported):
        return tuple(str(k) for k in ROLE_KINDS[Role(role)])
    return None


class PhoneSide(StrEnum):
    """Whose phone pages a user has (their own menu): an enterprise's own, a liaison officer's for their
    enterprises, a county's for its requesters and grassroots units; none for HQ, leaders and the office (the
    board)."""

    ENTERPRISE = "enterprise"
    LIAISON = "liaison"
    COUNTY = "county"


_SIDES = {Role.ENTERPRISE: PhoneSide.ENTERPRISE, Role.LIAISON: PhoneSide.LIAISON, Role.DISTRICT: PhoneSide.COUNTY}


def phone_side(user: Viewer) -> PhoneSide | None:
    return _SIDES.get(user_role(user))  # type: ignore[call-overload]


def applies_for_county(user: Viewer) -> bool:
    """A county's account (not a park's) asks for its grassroots units and public batches."""
    return allows(user, "supplies.SupplyRequest", Action.APPLY) and phone_side(user) == PhoneSide.COUNTY


def sees_coverage(user: Viewer) -> bool:
    """The coverage per county: HQ, leaders, the supplies office and the counties (a county its own rows)."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT) or is_office(user)


def is_office(user: Viewer) -> bool:
    return user_role(user) == Role.DEPARTMENT and office(user) is ALL  # type: ignore[arg-type]
