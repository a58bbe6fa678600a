"""Scoped access: the restricted queryset is the only way in (NetBox ``RestrictedQuerySet``).

Which rows a user may act on is declared once per app in its ``policy.py`` (see :mod:`.policy`); every
scoped model answers through it. Views, API and exports fetch through ``Model.objects.restrict(user,
action)``; an object outside the user's scope is simply not found, so pages and API answer 404 and its
existence does not leak.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import Q
from django.http import Http404

from . import policy
from .actors import Actor, Viewer
from .choices import Action, Role
from .policy import ALL, NOTHING, user_role

__all__ = ["ALL", "NOTHING", "OutOfScope", "RestrictedQuerySet", "ScopedModel", "ensure_in_scope",
           "get_scoped_or_404", "is_hq", "user_role"]


class OutOfScope(Exception):
    """Raised when a write would leave or reach outside the user's scope; the transaction rolls back."""


def is_hq(user: Viewer) -> bool:
    return user_role(user) == Role.HQ


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Viewer, action: str = Action.VIEW) -> Self:
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
    """Abstract base: a restricted default manager; the scope comes from the app's declared policy."""

    objects: ClassVar[RestrictedManager] = RestrictedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user: Viewer, action: str) -> Q | Any:
        return policy.scope(user, cls, action)

    @classmethod
    def permits(cls, user: Viewer, action: str) -> bool:
        """Whether ``user`` may ``action`` at least some rows of this model (for menus and list pages)."""
        if user_role(user) is None:
            return False
        return cls.scope_q(user, action) is not NOTHING

    def in_scope(self, user: Viewer, action: str = Action.VIEW) -> bool:
        return type(self).objects.restrict(user, action).filter(pk=self.pk).exists()


REFERENCE_RULES: dict[str, dict[str, Any]] = {
    Action.VIEW: policy.roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT, Role.LIAISON, Role.ENTERPRISE),
    Action.EXPORT: policy.roles(Role.HQ, Role.LEADER),
    Action.ADD: policy.roles(Role.HQ),
    Action.CHANGE: policy.roles(Role.HQ),
    Action.DELETE: policy.roles(Role.HQ),
    Action.IMPORT: policy.roles(Role.HQ),
}
"""Reference data (regions, parks, industries, departments, policy documents): every signed-in role but
the public may view it; only HQ changes or imports it."""


def get_scoped_or_404(queryset: RestrictedQuerySet, user: Viewer, action: str = Action.VIEW,
                      **lookup: Any) -> Any:
    """The object matching ``lookup`` among those ``user`` may ``action``, else 404."""
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def ensure_in_scope(obj: ScopedModel, user: Actor, action: str = Action.CHANGE) -> None:
    """Re-check, inside the writing transaction, that ``obj`` is still in scope after a save
    (NetBox ``ObjectEditView``): a write may not move an object outside its author's reach."""
    if not obj.in_scope(user, action):
        raise OutOfScope(f"{obj._meta.verbose_name} {obj.pk} is outside the user's scope")
