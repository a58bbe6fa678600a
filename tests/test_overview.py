"""The morning command picture (#14): the data-as-of day, missing is not zero, the stored daily picture (computed
once, recomputed after a late import, a released bulletin untouched), and 总览's cards per role."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from dualtrack.bulletins import content
from dualtrack.bulletins import services as bulletins
from dualtrack.core import cards as core_cards
from dualtrack.core import dates, versions
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.models import Judgement
from dualtrack.epidemic.models import CaseReport
from dualtrack.resumption import services as pictures
from dualtrack.resumption import snapshot
from dualtrack.resumption.models import ResumptionReport

from .conftest import City, D
from .helpers import csv_bytes

NEXT = D + dt.timedelta(days=1)  # no readings, no case report


def situation_json(day: dt.date) -> dict[str, Any]:
    out = io.StringIO()
    call_command("situation", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


class TestDataAsOf:
    def test_a_report_for_the_calendars_today_does_not_move_the_default_day(self, power_city: City) -> None:
        # Power readings reach D; case reports reach D. An enterprise reporting for today is not "data arrived".
        ResumptionReport.objects.create(enterprise=power_city.e_binhai, date=dates.today(), resumed=True)
        assert versions.as_of().day == D
        assert versions.data_day() == D
        out = io.StringIO()
        call_command("situation", "--json", stdout=out)
        assert json.loads(out.getvalue())["date"] == D.isoformat()

    def test_the_pages_open_on_the_data_as_of_day_and_say_so(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["hq"])
        for path in ("/", "/resumption/", "/epidemic/", "/bulletins/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.context["day"] == D, path
        assert f'数据截至 <span class="nowrap">{D.isoformat()}</span>' in client.get("/").content.decode()  # one line

    def test_the_latest_source_holds_the_day_back(self, power_city: City) -> None:
        CaseReport.objects.create(date=NEXT, county=power_city.jiangbei, new_confirmed=0, new_local=0)
        assert versions.as_of().sources["epidemic"] == NEXT
        assert versions.as_of().day == D  # the readings of NEXT have not arrived


class TestMissingIsNotZero:
    def test_a_county_without_a_case_report_is_not_reported(self, power_city: City) -> None:
        data = pictures.situation(D)
        regions = {r["code"]: r for r in data["regions"]}
        assert regions["339102"]["reported"] is True and regions["339102"]["metrics"]["new_confirmed"] == 1
        assert regions["339106"]["reported"] is False and regions["339106"]["metrics"]["new_confirmed"] is None
        assert data["city"]["risk"]["new_confirmed"] == 1  # the reported county's, not a sum with zeros
        assert data["city"]["reporting"]["counties_reported"] == 1
        assert data["city"]["reporting"]["missing"] == ["滨海区"]

    def test_the_five_colour_count_leaves_an_unreported_county_out(self, client: Any, power_city: City) -> None:
        """As the map draws it: 滨海区 sent no case report for the day, so it is 未报送, not counted green (§15)."""
        colours = {r["code"]: r["risk"]["colour"] for r in pictures.situation(D)["regions"]}
        client.force_login(power_city.users["hq"])
        page = client.get("/", {"date": D.isoformat()})
        figures = {f.key: f for f in next(c for c in page.context["cards"] if c.key == "situation").figures}
        short = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝", "green": "绿"}
        assert figures["colours"].value == f"{short[colours['339102']]} 1 未报送 1"

    def test_a_day_without_readings_or_reports(self, client: Any, power_city: City) -> None:
        data = pictures.situation(NEXT)
        assert data["city"]["risk"]["new_confirmed"] is None
        assert data["city"]["power"]["index"] is None
        assert data["city"]["reporting"]["power_arrived"] is False
        assert all(r["target"]["met"] is None for r in data["regions"])  # not "not met"
        text = json.dumps(content.build(NEXT).as_dict(), ensure_ascii=False)
        assert "尚未报送病例日报" in text and "当日新增0例" not in text
        assert "用电数据未到" in text and "均达到五色图产能目标" not in text
        client.force_login(power_city.users["hq"])
        page = client.get("/", {"date": NEXT.isoformat()})
        figures = {f.key: f for f in next(c for c in page.context["cards"] if c.key == "situation").figures}
        assert figures["power_index"].value is None and figures["power_index"].missing == "数据未到"
        assert figures["new_confirmed"].value is None and figures["new_confirmed"].missing == "未报送"
        assert 'data-figure="power_index"' in page.content.decode()

    def test_the_bulletin_says_how_many_counties_reported(self, power_city: City) -> None:
        first = content.build(D).sections[0].paragraphs[0]
        assert "当日1个区县（市）报送病例日报，新增1例，滨海区未报送" in first


class TestStoredPicture:
    @pytest.mark.parametrize("role", ["hq", "district"])
    def test_computed_once_and_read_by_pages(self, client: Any, power_city: City, role: str,
                                             django_assert_max_num_queries: Any) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        snapshot.refresh(D)  # the worker computes the data-as-of day and the day before
        snapshot.refresh(D - dt.timedelta(days=1))
        assert snapshot.is_stale(D) is False  # stored, fresh
        client.force_login(power_city.users[role])
        for path in ("/", "/resumption/", "/resumption/crosscheck/"):
            with django_assert_max_num_queries(45), CaptureQueriesContext(connection) as queries:
                assert client.get(path, {"date": D.isoformat()}).status_code == 200
            raw = [q["sql"] for q in queries.captured_queries
                   if ("resumption_resumptionreport" in q["sql"] or "epidemic_casereport" in q["sql"])
                   and not q["sql"].startswith('SELECT "epidemic_casereport"."date" AS "date" FROM "epidemic_casereport"'
                                               ' ORDER BY 1 DESC LIMIT 1')]  # the data-as-of day: one index probe
            assert raw == [], (path, raw)  # the situation is read, not recomputed
        assert Judgement.objects.filter(measure="resumption", period=D.isoformat()).count() == 1

    def test_a_district_sees_its_rows_of_the_same_picture(self, power_city: City) -> None:
        city_rows = {r["code"]: r for r in pictures.situation(D)["regions"]}
        district = pictures.situation(D, user=power_city.users["district"])
        assert [r["code"] for r in district["regions"]] == ["339102"]
        assert district["regions"][0]["resumption"] == city_rows["339102"]["resumption"]
        assert district["regions"][0]["power"] == city_rows["339102"]["power"]
        assert district["city"]["resumption"]["scope_total"] == city_rows["339102"]["resumption"]["scope_total"]

    def test_a_late_import_recomputes_the_past_day_and_a_released_bulletin_stays(self, power_city: City,
                                                                                  settings: Any) -> None:
        stored = bulletins.generate(D, power_city.users["hq"])
        stored = bulletins.sign_off(stored, power_city.users["hq"])  # 第1期 and the signer go into its content
        released = json.dumps(stored.content, sort_keys=True)
        before = pictures.situation(D)
        assert before["city"]["reporting"]["counties_reported"] == 1
        # 滨海's report for D arrives late, by import.
        rows = [["日期", "区划代码", "新增确诊", "其中本地"], [D.isoformat(), "339106", "2", "2"]]
        result = run_import(get_dataset("cases"), io.BytesIO(csv_bytes(rows)), "late.csv", power_city.users["hq"])
        assert result.ok, result.errors
        settings.DUALTRACK_JUDGE_INLINE = False  # as on a server: the worker recomputes, not the reading page
        assert snapshot.is_stale(D)  # queued for the worker
        page_view = pictures.picture(D, allow_stale=True)  # pages go on reading it, saying an update runs
        assert page_view.stale and page_view.data["city"]["reporting"]["counties_reported"] == 1
        call_command("worker", "--once", stdout=io.StringIO())
        assert snapshot.is_stale(D) is False
        after = pictures.picture(D, allow_stale=True)
        assert not after.stale
        assert after.data["city"]["reporting"]["counties_reported"] == 2
        assert after.data["city"]["risk"]["new_confirmed"] == 3
        stored.refresh_from_db()
        assert json.dumps(stored.content, sort_keys=True) == released  # released: never recomputed

    def test_a_draft_follows_its_recomputed_picture(self, power_city: City) -> None:
        stored = bulletins.generate(D, power_city.users["hq"])
        assert "新增1例" in stored.content["sections"][0]["paragraphs"][0]
        CaseReport.objects.create(date=D, county=power_city.binhai, new_confirmed=4, new_local=4)
        snapshot.worker_step()
        assert D.isoformat() in bulletins.keep_drafts_current()
        stored.refresh_from_db()
        assert "当日新增5例" in stored.content["sections"][0]["paragraphs"][0]

    def test_on_a_fixed_clock_a_draft_is_regenerated_once_per_recomputed_picture(self, power_city: City,
                                                                               settings: Any) -> None:
        """The demo's clock stands still: when a draft was generated and when a picture was computed are the real
        times (machinery), else the worker regenerated every draft on every pass (computed in 2026, generated "on"
        2020-04-30) and a regenerated draft kept the PDF job of the first."""
        settings.DUALTRACK_CLOCK = "2020-02-20T18:00:00+08:00"
        bulletins.generate(D, power_city.users["hq"])
        snapshot.worker_step()
        bulletins.keep_drafts_current()
        assert D.isoformat() not in bulletins.keep_drafts_current()  # nothing new: nothing regenerated
        CaseReport.objects.create(date=D, county=power_city.binhai, new_confirmed=4, new_local=4)
        snapshot.worker_step()
        assert D.isoformat() in bulletins.keep_drafts_current()
        assert D.isoformat() not in bulletins.keep_drafts_current()

    def test_stale_pictures_are_recomputed_for_the_api_and_cli(self, power_city: City) -> None:
        assert situation_json(D)["city"]["risk"]["new_confirmed"] == 1
        CaseReport.objects.create(date=D, county=power_city.binhai, new_confirmed=2, new_local=2)
        assert situation_json(D)["city"]["risk"]["new_confirmed"] == 3


class TestOverviewCards:
    @pytest.mark.parametrize("role,expected", [
        ("hq", {"situation", "problems", "notices"}),
        ("leader", {"situation", "problems", "notices"}),
        ("district", {"situation", "problems", "notices"}),
        ("park", {"situation", "notices"}),
        ("department", {"problems", "notices"}),
        ("liaison", {"liaison-enterprises", "visits", "problems", "notices"}),
        ("enterprise", {"own-status", "problems", "policies", "notices"}),
    ])
    def test_each_role_gets_its_own_cards(self, client: Any, power_city: City, role: str,
                                          expected: set[str]) -> None:
        client.force_login(power_city.users[role])
        page = client.get("/", {"date": D.isoformat()})
        assert page.status_code == 200
        keys = {c.key for c in page.context["cards"]}
        assert expected <= keys, keys
        if role in ("liaison", "enterprise", "department"):
            assert "situation" not in keys

    def test_hq_figures_are_the_situation_numbers(self, client: Any, power_city: City) -> None:
        data = situation_json(D)
        client.force_login(power_city.users["hq"])
        card = next(c for c in client.get("/", {"date": D.isoformat()}).context["cards"] if c.key == "situation")
        figures = {f.key: f.value for f in card.figures}
        city = data["city"]
        assert figures["resumption_rate"] == f"{city['resumption']['rate'] * 100:.1f}%"
        assert figures["worker_return_rate"] == f"{city['resumption']['worker_return_rate'] * 100:.1f}%"
        assert figures["power_index"] == f"{city['power']['index']:.2f}"
        assert figures["energy_share"] == f"{city['power']['energy_share'] * 100:.1f}%"
        assert figures["new_confirmed"] == str(city["risk"]["new_confirmed"])
        below = [r["name"] for r in data["regions"] if r["target"]["met"] is False]
        assert [row.text.split("(")[0] for row in card.rows] == below

    def test_the_enterprise_sees_its_own_status_and_flag(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["enterprise"])  # e_jiangbei: resumed on D-2, power resumed
        card = next(c for c in client.get("/", {"date": D.isoformat()}).context["cards"] if c.key == "own-status")
        figures = {f.key: f for f in card.figures}
        assert figures["status"].value == "已复工" and figures["workers_on_duty"].value == "70"

    def test_an_app_adds_a_card_through_the_extension_point(self, client: Any, power_city: City) -> None:
        core_cards.register_card(99, "test-card", lambda user, day: core_cards.Card(
            key="test-card", title="测试卡片", figures=[core_cards.Figure("指标", "42", key="x")]))
        try:
            client.force_login(power_city.users["hq"])
            body = client.get("/").content.decode()
            assert 'data-card="test-card"' in body and "测试卡片" in body
        finally:
            core_cards._CARDS[:] = [c for c in core_cards._CARDS if c[1] != "test-card"]

    def test_a_failing_card_leaves_the_others(self, client: Any, power_city: City) -> None:
        def broken(user: Any, day: dt.date) -> None:
            raise RuntimeError("boom")

        core_cards.register_card(1, "broken", broken)
        try:
            client.force_login(power_city.users["hq"])
            page = client.get("/")
            assert page.status_code == 200 and "situation" in {c.key for c in page.context["cards"]}
        finally:
            core_cards._CARDS[:] = [c for c in core_cards._CARDS if c[1] != "broken"]

