"""Errors every app's services raise, translated the same way by pages (a message) and the API (409)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class ConcurrentChange(Exception):
    """Someone else changed the object first (the version the caller saw is stale, or the same write arrived
    twice at once); nothing was written. ``obj`` is the object as it is now, when there is one."""

    def __init__(self, obj: Any = None, message: str | None = None) -> None:
        if message is None:
            state = obj.get_state_display() if obj is not None and hasattr(obj, "get_state_display") else ""
            message = (_("该事项已被他人处理，当前状态为“%(state)s”，请刷新后再试。") % {"state": state} if state
                       else _("该事项已被他人处理，请刷新后再试。"))
        super().__init__(message)
        self.obj = obj
