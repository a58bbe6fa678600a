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


def _imported_names(node: ast.AST, module: str) -> list[str]:
    """The dotted names an import statement of ``module`` (``dualtrack.projects.views``) brings in, relative ones
    made absolute: ``from ..registry.models import X`` is ``dualtrack.registry.models``; ``from ..registry import
    services`` and ``from dualtrack import registry`` name the module (or package) imported, not its parent."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = module.split(".")[:-1]  # a package's own ``__init__`` is read as ``<package>.__init__``
        base = package[:len(package) - (node.level - 1)]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
    else:
        target = node.module or ""
    # ``from dualtrack.registry import services`` / ``from dualtrack import registry``: the name is what is imported
    if len(target.split(".")) <= 2:
        return [f"{target}.{a.name}" for a in node.names]
    return [target]


def _module_of(path: Path) -> str:
    return ".".join(["dualtrack", *path.relative_to(PACKAGE).with_suffix("").parts])


def _sources() -> list[tuple[str, str, ast.Module]]:
    """(app, module, tree) for every module of a dualtrack app but migrations."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or len(parts) < 2 or parts[0] not in APPS:
            continue
        found.append((parts[0], _module_of(path), ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _imports_in(source: str, module: str, tree: ast.Module) -> list[tuple[str, str, str, str]]:
    """(importing app, imported app, imported module, file) for every import of another dualtrack app's module,
    absolute or relative, at module level or inside a function."""
    found = []
    file = "/".join(module.split(".")[1:]) + ".py"
    for node in ast.walk(tree):
        for name in _imported_names(node, module):
            bits = name.split(".")
            if len(bits) >= 2 and bits[0] == "dualtrack" and bits[1] in APPS and bits[1] != source:
                found.append((source, bits[1], ".".join(bits[2:3]) or "", file))
    return found


def _imports() -> list[tuple[str, str, str, str]]:
    """(importing app, imported app, imported module, file) for every import of a dualtrack app's module."""
    return [found for app, module, tree in _sources() for found in _imports_in(app, module, tree)]


@pytest.mark.parametrize(("line", "module", "found"), [
    ("from ..registry.models import Enterprise", "dualtrack.projects.views", ("registry", "models")),
    ("from ..registry import services", "dualtrack.projects.views", ("registry", "services")),
    ("from ... import registry", "dualtrack.projects.management.x", ("registry", "")),
    ("from dualtrack import registry", "dualtrack.projects.views", ("registry", "")),
    ("from dualtrack.registry import services", "dualtrack.projects.views", ("registry", "services")),
    ("from dualtrack.registry.models import Enterprise", "dualtrack.projects.views", ("registry", "models")),
    ("import dualtrack.registry.models", "dualtrack.projects.views", ("registry", "models")),
    ("import dualtrack.registry", "dualtrack.projects.views", ("registry", "")),
    ("from .models import Project", "dualtrack.projects.views", None),
    ("from .. import settings", "dualtrack.projects.views", None),
])
def test_every_form_of_import_is_read(line: str, module: str, found: tuple[str, str] | None) -> None:
    """The reader sees an app reached by a relative import or as a whole package as it sees an absolute one (a
    relative ``from ..registry.models import …`` and ``from dualtrack import registry`` once passed unseen)."""
    seen = [(target, imported) for _s, target, imported, _f in _imports_in("projects", module, ast.parse(line))]
    assert seen == ([found] if found else [])


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


# Inside an app, modules import each other freely but never in a circle. As between apps, every import counts,
# a function-local (lazy) one too: a lazy import hides a cycle from Python's loader, not from the reader, and it is
# how ``resumption.picture`` ↔ ``resumption.services`` stood (the one rule both needed lived in services, which
# imported the picture last). A rule two modules share goes to the module it belongs to, imported one way.
def _modules_within(app: str) -> dict[str, set[str]]:
    """Module → the modules of the same app it imports: ``from .x import y`` is module ``x.y`` when there is one,
    else ``x``. A module's own enclosing package is not an edge (Python has begun it before the module)."""
    sources = [(module, tree) for source, module, tree in _sources() if source == app]
    modules = {module.removesuffix(".__init__") for module, _tree in sources}
    graph: dict[str, set[str]] = {module.removesuffix(".__init__"): set() for module, _tree in sources}
    for module, tree in sources:
        me = module.removesuffix(".__init__")
        for node in ast.walk(tree):
            names = _imported_names(node, module)
            if isinstance(node, ast.ImportFrom):
                names = [f"{n}.{a.name}" if f"{n}.{a.name}" in modules else n for n in names for a in node.names]
            for name in names:
                if name in modules and name != me and not me.startswith(f"{name}."):
                    graph[me].add(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other round (strongly connected, Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                groups.append(sorted([*group, node]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    graph = {"a.picture": {"a.snapshot", "a.services"}, "a.services": {"a.picture"}, "a.snapshot": set()}
    assert _cycles(graph) == [["a.picture", "a.services"]]
    assert _cycles({"a.views": {"a.services"}, "a.services": {"a.models"}, "a.models": set()}) == []


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_inside_an_app(app: str) -> None:
    assert _cycles(_modules_within(app)) == []


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
