"""The code's shape (#13 §4): apps depend on core, never the reverse; apps reach each other only through their
``services`` (or ``policy``/``choices`` declarations); no import cycle between apps. Read from the source with
``ast``, so a new import is checked without being run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dualtrack"
APPS = sorted(p.parent.name for p in PACKAGE.glob("*/apps.py"))
# What one app may import of another: its services (the public face), its choices (constants) and, for the URL
# and API roots only, views and api modules.
PUBLIC_MODULES = {"services", "choices"}


def _imports() -> list[tuple[str, str, str, str]]:
    """(importing app, imported app, imported module, file) for every import of a dualtrack app's module."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or len(parts) < 2 or parts[0] not in APPS:
            continue
        source = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # ``from dualtrack.registry import services``: the module imported is the name, not the package
                package_only = len(node.module.split(".")) == 2
                names = [f"{node.module}.{a.name}" for a in node.names] if package_only else [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if len(bits) >= 2 and bits[0] == "dualtrack" and bits[1] in APPS and bits[1] != source:
                    found.append((source, bits[1], ".".join(bits[2:3]) or "", str(path.relative_to(PACKAGE))))
    return found


def test_core_depends_on_no_app() -> None:
    offenders = [(f, target) for app, target, _m, f in _imports() if app == "core"]
    assert offenders == []


def test_no_import_cycle_between_apps() -> None:
    graph: dict[str, set[str]] = {app: set() for app in APPS}
    for app, target, _module, _file in _imports():
        if app != "demo":  # the demo loads every app's data; nothing depends on it
            graph[app].add(target)
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in trail:
                cycles.append([*trail[trail.index(nxt):], nxt])
            elif len(trail) < len(APPS):
                visit(nxt, [*trail, nxt])

    for app in APPS:
        visit(app, [app])
    assert cycles == []


def test_no_app_depends_on_the_demo_or_the_portal() -> None:
    offenders = [(app, f) for app, target, _m, f in _imports() if target in ("demo", "portal") and app != "demo"]
    assert offenders == []


@pytest.mark.parametrize("app", [a for a in APPS if a not in ("core", "demo")])
def test_apps_reach_each_other_through_services(app: str) -> None:
    """Another app's models, views or internals are not imported; its ``services`` (and constants) are."""
    offenders = sorted({(f, f"{target}.{module}") for source, target, module, f in _imports()
                        if source == app and module not in PUBLIC_MODULES and target != "core"})
    assert offenders == []
