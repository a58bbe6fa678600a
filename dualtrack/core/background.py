"""Work started after a request has answered: run in a thread of the web process, with its own database
connection closed afterwards. What must survive a stopped process is also queued durably (export jobs,
bulletin jobs) and picked up by ``dualtrack worker``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

_STARTED: list[threading.Thread] = []


def in_thread(name: str, work: Callable[..., Any], *args: Any) -> None:
    def target() -> None:
        try:
            work(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=name, daemon=True)
    _STARTED[:] = [t for t in _STARTED if t.is_alive()]
    _STARTED.append(thread)
    thread.start()


def wait_all(timeout: float = 60.0) -> None:
    """Wait for the work this process started to end (a test's teardown: a print job still writing would hold
    the next test's database)."""
    for thread in list(_STARTED):
        thread.join(timeout)
    _STARTED[:] = [t for t in _STARTED if t.is_alive()]
