"""Creating users and API tokens, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from rest_framework.authtoken.models import Token

from dualtrack.core import audit
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import AuditAction, Role

from . import policy as access
from .models import User


@transaction.atomic
def create_user(actor: Actor, *, username: str, password: str | None, role: str, full_name: str = "",
                **scope: Any) -> User:
    """Create (or update the role and scope of) a user, validated, with the audit record."""
    user = User.objects.filter(username=username).first()
    before = audit.snapshot(user) if user else None
    if user is None:
        user = User(username=username)
    user.role, user.full_name = role, full_name or user.full_name
    for field in ("county", "park", "department", "enterprise"):
        setattr(user, field, scope.get(field))
    user.is_staff = access.is_staff_role(role)  # the admin site's accounts
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(actor, user, before)
    return user


def has_api_token(user: User) -> bool:
    return Token.objects.filter(user=user).exists()


def token_expires_at(user: User) -> dt.datetime | None:
    """When ``user``'s API token stops working (``API_TOKEN_TTL_DAYS`` after it was made), or None."""
    from django.conf import settings

    created = Token.objects.filter(user=user).values_list("created", flat=True).first()
    return created + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS) if created else None


@transaction.atomic
def rotate_api_token(user: User, actor: Actor | None = None) -> str:
    """A new API token for ``user`` (the old one stops working at once); shown once, audited as created or
    rotated, valid for ``API_TOKEN_TTL_DAYS``."""
    had = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    expires = token_expires_at(user)
    audit.record(actor or user, AuditAction.UPDATE if had else AuditAction.CREATE, user,
                 object_repr=f"{user} API token",
                 detail={"api_token": "rotated" if had else "created",
                         "expires_at": expires.isoformat() if expires else None})
    return token.key


def active_users(role: str, **scope: Any) -> Any:
    """Active users of ``role`` (a :class:`Role`) within ``scope`` (``department_id=``, ``leader_level=`` …)."""
    return User.objects.filter(is_active=True, role=role, **scope)


def liaison_officers() -> Any:
    return User.objects.filter(role=Role.LIAISON, is_active=True)


def user_ids_by_username() -> dict[str, int]:
    """Every active user's id by username (imports naming a responsible person)."""
    return dict(User.objects.filter(is_active=True).values_list("username", "pk"))


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def assign_enterprises(actor: Actor, officer: User, enterprise_ids: list[int]) -> int:
    """Put enterprises in a liaison officer's care (by hand or by file), audited; returns how many were new."""
    if not officer.is_liaison_officer:
        raise ValueError(f"{officer.username} 不是驻企服务员")
    existing = set(officer.assigned_enterprises.filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    new = [pk for pk in enterprise_ids if pk not in existing]
    if new:
        officer.assigned_enterprises.add(*new)
        audit.record(actor, AuditAction.UPDATE, officer, before={"assigned_enterprises_added": []},
                     after={"assigned_enterprises_added": sorted(new)})
    return len(new)


def departments_with_level2_leader() -> set[int]:
    return set(User.objects.filter(is_active=True, role=Role.LEADER, leader_level=2).values_list(
        "supervised_departments", flat=True).exclude(supervised_departments=None))


def level2_leaders_without_portfolio() -> bool:
    """Whether any active vice-mayor (level 2) has no departments in charge (分管部门): such a leader takes the
    level-2 problems of departments nobody is in charge of."""
    return User.objects.filter(is_active=True, role=Role.LEADER, leader_level=2,
                               supervised_departments=None).exists()


def supervised_departments(user: Viewer) -> list[int]:
    """The departments a leader in charge (分管) supervises (their ids); none for a reader without an account."""
    if not isinstance(user, User):
        return []
    return list(user.supervised_departments.values_list("pk", flat=True))


def officer_candidates(county_id: int | None) -> Any:
    """Who may be named a lead's chief service officer (首席服务员): the county's operators, the departments' staff and
    the liaison officers, active ones only."""
    from django.db.models import Q

    return User.objects.filter(Q(role=Role.DISTRICT, county_id=county_id) | Q(role__in=(Role.DEPARTMENT, Role.LIAISON)),
                               is_active=True).order_by("role", "username")


def login_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The name a sign-in attempt is counted under (django-axes ``AXES_USERNAME_CALLABLE``): as typed, cut to the
    longest user name an account may have, so a hostile name is counted, never a server error."""
    source = credentials if credentials else getattr(request, "POST", {}) or {}
    name = source.get("username") if hasattr(source, "get") else None
    if name is None:
        return None
    limit = User._meta.get_field("username").max_length or 150
    return str(name)[:limit]


def enterprise_contacts(enterprise_id: int) -> list[User]:
    """Who hears about an enterprise's own records: its active accounts and its liaison officers."""
    return list(User.objects.filter(is_active=True, enterprise_id=enterprise_id)) + list(
        User.objects.filter(is_active=True, role=Role.LIAISON, assigned_enterprises=enterprise_id))


def liaison_by_enterprise(enterprise_ids: Any) -> dict[int, int]:
    """Enterprise id → the id of one of its liaison officers (the first assigned), for the ids given."""
    found: dict[int, int] = {}
    for enterprise_id, user_id in User.assigned_enterprises.through.objects.filter(
            enterprise_id__in=list(enterprise_ids), user__is_active=True).order_by("pk").values_list(
            "enterprise_id", "user_id"):
        found.setdefault(enterprise_id, user_id)
    return found


def users_by_ids(ids: Any) -> list[User]:
    return list(User.objects.filter(pk__in=list(ids), is_active=True))
