"""The ``dualtrack`` console script: every operator task is a subcommand.

``dualtrack demo``, ``dualtrack import <dataset> <file>``, ``dualtrack createuser``, ``dualtrack migrate``,
``dualtrack runserver`` … are Django management commands run with dualtrack's settings.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

HELP: tuple[list[str], ...] = ([], ["help"], ["--help"], ["-h"])


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualtrack.settings")
    args = sys.argv[1:] if argv is None else argv
    if args in HELP:
        # The list of commands needs the apps' names and folders, not their models: loading every app (Django's
        # setup, about 0.85 s) only to print it made the first thing a new operator types the slowest.
        try:
            listing = command_listing()
        except Exception:  # noqa: BLE001 - settings that do not load: Django's own help says what is wrong
            listing = None
        if listing is not None:
            sys.stdout.write(listing + "\n")
            return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dualtrack", *args])


def command_listing(prog: str = "dualtrack") -> str:
    """Exactly what Django's ``help`` prints (``ManagementUtility.main_help_text``), from each installed app's
    name and its ``management/commands`` folder; no app is loaded, no model imported.
    ``tests/test_startup.py`` compares it with Django's own listing."""
    from collections import defaultdict

    import django.core.management
    from django.conf import settings
    from django.core.management import find_commands
    from django.core.management.color import color_style

    commands = {name: "django.core" for name in find_commands(django.core.management.__path__[0])}
    for name in reversed([_app_name(entry) for entry in settings.INSTALLED_APPS]):
        spec = _spec(name)
        folders = spec.submodule_search_locations if spec else None
        if folders:
            commands.update({command: name for command in find_commands(os.path.join(folders[0], "management"))})
    by_app: dict[str, list[str]] = defaultdict(list)
    for name, app in commands.items():
        by_app["django" if app == "django.core" else app.rpartition(".")[-1]].append(name)
    style = color_style()
    usage = ["", f"Type '{prog} help <subcommand>' for help on a specific subcommand.", "", "Available subcommands:"]
    for app in sorted(by_app):
        usage += ["", style.NOTICE(f"[{app}]"), *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(usage)


def _app_name(entry: str) -> str:
    """An ``INSTALLED_APPS`` entry's app name, as ``AppConfig.create`` finds it, without importing the app: a
    module is its own name; a configuration class (a last part in capitals, e.g. the HQ admin's) has the ``name``
    its class body or a base class's body gives, read from the source (importing ``django.contrib.admin.apps``
    alone costs 0.15 s). What the source does not tell plainly is imported."""
    module, _, last = entry.rpartition(".")
    if not (module and last[:1].isupper()):
        return entry
    return _class_attribute(module, last, "name") or str(getattr(importlib.import_module(module), last).name)


def _spec(module: str) -> ModuleSpec | None:
    """Where ``module`` is, found part by part without running any package's ``__init__`` on the way
    (``importlib.util.find_spec`` imports the parents: ``django.contrib.admin``'s alone is 0.15 s)."""
    from importlib.machinery import PathFinder

    spec, parts = None, module.split(".")
    for index in range(len(parts)):
        name = ".".join(parts[: index + 1])
        if name in sys.modules:
            spec = getattr(sys.modules[name], "__spec__", None)
        else:
            spec = PathFinder.find_spec(name, spec.submodule_search_locations if spec else None)
        if spec is None:
            return None
    return spec


def _class_attribute(module: str, cls: str, attribute: str, depth: int = 0) -> str | None:
    import ast

    spec = _spec(module)
    if depth > 3 or spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    imported = {alias.asname or alias.name: node.module for node in tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names if node.module and not node.level}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if (isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attribute
                                                         for t in item.targets)
                        and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)):
                    return item.value.value
            bases = [base.id for base in node.bases if isinstance(base, ast.Name)]
            if len(bases) == 1:
                base = bases[0]
                return _class_attribute(imported.get(base, module), base, attribute, depth + 1)
    return None

if __name__ == "__main__":
    main()
