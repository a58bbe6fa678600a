"""Epidemic pages and API: scope, the map's colours, publishing, entry, rule sets, data quality."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog, RuleSet
from dualtrack.epidemic import services
from dualtrack.epidemic.models import CaseReport, PublishedLevel
from dualtrack.epidemic.rules import FIVE_COLOUR

from .conftest import City

D = dt.date(2020, 2, 20)


@pytest.fixture
def outbreak(city: City) -> City:
    for i in range(5):
        CaseReport.objects.create(date=D - dt.timedelta(days=i), county=city.jiangbei, new_confirmed=i, new_local=i)
    CaseReport.objects.create(date=D - dt.timedelta(days=10), county=city.binhai, new_confirmed=1, new_local=0)
    return city


def county_url(code: str) -> str:
    return f"{reverse('epidemic:county', args=[code])}?date={D.isoformat()}"


def api(client: Client, city: City, role: str, url: str, **kwargs: Any) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Token {city.token(role)}", **kwargs)


class TestAccess:
    def test_anonymous(self, client: Client, outbreak: City) -> None:
        assert client.get(reverse("epidemic:map")).status_code == 302
        assert client.get(county_url("339102")).status_code == 302
        assert client.get(reverse("api-epidemic-situation")).status_code == 401

    @pytest.mark.parametrize("role", ["enterprise", "public", "liaison"])
    def test_denied_roles(self, client: Client, outbreak: City, role: str) -> None:
        client.force_login(outbreak.users[role])
        assert client.get(reverse("epidemic:map")).status_code == 403
        assert client.get(county_url("339102")).status_code == 404
        assert api(Client(), outbreak, role, reverse("api-epidemic-situation")).status_code == 403

    def test_district_sees_its_own_county_only(self, client: Client, outbreak: City) -> None:
        client.force_login(outbreak.users["district"])
        page = client.get(reverse("epidemic:map"), {"date": D.isoformat()})
        assert [r["code"] for r in page.context["data"]["regions"]] == ["339102"]
        assert client.get(county_url("339102")).status_code == 200
        assert client.get(county_url("339106")).status_code == 404
        data = api(Client(), outbreak, "district", reverse("api-epidemic-situation"), data={"date": D.isoformat()}).json()
        assert [r["code"] for r in data["regions"]] == ["339102"]

    @pytest.mark.parametrize("role", ["hq", "leader", "department"])
    def test_city_wide_roles(self, client: Client, outbreak: City, role: str) -> None:
        data = api(client, outbreak, role, reverse("api-epidemic-situation"), data={"date": D.isoformat()}).json()
        assert {r["code"] for r in data["regions"]} == {"339102", "339106"}
        bad = api(Client(), outbreak, role, reverse("api-epidemic-situation"), data={"date": "2020-02-30"})
        assert bad.status_code == 400 and bad.json() == {"date": ["日期“2020-02-30”格式不正确，应为 YYYY-MM-DD"]}


def test_map_page_shows_each_colour(client: Client, outbreak: City, django_assert_max_num_queries: Any) -> None:
    client.force_login(outbreak.users["hq"])
    services.situation(D)  # the worker's (core.judgements): the page reads the stored situation, never computes it
    with django_assert_max_num_queries(20):
        body = client.get(reverse("epidemic:map"), {"date": D.isoformat()}).content.decode()
    assert 'data-county="339102" data-colour="yellow"' in body
    assert 'data-county="339106" data-colour="blue"' in body
    payload = json.loads(body.split('id="map-payload" type="application/json">')[1].split("</script>")[0])
    assert {r["code"]: r["colour"] for r in payload["regions"]} == {"339102": "yellow", "339106": "blue"}


def test_county_page_explains_the_level(client: Client, outbreak: City) -> None:
    client.force_login(outbreak.users["hq"])
    response = client.get(county_url("339102"))
    assert response.context["region"]["why"]["colour"]["conditions"][0] == {
        "fact": "new3", "op": ">", "threshold": 0, "value": 3, "holds": True}
    assert "new3 &gt; 0" in response.content.decode()


def test_publish_form(client: Client, outbreak: City) -> None:
    url = f"{reverse('epidemic:publish', args=['339102'])}"
    # The leader sees the county but may not publish (403); another county's operator does not see it (404).
    client.force_login(outbreak.users["leader"])
    assert client.post(url, {"date": D.isoformat(), "colour": "red", "reason": "x"}).status_code == 403
    client.force_login(outbreak.users["district_binhai"])
    assert client.post(url, {"date": D.isoformat(), "colour": "red", "reason": "x"}).status_code == 404
    client.force_login(outbreak.users["hq"])
    response = client.post(url, {"date": D.isoformat(), "colour": "red", "reason": ""}, follow=True)
    assert "须填写理由" in response.content.decode() and not PublishedLevel.objects.exists()
    client.post(url, {"date": D.isoformat(), "colour": "red", "reason": "市指挥部研判"})
    assert PublishedLevel.objects.get().colour == "red"
    assert 'data-county="339102" data-colour="red"' in client.get(reverse("epidemic:map"),
                                                                  {"date": D.isoformat()}).content.decode()


def test_entry_form_and_correction(client: Client, outbreak: City) -> None:
    client.force_login(outbreak.users["district"])
    assert client.get(reverse("epidemic:enter")).status_code == 403
    client.force_login(outbreak.users["hq"])
    form = {"date": "2020-02-21", "county": "339106", "new_confirmed": 2, "new_local": 3, "new_asymptomatic": 0,
            "new_suspected": 0, "new_cured": 0, "new_deaths": 0}
    response = client.post(reverse("epidemic:enter"), form)
    assert response.status_code == 200 and "本地病例数不能多于新增确诊数" in response.content.decode()
    form["new_local"] = 1
    assert client.post(reverse("epidemic:enter"), form).status_code == 302
    form["new_confirmed"] = 4
    client.post(reverse("epidemic:enter"), form)
    report = CaseReport.objects.get(date="2020-02-21", county=outbreak.binhai)
    assert report.new_confirmed == 4
    entry = AuditLog.objects.filter(object_type="epidemic.casereport", action=AuditAction.UPDATE).get()
    assert entry.before == {"new_confirmed": 2} and entry.after == {"new_confirmed": 4}


def test_api_posts_cases_all_or_nothing(client: Client, outbreak: City) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Token {outbreak.token('hq')}"}
    url = reverse("api-epidemic-cases")
    bad = [{"date": "2020-02-22", "county_code": "339102", "new_confirmed": 1, "new_local": 1},
           {"date": "2020-02-22", "county_code": "339199", "new_confirmed": 1, "new_local": 1}]
    response = client.post(url, bad, content_type="application/json", **auth)
    assert response.status_code == 400 and list(response.json()) == ["1"]  # only the second item failed
    assert "county_code" in response.json()["1"]
    assert not CaseReport.objects.filter(date="2020-02-22").exists()
    response = client.post(url, bad[:1], content_type="application/json", **auth)
    assert response.json() == {"received": 1, "changed": 1}
    response = client.post(url, bad[0], content_type="application/json", **auth)
    assert response.json() == {"received": 1, "changed": 0}
    leader = {"HTTP_AUTHORIZATION": f"Token {outbreak.token('leader')}"}
    assert client.post(url, bad[0], content_type="application/json", **leader).status_code == 403


def test_rule_set_page_makes_a_new_version(client: Client, outbreak: City) -> None:
    client.force_login(outbreak.users["hq"])
    changed = {**FIVE_COLOUR, "recent_days": 5}
    response = client.post(reverse("epidemic:rules"), {"key": "five-colour", "definition": json.dumps(changed),
                                                       "comment": "近5天"})
    assert response.status_code == 302
    assert RuleSet.objects.filter(key="five-colour").count() == 2
    response = client.post(reverse("epidemic:rules"), {"key": "five-colour", "definition": "{not json",
                                                       "comment": "x"})
    assert "不是有效的 JSON" in response.content.decode()
    client.force_login(outbreak.users["leader"])
    assert client.get(reverse("epidemic:rules")).status_code == 200
    assert client.post(reverse("epidemic:rules"), {"key": "five-colour", "definition": "{}",
                                                   "comment": "x"}).status_code == 403


def test_data_quality_lists_missing_days(client: Client, outbreak: City) -> None:
    client.force_login(outbreak.users["hq"])
    rows = {r["code"]: r for r in client.get(reverse("epidemic:quality"), {"date": D.isoformat()}).context["rows"]}
    assert len(rows["339102"]["missing"]) == 9 and len(rows["339106"]["missing"]) == 13
    assert (D - dt.timedelta(days=5)).isoformat() in rows["339102"]["missing"]


def test_one_rule_set_page_for_every_registered_rule_set(client: Client, city: City) -> None:
    """The problems, projects and resumption rule sets could not be revised anywhere; now every registered
    rule set has the same page, and a revision is a new version."""
    from dualtrack.core import rules as rule_sets
    from dualtrack.core.models import RuleSet

    keys = rule_sets.registered_keys()
    assert {"national-2020", "five-colour", "problems", "projects", "resumption"} <= set(keys)
    client.force_login(city.users["hq"])
    page = client.get(reverse("rule_sets")).content.decode()
    assert all(f"?key={k}" in page for k in keys)
    current = rule_sets.current("problems")
    changed = {**current.definition, "due_soon_hours": 12} if "due_soon_hours" in current.definition else None
    assert changed is not None
    response = client.post(reverse("rule_sets"), {"key": "problems", "definition": json.dumps(changed),
                                                  "comment": "临期提前到 12 小时"})
    assert response.status_code == 302
    assert rule_sets.current("problems").version == current.version + 1
    assert RuleSet.objects.filter(key="problems").count() == current.version + 1  # the old version stays
    bad = client.post(reverse("rule_sets"), {"key": "projects", "definition": "{}", "comment": "清空"})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.force_login(city.users["leader"])
    assert client.get(reverse("rule_sets"), {"key": "resumption"}).status_code == 200
    assert client.post(reverse("rule_sets"), {"key": "problems", "definition": "{}", "comment": "x"}).status_code == 403
    client.force_login(city.users["enterprise"])
    assert client.get(reverse("rule_sets")).status_code == 403
