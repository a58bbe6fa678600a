"""One declared access policy (访问策略): which role may take which action on each model.

Each app declares its models' rules in one module, ``<app>/policy.py``, found at start-up. A rule table maps
an :class:`~dualtrack.core.choices.Action` to the roles that may take it and, per role, *where*::

    declare("problems.Problem", {
        Action.VIEW: {Role.HQ: ALL, Role.DEPARTMENT: lambda u: Q(department_id=u.department_id)},
        Action.TRIAGE: {Role.HQ: ALL},
    })

A role absent from an action's row may not take it. A rule is ``ALL`` or a function of the user that
answers a ``Q`` (or ``ALL``/``NOTHING``). A model whose rows follow another's scope declares ``via``:
``declare("projects.ProjectPlan", via=("project", "projects.Project"))``.

The restricted queryset (``Model.objects.restrict(user, action)``) asks :func:`scope`; write services ask
:func:`authorize` (an object) or :func:`authorize_create` (a model) before they change anything. Their
answer is translated the same way by pages and the API: an object the user may not *see* is
:class:`~django.http.Http404` (existence does not leak); one they see but may not act on is
:class:`~django.core.exceptions.PermissionDenied` (403).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .actors import Actor, Viewer
from .choices import Action, Role


class _Everything:
    """Marker: every row."""

    def __repr__(self) -> str:
        return "ALL"


# ALL, or a function of the acting user (given only to a signed-in Actor of the rule's role) answering a Q, ALL
# or NOTHING.
Rule: TypeAlias = _Everything | Callable[[Actor], Any]


ALL: Any = _Everything()
NOTHING: Any = None


@dataclass(frozen=True)
class ModelPolicy:
    """The declared rules of one model: action → role → rule, or the scope of a related model."""

    label: str
    table: Mapping[Any, Mapping[Any, Rule]]
    via: tuple[str, str] | None = None  # (field path, model label) whose scope this model follows


_POLICIES: dict[str, ModelPolicy] = {}


def declare(label: str, table: Mapping[Any, Mapping[Any, Rule]] | None = None, *,
            via: tuple[str, str] | None = None) -> None:
    """Declare the access rules of the model ``label`` (``app_label.ModelName``)."""
    if (table is None) == (via is None):
        raise ImproperlyConfigured(f"{label}: declare a rule table or a via relation, not both")
    for action, row in (table or {}).items():
        if action not in Action.values:
            raise ImproperlyConfigured(f"{label}: unknown action {action!r}")
        for role in row:
            if role not in Role.values:
                raise ImproperlyConfigured(f"{label}: unknown role {role!r}")
    _POLICIES[label.lower()] = ModelPolicy(label, table or {}, via)


def _label(model: Any) -> str:
    if isinstance(model, str):
        return model.lower()
    return str(model._meta.label_lower)


def declared(model: Any) -> ModelPolicy:
    found = _POLICIES.get(_label(model))
    if found is None:
        raise ImproperlyConfigured(f"no access policy declared for {_label(model)}")
    return found


def user_role(user: Viewer) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


def receives_digest(user: Viewer) -> bool:
    """A city leader (市领导): automatic events reach them as one digest a day (每日汇总), and their bell counts only
    the digest and what was escalated to them (``core.notifications``, #28 §2)."""
    from .choices import Role

    return user_role(user) == Role.LEADER


def signed_in(user: Viewer) -> TypeGuard[Actor]:
    """Whether ``user`` is signed in with an active account of some role (总览 is every such user's page): an
    :class:`~dualtrack.core.actors.Actor` whose role and scope fields the rules may read."""
    return user_role(user) is not None


def prefix_q(q: Q, prefix: str) -> Q:
    """``q`` over a related model's fields, seen from this model (``project__`` + each lookup)."""
    rewritten = Q()
    rewritten.connector, rewritten.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    rewritten.children = [prefix_q(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1])
                          for child in children]
    return rewritten


def scope(user: Viewer, model: Any, action: str) -> Any:
    """The rows of ``model`` that ``user`` may ``action``: ``ALL``, ``NOTHING`` or a ``Q``."""
    if not signed_in(user):
        return NOTHING
    role = user_role(user)
    policy = declared(model)
    if policy.via is not None:
        path, target = policy.via
        inner = scope(user, target, action)
        return prefix_q(inner, f"{path}__") if isinstance(inner, Q) else inner
    rule = policy.table.get(action, {}).get(role)
    if rule is None:
        return NOTHING
    if isinstance(rule, _Everything):
        return ALL
    answer = rule(user)
    if answer is False or answer is None:
        return NOTHING
    if isinstance(answer, Q) and not answer:
        return NOTHING  # an empty Q would match every row: a rule with nothing to bind to reaches nothing
    return answer


def related(user: Viewer, path: str, model: Any, action: str) -> Any:
    """The scope of ``model`` for ``action``, seen through the relation ``path`` (a rule that follows another
    model's scope under another action, e.g. an application's enterprise as the user may *view* it)."""
    inner = scope(user, model, action)
    return prefix_q(inner, f"{path}__") if isinstance(inner, Q) else inner


def allows(user: Viewer, model: Any, action: str) -> bool:
    """Whether ``user`` may ``action`` at least some rows of ``model`` (menus, list pages, create)."""
    return scope(user, model, action) is not NOTHING


def _matches(obj: models.Model, user: Viewer, action: str) -> bool:
    found = scope(user, type(obj), action)
    if found is ALL:
        return True
    if found is NOTHING:
        return False
    return type(obj)._default_manager.filter(found, pk=obj.pk).exists()


def authorize(user: Viewer, obj: models.Model, action: str) -> None:
    """Raise unless ``user`` may ``action`` on ``obj``: 404 when they may not even see it, 403 when they see it
    but may not take this action."""
    if not _matches(obj, user, Action.VIEW):
        raise Http404
    if action != Action.VIEW and not _matches(obj, user, action):
        raise PermissionDenied


def authorize_create(user: Viewer, model: Any, action: str = Action.ADD) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may create rows of ``model`` (at least somewhere)."""
    if not allows(user, model, action):
        raise PermissionDenied


def may(user: Viewer, obj: models.Model, action: str) -> bool:
    """Whether ``user`` may ``action`` on ``obj`` (for showing a button); never raises."""
    return _matches(obj, user, action)


def autodiscover() -> None:
    """Import every installed app's ``policy`` module (called once when core is ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("policy")


RoleRules = dict[str, Rule]


def roles(*granted: str, rule: Rule = ALL) -> RoleRules:
    """The same rule for several roles: ``roles(Role.HQ, Role.LEADER)``."""
    return dict.fromkeys(granted, rule)


# The platform's own models.
declare("core.AuditLog", {Action.VIEW: roles(Role.HQ)})
# An export job is its user's alone.
declare("core.ExportJob", {Action.VIEW: roles(*Role.values, rule=lambda user: Q(user=user))})
declare("core.RuleSet", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT),
    Action.REVISE: roles(Role.HQ),
})
