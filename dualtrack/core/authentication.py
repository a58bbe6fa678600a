"""API authentication (kept apart from the views: DRF loads it while it sets itself up)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from dualtrack.core import dates


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; a token older than ``API_TOKEN_TTL_DAYS`` no longer works (rotate it on
    the account page or with ``dualtrack token``)."""

    def authenticate_credentials(self, key: str) -> Any:
        import datetime as dt

        from django.conf import settings

        user, token = super().authenticate_credentials(key)
        if token.created + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS) < dates.real_now():
            raise exceptions.AuthenticationFailed(_("令牌已过期，请在“我的账户”页面重新生成"))
        return user, token
