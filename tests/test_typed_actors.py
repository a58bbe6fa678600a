"""Who acts and who reads is typed (#27 §3): a parameter (or field) named ``user`` or ``actor`` is an
:class:`~dualtrack.core.actors.Actor` (someone who acts: a signed-in user or the console's ``SystemActor``) or a
:data:`~dualtrack.core.actors.Viewer` (someone who reads: an Actor, the anonymous visitor, or nobody), so mypy
checks the attributes read of it (a rule's ``user.county_id``) and the kind passed (a write given a page's
``request.user``). ``user: Any`` is what is left to type, per package: the counts can only go down. Read from the
source with ``ast``, so a new annotation is checked without being run."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from typing import Any

from .conftest import City

PACKAGE = Path(__file__).resolve().parent.parent / "dualtrack"
NAMES = {"user", "actor"}

# Package → how many ``user``/``actor`` annotations still say ``Any`` (a package not listed has none). Since #27
# every package is typed: keep it empty.
UNTYPED_ALLOWED: dict[str, int] = {}


def _says_any(annotation: ast.expr | None) -> bool:
    """Whether an annotation is, or has in a union, ``Any`` (a string annotation is parsed first)."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    return any(isinstance(n, ast.Name) and n.id == "Any" or isinstance(n, ast.Attribute) and n.attr == "Any"
               for n in ast.walk(annotation))


def _untyped() -> dict[str, list[str]]:
    """Package → ``module:line`` of every parameter, field or variable named ``user``/``actor`` annotated Any."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in module or "/" not in module:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            hits: list[int] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                args = node.args
                hits = [a.lineno for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
                        if a.arg in NAMES and _says_any(a.annotation)]
            elif isinstance(node, ast.AnnAssign):
                target = node.target
                name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
                if name in NAMES and _says_any(node.annotation):
                    hits = [node.lineno]
            for line in hits:
                found.setdefault(module.split("/")[0], []).append(f"{module}:{line}")
    return found


def test_no_package_has_more_untyped_users_than_allowed() -> None:
    """A new ``user: Any`` (or ``actor: Any``) is refused: type it ``Actor`` (writes) or ``Viewer`` (reads)."""
    found = _untyped()
    offenders = {package: where for package, where in found.items()
                 if len(where) > UNTYPED_ALLOWED.get(package, 0)}
    assert offenders == {}, "annotate a user as dualtrack.core.actors.Actor (who acts) or Viewer (who reads)"


def test_the_untyped_user_allow_list_is_tight() -> None:
    """A package that typed some of its users has its count lowered (the count can only go down)."""
    found = _untyped()
    assert {p: len(found.get(p, [])) for p in UNTYPED_ALLOWED} == UNTYPED_ALLOWED


def test_the_counter_sees_what_it_counts() -> None:
    """The counter finds parameters, keyword-only parameters, fields and unions with Any; not a typed user."""
    source = ("def f(user: Any, *, actor: 'Any | None' = None) -> None: ...\n"
              "def g(user: Viewer, actor: Actor) -> None: ...\n"
              "class C:\n    user: AnonymousUser | Any\n")
    tree = ast.parse(source)
    funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    f_args = [*funcs[0].args.args, *funcs[0].args.kwonlyargs]
    g_args = funcs[1].args.args
    field = next(n for n in ast.walk(tree) if isinstance(n, ast.AnnAssign))
    assert [_says_any(a.annotation) for a in f_args] == [True, True]
    assert [_says_any(a.annotation) for a in g_args] == [False, False]
    assert _says_any(field.annotation)


def test_a_console_import_records_a_move_with_no_user(city: City) -> None:
    """What typing the import's user as an Actor found: a ledger imported at the console (``dualtrack import``
    without ``--user``, the SystemActor) that moved a problem's state stored the console operator as the step's
    user (a ValueError, the whole import refused). The step names the operator and links no user."""
    from dualtrack.core.actors import SystemActor
    from dualtrack.core.imports import get_dataset, run_import
    from dualtrack.problems.models import ProblemEvent

    from .helpers import csv_bytes

    header = ["编号", "提出日期", "统一社会信用代码", "项目代码", "类别", "复杂程度", "描述", "责任部门", "交办时间", "状态", "办结时间"]
    dataset = get_dataset("problems")
    assert dataset is not None
    operator = SystemActor("system:ops")

    def load(state: str, resolved: str) -> Any:
        row = ["WT2020-00105", "2020-02-11", "", "", "资金", "复杂", "贷款难", "JXJ", "2020-02-11 10:00", state, resolved]
        return run_import(dataset, io.BytesIO(csv_bytes([header, row])), "ledger.csv", operator)

    assert load("办结", "2020-02-21 17:00").created == 1
    assert load("销号", "2020-02-21 17:00").updated == 1
    step = ProblemEvent.objects.filter(problem__ref="WT2020-00105").order_by("pk").last()
    assert step is not None
    assert (step.from_state, step.to_state, step.actor_id, step.actor_name) == ("resolved", "closed", None, "system:ops")
