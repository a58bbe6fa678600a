"""Who acts and who reads: the :class:`Actor` of a domain function, the :data:`Viewer` of a page, card or
query, and the operator at the console (``dualtrack import`` without ``--user``): HQ rights, audited by name."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

from .choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class SystemActor:
    """Acts with HQ scope; audit rows name it ``system:<os user>`` and have no user link."""

    role = Role.HQ
    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None
    id = None
    county_id = park_id = department_id = enterprise_id = None

    def __init__(self, name: str | None = None) -> None:
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):
            os_user = "unknown"
        self.name = name or f"system:{os_user}"

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


class Actor(Protocol):
    """Who acts in a domain function: a signed-in :class:`~dualtrack.accounts.models.User` or the console's
    :class:`SystemActor`. The access policy reads the role and the scope fields (a rule such as
    ``Q(county_id=user.county_id)``); the audit log the name. Read-only members, so a class attribute (the
    console's ``county_id = None``) or a model field (a user's ``county_id: int | None``) both satisfy it."""

    @property
    def role(self) -> str: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def pk(self) -> Any: ...

    # The scope fields every policy rule reads (core.policy, <app>/policy.py): None where the role has none.
    @property
    def county_id(self) -> int | None: ...

    @property
    def park_id(self) -> int | None: ...

    @property
    def department_id(self) -> int | None: ...

    @property
    def enterprise_id(self) -> int | None: ...

    def get_username(self) -> str: ...


Viewer: TypeAlias = "Actor | AnonymousUser | None"
"""Who reads (a page, a card, a menu, a restricted queryset, an export): a signed-in :class:`Actor`, the
anonymous visitor of a page (``request.user`` before sign-in; it has no role and no scope fields, so it is not
an Actor), or None (the worker, a bulletin built for nobody in particular). Reads ask the policy
(``policy.user_role``, ``restrict``), which answers nothing for the last two; only a rule that has been given a
role reads the scope fields, and it takes an :class:`Actor`. ``policy.signed_in`` narrows a Viewer to an Actor."""


def actor_of(request: Any) -> Actor:
    """The signed-in user of a page or API request, as the actor of a domain function (pages and the API
    require a sign-in before they get here; an anonymous request is refused)."""
    from django.core.exceptions import PermissionDenied

    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    return cast(Actor, user)


def as_user(actor: Actor | None) -> Any:
    """The user to record as the author of a row (``reviewed_by``, ``uploaded_by`` …): the actor when it is a
    user, None for the worker or the console."""
    return actor if actor is not None and getattr(actor, "pk", None) else None
