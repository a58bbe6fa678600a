"""Key projects' lights on a day as a measure (``core.capability``): the rule set's bounds, the stored result
round-trips, the board and the card read it narrowed to the reader (计算中 while it is computed), the console
prints it byte for byte as before, a report makes it stale, and HQ tries other thresholds on it."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.core import capability, columnar, judgements
from dualtrack.core.capability import Period, PeriodKind
from dualtrack.core.models import AuditLog, Judgement, JudgementState
from dualtrack.core.rules import RuleError
from dualtrack.projects import services
from dualtrack.projects.measure import ProjectLights
from dualtrack.projects.rules import DEFAULT, ProjectRules

from .conftest import City
from .test_projects import make_project, progress

D = dt.date
DAY = D(2020, 3, 31)


def _measure() -> Any:
    return capability.measure("projects")


@pytest.fixture
def lit(city: City) -> City:
    """P1 (江北, 65%: yellow), P2 (江北, 90%: green), P3 (滨海, 50%: red), P4 (江北, no plan)."""
    for code, county, done in (("P1", city.jiangbei, 650), ("P2", city.jiangbei, 900), ("P3", city.binhai, 500)):
        progress(make_project(city, code, county=county, plans={"2020-03": 1000}), D(2020, 3, 20), done)
    make_project(city, "P4", nature="new")  # no plan, no planned start: unlit
    return city


def test_rules_keep_their_bounds() -> None:
    rules = ProjectRules.parse(DEFAULT)
    assert rules["red_below"] == 0.6 and rules.start_grace_days == 30
    cases: list[tuple[dict[str, Any], str]] = [
            ({"red_below": 0.9}, "「完成率低于此值亮红灯」（red_below）不能高于「完成率低于此值亮黄灯」（yellow_below）"),
            ({"red_below": 0}, "「完成率低于此值亮红灯」（red_below）须为大于 0、不大于 2 的数"),
            ({"resumption_deadline": "soon"}, "「复工截止日期 YYYY-MM-DD」（resumption_deadline）须为日期（YYYY-MM-DD）"),
            ({"resumption_deadline": 20200315}, "「复工截止日期 YYYY-MM-DD」（resumption_deadline）须为日期（YYYY-MM-DD）"),
            ({"start_grace_days": 0}, "「计划开工后的宽限天数」（start_grace_days）须为不小于 1 的整数")]
    for bad, message in cases:
        with pytest.raises(RuleError) as refused:
            ProjectRules.parse(DEFAULT | bad)
        assert str(refused.value) == message


def test_the_stored_result_round_trips(lit: City) -> None:
    services.evaluate_month(D(2020, 3, 1))  # a month-end consequence with its task, on the rows from April
    result = judgements.ensure(_measure(), Period.of(PeriodKind.DAY, D(2020, 4, 1))).result
    assert {r.code for r in result.projects if r.escalation} == {"P1", "P3"}
    back = columnar.decode(ProjectLights, columnar.encode(result))
    assert back == result
    assert back.projects[0].escalation == result.projects[0].escalation


def test_the_measure_judges_as_the_lights_do(lit: City) -> None:
    stored = judgements.ensure(_measure(), Period.of(PeriodKind.DAY, DAY)).result
    from dualtrack.projects.models import Project

    assert [r.as_json() for r in stored.projects] == [
        r.as_json() for r in services.statuses(Project.objects.all(), DAY)]
    assert [(r.code, r.light) for r in stored.projects] == [
        ("P1", "yellow"), ("P2", "green"), ("P3", "red"), ("P4", None)]


def test_the_contract_is_what_the_console_prints(lit: City) -> None:
    out = io.StringIO()
    call_command("projects", "--date", DAY.isoformat(), "--json", stdout=out)
    stored = judgements.ensure(_measure(), Period.of(PeriodKind.DAY, DAY)).result
    body = _measure().as_json(stored)
    assert body["date"] == "2020-03-31" and body["rules_version"] == _measure().current_rules()[0]
    assert out.getvalue() == json.dumps(body["projects"], ensure_ascii=False, indent=1) + "\n"
    assert Judgement.objects.filter(measure="projects", period="2020-03-31").count() == 1
    lines = io.StringIO()
    call_command("projects", "--date", DAY.isoformat(), stdout=lines)
    assert lines.getvalue().splitlines() == _measure().text_lines(stored)


def test_a_reader_sees_only_their_projects(lit: City, client: Any) -> None:
    measure = _measure()
    whole = judgements.ensure(measure, Period.of(PeriodKind.DAY, DAY)).result
    assert [r.code for r in measure.visible(whole, lit.users["district"]).projects] == ["P1", "P2", "P4"]
    assert [r.code for r in measure.visible(whole, lit.users["district_binhai"]).projects] == ["P3"]
    assert measure.visible(whole, None) is whole
    client.force_login(lit.users["district_binhai"])
    board = client.get("/projects/board/", {"date": DAY.isoformat()})
    assert board.status_code == 200
    assert [r.code for r in board.context["red"]] == ["P3"] and board.context["counts"]["red"] == 1
    assert "项目P1" not in board.content.decode()


def test_the_board_and_the_card_say_pending_until_computed(lit: City, client: Any, settings: Any) -> None:
    from dualtrack.projects.cards import projects_card

    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(lit.users["hq"])
    page = client.get("/projects/board/", {"date": DAY.isoformat()})
    assert page.status_code == 200 and "正在计算" in page.content.decode()
    row = Judgement.objects.get(measure="projects", period="2020-03-31")
    assert row.state == JudgementState.PENDING and row.queued_at is not None and row.payload is None
    card = projects_card(lit.users["hq"], DAY)
    assert card is not None and card.figures[0].missing == "计算中"
    assert judgements.run_queued("projects", "2020-03-31", _measure().current_rules()[0])
    page = client.get("/projects/board/", {"date": DAY.isoformat()})
    assert page.status_code == 200 and "正在计算" not in page.content.decode()
    assert [r.code for r in page.context["yellow"]] == ["P1"]
    card = projects_card(lit.users["hq"], DAY)
    assert card is not None and [(f.key, f.value) for f in card.figures][:3] == [
        ("projects", "4"), ("red", "1"), ("yellow", "1")]


def test_a_report_makes_the_stored_day_stale_until_recomputed(lit: City, settings: Any) -> None:
    from dualtrack.projects.models import Project

    period = Period.of(PeriodKind.DAY, DAY)
    first = judgements.ensure(_measure(), period)
    assert next(r for r in first.result.projects if r.code == "P1").light == "yellow"
    settings.DUALTRACK_JUDGE_INLINE = False
    services.save_progress(lit.users["hq"], Project.objects.get(code="P1"), date=D(2020, 3, 25), resumed=True,
                           workers_on_site=60, completed_cumulative=900)  # type: ignore[arg-type]
    seen = judgements.read(_measure(), period)
    assert isinstance(seen, judgements.Stored) and seen.stale  # the old lights, saying so
    assert "projects:2020-03-31" in judgements.worker_step()["computed"]
    fresh = judgements.read(_measure(), period)
    assert isinstance(fresh, judgements.Stored) and not fresh.stale
    assert next(r for r in fresh.result.projects if r.code == "P1").light == "green"


def test_hq_tries_other_thresholds_and_sees_which_projects_change(lit: City, client: Any) -> None:
    client.force_login(lit.users["hq"])
    assert client.get("/rules/what-if/", {"measure": "projects", "date": DAY.isoformat()}).status_code == 200
    stored = Judgement.objects.count()
    tried = client.post(f"/rules/what-if/?measure=projects&date={DAY.isoformat()}", {
        "definition": json.dumps(DEFAULT | {"red_below": 0.7, "yellow_below": 0.95})})
    assert tried.status_code == 200
    changed = {row["key"]: row["diffs"] for row in tried.context["comparison"]["changed"]}
    # P1 at 65% turns red under 70%, P2 at 90% yellow under 95%; P3 stays red and P4 unlit
    assert changed == {"P1": [("light", "yellow", "red")], "P2": [("light", "green", "yellow")]}
    assert Judgement.objects.count() == stored  # a trial is never stored
    assert AuditLog.objects.filter(action="what_if", object_repr="projects").exists()
    bad = client.post(f"/rules/what-if/?measure=projects&date={DAY.isoformat()}", {
        "definition": json.dumps(DEFAULT | {"red_below": 0.9})})
    assert bad.status_code == 200 and bad.context["comparison"] is None


def test_the_register_map_project_and_api_read_the_stored_day(lit: City, client: Any, settings: Any) -> None:
    """No page nor the API judges a light in the request (#27): 计算中 (the API: 202) until the day is stored, then
    the stored lights, narrowed to what the reader sees; a project added since waits for the day to be recomputed."""
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(lit.users["district"])
    auth = {"HTTP_AUTHORIZATION": f"Token {lit.token('district')}"}
    day = {"date": DAY.isoformat()}
    for url in ("/projects/", "/projects/map/", "/projects/P1/"):
        page = client.get(url, day)
        assert page.status_code == 200 and "正在计算" in page.content.decode(), url
    waiting = client.get("/api/v1/projects", day, **auth)
    assert waiting.status_code == 202 and waiting.json()["status"] == "pending" and waiting["Retry-After"] == "2"
    assert client.get("/api/v1/projects/P3", day, **auth).status_code == 404  # out of scope first
    assert judgements.run_queued("projects", "2020-03-31", _measure().current_rules()[0])
    table = client.get("/projects/", day)
    assert [(p.code, s.light) for p, s in table.context["rows"]] == [("P1", "yellow"), ("P2", "green"), ("P4", None)]
    assert [p.code for p, _s in client.get("/projects/", day | {"light": "green"}).context["rows"]] == ["P2"]
    assert client.get("/projects/map/", day).context["counts"]["yellow"] == 1
    assert client.get("/projects/P1/", day).context["status"].light == "yellow"
    listing = client.get("/api/v1/projects", day | {"light": "yellow"}, **auth).json()
    assert [(p["code"], p["status"]["light"]) for p in listing["results"]] == [("P1", "yellow")]
    assert client.get("/api/v1/projects/P2", day, **auth).json()["status"]["light"] == "green"
    make_project(lit, "P5", plans={"2020-03": 1000})  # the stored day is stale and lacks P5
    assert "正在计算" in client.get("/projects/", day).content.decode()
    assert client.get("/api/v1/projects/P1", day, **auth).status_code == 202
    judgements.worker_step()
    assert "P5" in [p.code for p, _s in client.get("/projects/", day).context["rows"]]


def test_the_projects_api_schema_declares_the_answers_while_the_day_is_computed(lit: City, client: Any,
                                                                               settings: Any) -> None:
    """/api/v1/projects (the list and a project) answers 202 with Retry-After while the day's lights are computed
    (503 when computing them failed): its OpenAPI schema says so, with the body it then sends, as every measure's."""
    client.force_login(lit.users["hq"])
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    pending = {"$ref": "#/components/schemas/JudgementPending"}
    for path in ("/api/v1/projects", "/api/v1/projects/{code}"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "202", "503", "401", "403", "404"} <= set(responses), path
        for code in ("202", "503"):
            assert responses[code]["content"]["application/json"]["schema"] == pending, (path, code)
            assert responses[code]["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (path, code)
    listing = schema["paths"]["/api/v1/projects"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"] == {"$ref": "#/components/schemas/PaginatedProjectList"}  # the 200 stays paged
    settings.DUALTRACK_JUDGE_INLINE = False
    auth = {"HTTP_AUTHORIZATION": f"Token {lit.token('hq')}"}
    for url in ("/api/v1/projects", "/api/v1/projects/P1"):
        waiting = client.get(url, {"date": DAY.isoformat()}, **auth)
        assert waiting.status_code == 202 and waiting["Retry-After"] == "2", url
        assert list(waiting.json()) == list(schema["components"]["schemas"]["JudgementPending"]["properties"])


def test_the_enterprise_panel_reads_the_stored_day(lit: City, settings: Any) -> None:
    """一企一档: the enterprise's key projects with their stored light on the as-of day (计算中 until stored)."""
    from dualtrack.projects.cards import enterprise_panel
    from dualtrack.projects.models import Project

    Project.objects.filter(code__in=["P1", "P3"]).update(owner=lit.e_jiangbei)
    settings.DUALTRACK_JUDGE_INLINE = False
    waiting = enterprise_panel(lit.users["hq"], lit.e_jiangbei)
    assert waiting is not None and waiting.figures[0].missing == "计算中"
    day = services.as_of()
    assert judgements.run_queued("projects", day.isoformat(), _measure().current_rules()[0])
    panel = enterprise_panel(lit.users["district"], lit.e_jiangbei)  # 江北 sees P1, not 滨海's P3
    assert panel is not None and panel.table is not None
    assert [row[0] for row in panel.table.rows] == ["项目P1"]
    assert enterprise_panel(lit.users["district_binhai"], lit.e_jiangbei) is not None
