"""Creating users and API tokens, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from rest_framework.authtoken.models import Token

from dualtrack.core import audit
from dualtrack.core.choices import AuditAction

from .models import User


@transaction.atomic
def create_user(actor: Any, *, username: str, password: str | None, role: str, full_name: str = "",
                **scope: Any) -> User:
    """Create (or update the role and scope of) a user, validated, with the audit record."""
    user = User.objects.filter(username=username).first()
    before = audit.snapshot(user) if user else None
    if user is None:
        user = User(username=username)
    user.role, user.full_name = role, full_name or user.full_name
    for field in ("county", "park", "department", "enterprise"):
        setattr(user, field, scope.get(field))
    user.is_staff = role == "hq"
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record_change(actor, user, before)
    return user


def has_api_token(user: Any) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def rotate_api_token(user: Any) -> str:
    """A new API token for ``user`` (the old one stops working); shown once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(user, AuditAction.UPDATE, user, object_repr=f"{user} API token",
                 detail={"api_token": "rotated"})
    return token.key
