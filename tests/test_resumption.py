"""Reported resumption (carry-forward, day-on-day change), power indicators from the store, targets,
cross-check lists, and the situation with resumption, power and target."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from dualtrack.core import rules as rule_sets
from dualtrack.core.choices import Role
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.registry import services as registry
from dualtrack.resumption import services
from dualtrack.resumption import services as pictures
from dualtrack.resumption.models import ResumptionReport
from dualtrack.resumption.rules import DEFAULT

from .conftest import BASE_START, City, D, _user, make_enterprise, report  # noqa: F401  (power_city: conftest)
from .helpers import csv_bytes


class TestReported:
    def test_carry_forward_and_change(self, city: City) -> None:
        # 江北: e_jiangbei (headcount 100) and e_jiangbei_park (100); 滨海: e_binhai (100).
        report(city.e_jiangbei, D - dt.timedelta(days=5), True, 60)  # carried forward to D
        report(city.e_jiangbei_park, D - dt.timedelta(days=3), True, 40)
        report(city.e_jiangbei_park, D, False, 0)  # a later report changes it
        report(city.e_binhai, D, True, 90)  # new on D
        today = services.reported(D, "county")
        assert today["339102"] == {"scope_total": 2, "resumed": 1, "rate": 0.5, "workers_on_duty": 60,
                                   "workers_normal": 200, "worker_return_rate": 0.3}
        assert today["339106"]["rate"] == 1.0
        yesterday = services.reported(D - dt.timedelta(days=1), "county")
        assert yesterday["339102"]["rate"] == 1.0 and yesterday["339106"]["rate"] == 0.0
        changed = services.with_change(today, yesterday)
        assert changed["339102"]["rate_change_pp"] == -50.0 and changed["339106"]["rate_change_pp"] == 100.0
        city_row = services.reported(D, None)["city"]
        assert (city_row["scope_total"], city_row["resumed"]) == (3, 2)

    def test_workers_on_duty_of_an_enterprise_not_resumed_count_as_reported(self, city: City) -> None:
        """§4.1 at its boundary: "not resumed" with 5 on duty (guards) counts its 5 in 在岗人数 and 复岗率, on the
        query path and on the stored picture's path alike; "not resumed" with 0 adds nothing; no report adds
        nothing."""
        from dualtrack.resumption import snapshot

        report(city.e_jiangbei, D, True, 60)
        report(city.e_jiangbei_park, D, False, 5)  # not resumed, 5 guards on duty: listed in data quality
        report(city.e_binhai, D, False, 0)
        expected = {"scope_total": 2, "resumed": 1, "rate": 0.5, "workers_on_duty": 65, "workers_normal": 200,
                    "worker_return_rate": 0.325}
        assert services.reported(D, "county")["339102"] == expected
        assert services.reported(D, None)["city"]["workers_on_duty"] == 65
        snapshot.refresh(D)
        county = next(r for r in services.situation(D)["regions"] if r["code"] == "339102")["resumption"]
        assert {k: county[k] for k in expected} == expected
        assert [r.enterprise for r in services.inconsistent_reports(D, city.users["hq"])] == [city.e_jiangbei_park]

    def test_no_report_means_not_resumed_and_size_scope(self, city: City) -> None:
        today = services.reported(D, "size", size_scope="限上服务业")
        assert today == {"限上服务业": {"scope_total": 1, "resumed": 0, "rate": 0.0, "workers_on_duty": 0,
                                   "workers_normal": 100, "worker_return_rate": 0.0}}

    def test_scope_of_a_district_operator(self, city: City) -> None:
        report(city.e_binhai, D, True, 90)
        assert set(services.reported(D, "county", user=city.users["district"])) == {"339102"}


class TestReportsImport:
    def test_import_errors_and_scope(self, city: City) -> None:
        dataset = get_dataset("resumption")
        assert dataset is not None
        rows = [["日期", "统一社会信用代码", "是否复工", "在岗人数", "产能利用率"],
                ["2020-02-10", city.e_jiangbei.uscc, "是", "80", "65%"],
                ["2020-02-10", city.e_binhai.uscc, "是", "10", "0.5"],
                ["2020-02-10", city.e_jiangbei_park.uscc, "也许", "10", "1.5"]]
        result = run_import(dataset, io.BytesIO(csv_bytes(rows)), "r.csv", city.users["district"])
        assert [(e.row, e.column) for e in result.errors] == [(3, "统一社会信用代码"), (4, "是否复工"), (4, "产能利用率")]
        assert not ResumptionReport.objects.exists()
        ok = run_import(dataset, io.BytesIO(csv_bytes(rows[:2])), "r.csv", city.users["district"])
        assert ok.created == 1
        saved = ResumptionReport.objects.get()
        assert saved.capacity is not None and float(saved.capacity) == 0.65 and saved.workers_on_duty == 80
        assert run_import(dataset, io.BytesIO(csv_bytes(rows[:2])), "r.csv", city.users["district"]).unchanged == 1


class TestPowerAndTargets:
    def test_indicators_targets_and_data_quality(self, power_city: City) -> None:
        data = pictures.situation(D)
        regions = {r["code"]: r for r in data["regions"]}
        jiangbei = regions["339102"]
        assert jiangbei["power"] == {"enterprises": 2, "resumed": 1, "count_share": 0.5,
                                     "energy_share": pytest.approx(50 / 200), "index": pytest.approx(37.5)}
        assert jiangbei["target"] == {"colour": "yellow", "capacity_target": 0.7, "met": False,
                                      "gap_pp": pytest.approx(-45.0)}
        binhai = regions["339106"]
        assert binhai["power"]["enterprises"] == 1 and binhai["power"]["resumed"] == 1  # e_nobase left out
        assert binhai["target"]["colour"] == "green" and binhai["target"]["met"] is False
        assert data["city"]["power_without_baseline"] == 1
        assert data["rules_version"].endswith("resumption:v2")

    def test_red_has_no_target(self) -> None:
        assert services.target("red", 0.4, DEFAULT) == {"colour": "red", "capacity_target": None, "met": None,
                                                        "gap_pp": None}
        assert services.target("orange", 0.55, DEFAULT)["met"] is True

    def test_crosscheck_lists(self, power_city: City) -> None:
        rows = services.crosscheck_rows(services.picture(D))
        kinds = {r["uscc"]: r["kind"] for r in rows}
        assert kinds == {power_city.e_jiangbei_park.uscc: "paper", power_city.e_binhai.uscc: "unreported"}
        paper = next(r for r in rows if r["kind"] == "paper")
        assert paper["name"] == "宁江高科电子有限公司" and paper["county"] == "江北区"

    def test_baselines_are_kept_until_the_window_changes(self, power_city: City) -> None:
        from dualtrack.power import baselines, engine
        from dualtrack.resumption.rules import power_rules

        rules = power_rules(rule_sets.current("resumption").definition)
        accounts = registry.account_frame()
        con = engine.connect()
        _first, built = baselines.ensure(con, rules, accounts)
        _again, rebuilt = baselines.ensure(con, rules, accounts)
        assert (built, rebuilt) == (True, False)
        late = Path(engine.readings_path()) / BASE_START.isoformat() / "readings.parquet"
        late.touch()  # a late reading landed in the window
        _third, rebuilt_after_late = baselines.ensure(con, rules, accounts)
        assert rebuilt_after_late

    def test_situation_cli_groups(self, power_city: City) -> None:
        out = io.StringIO()
        call_command("situation", "--date", D.isoformat(), "--json", stdout=out)
        data = json.loads(out.getvalue())
        region = next(r for r in data["regions"] if r["code"] == "339102")
        assert set(region["resumption"]) == {"scope_total", "resumed", "rate", "rate_change_pp", "workers_on_duty",
                                             "workers_normal", "worker_return_rate"}
        assert set(region["power"]) == {"enterprises", "resumed", "count_share", "energy_share", "index"}
        assert set(region["target"]) == {"colour", "capacity_target", "met", "gap_pp"}
        assert {"resumption", "power", "target"} <= set(data["city"])
        out = io.StringIO()
        call_command("situation", "--date", D.isoformat(), "--json", "--by", "park", stdout=out)
        data = json.loads(out.getvalue())
        assert "regions" not in data and data["groups"][0]["key"] == "GXQ"
        assert data["groups"][0]["name"] == "宁江高新技术产业开发区" and "risk" not in data["groups"][0]
        assert data["groups"][0]["power"]["enterprises"] == 1
        out = io.StringIO()
        call_command("situation", "--date", D.isoformat(), "--json", "--by", "industry", "--scope", "规上工业",
                     stdout=out)
        groups = {g["key"]: g for g in json.loads(out.getvalue())["groups"]}
        assert groups["C"]["resumption"]["scope_total"] == 3 and "G" not in groups  # 限上服务业 left out


class TestPages:
    def test_dashboard(self, client: Any, power_city: City, django_assert_max_num_queries: Any) -> None:
        client.force_login(power_city.users["hq"])
        from dualtrack.resumption import snapshot

        snapshot.refresh(D)  # the worker's job: the page reads the stored picture, whatever the city's size
        with django_assert_max_num_queries(16):  # none of them over the enterprises or the readings
            response = client.get("/resumption/", {"date": D.isoformat()})
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-county="339102" class="below"' in body  # below its yellow target
        counties = {r["code"]: r for r in response.context["counties"]}
        assert counties["339102"]["rank"] == 2 and counties["339106"]["rank"] == 1
        assert response.context["city"]["resumption"]["resumed"] == 2

    @pytest.mark.parametrize("role,status", [("enterprise", 403), ("liaison", 403), ("public", 403), ("leader", 200)])
    def test_dashboard_roles(self, client: Any, power_city: City, role: str, status: int) -> None:
        client.force_login(power_city.users[role])
        assert client.get("/resumption/", {"date": D.isoformat()}).status_code == status

    def test_self_report(self, client: Any, power_city: City) -> None:
        # A district operator reports for its county's enterprises (as the API lets it), not for another county's;
        # a department reports for none.
        client.force_login(power_city.users["department"])
        assert client.get("/resumption/report/").status_code == 403
        client.force_login(power_city.users["district"])
        picker = client.get("/resumption/report/").content.decode()
        assert power_city.e_jiangbei.uscc in picker and power_city.e_binhai.uscc not in picker
        assert client.get("/resumption/report/", {"uscc": power_city.e_binhai.uscc}).status_code == 404
        response = client.post("/resumption/report/", {"uscc": power_city.e_jiangbei_park.uscc, "resumed": "0"})
        assert response.status_code == 302
        assert ResumptionReport.objects.get(enterprise=power_city.e_jiangbei_park, date=timezone.localdate()).source == "on_behalf"
        client.force_login(power_city.users["enterprise"])
        assert client.get("/resumption/report/").status_code == 200
        response = client.post("/resumption/report/", {"resumed": "1", "workers_on_duty": "88"})
        assert response.status_code == 302
        saved = ResumptionReport.objects.get(enterprise=power_city.e_jiangbei, date=timezone.localdate())
        assert saved.resumed and saved.workers_on_duty == 88 and saved.source == "self"
        assert saved.reported_by == power_city.users["enterprise"]

    def test_liaison_sees_each_enterprises_report_status_and_reports_for_it(self, client: Any,
                                                                          power_city: City) -> None:
        client.force_login(power_city.users["liaison"])
        page = client.get("/resumption/report/")
        (listed,) = page.context["page"]  # assigned e_jiangbei only
        assert listed.uscc == power_city.e_jiangbei.uscc and listed.last_day == D - dt.timedelta(days=2)
        assert "最近报送 " + (D - dt.timedelta(days=2)).isoformat() in page.content.decode()
        response = client.post("/resumption/report/", {"uscc": power_city.e_jiangbei.uscc, "resumed": "1",
                                                       "workers_on_duty": "41"})
        assert response.status_code == 302
        body = client.get("/resumption/report/").content.decode()
        assert "今日已报" in body and "已复工，在岗 41 人" in body
        assert client.get("/resumption/report/", {"uscc": power_city.e_binhai.uscc}).status_code == 404

    def test_a_park_operators_rows_and_map_are_named_as_the_park(self, client: Any, power_city: City) -> None:
        from dualtrack.epidemic import services as epidemic
        from dualtrack.resumption import services as pictures

        square = {"type": "Polygon", "coordinates": [[[120, 29], [120.2, 29], [120.2, 29.2], [120, 29.2], [120, 29]]]}
        power_city.jiangbei.geometry = square
        power_city.jiangbei.save()
        park_user, park = power_city.users["park"], power_city.park
        (row,) = pictures.situation(D, user=park_user)["regions"]
        assert row["name"] == park.name and row["code"] == power_city.jiangbei.code
        assert [f["properties"]["name"] for f in epidemic.map_geojson(park_user)["features"]] == [park.name]
        (region,) = epidemic.situation(D, user=park_user)["regions"]
        assert region["name"] == park.name and region["county_name"] == "江北区"
        # the county's own operator and HQ still see the county's name
        assert [r["name"] for r in pictures.situation(D, user=power_city.users["district"])["regions"]] == ["江北区"]
        assert epidemic.map_geojson(power_city.users["hq"])["features"][0]["properties"]["name"] == "江北区"
        client.force_login(park_user)
        page = client.get("/resumption/", {"date": D.isoformat()})
        assert [r["name"] for r in page.context["counties"]] == [park.name]

    def test_not_resumed_list_for_district(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["district"])
        report(power_city.e_jiangbei_park, D, False, 0)
        names = [e.name for e in client.get("/resumption/not-resumed/", {"date": D.isoformat()}).context["page"]]
        assert names == ["宁江高科电子有限公司"]  # e_jiangbei resumed; 滨海 is outside the district

    def test_crosscheck_page_and_excel(self, client: Any, power_city: City) -> None:
        from .helpers import read_xlsx

        client.force_login(power_city.users["hq"])
        body = client.get("/resumption/crosscheck/", {"date": D.isoformat()}).content.decode()
        assert f'data-kind="paper" data-uscc="{power_city.e_jiangbei_park.uscc}"' in body
        assert f'data-kind="unreported" data-uscc="{power_city.e_binhai.uscc}"' in body
        only_paper = client.get("/resumption/crosscheck/", {"date": D.isoformat(), "kind": "paper"})
        assert [r["uscc"] for r in only_paper.context["page"]] == [power_city.e_jiangbei_park.uscc]
        binhai = client.get("/resumption/crosscheck/", {"date": D.isoformat(), "county": "滨海区"})
        assert [r["uscc"] for r in binhai.context["page"]] == [power_city.e_binhai.uscc]
        response = client.get("/resumption/crosscheck/", {"date": D.isoformat(), "format": "xlsx"})
        rows = read_xlsx(b"".join(response.streaming_content))
        assert rows[1][1] == power_city.e_jiangbei_park.uscc
        client.force_login(power_city.users["liaison"])  # assigned e_jiangbei only: nothing to verify
        assert client.get("/resumption/crosscheck/", {"date": D.isoformat()}).context["rows"] == []

    def test_api_reports(self, client: Any, power_city: City) -> None:
        auth = {"HTTP_AUTHORIZATION": f"Token {power_city.token('district')}"}
        url = "/api/v1/resumption/reports"
        body = [{"date": "2020-02-11", "uscc": power_city.e_jiangbei.uscc, "resumed": True, "workers_on_duty": 90},
                {"date": "2020-02-11", "uscc": power_city.e_binhai.uscc, "resumed": True}]
        response = client.post(url, body, content_type="application/json", **auth)
        assert response.status_code == 404 and list(response.json()) == ["1"]  # the second is out of reach
        response = client.post(url, body[:1], content_type="application/json", **auth)
        assert response.json() == {"received": 1, "changed": 1}
        assert ResumptionReport.objects.get(date="2020-02-11").source == "api"


def test_no_baseline_list(client: Any, power_city: City) -> None:
    client.force_login(power_city.users["hq"])
    response = client.get("/resumption/quality/")
    rows = list(response.context["page"])
    assert [e.name for e in rows] == ["滨海新设企业有限公司"] and rows[0].baseline_days == 4
    client.force_login(power_city.users["district"])  # 江北 operator: the enterprise is in 滨海
    assert list(client.get("/resumption/quality/").context["page"]) == []


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_enterprise_details_for_the_crosscheck_list(city: City, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The names, codes, counties and liaison officers 数据核验 lists, looked up in chunks of parameters (a flagged
    list of a province is longer than a database takes in one query): the same at every chunk size; an unknown id
    and an empty list are nothing."""
    monkeypatch.setattr(registry, "DETAILS_CHUNK", chunk)
    second = _user("liaison2", Role.LIAISON)
    second.assigned_enterprises.add(city.e_jiangbei, city.e_binhai)
    ids = [city.e_jiangbei.pk, city.e_binhai.pk, city.e_jiangbei_park.pk, 999_999]
    details = registry.enterprise_details(ids)
    assert {pk: (d["uscc"], d["name"], d["county"], sorted(d["liaisons"])) for pk, d in details.items()} == {
        city.e_jiangbei.pk: (city.e_jiangbei.uscc, city.e_jiangbei.name, "江北区", ["liaison", "liaison2"]),
        city.e_binhai.pk: (city.e_binhai.uscc, city.e_binhai.name, "滨海区", ["liaison2"]),
        city.e_jiangbei_park.pk: (city.e_jiangbei_park.uscc, city.e_jiangbei_park.name, "江北区", []),
    }
    assert registry.enterprise_details([]) == {}
