"""Registry pages, filters shared by page/API/export, upload pages, templates, language switch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog
from dualtrack.registry.models import Enterprise, KeyList

from .conftest import City, make_enterprise
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row, read_xlsx


@pytest.fixture
def many(city: City) -> City:
    for i in range(120):
        make_enterprise(city.jiangbei, f"江北批量{i:03d}贸易有限公司", division="51", size_class="规下",
                        headcount=i)
    return city


def names(response: Any) -> list[str]:
    return [e.name for e in response.context["page"]]


def test_filters_by_county_park_industry_size_key(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    url = reverse("registry:enterprise_list")
    assert names(client.get(url, {"county": "339106"})) == ["滨海海纳物流有限公司"]
    assert names(client.get(url, {"park": "GXQ"})) == ["宁江高科电子有限公司"]
    assert names(client.get(url, {"industry": "G"})) == ["滨海海纳物流有限公司"]
    assert names(client.get(url, {"size_class": "限上服务业"})) == ["滨海海纳物流有限公司"]
    assert names(client.get(url, {"is_key": "1"})) == ["江北恒达机械有限公司"]
    key_list = KeyList.objects.create(code="IND100", name="百家重点工业企业")
    key_list.enterprises.add(city.e_jiangbei_park)
    assert names(client.get(url, {"key_list": "IND100"})) == ["宁江高科电子有限公司"]


def test_search_by_name_and_credit_code(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    url = reverse("registry:enterprise_list")
    assert names(client.get(url, {"q": "海纳"})) == ["滨海海纳物流有限公司"]
    assert names(client.get(url, {"q": city.e_binhai.uscc})) == ["滨海海纳物流有限公司"]
    assert names(client.get(url, {"q": city.e_binhai.uscc[:10].lower()})) == ["滨海海纳物流有限公司"]


def test_scope_applies_before_filters(client: Client, city: City) -> None:
    client.force_login(city.users["district"])
    response = client.get(reverse("registry:enterprise_list"), {"county": "339106"})
    assert names(response) == []


def test_pagination_and_pinned_query_count(client: Client, many: City, django_assert_max_num_queries: Any) -> None:
    client.force_login(many.users["hq"])
    url = reverse("registry:enterprise_list")
    with django_assert_max_num_queries(13):  # + the unread-notification badge
        first = client.get(url)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 123
    with django_assert_max_num_queries(13):
        last = client.get(url, {"page": 3})
    assert len(last.context["page"]) == 23
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_htmx_returns_only_the_table(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    response = client.get(reverse("registry:enterprise_list"), {"q": "海纳"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body and "滨海海纳物流有限公司" in body


def test_api_uses_the_same_filters(client: Client, city: City) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
    data = client.get(reverse("enterprise-list"), {"county": "339102", "is_key": "1"}, **auth).json()
    assert [e["name"] for e in data["results"]] == ["江北恒达机械有限公司"]
    assert data["results"][0]["county_code"] == "339102"


def test_export_reads_back_and_is_audited(client: Client, city: City) -> None:
    client.force_login(city.users["district"])
    response = client.get(reverse("registry:enterprise_export"), {"q": "江北"})
    assert response.status_code == 200
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"]
    assert [r[1] for r in rows[1:]] == ["江北恒达机械有限公司"]
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == city.users["district"] and entry.detail["rows"] == 1


def test_export_denied_for_enterprise_users(client: Client, city: City) -> None:
    client.force_login(city.users["enterprise"])
    assert client.get(reverse("registry:enterprise_export")).status_code == 403


def test_detail_shows_accounts_and_hides_liaisons_from_enterprise(client: Client, city: City) -> None:
    city.e_jiangbei.power_accounts.create(account_no="3302000777")
    client.force_login(city.users["enterprise"])
    body = client.get(reverse("registry:enterprise_detail", args=[city.e_jiangbei.uscc])).content.decode()
    assert "3302000777" in body and "liaison" not in body


def test_region_and_park_lists_count_enterprises_in_scope(client: Client, city: City) -> None:
    client.force_login(city.users["district"])
    counties = {c.code: c.enterprise_count for c in client.get(reverse("registry:region_list")).context["counties"]}
    assert counties == {"339102": 2, "339106": 0}
    parks = {p.code: p.enterprise_count for p in client.get(reverse("registry:park_list")).context["parks"]}
    assert parks == {"GXQ": 1}


def test_industry_page_lists_all_sections_and_divisions(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    sections = client.get(reverse("registry:industry_list")).context["sections"]
    assert len(sections) == 20 and sum(len(d) for _s, d in sections) == 97


def test_navigation_per_role(client: Client, city: City) -> None:
    client.force_login(city.users["department"])
    labels = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]
    # reference data (code lists) is in HQ's menu only; the others reach it from the import page
    assert "企业名录" not in labels and "行政区划" not in labels
    assert reverse("registry:industry_list") in client.get(reverse("import_index")).content.decode()
    # a department imports the progress of the key projects it is responsible for and the figures of the economic
    # indicators it reports (the human-resources bureau also the worker-return data; the development and reform
    # commission also the bids for higher-level funds, 争资; the supplies office, 市经信局 here, the supplies: items,
    # depots, receipts, requests, commitments and issues; the assessment office, 市经信局 too, the land, the annual
    # figures and the parks' province ranks of 亩均论英雄)
    assert [d.name for d in client.get(reverse("import_index")).context["datasets"]] == [
        "project_progress", "economy_targets", "economy_actuals", "supply_items", "supply_depots", "supply_receipts",
        "supply_requests", "supply_commitments", "supply_issues", "land_use", "enterprise_annual", "park_ranks"]
    client.force_login(city.users["district"])
    labels = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]
    assert "企业名录" in labels and "数据导入" in labels and "审计日志" not in labels
    assert not {"行政区划", "功能园区", "职能部门", "行业分类"} & set(labels)
    client.force_login(city.users["hq"])
    labels = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]
    assert {"行政区划", "功能园区", "职能部门", "行业分类", "审计日志"} <= set(labels)
    # an enterprise has its own file in the menu, not a directory of one
    client.force_login(city.users["enterprise"])
    items = {i["label"]: i["url"] for i in client.get(reverse("home")).context["nav_items"]}
    assert "企业名录" not in items
    assert items["本企业档案"] == reverse("registry:enterprise_detail", args=[city.e_jiangbei.uscc])
    client.force_login(city.users["hq"])
    labels = [i["label"] for i in client.get(reverse("home")).context["nav_items"]]
    assert "审计日志" in labels and "系统管理" in labels


class TestUploadPages:
    def test_district_sees_only_the_enterprise_dataset(self, client: Client, city: City) -> None:
        client.force_login(city.users["district"])
        datasets = [d.name for d in client.get(reverse("import_index")).context["datasets"]]
        # their own enterprises' registry and reports, their county's key-project progress, the workers whose home
        # is their county, boardings, arrivals and receipts of the trips leaving from or coming to it, and their
        # villages' registered poor households, checks, labourers, help teams and their townships' inspection teams,
        # and their county's investment leads with their activities and funds, and their enterprises' 复工备案 (the
        # filings, their answers and the daily epidemic ledgers), and their county's requests for supplies (防疫物资:
        # grassroots units and public batches; never the depots' receipts, commitments or issues), and their
        # enterprises' land and annual figures for 亩均论英雄 (never the parks' province ranks)
        assert datasets == ["enterprises", "resumption", "project_progress", "workers", "boardings", "arrivals",
                            "receipts", "households", "household_checks", "labourers", "helpers", "inspection_teams",
                            "leads", "lead_activities", "fund_arrivals", "filings", "filing_items",
                            "enterprise_health", "supply_requests", "land_use", "enterprise_annual"]
        assert client.get(reverse("import_upload", args=["regions"])).status_code == 404
        assert client.get(reverse("import_upload", args=["enterprises"])).status_code == 200

    def test_upload_bad_then_good(self, client: Client, city: City) -> None:
        client.force_login(city.users["district"])
        url = reverse("import_upload", args=["enterprises"])
        bad = csv_bytes([ENTERPRISE_HEADER, enterprise_row(city.e_binhai.uscc[:-1] + "0", "坏企业"),
                         enterprise_row("91339106MA0000001X", "滨海企业", county="339106")])
        response = client.post(url, {"file": _upload("bad.csv", bad)})
        assert response.status_code == 422
        body = response.content.decode()
        assert "未写入任何数据" in body and "统一社会信用代码" in body
        good_code = "91339102MA00000090"
        from dualtrack.registry.validators import make_uscc

        good_code = make_uscc(good_code[:17])
        good = csv_bytes([ENTERPRISE_HEADER, enterprise_row(good_code, "江北新企业有限公司")])
        response = client.post(url, {"file": _upload("good.csv", good)})
        assert response.status_code == 200 and "导入成功" in response.content.decode()
        assert Enterprise.objects.filter(uscc=good_code, county=city.jiangbei).exists()

    def test_rejects_other_file_types(self, client: Client, city: City) -> None:
        client.force_login(city.users["hq"])
        response = client.post(reverse("import_upload", args=["departments"]),
                               {"file": _upload("x.pdf", b"%PDF-1.4")})
        assert response.status_code == 200 and "只接受" in response.content.decode()

    def test_template_download_reads_back(self, client: Client, city: City) -> None:
        client.force_login(city.users["district"])
        response = client.get(reverse("import_template", args=["enterprises"]))
        rows = read_xlsx(response.content)
        assert rows[0] == ENTERPRISE_HEADER

    def test_api_import(self, client: Client, city: City) -> None:
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token('hq')}"}
        data = csv_bytes([["部门代码", "部门名称"], ["FGW", "市发展和改革委员会"], ["", "无代码"]])
        response = client.post(reverse("api-import", args=["departments"]), {"file": _upload("d.csv", data)}, **auth)
        assert response.status_code == 422
        assert response.json()["errors"] == [{"row": 3, "column": "部门代码", "value": None, "message": "不能为空"}]
        data = csv_bytes([["部门代码", "部门名称"], ["FGW", "市发展和改革委员会"]])
        response = client.post(reverse("api-import", args=["departments"]), {"file": _upload("d.csv", data)}, **auth)
        assert response.status_code == 200 and response.json()["created"] == 1


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_english_switch(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    assert "企业名录" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()  # Chinese first
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("registry:enterprise_list")).content.decode()
    assert "Enterprises" in body and "企业名录" not in body
    # Chart labels travel with every page, translated on the server (no catalog request, no CDN).
    assert '<script id="js-catalog" type="application/json">' in body
    assert json.loads(body.split('<script id="js-catalog" type="application/json">')[1].split("</script>")[0])[
        "复工电力指数"] == "Power-based resumption index"
    assert "Feb. 19, 2020" in client.get(reverse("epidemic:map"), {"date": "2020-02-19"}).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "企业名录" in client.get(reverse("registry:enterprise_list")).content.decode()
    assert "2020年2月19日" in client.get(reverse("epidemic:map"), {"date": "2020-02-19"}).content.decode()


def test_unknown_pages_are_friendly_404s(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    response = client.get("/registry/enterprises/NOPE/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    api = client.get("/api/v1/enterprises/NOPE")  # the API's 404 names no model, in the user's language
    assert api.status_code == 404 and api.json() == {"detail": "未找到。"}


def test_openapi_schema(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises" in paths and "/api/v1/imports/{dataset}" in paths
    # The error answers are documented: 404 for an object (or one outside the scope), 400 for bad filters.
    assert {"200", "401", "403", "404"} <= set(paths["/api/v1/enterprises/{uscc}"]["get"]["responses"])
    assert {"200", "400", "404"} <= set(paths["/api/v1/enterprises"]["get"]["responses"])
    error = paths["/api/v1/problems"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    # One report or a list of them: JSON only, and the schema says so.
    reports = paths["/api/v1/resumption/reports"]["post"]
    assert list(reports["requestBody"]["content"]) == ["application/json"]
    form = client.post("/api/v1/resumption/reports", {"date": "2020-02-10", "uscc": "x", "resumed": "true"})
    assert form.status_code == 415



def test_template_filters() -> None:
    from dualtrack.core.templatetags.dualtrack import as_json, thousands

    assert thousands(20000) == "20,000" and thousands("1234.5") == "1,234.50" and thousands(None) == ""
    assert as_json({"name": "江北区", "n": 1}) == '{"n": 1, "name": "江北区"}' and as_json(None) == ""
