"""The keys for personal data (DOMAIN.md §15), checked by every management command (a warning when none is set, so
``makemigrations`` and the linters run without one; an error when one is set wrongly: beside the database, the web
application's secret key, malformed), by ``dualtrack check --deploy`` and, before they serve, by the WSGI application
(``wsgi.py``) and ``dualtrack worker``: in production (``DEBUG`` off) they refuse to start without a key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import privacy

TAG = "personal_data"
MIN_KEY_LENGTH = 32


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _production() -> bool:
    return not settings.DEBUG


@checks.register(TAG)
def personal_data_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return _messages(production=False)


@checks.register(TAG, deploy=True)
def personal_data_key_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """What the everyday check leaves a warning: no key (or a short one) is an error in production."""
    return [m for m in _messages(production=_production()) if m.is_serious() and m.id in PRODUCTION_ONLY]


PRODUCTION_ONLY = {"dualtrack.E001", "dualtrack.E003", "dualtrack.E007"}


def _messages(*, production: bool) -> list[checks.CheckMessage]:
    def severe(msg: str, *, id: str, hint: str | None = None) -> checks.CheckMessage:  # noqa: A002 - Django's name
        if production:
            return checks.Error(msg, hint=hint, id=id)
        return checks.Warning(msg, hint=hint, id=id.replace(".E", ".W"))

    out: list[checks.CheckMessage] = []
    key_file = getattr(settings, "PERSONAL_DATA_KEY_FILE", "")
    if key_file:
        path = Path(key_file).expanduser()
        database = Path(str(settings.DATABASES["default"].get("NAME") or ""))
        beside = [Path(settings.HOME)] + ([database.parent] if database.is_absolute() else [])
        if any(_inside(path, folder) for folder in beside):
            out.append(checks.Error(
                f"PERSONAL_DATA_KEY_FILE {path} is kept beside the database",
                hint="Keep the key outside DUALTRACK_HOME and the database's folder (a secret store, /etc/dualtrack).",
                id="dualtrack.E002"))
        if not path.is_file() and not getattr(settings, "PERSONAL_DATA_KEY", ""):
            out.append(severe(f"PERSONAL_DATA_KEY_FILE {path} does not exist", id="dualtrack.E003"))
        elif path.is_file() and path.stat().st_mode & 0o077:
            out.append(checks.Warning(f"PERSONAL_DATA_KEY_FILE {path} may be read by others",
                                      hint=f"chmod 600 {path}", id="dualtrack.W004"))
    try:
        found = privacy.parse_keys(getattr(settings, "PERSONAL_DATA_KEY", ""))
    except ImproperlyConfigured as exc:
        return [*out, checks.Error(str(exc), id="dualtrack.E005")]
    if not found:
        out.append(severe(
            "PERSONAL_DATA_KEY is not set: ID numbers cannot be hashed",
            hint="Set PERSONAL_DATA_KEY=id:key or PERSONAL_DATA_KEY_FILE (README, 'Keys for personal data'); "
                 "`./run demo` makes one for the demo.", id="dualtrack.E001"))
        return out
    current_id, current = next(iter(found.items()))
    if current == settings.SECRET_KEY.encode():
        out.append(checks.Error("The current PERSONAL_DATA_KEY is the web application's SECRET_KEY",
                                hint="Make a key of its own and put the old one after it (README).",
                                id="dualtrack.E006"))
    if len(current) < MIN_KEY_LENGTH:
        out.append(severe(f"The current PERSONAL_DATA_KEY ({current_id}) is shorter than {MIN_KEY_LENGTH} characters",
                          hint="python3 -c 'import secrets; print(secrets.token_urlsafe(32))'", id="dualtrack.E007"))
    return out


def require_personal_data_key() -> None:
    """Refuse to serve (the WSGI application and ``dualtrack worker`` call it) when the keys' check finds an error,
    a missing key included in production."""
    errors = [m for m in _messages(production=_production()) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in errors))


@checks.register()
def clock_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A malformed ``DUALTRACK_CLOCK`` is named when the application starts, not by the first request that asks the
    time."""
    from . import dates

    try:
        dates.set_clock()
    except dates.BadClock as exc:
        return [checks.Error(str(exc), id="dualtrack.E010")]
    return []
