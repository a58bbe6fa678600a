"""System task texts kept as codes with parameters (#28 §3): a module that sets tasks in motion registers how its
code is written (``register``), in the reader's language; the stored description keeps the Chinese text (search,
exports, a task written before the codes, a code nobody registered)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, gettext_noop

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


# The escalation chain's default level names (problems.rules), for the catalogue: shown through :func:`translated`.
LEVEL_NAMES = (gettext_noop("责任人/驻企服务员"), gettext_noop("行业主管部门"), gettext_noop("分管副市长"),
               gettext_noop("常务副市长"), gettext_noop("市政府常务会"), gettext_noop("市委常委会"))


def translated(name: str) -> str:
    """A name from a rule set or the registry in the reader's language when the catalogue knows it, else as written."""
    return gettext(name) if name else name


# The history steps the platform writes (an automatic task's creation, an escalation, a routing), in the reader's
# language; a step a person wrote is shown as written.
_STEPS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^系统生成督办任务[,，]送(?P<v>.+)$"), gettext_noop("系统生成督办任务，送%(v)s"), "level"),
    (re.compile(r"^逾期[,，]调度至[:：](?P<v>.+)$"), gettext_noop("逾期，调度至：%(v)s"), "level"),
    (re.compile(r"^无市级责任部门[,，]交(?P<v>.+)跟踪督办$"), gettext_noop("无市级责任部门，交%(v)s跟踪督办"), "name"),
]


def system_step(comment: str) -> str:
    """A history step the platform wrote, in the reader's language (unknown text as written)."""
    for pattern, template, _kind in _STEPS:
        found = pattern.match(comment)
        if found:
            return gettext(template) % {"v": translated(found["v"])}
    return comment
