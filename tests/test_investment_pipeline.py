"""Investment promotion (issue #19), working the leads and the pipeline: the hand-over (registering links the
enterprise, starting creates the key project that then carries a light), activities, stages, a signing ceremony
(all or nothing), another county's lead answering 404 on its writes too, the 四个一批 board from the projects'
dates, 争资 with its success rate and growth, the week's activity, the card, the bulletin and the exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from dualtrack.core import dates, judgements
from dualtrack.core.actors import SystemActor
from dualtrack.investment import actions, pipeline
from dualtrack.investment.models import FundBid, GroundbreakingEvent, Lead, LeadActivity
from dualtrack.projects import services as projects
from dualtrack.projects.models import Project, ProjectProgress

from .conftest import City
from .test_investment import LEADS, load

D = dt.date


@pytest.fixture
def leads(city: City) -> City:
    assert load(city.users["hq"], "leads", [LEADS,
        ["ZS-1", "新能源零部件", "某集团", "民营500强", "C36", "12", "339102", "GXQ", "商会", "王明", "jiangbei", "正式签约",
         "2020-03-10", ""],
        ["ZS-2", "冷链物流中心", "某物流", "其他", "G59", "6", "339102", "", "", "", "", "洽谈", "", ""],
        ["ZS-3", "智能家电", "某家电", "其他", "C38", "4", "339102", "", "", "", "", "签约意向", "", ""],
        ["ZS-4", "数据中心", "某科技", "新经济500强", "I65", "8", "339106", "", "", "", "", "洽谈", "", ""]]).ok
    return city


def test_starting_a_lead_creates_its_key_project_with_a_light_on_the_next_evaluation(leads: City) -> None:
    lead = Lead.objects.get(code="ZS-1")
    district = leads.users["district"]
    assert not Project.objects.filter(code="ZS-ZS-1").exists()
    project = actions.start(district, lead, day=D(2020, 4, 15))
    lead.refresh_from_db()
    assert (lead.stage, lead.started_on, lead.project_code) == ("started", D(2020, 4, 15), "ZS-ZS-1")
    assert project.total_investment == Decimal("120000.00")  # 12 亿元 in 万元
    assert (project.county, project.park, project.actual_start) == (leads.jiangbei, leads.park, D(2020, 4, 15))
    assert project.plans.count() == 24 and project.plans.order_by("month").first().month == D(2020, 4, 1)
    status = projects.statuses(Project.objects.filter(pk=project.pk), D(2020, 4, 16))[0]
    assert status.light == "red" and status.started  # planned investment under way, nothing reported yet
    from dualtrack.core.audit import AuditLog

    assert AuditLog.objects.filter(object_type="projects.project", object_repr__contains="ZS-ZS-1").exists()


def test_starting_links_an_existing_key_project_and_refuses_before_signing(leads: City) -> None:
    existing = Project.objects.create(code="XM-9", name="已有项目", level="city_key", nature="new", county=leads.jiangbei,
                                      responsible_unit="江北区", total_investment=Decimal(5000))
    lead = Lead.objects.get(code="ZS-1")
    with pytest.raises(ValidationError) as bad:
        actions.start(leads.users["hq"], lead, day=D(2020, 3, 9))
    assert "date" in bad.value.message_dict  # before its signing on 10 March
    with pytest.raises(ValidationError) as unknown:
        actions.start(leads.users["hq"], lead, day=D(2020, 4, 1), project_code="XM-404")
    assert "project_code" in unknown.value.message_dict
    assert actions.start(leads.users["hq"], lead, day=D(2020, 4, 1), project_code="xm-9") == existing
    existing.refresh_from_db()
    assert existing.actual_start == D(2020, 4, 1) and Project.objects.count() == 1
    with pytest.raises(ValidationError) as early:
        actions.start(leads.users["hq"], Lead.objects.get(code="ZS-2"), day=D(2020, 4, 1))
    assert "stage" in early.value.message_dict


def test_registering_links_the_registry_enterprise_by_credit_code(leads: City) -> None:
    lead = Lead.objects.get(code="ZS-1")
    with pytest.raises(ValidationError) as unknown:
        actions.register(leads.users["district"], lead, "91339100MA0000000X")
    assert "不在企业名录中" in unknown.value.message_dict["uscc"][0]
    actions.register(leads.users["district"], lead, leads.e_jiangbei_park.uscc.lower())
    lead.refresh_from_db()
    assert (lead.enterprise, lead.stage) == (leads.e_jiangbei_park, "registered")
    project = actions.start(leads.users["district"], lead, day=D(2020, 4, 20))
    assert project.owner == leads.e_jiangbei_park
    with pytest.raises(ValidationError):
        actions.register(leads.users["district"], Lead.objects.get(code="ZS-2"), leads.e_jiangbei.uscc)


def test_stages_only_move_forward_and_stopping_needs_a_reason(leads: City) -> None:
    lead = Lead.objects.get(code="ZS-2")
    user = leads.users["district"]
    with pytest.raises(ValidationError) as back:
        actions.move_stage(user, lead, stage="lead")
    assert "向前" in back.value.message_dict["stage"][0]
    with pytest.raises(ValidationError) as no_day:
        actions.move_stage(user, lead, stage="signed")
    assert "date" in no_day.value.message_dict
    actions.move_stage(user, lead, stage="signed", day=D(2020, 4, 2))
    lead.refresh_from_db()
    assert (lead.stage, lead.signed_on) == ("signed", D(2020, 4, 2))
    with pytest.raises(ValidationError) as no_reason:
        actions.move_stage(user, lead, stage="stopped")
    assert "reason" in no_reason.value.message_dict
    actions.move_stage(user, lead, stage="stopped", reason="投资方资金链断裂")
    lead.refresh_from_db()
    assert (lead.stage, lead.stop_reason) == ("stopped", "投资方资金链断裂")
    with pytest.raises(ValidationError):
        actions.log_activity(user, lead, day=D(2020, 4, 3), kind="online")


def test_a_signing_ceremony_signs_several_leads_or_none(leads: City) -> None:
    user = leads.users["district"]
    two = [Lead.objects.get(code="ZS-2"), Lead.objects.get(code="ZS-3")]
    with pytest.raises(ValidationError) as refused:
        actions.sign_at_ceremony(user, [*two, Lead.objects.get(code="ZS-1")], day=D(2020, 3, 20), place="云签约")
    assert "ZS-1" in refused.value.message_dict["leads"][0]
    assert set(Lead.objects.filter(code__in=["ZS-2", "ZS-3"]).values_list("stage", flat=True)) == {"talks", "intent"}
    actions.sign_at_ceremony(user, two, day=D(2020, 3, 20), place="2020年一季度云签约仪式")
    assert set(Lead.objects.filter(code__in=["ZS-2", "ZS-3"]).values_list("signed_on", flat=True)) == {D(2020, 3, 20)}
    assert LeadActivity.objects.filter(kind="signing", date=D(2020, 3, 20)).count() == 2


def test_another_countys_lead_answers_404_on_its_pages_and_writes(leads: City, client: Any) -> None:
    client.force_login(leads.users["district_binhai"])
    for url, data in (("/investment/leads/ZS-1/activity/", {"date": "2020-04-01", "kind": "online"}),
                      ("/investment/leads/ZS-1/stage/", {"stage": "stopped", "reason": "x"})):
        assert client.post(url, data).status_code == 404
    assert not LeadActivity.objects.filter(lead__code="ZS-1").exists()
    assert Lead.objects.get(code="ZS-1").stage == "signed"
    response = client.post("/investment/leads/ZS-4/activity/", {"date": "2020-04-01", "kind": "online", "note": "视频"})
    assert response.status_code == 302
    assert LeadActivity.objects.get(lead__code="ZS-4").note == "视频"


def test_a_refused_form_on_a_leads_page_keeps_the_pages_other_forms(leads: City, client: Any) -> None:
    client.force_login(leads.users["district"])
    future = (dates.today() + dt.timedelta(days=1)).isoformat()
    page = client.post("/investment/leads/ZS-2/activity/", {"date": future, "kind": "online"}).content.decode()
    assert f"日期不能晚于今天（{dates.today().isoformat()}）" in page  # the form's day bound (core.forms)
    assert 'id="stage-form"' in page and 'id="officer-form"' in page  # still there to use
    back = client.post("/investment/leads/ZS-1/stage/", {"stage": "talks"}).content.decode()  # 正式签约 → 洽谈
    stage_form = back.split('id="stage-form"')[1].split("</form>")[0]
    assert "不在可用的选项中" in stage_form  # the choice is refused beside the field: only forward, or 终止
    assert 'value="talks"' not in stage_form and 'value="registered"' in stage_form
    assert Lead.objects.get(code="ZS-1").stage == "signed" and not LeadActivity.objects.filter(lead__code="ZS-2").exists()


def test_a_lead_entered_on_a_phone_belongs_to_the_users_county(leads: City, client: Any) -> None:
    client.force_login(leads.users["district_binhai"])
    response = client.post("/investment/new/", {"name": "海上风电装备", "investor": "某能源集团", "investor_class": "china500",
                                                "amount": "25.5", "informant": "陈华", "source": "以商招商"})
    assert response.status_code == 302
    lead = Lead.objects.get(name="海上风电装备")
    assert (lead.county, lead.stage, lead.informant, lead.amount) == (leads.binhai, "lead", "陈华", Decimal("25.5"))
    assert lead.code.startswith(f"ZS{dates.today().year}-") and lead.officer is None  # 未确定 until one is named
    bad = client.post("/investment/new/", {"name": "x", "investor": "y", "investor_class": "other", "amount": "0"})
    assert bad.status_code == 200 and "计划投资" in bad.content.decode()


def test_hq_places_a_lead_in_a_park_which_must_lie_in_the_chosen_county(leads: City, client: Any) -> None:
    client.force_login(leads.users["hq"])
    page = client.get("/investment/new/").content.decode()
    assert f'value="{leads.park.pk}"' in page  # the park picker lists the city's parks
    base = {"name": "园区新材料", "investor": "某材料", "investor_class": "other", "amount": "3"}
    wrong = client.post("/investment/new/", {**base, "county": leads.binhai.pk, "park": leads.park.pk})
    assert wrong.status_code == 200 and "该园区不在所选区县内" in wrong.content.decode()
    assert not Lead.objects.filter(name="园区新材料").exists()
    assert client.post("/investment/new/", {**base, "county": leads.jiangbei.pk, "park": leads.park.pk}).status_code == 302
    lead = Lead.objects.get(name="园区新材料")
    assert (lead.county, lead.park) == (leads.jiangbei, leads.park)  # counts for both scopes
    client.force_login(leads.users["district_binhai"])  # a county's staff choose among their own county's parks
    assert f'value="{leads.park.pk}"' not in client.get("/investment/new/").content.decode()
    refused = client.post("/investment/new/", {**base, "name": "越界园区", "park": leads.park.pk})
    assert refused.status_code == 200 and not Lead.objects.filter(name="越界园区").exists()


def test_a_liaison_officer_has_招商引资_in_the_menu_only_as_a_leads_chief_service_officer(leads: City,
                                                                                   client: Any) -> None:
    from django.urls import reverse

    liaison = leads.users["liaison"]
    client.force_login(liaison)

    def labels() -> list[str]:
        return [str(i["label"]) for i in client.get(reverse("home")).context["nav_items"]]

    assert "招商引资" not in labels()
    assert "尚未被确定为招商项目的首席服务员" in client.get("/investment/").content.decode()
    actions.name_officer(leads.users["hq"], Lead.objects.get(code="ZS-2"), liaison.pk)
    assert "招商引资" in labels()
    assert "ZS-2" in client.get("/investment/").content.decode()


def _project(city: City, code: str, **dates: Any) -> Project:
    return Project.objects.create(code=code, name=code, level="city_key", nature=dates.pop("nature", "new"),
                                  stage=dates.pop("stage", "construction"), county=city.jiangbei,
                                  responsible_unit="江北区", total_investment=Decimal(10000), **dates)


def test_four_batches_places_projects_by_their_dates_at_each_quarter_end(city: City) -> None:
    _project(city, "P-R", stage="reserve")
    _project(city, "P-S", actual_start=D(2020, 5, 10))
    _project(city, "P-C", nature="continuing", actual_completion=D(2020, 3, 31))
    _project(city, "P-O", actual_start=D(2019, 3, 1), actual_completion=D(2020, 6, 1), actual_operation=D(2020, 8, 1))
    _project(city, "P-K", nature="continuing")  # 续建 without dates: under construction all year
    resumed = _project(city, "P-Q", nature="continuing")  # its report after the holiday is a resumption, not a start
    ProjectProgress.objects.create(project=resumed, date=D(2020, 2, 20), resumed=True, completed_cumulative=10)
    reported = _project(city, "P-P", stage="preparation")  # its start known only from a report of work under way
    ProjectProgress.objects.create(project=reported, date=D(2020, 2, 10), resumed=False,
                                   completed_cumulative=0)
    ProjectProgress.objects.create(project=reported, date=D(2020, 2, 17), resumed=True,
                                   completed_cumulative=10)
    board = pipeline.four_batches(city.users["hq"], 2020)
    q1, q2, q3, _q4 = board.quarters
    assert q1.counts == {"reserve": 2, "construction": 4, "completed": 1, "operating": 0}
    assert sorted(q1.moves) == [("construction", "completed", 1), ("reserve", "construction", 1)]
    assert q2.counts == {"reserve": 1, "construction": 4, "completed": 2, "operating": 0}
    assert sorted(q2.moves) == [("construction", "completed", 1), ("reserve", "construction", 1)]
    assert q3.counts["operating"] == 1 and q3.moves == [("completed", "operating", 1)]
    assert q1.amounts["construction"] == Decimal(4)  # 4 × 10000 万元 = 4 亿元
    so_far = pipeline.four_batches(city.users["hq"], 2020, until=D(2020, 5, 10)).quarters
    assert [q.end for q in so_far] == [D(2020, 3, 31), D(2020, 5, 10)]  # the second quarter so far
    assert so_far[1].moves == [("reserve", "construction", 1)]


def test_a_groundbreaking_event_takes_only_projects_the_user_sees(city: City, client: Any) -> None:
    _project(city, "P-1")
    Project.objects.create(code="P-B", name="滨海项目", level="city_key", nature="new", county=city.binhai,
                           responsible_unit="滨海区", total_investment=Decimal(30000))
    with pytest.raises(ValidationError) as hidden:
        actions.add_groundbreaking(city.users["district"], day=D(2020, 3, 6), title="集中开工", place="江北",
                                   county_id=None, project_codes=["P-1", "P-B"])
    assert "P-B" in hidden.value.message_dict["projects"][0]
    event = actions.add_groundbreaking(city.users["district"], day=D(2020, 3, 6), title="江北区集中开工", place="江北",
                                       county_id=city.binhai.pk, project_codes=["p-1"])
    assert event.county == city.jiangbei  # a county's user records its own county's event
    event = actions.add_groundbreaking(SystemActor("t"), day=D(2020, 4, 18), title="全市第二批", place="滨海",
                                       county_id=None, project_codes=["P-1", "P-B"])
    board = pipeline.four_batches(city.users["hq"], 2020)
    assert [(e.title, e.n, e.amount_yi) for e in board.events] == [("江北区集中开工", 1, Decimal(1)),
                                                                   ("全市第二批", 2, Decimal(4))]
    client.force_login(city.users["enterprise"])
    assert client.get("/investment/pipeline/").status_code == 403
    assert client.get("/api/v1/investment/pipeline").status_code == 403
    assert GroundbreakingEvent.objects.count() == 2
    client.force_login(city.users["district_binhai"])  # the API gives what the caller may see, as the page does:
    data = client.get("/api/v1/investment/pipeline", {"date": "2020-06-30"}).json()
    assert [(e["title"], e["projects"]) for e in data["events"]] == [("江北区集中开工", 1), ("全市第二批", 2)]  # the city's
    assert sum(s["projects"] for s in data["quarters"][0]["stages"].values()) == 1  # its own county's projects
    client.force_login(city.users["hq"])
    data = client.get("/api/v1/investment/pipeline", {"date": "2020-04-10"}).json()
    assert (data["date"], [e["projects"] for e in data["events"]]) == ("2020-04-10", [1])  # not yet the second
    assert client.get("/api/v1/investment/pipeline", {"date": "2020-13-01"}).status_code == 400


BIDS = ["项目代码", "年度", "资金类别", "申请金额", "获得金额", "状态"]


def test_fund_bids_success_rate_and_growth(city: City) -> None:
    for code in ("P-1", "P-2", "P-3"):
        _project(city, code)
    hq = city.users["hq"]
    assert load(hq, "fund_bids", [BIDS, ["P-1", 2019, "中央预算内投资", "1000", "800", "已获批"],
                                  ["P-1", 2020, "中央预算内投资", "2000", "1000", "已获批"],
                                  ["P-2", 2020, "中央预算内投资", "500", "", "未获批"],
                                  ["P-3", 2020, "中央预算内投资", "900", "", "申报中"],
                                  ["P-2", 2020, "地方政府专项债券", "3000", "3000", "已获批"]]).ok
    rows = {r.kind: r for r in pipeline.bid_figures(hq, 2020)}
    central = rows["central_budget"]
    assert (central.bids, central.decided, central.won_bids, central.won) == (3, 2, 1, Decimal(1000))
    assert central.success_rate == 0.5 and central.growth == 0.25  # 1000 against 800
    assert rows["special_bond"].growth is None  # nothing won in 2019 to grow from
    assert rows["provincial"].success_rate is None
    total = rows[""]
    assert (total.bids, total.won, total.success_rate, total.growth) == (4, Decimal(4000), 0.666667, 4.0)
    bad = load(hq, "fund_bids", [BIDS, ["P-1", 2020, "省级专项", "100", "200", "已获批"],
                                 ["P-2", 2020, "省级专项", "100", "", "已获批"], ["P-X", 2020, "省级专项", "1", "", "申报中"]])
    assert not bad.ok and [e.column for e in bad.errors] == ["获得金额", "获得金额", "项目代码"]
    assert FundBid.objects.count() == 5
    assert load(hq, "fund_bids", [BIDS, ["P-1", 2019, "中央预算内投资", "1000", "800", "已获批"]]).unchanged == 1
    assert not load(city.users["district"], "fund_bids", [BIDS, ["P-1", 2021, "省级专项", "1", "", "申报中"]]).ok


def test_the_development_and_reform_commission_imports_bids_for_every_key_project(city: City, client: Any) -> None:
    from dualtrack.registry.models import Department

    from .conftest import _user

    _project(city, "P-1")  # no responsible unit: not one of the commission's own projects
    commission = _user("fagai", "department", department=Department.objects.create(code="FGW", name="市发展和改革委员会"))
    assert load(commission, "fund_bids", [BIDS, ["P-1", 2020, "中央预算内投资", "1000", "", "申报中"]]).ok
    other_department = city.users["department"]  # 经信局 follows the bids but does not keep them
    assert not load(other_department, "fund_bids", [BIDS, ["P-1", 2020, "省级专项", "5", "", "申报中"]]).ok
    client.force_login(other_department)
    assert "P-1" in client.get("/investment/bids/?year=2020").content.decode()
    assert FundBid.objects.count() == 1


def test_the_weeks_activity(leads: City) -> None:
    user = leads.users["district"]
    actions.log_activity(user, Lead.objects.get(code="ZS-2"), day=D(2020, 3, 16), kind="online")
    actions.log_activity(user, Lead.objects.get(code="ZS-2"), day=D(2020, 3, 22), kind="visit_out")
    actions.log_activity(user, Lead.objects.get(code="ZS-3"), day=D(2020, 3, 23), kind="online")  # next week
    actions.sign_at_ceremony(user, [Lead.objects.get(code="ZS-3")], day=D(2020, 3, 18), place="云签约")
    week = pipeline.week_activity(user, D(2020, 3, 16))
    assert (week.monday, week.sunday) == (D(2020, 3, 16), D(2020, 3, 22))
    assert week.by_kind == {"visit_out": 1, "visit_in": 0, "online": 1, "promotion": 0, "signing": 1}
    assert (week.signed, week.signed_amount, week.started) == (1, Decimal(4), 0)
    other = pipeline.week_activity(leads.users["district_binhai"], D(2020, 3, 16))
    assert other.signed == 0 and sum(other.by_kind.values()) == 0
    assert pipeline.monday_of(D(2020, 3, 22)) == D(2020, 3, 16)


def test_card_bulletin_and_exports(leads: City, client: Any) -> None:
    from dualtrack.investment.bulletin import section
    from dualtrack.investment.cards import investment_card

    actions.sign_at_ceremony(leads.users["hq"], [Lead.objects.get(code="ZS-3")], day=D(2020, 4, 28), place="云签约")
    card = investment_card(leads.users["hq"], D(2020, 4, 30))
    assert card is not None and {f.key for f in card.figures} >= {"signed_amount", "red"}
    assert "本周新签约 1 个" in card.rows[0].text
    assert investment_card(leads.users["enterprise"], D(2020, 4, 30)) is None

    class Ctx:
        day = D(2020, 4, 30)

    _project(leads, "P-1")
    for day, title in ((D(2020, 3, 6), "第一批集中开工"), (D(2020, 4, 28), "第二批集中开工")):
        actions.add_groundbreaking(leads.users["hq"], day=day, title=title, place="高新区", county_id=None,
                                   project_codes=["P-1"])
    text = "".join(section(Ctx()).paragraphs)
    assert "本周新签约项目1个、总投资4.00亿元" in text and "2020年全市累计签约16.00亿元" in text
    assert "4月28日第二批集中开工在高新区举行，1个项目集中开工、总投资1.00亿元" in text
    assert "第一批" not in text and "今年已举办集中开工活动2次，集中开工项目2个、总投资2.00亿元" in text
    client.force_login(leads.users["hq"])
    response = client.get("/investment/leads.xlsx", {"date": "2020-04-30"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(quote("招商项目-2020年4月30日.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["ZS-1"][3] == 12 and rows["ZS-2"][6] == "黄灯"
    client.force_login(leads.users["district_binhai"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/investment/leads.xlsx").streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["ZS-4"]


def test_bulletin_headings_count_past_ten() -> None:
    from dualtrack.bulletins.content import chinese_numeral

    assert [chinese_numeral(n) for n in (1, 10, 11, 12, 20, 21)] == ["一", "十", "十一", "十二", "二十", "二十一"]


PROJECT_HEADER = ["项目代码", "项目名称", "项目级别", "建设性质", "区划代码", "责任单位", "总投资", "实际开工日期", "实际竣工日期",
                  "实际投产日期"]


def test_project_milestones_import_and_a_blank_cell_keeps_a_date_already_known(city: City) -> None:
    hq = city.users["hq"]
    row = ["XM-M", "码头二期", "市重点", "续建", "339102", "江北区", "50000"]
    assert load(hq, "projects", [PROJECT_HEADER, [*row, "2019-05-01", "2020-03-20", ""]]).ok
    project = Project.objects.get(code="XM-M")
    assert (project.actual_start, project.actual_completion, project.actual_operation) == (
        D(2019, 5, 1), D(2020, 3, 20), None)
    assert load(hq, "projects", [PROJECT_HEADER, [*row, "", "", "2020-04-10"]]).ok
    project.refresh_from_db()
    assert (project.actual_start, project.actual_completion, project.actual_operation) == (
        D(2019, 5, 1), D(2020, 3, 20), D(2020, 4, 10))
    bad = load(hq, "projects", [PROJECT_HEADER, [*row, "2020-05-01", "2020-03-20", ""],
                                ["XM-N", *row[1:], "", "", "2999-01-01"]])
    assert not bad.ok and [e.column for e in bad.errors] == ["实际竣工日期", "实际投产日期"]
    assert pipeline.four_batches(hq, 2020).quarters[1].counts["operating"] == 1


def test_the_worker_raises_red_leads_tasks_once_on_the_data_as_of_day(leads: City, settings: Any) -> None:
    """The worker judges on the pipeline's as-of day (the city's data-as-of day, never past the clock), the day the
    pages show: the clock moving into the tenth month raises the task, a new activity does not move the day."""
    from dualtrack.core import periodic
    from dualtrack.investment import services
    from dualtrack.problems.models import Problem

    settings.DUALTRACK_CLOCK = "2020-12-09T18:00:00+08:00"
    actions.log_activity(leads.users["district"], Lead.objects.get(code="ZS-2"), day=D(2020, 12, 9), kind="online")
    assert services.as_of() == D(2020, 12, 9)  # ZS-1 signed 10 March: red from 10 December, not yet
    assert periodic.run_all()["investment-red-leads"] == {"day": "2020-12-09", "raised": 0}
    settings.DUALTRACK_CLOCK = "2020-12-10T18:00:00+08:00"
    assert periodic.run_all()["investment-red-leads"] == {"day": "2020-12-10", "raised": 1}
    assert periodic.run_all()["investment-red-leads"]["raised"] == 0
    assert Problem.objects.filter(source_key="investment:red:ZS-1").count() == 1


INVESTMENT_PAGES = ["/investment/?date=2020-04-30", "/investment/league/?date=2020-04-30",
                    "/investment/weekly/?date=2020-04-30", "/investment/pipeline/?year=2020",
                    "/investment/bids/?year=2020", "/investment/leads/ZS-1/"]


def _many(city: City, start: int, count: int) -> None:
    for n in range(start, start + count):
        lead = Lead.objects.create(code=f"ZS-M{n:03d}", name=f"项目{n}", investor="某集团", amount=Decimal(3),
                                   county=city.jiangbei, stage="signed", signed_on=D(2020, 3, 1 + n % 28))
        LeadActivity.objects.create(lead=lead, date=D(2020, 4, 1 + n % 29), kind="online")
        project = _project(city, f"P-M{n:03d}", actual_start=D(2020, 2, 1 + n % 28))
        FundBid.objects.create(project=project, year=2020, fund_kind="provincial", requested=Decimal(100),
                               won=Decimal(50), state="won")


def test_investment_pages_have_pinned_query_counts(leads: City, client: Any, django_assert_max_num_queries: Any,
                                                   steady_rule_sets: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leads.users["hq"])

    def counts() -> list[int]:
        found = []
        for url in INVESTMENT_PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    _many(leads, 0, 20)
    counts()  # warm: the rule set and the menu are read once per process
    fewer = counts()
    _many(leads, 20, 40)
    # the new leads make the stored judgements stale: the worker recomputes them (in production never in a
    # request; under DUALTRACK_JUDGE_INLINE the first page would) and the pages read the stored result
    judgements.worker_step()
    assert counts() == fewer  # the same number of queries for 20 leads and projects as for 60
    for url in INVESTMENT_PAGES:
        with django_assert_max_num_queries(30):
            client.get(url)


def test_naming_the_chief_service_officer(leads: City, client: Any) -> None:
    from dualtrack.core.models import Notification

    lead = Lead.objects.get(code="ZS-2")
    client.force_login(leads.users["district"])
    refused = client.post("/investment/leads/ZS-2/officer/", {"officer": leads.users["district_binhai"].pk})
    assert refused.status_code == 200 and Lead.objects.get(code="ZS-2").officer is None  # another county's operator
    response = client.post("/investment/leads/ZS-2/officer/", {"officer": leads.users["department"].pk})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.officer == leads.users["department"]
    assert Notification.objects.filter(user=leads.users["department"], link="/investment/leads/ZS-2/").exists()
    client.force_login(leads.users["department"])  # the officer now sees the lead and logs its activities
    assert client.get("/investment/leads/ZS-2/").status_code == 200
    assert client.post("/investment/leads/ZS-2/officer/", {"officer": leads.users["department"].pk}).status_code == 403
    client.force_login(leads.users["district_binhai"])
    assert client.post("/investment/leads/ZS-2/officer/", {"officer": leads.users["department"].pk}).status_code == 404


def test_the_pipeline_cli_contract(city: City) -> None:
    import json

    from django.core.management import call_command

    _project(city, "P-C", nature="continuing", actual_completion=D(2020, 2, 10))
    _project(city, "P-R", stage="reserve")
    actions.add_groundbreaking(city.users["hq"], day=D(2020, 3, 6), title="集中开工", place="江北", county_id=None,
                               project_codes=["P-R"])
    out = io.StringIO()
    call_command("investment", "--date", "2020-03-05", "--pipeline", stdout=out)
    data = json.loads(out.getvalue())
    assert [q["end"] for q in data["quarters"]] == ["2020-03-05"]
    assert data["quarters"][0]["stages"]["completed"] == {"projects": 1, "amount": 1.0}
    assert data["quarters"][0]["moves"] == [{"from": "construction", "to": "completed", "projects": 1}]
    assert data["events"] == []  # the event of 6 March has not been held on the 5th
    assert data["bids"][-1] == {"fund_kind": None, "bids": 0, "decided": 0, "won_bids": 0, "requested": 0.0,
                                "won": 0.0, "won_last_year": 0.0, "success_rate": None, "growth": None}


def test_first_informants_to_reward(leads: City) -> None:
    actions.sign_at_ceremony(leads.users["hq"], [Lead.objects.get(code="ZS-3")], day=D(2020, 4, 28), place="云签约")
    Lead.objects.filter(code="ZS-3").update(informant="王明")
    assert [(i.name, i.leads, i.amount) for i in pipeline.informants(leads.users["hq"], D(2020, 4, 30))] == [
        ("王明", 2, Decimal(16))]  # ZS-1 (12) and ZS-3 (4)
    assert pipeline.informants(leads.users["hq"], D(2020, 4, 27))[0].leads == 1  # ZS-3 signed after the day
    assert pipeline.informants(leads.users["district_binhai"], D(2020, 4, 30)) == []  # not their leads


def test_the_first_informants_name_is_personal_data(leads: City, client: Any) -> None:
    """Whole for HQ and the lead's own staff, each view audited; masked for a leader and the chief service
    officer's department."""
    from dualtrack.core.audit import AuditLog

    actions.name_officer(leads.users["hq"], Lead.objects.get(code="ZS-1"), leads.users["department"].pk)
    for role, shown in (("district", "王明"), ("hq", "王明"), ("leader", "王*"), ("department", "王*")):
        client.force_login(leads.users[role])
        before = AuditLog.objects.filter(action="view_personal").count()
        lead_page = client.get("/investment/leads/ZS-1/").content.decode()
        league = client.get("/investment/league/", {"date": "2020-04-30"})
        assert f"<dd>{shown} ·" in lead_page, role
        assert ("王明" in lead_page) is (shown == "王明"), role
        assert [i.name for i in league.context["informants"]] == [shown], role
        audited = AuditLog.objects.filter(action="view_personal").count() - before
        assert audited == (2 if shown == "王明" else 0), role


def test_lead_search_and_the_pipeline_export(leads: City, client: Any, settings: Any) -> None:
    settings.DUALTRACK_CLOCK = "2020-04-30T18:00:00+08:00"  # the board runs up to the pipeline's as-of day
    client.force_login(leads.users["hq"])
    page = client.get("/investment/", {"date": "2020-04-30", "q": "冷链"})
    assert [s.code for s in page.context["page"]] == ["ZS-2"]
    assert [s.code for s in client.get("/investment/", {"date": "2020-04-30", "q": "zs-4"}).context["page"]] == ["ZS-4"]
    _project(leads, "P-C", nature="continuing", actual_completion=D(2020, 2, 10))
    actions.add_groundbreaking(leads.users["hq"], day=D(2020, 3, 6), title="集中开工", place="江北", county_id=None,
                               project_codes=["P-C"])
    actions.log_activity(leads.users["hq"], Lead.objects.get(code="ZS-2"), day=D(2020, 4, 30), kind="online")
    response = client.get("/investment/pipeline.xlsx", {"year": "2020"})
    assert response["Content-Disposition"].endswith(quote("四个一批-2020.xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    quarters = list(book["四个一批"].iter_rows(values_only=True))
    assert quarters[0][:6] == ("季度", "数据截至", "储备（个）", "在建（个）", "竣工（个）", "投产（个）")
    assert [row[1].date() for row in quarters[1:]] == [D(2020, 3, 31), D(2020, 4, 30)]  # up to the data day
    # 30 April is no quarter's end: the second quarter so far, named so (#28 §5)
    assert [row[0] for row in quarters[1:]] == ["2020年一季度", "2020年二季度（截至4月30日）"]
    assert quarters[1][4] == 1 and quarters[1][10] == "在建→竣工 1"
    events = list(book["集中开工活动"].iter_rows(min_row=2, values_only=True))
    assert [(e[1], e[3], e[4]) for e in events] == [("集中开工", 1, 1)]
