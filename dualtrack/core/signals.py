"""Audit every login, failed login and logout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .choices import AuditAction
from .middleware import client_ip


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(user, AuditAction.LOGIN, user, ip=client_ip(request) if request is not None else None)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(user, AuditAction.LOGOUT, user, ip=client_ip(request) if request is not None else None)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit.record(
        None, AuditAction.LOGIN_FAILED, object_type="accounts.user", object_id=str(user.pk) if user else "",
        object_repr=username, ip=client_ip(request) if request is not None else None,
        detail={"username": username, "known_user": user is not None},
    )
