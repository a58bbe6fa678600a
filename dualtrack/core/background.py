"""Work started after a request has answered: run in a thread of the web process, with its own database
connection closed afterwards. What must survive a stopped process is also queued durably (export jobs,
bulletin jobs) and picked up by ``dualtrack worker``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def in_thread(name: str, work: Callable[..., Any], *args: Any) -> None:
    def target() -> None:
        try:
            work(*args)
        finally:
            connection.close()

    threading.Thread(target=target, name=name, daemon=True).start()
