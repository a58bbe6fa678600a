"""Epidemic grading at every boundary of both decision lists, Rt, reproducibility, publication, imports."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from scipy import stats

from dualtrack.core import rules
from dualtrack.core.choices import AuditAction
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.core.models import AuditLog
from dualtrack.epidemic import rt, services
from dualtrack.epidemic.models import CaseReport, ClusterEvent, PublishedLevel
from dualtrack.epidemic.rules import FIVE_COLOUR

from .conftest import City
from .helpers import csv_bytes

D = dt.date(2020, 2, 20)


def cases(city: City, county: Any, day: dt.date, n: int, local: int | None = None) -> None:
    CaseReport.objects.update_or_create(date=day, county=county,
                                        defaults={"new_confirmed": n, "new_local": n if local is None else local})


def risk_of(county: Any, day: dt.date = D) -> dict[str, Any]:
    data = services.situation(day)
    return next(r["risk"] for r in data["regions"] if r["code"] == county.code)


def ago(days: int) -> dt.date:
    return D - dt.timedelta(days=days)


class TestBoundaries:
    def test_no_cases_is_low_and_green(self, city: City) -> None:
        r = risk_of(city.jiangbei)
        assert (r["level"], r["colour"], r["cumulative_confirmed"], r["days_since_last_case"]) == ("low", "green", 0, None)

    @pytest.mark.parametrize("cumulative,level,colour", [(50, "medium", "orange"), (51, "high", "red")])
    def test_cumulative_50_and_51_with_a_cluster(self, city: City, cumulative: int, level: str, colour: str) -> None:
        cases(city, city.jiangbei, ago(30), cumulative - 1)
        cases(city, city.jiangbei, ago(5), 1, local=0)
        ClusterEvent.objects.create(date=ago(5), county=city.jiangbei, cases=3, description="家庭聚集")
        r = risk_of(city.jiangbei)
        assert (r["cumulative_confirmed"], r["level"], r["colour"]) == (cumulative, level, colour)

    @pytest.mark.parametrize("days_ago,level,colour,new14", [(13, "medium", "blue", 1), (14, "low", "green", 0)])
    def test_a_case_on_d_minus_13_and_d_minus_14(self, city: City, days_ago: int, level: str, colour: str,
                                                  new14: int) -> None:
        cases(city, city.jiangbei, ago(days_ago), 1)
        r = risk_of(city.jiangbei)
        assert (r["level"], r["colour"], r["new_confirmed_14d"]) == (level, colour, new14)
        assert r["days_since_last_case"] == days_ago

    @pytest.mark.parametrize("days_ago,colour,new3", [(2, "yellow", 1), (3, "blue", 0)])
    def test_a_case_on_d_minus_2_and_d_minus_3(self, city: City, days_ago: int, colour: str, new3: int) -> None:
        cases(city, city.jiangbei, ago(days_ago), 1)
        r = risk_of(city.jiangbei)
        assert (r["colour"], r["new_confirmed_3d"]) == (colour, new3)

    @pytest.mark.parametrize("days_ago,colour,cluster", [(13, "orange", True), (14, "blue", False)])
    def test_a_cluster_on_d_minus_13_and_d_minus_14(self, city: City, days_ago: int, colour: str,
                                                     cluster: bool) -> None:
        cases(city, city.jiangbei, ago(10), 4)
        ClusterEvent.objects.create(date=ago(days_ago), county=city.jiangbei, cases=4, description="聚集")
        r = risk_of(city.jiangbei)
        assert (r["colour"], r["cluster_14d"]) == (colour, cluster)

    @pytest.mark.parametrize("local,colour", [(10, "blue"), (11, "orange")])
    def test_local_10_and_11(self, city: City, local: int, colour: str) -> None:
        cases(city, city.jiangbei, ago(8), local + 2, local=local)
        r = risk_of(city.jiangbei)
        assert (r["colour"], r["local_confirmed_14d"]) == (colour, local)

    def test_urban_roll_up(self, city: City) -> None:
        # 滨海区 (not urban) is high; 江北区 (urban) is medium: the city proper takes the urban counties only.
        cases(city, city.binhai, ago(20), 60)
        cases(city, city.binhai, ago(2), 2)
        ClusterEvent.objects.create(date=ago(2), county=city.binhai, cases=2, description="聚集")
        cases(city, city.jiangbei, ago(4), 1)
        data = services.situation(D)
        levels = {r["code"]: r["risk"]["level"] for r in data["regions"]}
        assert levels == {"339102": "medium", "339106": "high"}
        assert data["city"]["risk"]["level"] == "medium"
        assert data["city"]["risk"]["strategy"] == "外防输入、内防扩散、尽快有序恢复生产生活秩序"
        city.binhai.urban = True
        city.binhai.save()
        assert services.situation(D)["city"]["risk"]["level"] == "high"


class TestRt:
    def test_closed_form_posterior(self) -> None:
        weights = np.array([0.0, 0.5, 0.3, 0.2])
        incidence = np.array([4, 6, 8, 10, 12, 9, 7, 11, 13, 10])
        # Λ_t by hand for the last 7 days (t = 3 … 9): Σ I_{t−s} w_s
        lam = [0.5 * incidence[t - 1] + 0.3 * incidence[t - 2] + 0.2 * incidence[t - 3] for t in range(3, 10)]
        assert lam[0] == pytest.approx(0.5 * 8 + 0.3 * 6 + 0.2 * 4)
        shape = 1 + incidence[3:].sum()
        scale = 1 / (1 / 5 + sum(lam))
        got = rt.estimate(incidence, weights=weights)
        assert got is not None
        assert got.mean == pytest.approx(shape * scale)
        assert got.low == pytest.approx(stats.gamma.ppf(0.025, shape, scale=scale))
        assert got.high == pytest.approx(stats.gamma.ppf(0.975, shape, scale=scale))
        assert got.cv == pytest.approx(1 / np.sqrt(shape)) and got.reliable

    def test_few_cases_are_flagged_unreliable(self) -> None:
        got = rt.estimate(np.array([1, 0, 0, 1, 0, 0, 0, 1]))
        assert got is not None and got.cv > 0.3 and not got.reliable

    def test_not_estimable_without_earlier_cases(self) -> None:
        assert rt.estimate(np.array([0, 0, 0, 0, 3])) is None

    def test_serial_interval(self) -> None:
        w = rt.serial_interval_weights()
        assert w[0] == 0 and w.sum() == pytest.approx(1.0)
        assert (np.arange(len(w)) * w).sum() == pytest.approx(4.7, abs=0.05)

    def test_serial_interval_is_epiestims_discretised_gamma(self) -> None:
        """The weights use the incomplete gamma function directly (importing scipy.stats costs 1.3 s of CPU in a
        command's start): the same numbers as EpiEstim's ``discr_si`` written with scipy.stats' gamma CDF, at
        the default interval and at others (shape below and above 1)."""
        for mean, sd, days in ((rt.SI_MEAN, rt.SI_SD, rt.SI_DAYS), (3.0, 2.5, 20), (7.5, 3.4, 30)):
            k = np.arange(days + 1, dtype=float)
            a, b = ((mean - 1) / sd) ** 2, sd**2 / (mean - 1)

            def cdf(x: Any, shape: float, b: float = b) -> Any:
                return stats.gamma.cdf(x, shape, scale=b)

            w = k * cdf(k, a) + (k - 2) * cdf(k - 2, a) - 2 * (k - 1) * cdf(k - 1, a)
            w += a * b * (2 * cdf(k - 1, a + 1) - cdf(k - 2, a + 1) - cdf(k, a + 1))
            w = np.maximum(w, 0.0)
            w[0] = 0.0
            assert rt.serial_interval_weights(mean, sd, days) == pytest.approx(w / w.sum(), abs=1e-12)

    def test_rt_in_the_situation(self, city: City) -> None:
        for i, n in enumerate([2, 3, 5, 8, 10, 12, 15, 14, 12, 10, 8, 6, 5, 4, 3]):
            cases(city, city.jiangbei, ago(14 - i), n)
        r = risk_of(city.jiangbei)
        assert r["rt_low"] < r["rt_mean"] < r["rt_high"] and r["rt_mean"] < 1  # a falling epidemic
        city_risk = services.situation(D)["city"]["risk"]
        assert city_risk["rt_mean"] == r["rt_mean"]  # the other county has no cases: the city's series is this one
        assert city_risk["days_since_last_case"] == 0


class TestReproducibility:
    def test_same_date_same_version_same_bytes(self, city: City) -> None:
        cases(city, city.jiangbei, ago(3), 5, local=2)
        ClusterEvent.objects.create(date=ago(3), county=city.jiangbei, cases=3, description="聚集")
        first = services.situation_json(services.situation(D))
        label = json.loads(first)["rules_version"]
        assert label == "national-2020:v1,five-colour:v1"
        changed = json.loads(json.dumps(FIVE_COLOUR))
        changed["rules"][1]["any"][1][2] = 20
        rules.revise("five-colour", changed, city.users["hq"], "本地病例阈值调整为20")
        assert json.loads(services.situation_json(services.situation(D)))["rules_version"].endswith("five-colour:v2")
        assert services.situation_json(services.situation(D, rules_label=label)) == first

    def test_cli_json(self, city: City) -> None:
        cases(city, city.jiangbei, ago(1), 2)
        out = io.StringIO()
        call_command("situation", "--date", D.isoformat(), "--json", stdout=out)
        data = json.loads(out.getvalue())
        assert set(data) == {"date", "rules_version", "city", "regions"}
        region = next(r for r in data["regions"] if r["code"] == "339102")
        assert {"level", "colour", "suggested_colour", "published", "cumulative_confirmed", "new_confirmed_14d",
                "new_confirmed_3d", "local_confirmed_14d", "cluster_14d", "days_since_last_case", "rt_mean",
                "rt_low", "rt_high"} <= set(region["risk"])
        assert region["name"] == "江北区" and region["risk"]["colour"] == "yellow"
        again = io.StringIO()
        call_command("situation", "--date", D.isoformat(), "--json", stdout=again)
        assert again.getvalue() == out.getvalue()


class TestRuleSets:
    def test_revision_is_validated_and_audited(self, city: City) -> None:
        for definition, comment, message in [
                ({"window_days": 14, "recent_days": 3, "rules": [{"outcome": "purple", "all": []}]}, "x",
                 "rules[0]：outcome 须为 blue、green、orange、red、yellow 之一"),
                (FIVE_COLOUR, "同样的规则", "规则定义与现行版本相同，未生成新版本"),
                ({**FIVE_COLOUR, "recent_days": 4}, " ", "修订须写明修订说明")]:
            with pytest.raises(rules.RuleError) as refused:
                rules.revise("five-colour", definition, city.users["hq"], comment)
            assert str(refused.value) == message
        created = rules.revise("five-colour", {**FIVE_COLOUR, "recent_days": 4}, city.users["hq"], "改为4天")
        assert created.version == 2 and rules.version("five-colour", 1).definition == FIVE_COLOUR
        assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="core.ruleset").exists()


class TestPublication:
    def test_publish_needs_a_reason_when_it_differs(self, city: City) -> None:
        cases(city, city.jiangbei, ago(1), 1)  # suggested: yellow
        with pytest.raises(ValidationError) as error:
            services.publish_level(city.users["hq"], city.jiangbei, D, "orange", "")
        assert "reason" in error.value.message_dict
        services.publish_level(city.users["hq"], city.jiangbei, D, "orange", "毗邻高风险地区,从严管控")
        r = risk_of(city.jiangbei)
        assert (r["colour"], r["suggested_colour"], r["published"]) == ("orange", "yellow", True)
        published = PublishedLevel.objects.get()
        assert published.rules_version == "national-2020:v1,five-colour:v1" and published.published_by == city.users["hq"]
        entry = AuditLog.objects.get(object_type="epidemic.publishedlevel")
        assert entry.after["colour"] == "orange" and entry.actor == city.users["hq"]

    def test_publishing_the_suggestion_needs_no_reason(self, city: City) -> None:
        services.publish_level(city.users["hq"], city.binhai, D, "green", "")
        assert risk_of(city.binhai)["published"]

    def test_level_changes(self, city: City) -> None:
        cases(city, city.jiangbei, ago(5), 2)
        history = services.colour_history(city.jiangbei.pk, ago(7), D)
        changes = services.level_changes(history)
        assert [(c["from"], c["to"]) for c in changes] == [("green", "yellow"), ("yellow", "blue")]
        assert changes[0]["date"] == ago(5).isoformat() and changes[1]["date"] == ago(2).isoformat()


class TestImports:
    def imp(self, name: str, rows: list[list[Any]], user: Any) -> Any:
        dataset = get_dataset(name)
        assert dataset is not None
        return run_import(dataset, io.BytesIO(csv_bytes(rows)), "x.csv", user)

    def test_cases_import_and_errors(self, city: City) -> None:
        header = ["日期", "区划代码", "新增确诊", "其中本地", "新增无症状", "新增疑似", "新增治愈", "新增死亡"]
        bad = [header, ["2020-02-10", "339102", "3", "4", "0", "0", "0", "0"],
               ["2020-02-10", "339199", "1", "1", "0", "0", "0", "0"],
               ["2099-01-01", "339106", "1", "1", "0", "0", "0", "0"],
               ["2020-02-11", "339106", "1", "1", "0", "0", "0", "0"],
               ["2020/2/11", "339106", "2", "1", "0", "0", "0", "0"]]
        result = self.imp("cases", bad, city.users["hq"])
        assert [(e.row, e.column) for e in result.errors] == [(2, "其中本地"), (3, "区划代码"), (4, "日期"),
                                                             (6, "日期")]
        assert CaseReport.objects.count() == 0
        good = [header, ["2020-02-10", "339102", "3", "1", "0", "2", "0", "0"], [43872, "339106", "1", "1", "", "", "", ""]]
        assert self.imp("cases", good, city.users["hq"]).created == 2
        assert CaseReport.objects.get(county=city.binhai).date == dt.date(2020, 2, 11)
        assert self.imp("cases", good, city.users["hq"]).unchanged == 2
        assert not self.imp("cases", good, city.users["district"]).ok

    def test_clusters_import(self, city: City) -> None:
        rows = [["日期", "区划代码", "病例数", "描述"], ["2020-02-03", "339102", "5", "某小区家庭聚集"]]
        assert self.imp("clusters", rows, city.users["hq"]).created == 1
        assert self.imp("clusters", rows, city.users["hq"]).unchanged == 1
