"""System task texts kept as codes with parameters (#28 §3): a module that sets tasks in motion registers how its
code is written (``register``), in the reader's language; the stored description keeps the Chinese text (search,
exports, a task written before the codes, a code nobody registered)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dualtrack.core.actors import Viewer

Renderer = Callable[[dict[str, Any]], str]
_RENDERERS: dict[str, Renderer] = {}
log = logging.getLogger(__name__)


def register(code: str, renderer: Renderer) -> None:
    _RENDERERS[code] = renderer


def render(problem: Any) -> str:
    renderer = _RENDERERS.get(problem.text_code) if problem.text_code else None
    if renderer is None:
        return str(problem.description)
    try:
        return renderer(problem.text_params or {})
    except (KeyError, TypeError, ValueError):  # parameters a renderer cannot read: the stored Chinese text
        log.warning("task text %s of %s unreadable", problem.text_code, problem.ref)
        return str(problem.description)


def shown(user: Viewer, problems: list[Any], *, limit: int | None = None) -> list[dict[str, str]]:
    """The problems' descriptions in the reader's language as ``user`` may see them (the one masking path,
    ``core.privacy.shown``, keyed ``description``)."""
    from dualtrack.core import privacy

    return privacy.shown(user, [(p, {"description": p.text}) for p in problems], limit=limit)


def attach(user: Viewer, problems: Any, *, limit: int | None = None) -> list[Any]:
    """Each problem with ``shown.description`` (:func:`shown`) for a template."""
    problems = list(problems)
    for problem, values in zip(problems, shown(user, problems, limit=limit), strict=True):
        problem.shown = values
    return problems
