"""Audit every login, failed login and logout."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .actors import Actor
from .choices import AuditAction
from .middleware import client_ip


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
    # The signals send an instance of the user model (AUTH_USER_MODEL, accounts.User), which is an Actor; core
    # may not import it to say so.
    audit.record(cast(Actor, user), AuditAction.LOGIN, user, ip=client_ip(request) if request is not None else None)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(cast(Actor, user), AuditAction.LOGOUT, user, ip=client_ip(request) if request is not None else None)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit.record(
        None, AuditAction.LOGIN_FAILED, object_type="accounts.user", object_id=str(user.pk) if user else "",
        object_repr=username, ip=client_ip(request) if request is not None else None,
        detail={"username": username, "known_user": user is not None},
    )
