"""Scoped access: the restricted queryset is the only way in (NetBox ``RestrictedQuerySet``).

Every scoped model declares ``scope_q(user, action)``, answering which rows that user may act on:
``ALL`` (every row), ``NOTHING`` or a ``Q``. Views, API and exports fetch through
``Model.objects.restrict(user, action)``; an object outside the user's scope is simply not found,
so pages and API answer 404 and its existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q
from django.http import Http404

from .choices import Action, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class _Everything:
    """Marker: the user may act on every row."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Any = _Everything()
NOTHING: Any = None


class OutOfScope(Exception):
    """Raised when a write would leave or reach outside the user's scope; the transaction rolls back."""


def user_role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


def is_hq(user: Any) -> bool:
    return user_role(user) == Role.HQ


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = Action.VIEW) -> Self:
        """Rows of this queryset that ``user`` may ``action``; none for anonymous or inactive users."""
        if user_role(user) is None:
            return self.none()
        scope = self.model.scope_q(user, action)  # type: ignore[attr-defined]
        if scope is ALL:
            return self
        if scope is NOTHING or scope is False:
            return self.none()
        return self.filter(scope)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Abstract base: a restricted default manager and a scope declaration."""

    objects: ClassVar[RestrictedManager] = RestrictedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user: Any, action: str) -> Q | Any:  # pragma: no cover - every model overrides
        raise NotImplementedError

    @classmethod
    def permits(cls, user: Any, action: str) -> bool:
        """Whether ``user`` may ``action`` at least some rows of this model (for menus and list pages)."""
        if user_role(user) is None:
            return False
        return cls.scope_q(user, action) is not NOTHING

    def in_scope(self, user: Any, action: str = Action.VIEW) -> bool:
        return type(self).objects.restrict(user, action).filter(pk=self.pk).exists()


def reference_scope(user: Any, action: str) -> Any:
    """Scope of reference data (regions, parks, industries, departments): every signed-in role but the
    public may view it; only HQ changes or imports it."""
    role = user_role(user)
    if action == Action.VIEW:
        return NOTHING if role in (None, Role.PUBLIC) else ALL
    if action == Action.EXPORT:
        return ALL if role in (Role.HQ, Role.LEADER) else NOTHING
    return ALL if role == Role.HQ else NOTHING


def get_scoped_or_404(queryset: RestrictedQuerySet, user: AnonymousUser | Any, action: str = Action.VIEW,
                      **lookup: Any) -> Any:
    """The object matching ``lookup`` among those ``user`` may ``action``, else 404."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def ensure_in_scope(obj: ScopedModel, user: Any, action: str = Action.CHANGE) -> None:
    """Re-check, inside the writing transaction, that ``obj`` is still in scope after a save
    (NetBox ``ObjectEditView``): a write may not move an object outside its author's reach."""
    if not obj.in_scope(user, action):
        raise OutOfScope(f"{obj._meta.verbose_name} {obj.pk} is outside the user's scope")
