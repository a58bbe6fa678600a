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


# Role checks (#26 §1): which role may do what is declared in each app's ``policy.py`` (the rule tables, and named
# predicates for what a role is shown); views, imports, cards, services and menus ask it by name. A raw role check
# anywhere else — ``user_role(…)``, ``is_hq(…)``, or a comparison with a user's ``role`` or a ``Role`` member — is
# refused, but in these modules, where it is inherent (how many lines each may hold; lower it when one goes):
ROLE_CHECKS_ALLOWED = {
    "accounts/models.py": 1,  # the role field's own helper (``User.is_liaison_officer``)
    "core/admin_site.py": 6,  # the admin site's gate: HQ only, every model admin alike
    # The officers' names on an enterprise's file; left while the visit notes' masking is reworked beside it.
    "liaison/cards.py": 1,
    # Seeding accounts: which scope a new demo (or load-test) account of each role is given.
    "demo/loader.py": 2,
    "demo/management/commands/loadtest.py": 3,
}
# Where the roles themselves are defined and read: the policy modules and the restricted queryset.
ROLE_CHECK_HOMES = {"core/scoping.py"}


def _is_role_operand(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "role" or isinstance(node, ast.Name) and node.id == "role":
        return True
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        return (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in ("user_role", "is_hq")
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role_operand(e) for e in node.elts)
    return False


def _raw_role_checks() -> dict[str, list[int]]:
    """Module → the lines that check a role by hand (outside the policy modules)."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in module or path.name == "policy.py" or module in ROLE_CHECK_HOMES:
            continue
        lines: set[int] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _is_role_operand(node) or isinstance(node, ast.Compare) and any(_is_role_operand(n) for n in [node.left, *node.comparators]):
                lines.add(node.lineno)
        if lines:
            found[module] = sorted(lines)
    return found


def test_role_checks_are_asked_of_the_declared_policy() -> None:
    """No module checks a role by hand but those allowed, each with no more lines than it has today."""
    found = _raw_role_checks()
    offenders = {module: lines for module, lines in found.items()
                 if len(lines) > ROLE_CHECKS_ALLOWED.get(module, 0)}
    assert offenders == {}, "ask the app's policy.py (a declared rule or a named predicate) instead"


def test_the_role_check_allow_list_is_tight() -> None:
    """An allowed module that no longer needs its lines is taken off (the count can only go down)."""
    found = _raw_role_checks()
    assert {m: len(found.get(m, [])) for m in ROLE_CHECKS_ALLOWED} == ROLE_CHECKS_ALLOWED
