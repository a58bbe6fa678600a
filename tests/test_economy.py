"""Economy against the year's targets (DOMAIN.md §11, issue #16): the formulas at their boundaries, the three
datasets, scope, the API and CLI contract, the monthly report, the card and the bulletin section."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.models import AuditLog
from dualtrack.economy import engine, report, services
from dualtrack.economy.choices import ScopeKind
from dualtrack.economy.models import Actual, MonthlyReport
from dualtrack.economy.rules import DEFAULT

from .conftest import City
from .helpers import csv_bytes

D = dt.date
RULES = dict(DEFAULT)


def figures(kind: str = "amount", scope_kind: str = ScopeKind.CITY, *, target: str | None = "100",
            target_growth: str | None = "0.08", prior_year_total: str | None = None, cumulative: str | None = None,
            prior_cumulative: str | None = None, growth: str | None = None) -> engine.Figures:
    def dec(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return engine.Figures(kind, scope_kind, dec(target), dec(target_growth), dec(prior_year_total), dec(cumulative),
                          dec(prior_cumulative), dec(growth))


# --- the formulas at their boundaries -------------------------------------------------------------------------

def test_time_progress_counts_both_ends_and_knows_leap_years() -> None:
    assert engine.time_progress(D(2020, 2, 1)) == Fraction(60, 366)  # 31 + 29 days of a leap year
    assert engine.time_progress(D(2019, 2, 1)) == Fraction(59, 365)
    assert engine.time_progress(D(2020, 6, 1)) == Fraction(182, 366)
    assert engine.time_progress(D(2020, 12, 1)) == 1 and engine.time_progress(D(2021, 12, 1)) == 1


def test_growth_as_reported_else_from_cumulative_values_else_none() -> None:
    assert engine.growth(Decimal("0.05"), Decimal("120"), Decimal("100")) == Decimal("0.05")  # reported wins
    assert engine.growth(None, Decimal("106.5"), Decimal("100")) == Decimal("0.065")
    assert engine.growth(None, Decimal("5"), Decimal("0")) is None and engine.growth(None, Decimal("5"), None) is None


@pytest.mark.parametrize(("cumulative", "light"), [("108", "green"), ("107.99", "yellow"), ("100", "yellow"),
                                                   ("99.99", "red")])
def test_light_at_the_target_growth_and_at_zero(cumulative: str, light: str) -> None:
    """Growth exactly at the target is green; exactly 0 is yellow (not red); below 0 is red."""
    verdict = engine.judge(figures(cumulative=cumulative, prior_cumulative="100"), D(2020, 3, 1), None, RULES)
    assert verdict.light == light


def test_a_county_must_also_reach_the_citys_growth_for_green() -> None:
    county = figures(scope_kind=ScopeKind.COUNTY, cumulative="110", prior_cumulative="100")  # g = 10% ≥ 8%
    assert engine.judge(county, D(2020, 3, 1), Decimal("0.10"), RULES).light == "green"  # exactly the city's
    assert engine.judge(county, D(2020, 3, 1), Decimal("0.1000001"), RULES).light == "yellow"
    assert engine.judge(county, D(2020, 3, 1), None, RULES).light == "yellow"  # the city's unknown: not proven
    assert engine.judge(figures(cumulative=None), D(2020, 3, 1), None, RULES).light is None  # g unknown


def test_completion_exactly_at_time_progress_is_on_schedule() -> None:
    tau = engine.time_progress(D(2020, 6, 1))  # 182/366
    at = engine.judge(figures(target="366", cumulative="182"), D(2020, 6, 1), None, RULES)
    assert at.completion is not None and Fraction(at.completion) == tau and at.on_schedule is True
    assert engine.judge(figures(target="366", cumulative="181.99"), D(2020, 6, 1), None, RULES).on_schedule is False


def test_double_half_from_june_at_exactly_one_half() -> None:
    half = figures(target="200", cumulative="100", prior_cumulative="92", target_growth="0.08")  # g = 8.69…%
    assert engine.judge(half, D(2020, 6, 1), None, RULES).double_half is True
    assert engine.judge(half, D(2020, 5, 1), None, RULES).double_half is None  # not before June
    short = figures(target="200", cumulative="99.99", prior_cumulative="92")
    assert engine.judge(short, D(2020, 6, 1), None, RULES).double_half is False
    slow = figures(target="200", cumulative="100", prior_cumulative="95")  # g = 5.3% < 8%
    assert engine.judge(slow, D(2020, 6, 1), None, RULES).double_half is False
    rate = figures("growth", target=None, growth="0.08")
    assert engine.judge(rate, D(2020, 7, 1), None, RULES).double_half is True
    assert engine.judge(rate, D(2020, 7, 1), None, RULES).completion is None


def test_growth_still_needed_for_the_rest_of_the_year() -> None:
    # T = 110, A = 40, P = 45, P_year = 100: the remaining 70 against last year's remaining 55 → +27.27…%
    verdict = engine.judge(figures(target="110", prior_year_total="100", cumulative="40", prior_cumulative="45"),
                           D(2020, 5, 1), None, RULES)
    assert verdict.needed_growth is not None and round(verdict.needed_growth, 6) == Decimal("0.272727")
    no_prior = figures(target="110", prior_year_total="100", cumulative="40")
    assert engine.judge(no_prior, D(2020, 5, 1), None, RULES).needed_growth is None
    past = figures(target="110", prior_year_total="100", cumulative="40", prior_cumulative="100")  # P_year = P
    assert engine.judge(past, D(2020, 12, 1), None, RULES).needed_growth is None


# --- the datasets, the services and their scope ------------------------------------------------------------------

def load(user: Any, name: str, rows: list[list[Any]]) -> Any:
    result = run_import(get_dataset(name), io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)
    return result


@pytest.fixture
def economy(city: City) -> City:
    hq = city.users["hq"]
    assert load(hq, "indicators", [["指标代码", "指标名称", "单位", "类型", "责任部门"],
                                   ["GDZC", "固定资产投资", "亿元", "总量", "JXJ"],
                                   ["GDP", "地区生产总值增速", "%", "增速", ""]]).ok
    assert load(hq, "economy_targets", [
        ["年度", "范围代码", "指标代码", "年度目标", "目标增速", "上年全年"],
        [2020, "339100", "GDZC", "1100", "10", "1000"], [2020, "339102", "GDZC", "440", "10", "400"],
        [2020, "339106", "GDZC", "330", "10", "300"], [2020, "GXQ", "GDZC", "110", "10", "100"],
        [2020, "339100", "GDP", "", "6.5", ""], [2020, "339102", "GDP", "", "6", ""]]).ok
    assert load(hq, "economy_actuals", [
        ["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
        ["2020-05", "339100", "GDZC", "396", "400", ""],  # −1%: red
        ["2020-05", "339102", "GDZC", "176", "160", ""],  # +10%: green (≥ target, ≥ city)
        ["2020-05", "339106", "GDZC", "120", "120", ""],  # 0: yellow
        ["2020-05", "GXQ", "GDZC", "44", "40", ""],
        ["2020-05", "339100", "GDP", "", "", "6.5"],  # exactly the target: green
        ["2020-05", "339102", "GDP", "", "", "-2.3"]]).ok
    return city


def test_imports_read_percent_as_fractions_and_judge_the_month(economy: City) -> None:
    month = D(2020, 5, 1)
    evaluation = services.evaluate(month)
    gdp = evaluation.row("GDP", "339100")
    assert gdp is not None and gdp.growth == Decimal("0.065") and gdp.light == "green"
    city = evaluation.row("GDZC", "339100")
    assert city is not None and city.light == "red" and city.completion == Decimal("0.36")
    assert evaluation.row("GDZC", "339102").light == "green"  # type: ignore[union-attr]
    assert evaluation.row("GDZC", "339106").light == "yellow"  # type: ignore[union-attr]
    assert (evaluation.row("GDZC", "339102").rank, evaluation.row("GDZC", "339106").rank) == (1, 2)  # type: ignore[union-attr]
    assert evaluation.rules_version == "economy:v1"


def test_bad_rows_name_their_row_and_column_and_write_nothing(economy: City) -> None:
    before = Actual.objects.count()
    result = load(economy.users["hq"], "economy_actuals", [
        ["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
        ["2020-06", "339100", "GDZC", "420", "430", ""],
        ["2020-06", "999999", "GDZC", "1", "", ""],
        ["2020-13", "339100", "GDZC", "1", "", ""],
        ["2020-06", "339100", "GDP", "", "", ""],
        ["2020-06", "339100", "NOPE", "1", "", ""]])
    assert not result.ok and Actual.objects.count() == before
    errors = {(e.row, e.column) for e in result.errors}
    assert {(3, "范围代码"), (4, "月份"), (5, "累计增速"), (6, "指标代码")} <= errors


def test_reimport_changes_nothing_and_a_corrected_month_is_audited(economy: City) -> None:
    hq = economy.users["hq"]
    rows = [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"], ["2020-05", "339100", "GDZC", "396", "400", ""]]
    changes = AuditLog.objects.filter(object_type="economy.actual").count()
    again = load(hq, "economy_actuals", rows)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert AuditLog.objects.filter(object_type="economy.actual").count() == changes  # nothing changed
    assert services.evaluate(D(2020, 5, 1)).row("GDZC", "339100").light == "red"  # type: ignore[union-attr]
    corrected = load(hq, "economy_actuals", [rows[0], ["2020-05", "339100", "GDZC", "440", "400", ""]])
    assert corrected.updated == 1
    entry = AuditLog.objects.filter(object_type="economy.actual", action="update").latest("id")
    assert entry.before == {"cumulative": "396.0000"} and entry.after == {"cumulative": "440.0000"}
    assert services.evaluate(D(2020, 5, 1)).row("GDZC", "339100").light == "green"  # type: ignore[union-attr]


def test_a_department_imports_only_the_indicators_it_reports(economy: City) -> None:
    department = economy.users["department"]  # 市经信局 reports GDZC, not GDP
    ok = load(department, "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                               ["2020-04", "339100", "GDZC", "300", "310", ""]])
    assert ok.ok
    refused = load(department, "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                                    ["2020-04", "339100", "GDP", "", "", "3"]])
    assert not refused.ok and "不由您的部门报送" in str(refused.errors[0])


def test_a_district_sees_its_county_and_the_city_and_404_for_another(client: Any, economy: City) -> None:
    client.force_login(economy.users["district"])
    page = client.get("/economy/", {"month": "2020-05"})
    assert page.status_code == 200
    assert {code for code, _n, _k in page.context["scopes"]} == {"339100", "339102", "GXQ"}
    assert page.context["scope"] == "339102"  # its own county first
    assert client.get("/economy/", {"month": "2020-05", "scope": "339106"}).status_code == 404
    assert client.get("/economy/indicators/GDZC/", {"month": "2020-05", "scope": "339106"}).status_code == 404
    assert client.get("/economy/indicators/GDZC/", {"month": "2020-05", "scope": "339102"}).status_code == 200
    api = client.get("/api/v1/economy", {"month": "2020-05"})
    assert {r["scope"] for r in api.json()["rows"]} == {"339100", "339102", "GXQ"}
    assert next(r for r in api.json()["rows"] if r["scope"] == "339102" and r["indicator"] == "GDZC")["light"] == "green"
    assert client.get("/api/v1/economy", {"month": "2020-5x"}).status_code == 400
    for role in ("enterprise", "liaison"):
        client.force_login(economy.users[role])
        assert client.get("/economy/").status_code == 403
        assert client.get("/api/v1/economy").status_code == 403


def test_cli_json_is_the_contract(economy: City) -> None:
    out = io.StringIO()
    call_command("economy", "--month", "2020-05", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["month"] == "2020-05" and data["rules_version"] == "economy:v1"
    row = next(r for r in data["rows"] if r["indicator"] == "GDZC" and r["scope"] == "339100")
    assert set(row) == {"indicator", "scope", "kind", "target", "target_growth", "actual", "growth", "completion",
                        "time_progress", "on_schedule", "double_half", "light", "needed_growth"}
    assert row == {"indicator": "GDZC", "scope": "339100", "kind": "amount", "target": 1100.0, "target_growth": 0.1,
                   "actual": 396.0, "growth": -0.01, "completion": 0.36, "time_progress": round(152 / 366, 6),
                   "on_schedule": False, "double_half": None, "light": "red",
                   "needed_growth": round((1100 - 396) / (1000 - 400) - 1, 6)}
    gdp = next(r for r in data["rows"] if r["indicator"] == "GDP" and r["scope"] == "339100")
    assert gdp["kind"] == "growth" and gdp["target"] is None and gdp["growth"] == 0.065 and gdp["completion"] is None


def test_the_monthly_report_in_the_bulletins_layout_stays_as_released(economy: City, client: Any) -> None:
    from docx import Document

    hq = economy.users["hq"]
    draft = report.generate(D(2020, 5, 1), hq)
    document = Document(io.BytesIO(bytes(draft.docx)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1—5月宁江市固定资产投资完成396.0亿元，同比下降1.0%，完成年度目标的36.0%" in text
    assert document.paragraphs[1].text == "（送审稿）"
    released = report.sign_off(draft, hq)
    assert released.status == "released" and released.content["masthead"]["number"] == 1
    assert Document(io.BytesIO(bytes(released.docx))).paragraphs[1].text == "2020年第1期"
    load(hq, "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                 ["2020-05", "339100", "GDZC", "450", "400", ""]])
    with pytest.raises(ValidationError):
        report.generate(D(2020, 5, 1), hq)
    kept = MonthlyReport.objects.get(pk=draft.pk)
    assert kept.content == released.content and "同比下降1.0%" in json.dumps(kept.content, ensure_ascii=False)
    client.force_login(hq)
    download = client.get("/economy/report/", {"month": "2020-05", "fmt": "xlsx"})
    assert download.status_code == 200 and "filename*=utf-8''" in download["Content-Disposition"]
    client.force_login(economy.users["district"])
    assert client.get("/economy/report/", {"month": "2020-05"}).status_code == 403


def test_double_half_page_waits_for_june(economy: City, client: Any) -> None:
    client.force_login(economy.users["hq"])
    page = client.get("/economy/double-half/", {"year": "2020"})
    assert page.context["month"] is None and 'id="not-yet"' in page.content.decode()
    load(economy.users["hq"], "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                                  ["2020-06", "339100", "GDZC", "550", "500", ""],
                                                  ["2020-06", "339100", "GDP", "", "", "7"]])
    page = client.get("/economy/double-half/", {"year": "2020"})
    assert page.context["month"] == D(2020, 6, 1)
    body = page.content.decode()
    assert 'data-scope="339100" data-indicator="GDZC" data-met="yes"' in body  # 50.0% and +10%
    assert 'data-scope="339100" data-indicator="GDP" data-met="yes"' in body


def test_card_and_bulletin_section(economy: City) -> None:
    from dualtrack.core.cards import cards_for
    from dualtrack.economy.bulletin import section

    cards = {c.key: c for c in cards_for(economy.users["hq"], D(2020, 6, 3))}
    card = cards["economy"]
    assert {f.key: f.value for f in card.figures}["economy_red"] == "1" and "1—5月" in card.note
    # 30 May: May's cumulative figures cannot exist yet (and there are none before May): no card
    assert "economy" not in {c.key for c in cards_for(economy.users["hq"], D(2020, 5, 30))}
    from dualtrack.bulletins.content import Context

    part = section(Context(day=D(2020, 6, 3), user=None, city={}, regions=[], sizes={}, industries=[], parks=[]))
    assert part is not None and "1—5月宁江市固定资产投资完成396.0亿元，同比下降1.0%" in "".join(part.paragraphs)
    assert section(Context(day=D(2020, 4, 30), user=None, city={}, regions=[], sizes={}, industries=[],
                           parks=[])) is None  # April has no figures: nothing said


def test_january_is_published_with_february_as_1_2月(economy: City, client: Any) -> None:
    """Statistics publish January with February (#28 §3): no month of its own, no 未报送 column for it."""
    assert services.month_label(D(2020, 1, 1)) == services.month_label(D(2020, 2, 1)) == "1—2月"
    assert services.published(D(2020, 1, 1)) == D(2020, 2, 1) and services.published(D(2020, 5, 1)) == D(2020, 5, 1)
    client.force_login(economy.users["hq"])
    page = client.get("/economy/report/", {"month": "2020-05"})
    offered = [m for m, _label in page.context["months"]]
    assert D(2020, 2, 1) in offered and D(2020, 5, 1) in offered and all(m.month != 1 for m in offered)
    assert [label for m, label in page.context["months"] if m == D(2020, 2, 1)] == ["1—2月"]
    assert client.get("/economy/report/", {"month": "2020-01"}).context["month"] == D(2020, 2, 1)
    indicator = client.get("/economy/indicators/GDZC/", {"month": "2020-05", "scope": "339100"})
    assert [label for label, _row in indicator.context["series"]] == ["1—2月", "1—3月", "1—4月", "1—5月"]
    assert indicator.context["chart"]["months"][0] == "1—2月" and ">1月<" not in indicator.content.decode()


def test_the_monthly_report_is_signed_on_its_preview(economy: City, client: Any) -> None:
    """HQ generates a draft, reads it rendered on the page, and signs what it read: the sign button is on the
    preview only, and a draft generated again after the preview was read is not signed."""
    import re

    hq = economy.users["hq"]
    client.force_login(hq)
    empty = client.get("/economy/report/", {"month": "2020-05"}).content.decode()
    assert 'id="sign-off"' not in empty and 'id="report-preview"' not in empty
    client.post("/economy/report/", {"month": "2020-05", "action": "generate"})
    body = client.get("/economy/report/", {"month": "2020-05"}).content.decode()
    preview = body[body.index('id="report-preview"'):]
    assert 'id="report-document"' in preview and 'id="sign-off"' in preview and "审核签发" in preview
    assert "审核签发" not in body[:body.index('id="report-preview"')]  # not above the preview
    seen = re.search(r'name="seen" value="([^"]+)"', preview)
    assert seen is not None
    draft = MonthlyReport.objects.get(month=D(2020, 5, 1))
    report.generate(D(2020, 5, 1), hq)  # generated again meanwhile: the preview read is not this draft
    client.post("/economy/report/", {"month": "2020-05", "action": "sign_off", "seen": seen.group(1)})
    assert MonthlyReport.objects.get(pk=draft.pk).status == "draft"
    fresh = client.get("/economy/report/", {"month": "2020-05"}).content.decode()
    stamp = re.search(r'name="seen" value="([^"]+)"', fresh)
    assert stamp is not None and stamp.group(1) != seen.group(1)
    client.post("/economy/report/", {"month": "2020-05", "action": "sign_off", "seen": stamp.group(1)})
    assert MonthlyReport.objects.get(pk=draft.pk).status == "released"
    released = client.get("/economy/report/", {"month": "2020-05"}).content.decode()
    assert 'id="report-preview"' in released and 'id="sign-off"' not in released


def test_double_half_filters_are_shared_by_the_page_and_its_export(economy: City, client: Any) -> None:
    from openpyxl import load_workbook

    load(economy.users["hq"], "economy_actuals", [["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
                                                  ["2020-06", "339100", "GDZC", "550", "500", ""],
                                                  ["2020-06", "339102", "GDZC", "200", "200", ""],
                                                  ["2020-06", "339100", "GDP", "", "", "7"]])
    client.force_login(economy.users["hq"])

    def shown(**query: str) -> list[tuple[str, str, str]]:
        body = client.get("/economy/double-half/", {"year": "2020", **query}).content.decode()
        return re.findall(r'data-scope="(\w+)" data-indicator="(\w+)" data-met="(\w+)"', body)

    import re

    every = shown()
    assert ("339100", "GDZC", "yes") in every and ("339102", "GDZC", "no") in every and len(every) == 6
    assert shown(met="yes") == [r for r in every if r[2] == "yes"] and len(shown(met="yes")) == 2
    assert shown(met="no") == [r for r in every if r[2] == "no"] and shown(met="no")
    assert shown(scope="339102") == [r for r in every if r[0] == "339102"]
    assert shown(indicator="GDP", met="yes") == [("339100", "GDP", "yes")]
    assert shown(met="bogus") == every  # an unknown value filters nothing
    export = client.get("/economy/double-half/", {"year": "2020", "met": "no", "format": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(shown(met="no")) and {r[5] for r in rows} == {"未实现"}
    page = client.get("/economy/double-half/", {"year": "2020", "met": "no", "scope": "339102"}).content.decode()
    assert 'href="?year=2020&amp;met=no&amp;scope=339102&amp;format=xlsx"' in page, page[page.index('double-half-filters'):][:1500]
