"""Start-up (#27 §4): loading the apps (``django.setup()``, and so ``dualtrack help`` and every command) imports
none of the analytics and document libraries; each is imported when first used (``dualtrack.core.lazy``).
A behaviour test, not a timed one: docs/benchmarks.md ("Start-up") has the times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("ibis", "duckdb", "pyarrow", "scipy", "numpy", "pandas", "sqlglot", "openpyxl", "docx", "lxml", "PIL",
         "segno", "matplotlib", "sklearn", "jieba", "pyspark")
LOADED = f"import json, sys; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dualtrack.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603 - our own interpreter
                          capture_output=True, text=True, timeout=120, check=False)


def test_loading_the_apps_imports_no_heavy_library() -> None:
    done = _run(f"import django; django.setup(); {LOADED}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_dualtrack_help_lists_the_commands_without_them() -> None:
    done = _run("import contextlib, io, sys\n"
                "from dualtrack.cli import main\n"
                "out = io.StringIO()\n"
                "with contextlib.redirect_stdout(out):\n"
                "    main(['help'])\n"
                "sys.stderr.write(out.getvalue())\n"
                f"{LOADED}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert "[demo]" in done.stderr and "bulletin" in done.stderr  # the apps' own commands are listed


def test_dualtrack_help_does_not_load_the_apps() -> None:
    """The listing needs the apps' names and folders only: no app is loaded (no model, no admin), which is what
    makes ``dualtrack help`` start in a fraction of a second (docs/benchmarks.md, "Start-up")."""
    done = _run("import contextlib, io, json, sys\n"
                "from django.apps import apps\n"
                "from dualtrack.cli import main\n"
                "with contextlib.redirect_stdout(io.StringIO()):\n"
                "    main(['help'])\n"
                "print(json.dumps([apps.ready, sorted(m for m in sys.modules if m.startswith('django.contrib.admin')"
                " or m.endswith('.models'))]))")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [False, []]


def test_the_quick_listing_is_djangos_listing() -> None:
    """Every command of every app, grouped as Django groups them: the same text ``ManagementUtility`` prints once
    the apps are loaded (here they are, by the test run)."""
    from django.core.management import ManagementUtility

    from dualtrack.cli import command_listing

    assert command_listing() == ManagementUtility(["dualtrack", "help"]).main_help_text()
    assert "    import" in command_listing() and "[demo]" in command_listing()


def test_the_console_script_help_exits_0() -> None:
    done = subprocess.run([sys.executable, "-m", "dualtrack.cli", "help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "migrate" in done.stdout


def test_a_lazy_module_imports_on_first_use() -> None:
    done = _run("import sys\n"
                "from dualtrack.core.lazy import lazy\n"
                "import dualtrack.core.dates as dates\n"
                "segno, mine = lazy('segno'), lazy('dualtrack.core.dates')\n"
                "assert 'segno' not in sys.modules\n"
                "assert segno.make is sys.modules['segno'].make\n"
                "dates.SHANGHAI = 'patched'\n"
                "assert mine.SHANGHAI == 'patched'  # a dualtrack module is read live: a patch there is seen\n"
                "xml = lazy('xml')\n"
                "assert xml.dom is sys.modules['xml.dom']  # a submodule its package does not import: imported\n"
                "print('ok')")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
