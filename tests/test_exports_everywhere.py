"""Every .xlsx the platform writes goes through the one export path (``core.exports``, DOMAIN.md §15): a name
that reaches a file (``=HYPERLINK(…)``, ``+1``, ``-1``, ``@SUM(1)``) is stored as text, never as a formula, and
numbers stay numbers (#26 §5). The files are collected from the code: every module that writes an .xlsx is named
in ``PRODUCERS`` below (a new one fails :func:`test_every_xlsx_writer_is_covered` until a test here opens its
file), and no module but ``core/exports.py`` writes with openpyxl."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from dualtrack.registry.models import Enterprise, Region

from .conftest import City
from .test_assessment_report import assessed, clock  # noqa: F401  (the fixtures of an assessed city)

PACKAGE = Path(__file__).resolve().parent.parent / "dualtrack"
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)"]
# The functions of the one export path; a module that calls one of them writes an .xlsx.
EXPORT_PATH = {"write_xlsx", "xlsx_download", "xlsx_bytes", "register_export", "template_xlsx", "xlsx"}
# Every module that writes an .xlsx, and the test below that opens its file with hostile names in it.
PRODUCERS = {
    "bulletins/render.py": "test_the_bulletin_annex_and_the_monthly_report",
    "bulletins/services.py": "test_the_bulletin_annex_and_the_monthly_report",
    "bulletins/views.py": "test_the_bulletin_annex_and_the_monthly_report",
    "bulletins/management/commands/bulletin.py": "test_the_bulletin_annex_and_the_monthly_report",
    "bulletins/management/commands/bench_bulletin.py": "test_the_bulletin_annex_and_the_monthly_report",
    "economy/report.py": "test_the_bulletin_annex_and_the_monthly_report",
    "core/imports/template.py": "test_every_import_template",
    "core/views_imports.py": "test_every_import_template",
    "poverty/board.py": "test_the_frozen_weekly_board",
    "core/exportjobs.py": "test_every_list_export",
    "registry/exports.py": "test_every_list_export",
    "registry/apps.py": "test_every_list_export",
    "registry/management/commands/export.py": "test_the_cli_export",
    "problems/views.py": "test_every_list_export",
    "problems/apps.py": "test_every_list_export",
    "policies/views.py": "test_every_list_export",
    "policies/apps.py": "test_every_list_export",
    "projects/views.py": "test_every_list_export",
    "resumption/views.py": "test_every_list_export",
    "economy/views.py": "test_every_list_export",
    "investment/views.py": "test_every_list_export",
    "workreturn/views.py": "test_every_list_export",
    "core/views_judgements.py": "test_every_list_export",
    "filings/views.py": "test_every_list_export",
    "supplies/views.py": "test_every_list_export",
    "assessment/views.py": "test_every_list_export",
    "assessment/report.py": "test_the_assessment_report",
}
LIST_EXPORTS = [
    "/registry/enterprises/export.xlsx", "/problems/?format=xlsx", "/policies/applications/?format=xlsx",
    "/projects/?format=xlsx", "/resumption/crosscheck/?format=xlsx", "/economy/?format=xlsx",
    "/investment/leads.xlsx", "/investment/league.xlsx", "/investment/pipeline.xlsx", "/investment/bids.xlsx",
    "/judgements/export?measure=epidemic", "/judgements/export?measure=economy&period=2020-04",
    "/worker-return/?format=xlsx", "/filings/board.xlsx", "/filings/unfiled.xlsx", "/supplies/board.xlsx",
    "/supplies/stock.xlsx", "/supplies/coverage.xlsx", "/assessment/enterprises.xlsx", "/assessment/parks.xlsx",
]


def _sources() -> list[tuple[str, ast.AST]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE))
        if "/migrations/" in relative or relative.startswith("demo/"):
            continue
        found.append((relative, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def check(data: bytes, *, planted: bool = True) -> dict[str, list[Any]]:
    """Open the file: no cell anywhere is a formula; the hostile texts (when planted) are there as text. The
    values of every sheet by title."""
    workbook = load_workbook(io.BytesIO(bytes(data)))
    values: dict[str, list[Any]] = {}
    texts: set[str] = set()
    for sheet in workbook.worksheets:
        cells = [c for row in sheet.iter_rows() for c in row]
        formulas = [(sheet.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
        assert formulas == []
        texts |= {c.value for c in cells if isinstance(c.value, str)}
        values[sheet.title] = [c.value for c in cells]
    if planted:
        assert texts & set(HOSTILE), "a hostile name should have reached the file"
    return values


def _numbers(values: list[Any]) -> list[Any]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def test_no_module_but_the_export_path_writes_with_openpyxl() -> None:
    """openpyxl's writing parts (``Workbook``, cells, styles) are imported by ``core/exports.py`` alone; reading
    (``load_workbook``) and ``openpyxl.utils`` stay free."""
    offenders = []
    for relative, tree in _sources():
        if relative == "core/exports.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                if node.module == "openpyxl.utils" or node.module.startswith("openpyxl.utils."):
                    continue
                offenders += [f"{relative}: from {node.module} import {a.name}" for a in node.names
                              if a.name != "load_workbook"]
            elif isinstance(node, ast.Import):
                offenders += [f"{relative}: import {a.name}" for a in node.names if a.name.startswith("openpyxl")]
    assert offenders == []


def test_every_xlsx_writer_is_covered() -> None:
    """Each module that calls the export path is named in PRODUCERS, with the test that opens its file."""
    writers = {relative for relative, tree in _sources()
               if relative != "core/exports.py" and _calls(tree) & EXPORT_PATH and _writes_xlsx(relative, tree)}
    assert writers - set(PRODUCERS) == set()
    assert all(name in globals() for name in PRODUCERS.values())


def _writes_xlsx(relative: str, tree: ast.AST) -> bool:
    """``xlsx`` (a call of ``render.xlsx`` / ``formats.xlsx``) counts only where it is the bulletin's renderer."""
    calls = _calls(tree) & EXPORT_PATH
    return bool(calls - {"xlsx"}) or relative.startswith(("bulletins/", "economy/"))


@pytest.fixture
def hostile_city(city: City) -> City:
    """The small city with hostile names where the lists show them: enterprises and counties."""
    for enterprise, name in zip(Enterprise.objects.order_by("pk"), HOSTILE, strict=False):
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
    for region, name in zip(Region.objects.filter(level="county").order_by("code"), HOSTILE, strict=False):
        Region.objects.filter(pk=region.pk).update(name=name)
    return city


def test_the_bulletin_annex_and_the_monthly_report(city: City) -> None:
    from dualtrack.bulletins import content, render
    from dualtrack.bulletins import services as bulletins
    from dualtrack.economy import report

    top = content.Table("投资额最大的10个红灯项目", ["项目编号", "项目名称", "投资", "完成率"],
                        ["text", "text", "decimal", "percent"],
                        [["P1", HOSTILE[0], 12.5, 0.25], ["P2", HOSTILE[1], "7.50", 0.5]])
    annex = content.Table("红灯项目清单", ["项目编号", "项目名称", "责任单位", "投资"], ["text", "text", "text", "decimal"],
                          [["P3", HOSTILE[2], HOSTILE[3], 3]], annex=True)
    bulletin = content.Bulletin(dt.date(2020, 2, 19), "每日通报", "v1", [
        content.Section("一、重点项目", [HOSTILE[0] + "等项目亮红灯"], [top, annex])], figures={},
        masthead=content.Masthead("双线作战指挥部", "办公室", signer=HOSTILE[3]))
    values = check(render.xlsx(bulletin))
    assert set(values) == {"通报正文", "投资额最大的10个红灯项目", "附件1 红灯项目清单"}
    assert _numbers(values["投资额最大的10个红灯项目"]) == [12.5, 0.25, 7.5, 0.5]  # "7.50" from JSON: a number
    assert _numbers(values["附件1 红灯项目清单"]) == [3]
    # The monthly economy report's Excel file is the bulletin's layout, from its stored content.
    sections = [{"heading": "三、分区县(市)、园区情况", "paragraphs": ["-1 同比下降"], "tables": [{
        "title": "分区县(市)、园区指标完成情况", "headers": ["范围", "指标", "累计增速", "排名"],
        "formats": ["text", "text", "percent", "int"], "rows": [[HOSTILE[0], HOSTILE[2], 0.061, 1]]}]}]
    files = report._files({"month": "2020-03", "title": "全市经济运行主要指标完成情况", "rules_version": "v1",
                           "masthead": bulletins.masthead_dict(), "sections": sections})
    values = check(files["xlsx"])
    assert _numbers(values["分区县(市)、园区指标完成情况"]) == [0.061, 1]


def test_every_import_template(city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every dataset's template opens without a formula; an example that looks like one stays text."""
    from dualtrack.core.imports.base import registered_datasets
    from dualtrack.core.imports.template import template_xlsx

    datasets = registered_datasets()
    assert len(datasets) > 10
    for dataset in datasets:
        check(template_xlsx(dataset), planted=False)
    first = datasets[0]
    monkeypatch.setattr(type(first), "template_rows", lambda self: [HOSTILE, HOSTILE])
    check(template_xlsx(first))


def test_the_frozen_weekly_board(hostile_city: City) -> None:
    from dualtrack.poverty import board

    week = board.monday(dt.date(2020, 4, 20))
    frozen = board.freeze_week(None, week, as_of=week)
    values = check(frozen.xlsx, planted=False)
    assert _numbers(next(iter(values.values())))  # the counts are numbers
    # A county's line as the board writes it, its name hostile (the file is written from the stored figures).
    data = dict(frozen.figures)
    data["counties"] = [{**data["totals"], "name": HOSTILE[0], "supervised": True, "monitored_share": 0.1,
                         "warning": False, "outbound_rate": 0.5}]
    values = check(board._workbook(data))
    assert 50.0 in _numbers(next(iter(values.values())))


def test_every_list_export(client: Any, hostile_city: City, settings: Any) -> None:
    client.force_login(hostile_city.users["hq"])
    planted = {"/registry/enterprises/export.xlsx"}
    for url in LIST_EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        data = b"".join(response.streaming_content) if response.streaming else response.content
        check(data, planted=url in planted)
    numbers = check(b"".join(client.get(LIST_EXPORTS[0]).streaming_content))
    assert _numbers(next(iter(numbers.values())))  # headcounts stay numbers
    # A long list is a job: its file goes through the same path.
    from dualtrack.core import exportjobs
    from dualtrack.core.models import ExportJob

    settings.EXPORT_INLINE_ROWS = 0
    assert client.get(LIST_EXPORTS[0]).status_code == 302
    job = ExportJob.objects.get()
    assert exportjobs.run(job.pk)
    check(exportjobs.file_of(job).read_bytes())


def test_the_cli_export(hostile_city: City, tmp_path: Path) -> None:
    target = tmp_path / "enterprises.xlsx"
    call_command("export", "enterprises", "--output", str(target), "--user", hostile_city.users["hq"].username,
                 stdout=io.StringIO())
    check(target.read_bytes())


def test_the_assessment_report(client: Any, assessed: City) -> None:  # noqa: F811 - the imported fixture
    """The yearly 亩均 report's workbook, a hostile enterprise name in it, through the one export path."""
    Enterprise.objects.filter(pk=assessed.e_jiangbei.pk).update(name=HOSTILE[0])
    client.force_login(assessed.users["hq"])
    response = client.get("/assessment/report.xlsx?year=2019")
    assert response.status_code == 200
    values = check(b"".join(response.streaming_content) if response.streaming else response.content)
    assert any(_numbers(v) for v in values.values())
