"""Policy fulfilment: every eligibility criterion and amount rule on constructed enterprises, the application
loop to payment, going to the enterprises, 免申即享, the public notice (walked link by link), the bulletin."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dualtrack.core.calendar import SHANGHAI
from dualtrack.policies import services
from dualtrack.policies.eligibility import Eligibility
from dualtrack.policies.models import Application, Measure, Notice, Outreach, Policy
from dualtrack.resumption.models import ResumptionReport

from .conftest import City, _user, make_enterprise

D = dt.date
DAY = D(2020, 3, 10)


@pytest.fixture
def policy(city: City) -> Policy:
    return Policy.objects.create(title="关于促进企业复工复产的若干意见", issuer="宁江市人民政府", doc_number="宁政发〔2020〕5号",
                                 issued_on=D(2020, 2, 8), effective_from=D(2020, 2, 8))


def make_measure(city: City, policy: Policy, code: str, eligibility: dict[str, Any] | None = None,
                 **rule: Any) -> Measure:
    values = {"amount_rule": "fixed", "amount_fixed": Decimal("2")} | rule
    measure = Measure(policy=policy, code=code, title=f"条款{code}", support_type=values.pop("support_type", "subsidy"),
                      department=city.department, window_start=D(2020, 2, 10), window_end=D(2020, 6, 30),
                      eligibility=eligibility or {}, **values)
    services.validate_measure(measure)
    measure.save()
    return measure


@pytest.fixture
def firms(city: City) -> dict[str, Any]:
    """Constructed enterprises beside the city's three (34 机械 江北 key, 39 电子 江北 高新区, 59 仓储 滨海 限上服务业)."""
    return {
        "small": make_enterprise(city.jiangbei, "江北小微加工厂", headcount=10, size_class="规下"),
        "mid": make_enterprise(city.binhai, "滨海中型制造有限公司", headcount=100),
        "large": make_enterprise(city.binhai, "滨海大型制造有限公司", headcount=500),
        "hotel": make_enterprise(city.jiangbei, "江北大酒店有限公司", division="61", size_class="限上服务业", headcount=80),
        "restaurant": make_enterprise(city.binhai, "滨海海鲜酒楼", division="62", size_class="规下", headcount=30),
    }


def names(queryset: Any) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def eligible(city: City, policy: Policy, criteria: dict[str, Any], day: dt.date = DAY) -> set[str]:
    measure = make_measure(city, policy, f"M{Measure.objects.count() + 1}", criteria)
    return names(services.eligible(measure, day))


# --- every criterion -------------------------------------------------------------------------------------------

def test_each_criterion(city: City, policy: Policy, firms: dict[str, Any]) -> None:
    everyone = {"江北恒达机械有限公司", "宁江高科电子有限公司", "滨海海纳物流有限公司", *(f.name for f in firms.values())}
    assert eligible(city, policy, {}) == everyone
    assert eligible(city, policy, {"industries": ["H"]}) == {"江北大酒店有限公司", "滨海海鲜酒楼"}  # section 住宿和餐饮业
    assert eligible(city, policy, {"industries": ["59"]}) == {"滨海海纳物流有限公司"}  # a division
    assert eligible(city, policy, {"size_classes": ["限上服务业"]}) == {"滨海海纳物流有限公司", "江北大酒店有限公司"}
    assert eligible(city, policy, {"counties": ["339106"]}) == {"滨海海纳物流有限公司", "滨海中型制造有限公司",
                                                                "滨海大型制造有限公司", "滨海海鲜酒楼"}
    assert eligible(city, policy, {"parks": ["GXQ"]}) == {"宁江高科电子有限公司"}
    assert eligible(city, policy, {"headcount_min": 80, "headcount_max": 100}) == {
        "江北恒达机械有限公司", "宁江高科电子有限公司", "滨海海纳物流有限公司", "滨海中型制造有限公司", "江北大酒店有限公司"}  # bounds inclusive
    assert eligible(city, policy, {"headcount_max": 30}) == {"江北小微加工厂", "滨海海鲜酒楼"}
    assert eligible(city, policy, {"hard_hit": True}) == {"江北大酒店有限公司", "滨海海鲜酒楼"}
    assert eligible(city, policy, {"key_only": True}) == {"江北恒达机械有限公司"}
    assert eligible(city, policy, {"counties": ["339106"], "headcount_min": 100, "industries": ["C"]}) == {
        "滨海中型制造有限公司", "滨海大型制造有限公司"}  # criteria combine with AND


def test_resumed_criterion_carries_the_report_forward(city: City, policy: Policy, firms: dict[str, Any]) -> None:
    ResumptionReport.objects.create(enterprise=firms["mid"], date=D(2020, 3, 2), resumed=True)
    ResumptionReport.objects.create(enterprise=firms["large"], date=D(2020, 3, 2), resumed=True)
    ResumptionReport.objects.create(enterprise=firms["large"], date=D(2020, 3, 9), resumed=False)
    resumed = make_measure(city, policy, "R1", {"resumed": True, "counties": ["339106"]})
    not_resumed = make_measure(city, policy, "R2", {"resumed": False, "counties": ["339106"]})
    assert names(services.eligible(resumed, DAY)) == {"滨海中型制造有限公司"}
    assert names(services.eligible(resumed, D(2020, 3, 5))) == {"滨海中型制造有限公司", "滨海大型制造有限公司"}
    assert names(services.eligible(not_resumed, DAY)) == {"滨海大型制造有限公司", "滨海海纳物流有限公司", "滨海海鲜酒楼"}


def test_schema_names_the_bad_field(city: City, policy: Policy) -> None:
    for bad, word in [({"colour": "red"}, "colour"), ({"industries": ["manufacturing"]}, "industries"),
                      ({"size_classes": ["大型"]}, "size_classes"), ({"headcount_min": 50, "headcount_max": 10}, "headcount_max"),
                      ({"resumed": "yes"}, "resumed"), ([], "JSON 对象")]:
        with pytest.raises(ValidationError, match=word):
            Eligibility.parse(bad)


# --- every amount rule -------------------------------------------------------------------------------------------

def test_amount_rules(city: City, policy: Policy, firms: dict[str, Any]) -> None:
    mid = firms["mid"]  # normal headcount 100
    fixed = make_measure(city, policy, "A1", amount_rule="fixed", amount_fixed=Decimal("2"))
    assert services.compute_amount(fixed, mid) == Decimal("2.0000")
    per_head = make_measure(city, policy, "A2", amount_rule="per_head", amount_per_head=Decimal("0.05"))
    assert services.compute_amount(per_head, mid) == Decimal("5.0000")  # 100 × 500 元
    capped = make_measure(city, policy, "A3", amount_rule="per_head", amount_per_head=Decimal("0.05"), cap=Decimal("3"))
    assert services.compute_amount(capped, mid) == Decimal("3.0000") and services.compute_amount(capped, firms["small"]) == Decimal("0.5000")
    declared = make_measure(city, policy, "A4", amount_rule="per_head", amount_per_head=Decimal("0.1"),
                            headcount_basis="declared")
    assert services.compute_amount(declared, mid, declared_headcount=42) == Decimal("4.2000")
    with pytest.raises(ValidationError, match="申报人数"):
        services.compute_amount(declared, mid)
    share = make_measure(city, policy, "A5", amount_rule="share", share_rate=Decimal("0.5"), cap=Decimal("10"),
                         base_label="贷款利息")
    assert services.compute_amount(share, mid, declared_base=Decimal("12.3457")) == Decimal("6.1729")  # half, rounded
    assert services.compute_amount(share, mid, declared_base=Decimal("30")) == Decimal("10.0000")  # the cap
    with pytest.raises(ValidationError):
        make_measure(city, policy, "A6", amount_rule="share", share_rate=Decimal("0.5"))  # a share needs its cap
    with pytest.raises(ValidationError, match="免申即享"):
        make_measure(city, policy, "A7", amount_rule="share", share_rate=Decimal("0.5"), cap=Decimal("1"),
                     no_application=True)


def test_no_application_list_computes_amounts_in_sql_like_python(city: City, policy: Policy,
                                                                 firms: dict[str, Any]) -> None:
    measure = make_measure(city, policy, "F1", {"industries": ["C"]}, amount_rule="per_head",
                           amount_per_head=Decimal("0.015"), cap=Decimal("5"), no_application=True,
                           support_type="job_stabilisation")
    assert services.grant_entitlements(city.users["hq"], measure, DAY) == 5
    assert services.grant_entitlements(city.users["hq"], measure, DAY) == 0  # idempotent
    for application in Application.objects.filter(measure=measure).select_related("enterprise"):
        assert application.state == "approved" and application.source == "entitlement"
        assert application.amount == services.compute_amount(measure, application.enterprise)
    assert Application.objects.get(enterprise=firms["large"]).amount == Decimal("5.0000")  # 500 × 150 元 capped
    with pytest.raises(PermissionDenied):
        services.grant_entitlements(city.users["district"], measure, DAY)


# --- applications to payment ---------------------------------------------------------------------------------------

def test_apply_review_pay(client: Any, city: City, policy: Policy) -> None:
    measure = make_measure(city, policy, "L1", {"industries": ["C"]}, amount_rule="share", share_rate=Decimal("0.5"),
                           cap=Decimal("20"), base_label="贷款利息", support_type="interest_discount")
    client.force_login(city.users["enterprise"])
    with time_machine.travel(dt.datetime(2020, 3, 10, 10, 0, tzinfo=SHANGHAI)):
        response = client.post(f"/policies/measures/{measure.code}/", {"action": "apply", "declared_base": "16"})
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.amount == Decimal("8.0000") and application.source == "enterprise"
        again = client.post(f"/policies/measures/{measure.code}/", {"action": "apply", "declared_base": "16"})
        assert "已申报过本条款" in again.content.decode()
    with time_machine.travel(dt.datetime(2020, 7, 1, 10, 0, tzinfo=SHANGHAI)), pytest.raises(ValidationError, match="申报期"):
        services.apply(city.users["liaison"], measure, city.e_jiangbei, declared_base=Decimal(1))
    not_industry = make_measure(city, policy, "L2", {"industries": ["G"]})
    with time_machine.travel(dt.datetime(2020, 3, 10, 10, 0, tzinfo=SHANGHAI)), pytest.raises(ValidationError, match="不符合"):
        services.apply(city.users["enterprise"], not_industry, city.e_jiangbei)

    handler = city.users["department"]
    with pytest.raises(ValidationError, match="原因"):
        services.review(handler, application.pk, 0, approve=False)
    with pytest.raises(ValidationError, match="不超过测算金额"):
        services.review(handler, application.pk, 0, approve=True, approved_amount=Decimal("9"))
    other = _user("shangwu", "department", department=_department())
    with pytest.raises(Http404):  # another department does not see the application
        services.review(other, application.pk, 0, approve=True)
    approved = services.review(handler, application.pk, 0, approve=True, approved_amount=Decimal("7.5"))
    with pytest.raises(services.ConcurrentChange):
        services.review(city.users["hq"], application.pk, 0, approve=False, reason="重复")
    with time_machine.travel(dt.datetime(2020, 3, 20, 10, 0, tzinfo=SHANGHAI)):
        with pytest.raises(ValidationError, match="凭证号"):
            services.pay(handler, approved.pk, approved.version, Decimal("7.5"), D(2020, 3, 20), "")
        paid = services.pay(handler, approved.pk, approved.version, Decimal("7.5"), D(2020, 3, 20), "PZ-2020-0001")
    assert paid.state == "paid" and paid.paid_amount == Decimal("7.5000")

    client.force_login(handler)
    assert client.get("/policies/applications/", {"state": "paid"}).content.decode().count('data-state="paid"') == 1
    from .helpers import read_xlsx

    rows = read_xlsx(b"".join(client.get("/policies/applications/", {"format": "xlsx"}).streaming_content))
    assert rows[1][3] == city.e_jiangbei.uscc and rows[1][11] == 7.5 and rows[1][13] == "PZ-2020-0001"
    client.force_login(other)
    assert client.get(f"/policies/applications/{paid.pk}/").status_code == 404
    client.force_login(city.users["district_binhai"])
    assert client.get(f"/policies/applications/{paid.pk}/").status_code == 404


def _department() -> Any:
    from dualtrack.registry.models import Department

    return Department.objects.create(code="SWJ", name="市商务局")


# --- going to the enterprises --------------------------------------------------------------------------------------

def test_outreach_to_liaison_officers(client: Any, city: City, policy: Policy, firms: dict[str, Any]) -> None:
    measure = make_measure(city, policy, "O1", {"counties": ["339102"], "industries": ["C"]})
    counts = services.create_outreach(city.users["hq"], measure, DAY)
    assert counts == {"tasks": 3, "unassigned": 2}  # 江北恒达 has the officer; 高科电子 and 小微加工厂 have none
    assert services.create_outreach(city.users["hq"], measure, DAY)["tasks"] == 0
    client.force_login(city.users["liaison"])
    page = client.get("/policies/outreach/").content.decode()
    task = Outreach.objects.get(officer=city.users["liaison"])
    assert f'data-id="{task.pk}"' in page and page.count("data-id=") == 1
    with time_machine.travel(dt.datetime(2020, 3, 10, 10, 0, tzinfo=SHANGHAI)):
        services.apply(city.users["liaison"], measure, city.e_jiangbei)  # the officer applies for it
    assert Outreach.objects.get(pk=task.pk).state == "done"
    client.force_login(city.users["hq"])
    not_applied = client.get(f"/policies/measures/{measure.code}/").content.decode()
    assert city.e_jiangbei.uscc not in not_applied and city.e_jiangbei_park.uscc in not_applied


# --- public notice -----------------------------------------------------------------------------------------------

def test_public_notice_shows_only_published_notices(client: Any, city: City, policy: Policy) -> None:
    hq = city.users["hq"]
    hq.full_name, hq.phone = "王建国", "13800000000"  # personal data that must not reach the public page
    hq.save()
    measure = make_measure(city, policy, "P1", {"industries": ["C"]}, no_application=True)
    services.grant_entitlements(city.users["hq"], measure, DAY)
    for application in Application.objects.filter(measure=measure)[:2]:
        services.pay(city.users["hq"], application.pk, application.version, Decimal("2"), DAY, f"PZ-{application.pk}")
    hidden = Notice.objects.create(measure=measure, title="未发布的公示", period_start=DAY, period_end=D(2099, 1, 1))
    with time_machine.travel(dt.datetime(2020, 3, 12, 10, 0, tzinfo=SHANGHAI)):
        with pytest.raises(ValidationError):
            services.publish_notice(city.users["hq"], measure, D(2020, 3, 12), D(2020, 3, 5), objection_contact="x")
        with pytest.raises(ValidationError, match="异议受理方式"):  # the public must know where objections go
            services.publish_notice(city.users["hq"], measure, D(2020, 3, 12), D(2020, 3, 19))
        shown = services.publish_notice(city.users["hq"], measure, D(2020, 3, 12), D(2020, 3, 19),
                                        objection_contact="市经信局企业服务处 0574-87180001")
        expired = Notice.objects.create(measure=measure, title="已过期的公示", period_start=D(2020, 2, 1),
                                        period_end=D(2020, 2, 8), published=True)
        index = client.get("/public/notices/")  # no login
        assert index.status_code == 200
        html = index.content.decode()
        assert shown.title in html and hidden.title not in html and expired.title not in html
        seen, queue = set(), ["/public/notices/"]
        while queue:  # walk every link reachable from the public index
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for secret in ("PZ-", city.e_jiangbei.uscc, "王建国", "13800000000", hidden.title, expired.title, "/admin"):
                assert secret not in body, (url, secret)
            for link in re.findall(r'href="([^"]+)"', body):
                if link.startswith(("/static/", "data:")):  # stylesheets, scripts and the empty favicon
                    continue
                assert link.startswith("/public/notices/"), (url, link)  # nothing but the notices
                queue.append(link)
        assert seen == {"/public/notices/", f"/public/notices/{shown.pk}/"}
        detail = client.get(f"/public/notices/{shown.pk}/").content.decode()
        assert "受益企业 2 家，兑现金额合计 4.00 万元" in detail
        objection = detail.split('id="objection"')[1].split("</p>")[0]
        assert "2020-03-12 至 2020-03-19" in objection and "市经信局企业服务处 0574-87180001" in objection
        assert 'id="back"' in detail
        # a search by a beneficiary's name (is my enterprise listed?), by department, or one that finds nothing
        beneficiary = Application.objects.filter(measure=measure, state="paid").first().enterprise.name
        assert shown.title in client.get("/public/notices/", {"q": beneficiary[:4]}).content.decode()
        assert shown.title in client.get("/public/notices/", {"q": "经济和信息化"}).content.decode()
        nothing = client.get("/public/notices/", {"q": "不存在的企业"}).content.decode()
        assert shown.title not in nothing and "没有找到相符的公示" in nothing
        back = client.get(f"/public/notices/{shown.pk}/", {"q": "经济"}).content.decode()
        assert 'href="/public/notices/?q=%E7%BB%8F%E6%B5%8E" id="back"' in back
        assert client.get(f"/public/notices/{hidden.pk}/").status_code == 404
        assert client.get(f"/public/notices/{expired.pk}/").status_code == 404


def test_bulletin_section(city: City, policy: Policy) -> None:
    from dualtrack.bulletins.content import Context
    from dualtrack.policies.bulletin import section

    measure = make_measure(city, policy, "B1", {"industries": ["C"]}, no_application=True)
    services.grant_entitlements(city.users["hq"], measure, DAY)
    application = Application.objects.filter(measure=measure).first()
    assert application is not None
    services.pay(city.users["hq"], application.pk, application.version, Decimal("2"), DAY, "PZ-1")
    part = section(Context(day=DAY, user=None, city={}, regions=[], sizes={}, industries=[], parks=[]))
    assert part is not None and "惠企政策累计兑现1家次、2.00万元" in part.paragraphs[0]
    assert part.tables[1].rows == [["市经济和信息化局", 1, 2.0, 0]]


def test_the_overview_card_counts_the_week_to_the_day_in_each_scope(city: City, policy: Policy,
                                                                     firms: dict[str, Any]) -> None:
    """总览's 惠企政策兑现 card: paid in the 7 days ending on the day (both ends in, the day before and the day after
    out), waiting for review, approved and not paid, paid in all to the day; the whole city for HQ (answered by
    the paid index), a county's own for the district (one pass over its applications): the same rules both ways."""
    from dualtrack.policies.cards import policies_card

    day = D(2020, 3, 16)
    submitted = dt.datetime(2020, 3, 1, 9, tzinfo=SHANGHAI)
    rows = [  # (code, enterprise, state, paid amount, paid on)
        ("A", city.e_jiangbei, "paid", "1.5", day - dt.timedelta(days=6)),   # the week's first day: in
        ("B", city.e_jiangbei, "paid", "2", day - dt.timedelta(days=7)),     # the day before the week: total only
        ("C", city.e_binhai, "paid", "4", day),                              # the day itself: in
        ("D", city.e_binhai, "paid", "8", day + dt.timedelta(days=1)),       # after the day: nowhere
        ("E", city.e_jiangbei, "submitted", None, None),
        ("F", city.e_binhai, "submitted", None, None),
        ("G", firms["small"], "approved", None, None),
        ("H", city.e_jiangbei, "rejected", None, None),
    ]
    for code, enterprise, state, amount, paid_on in rows:
        measure = make_measure(city, policy, code)
        Application.objects.create(measure=measure, enterprise=enterprise, source="enterprise", state=state,
                                   submitted_at=submitted, amount=Decimal(2),
                                   paid_amount=Decimal(amount) if amount else None, paid_on=paid_on)

    def figures(role: str) -> dict[str, tuple[str, str]]:
        card = policies_card(city.users[role], day)
        assert card is not None
        return {f.key: (f.value, str(f.change or "")) for f in card.figures}

    assert figures("hq") == {"paid_week": ("2", "5.5 万元"), "waiting": ("2", ""), "to_pay": ("1", ""),
                             "paid_total": ("7.5", "")}
    assert figures("district") == {"paid_week": ("1", "1.5 万元"), "waiting": ("1", ""), "to_pay": ("1", ""),
                                   "paid_total": ("3.5", "")}
    assert figures("district_binhai") == {"paid_week": ("1", "4.0 万元"), "waiting": ("1", ""), "to_pay": ("0", ""),
                                          "paid_total": ("4.0", "")}

    # The sums are kept until an application changes: a batch payment (an UPDATE, no signal) and a new application
    # (a save) are both seen at once, by every scope
    with time_machine.travel(dt.datetime(2020, 3, 16, 12, tzinfo=SHANGHAI), tick=False):
        approved = Application.objects.get(state="approved")
        approved.approved_amount = Decimal("3")
        approved.save()
        assert figures("hq")["to_pay"] == ("1", "")  # read (and kept) before the payment
        assert services.pay_batch(city.users["hq"], approved.measure, day, "PZ-1") == 1
    assert figures("hq")["paid_week"] == ("3", "8.5 万元") and figures("hq")["to_pay"] == ("0", "")
    assert figures("district")["paid_total"] == ("6.5", "")  # the small firm is in 江北
    Application.objects.create(measure=make_measure(city, policy, "I"), enterprise=city.e_binhai, source="enterprise",
                               state="submitted", submitted_at=submitted, amount=Decimal(2))
    assert figures("hq")["waiting"] == ("3", "") and figures("district_binhai")["waiting"] == ("2", "")
    assert figures("district")["waiting"] == ("1", "")


# --- an enterprise's 惠企政策 page (#28 §4) -----------------------------------------------------------------------

def test_an_enterprise_sees_first_what_it_can_apply_for_and_no_back_office_figures(
        client: Any, city: City, policy: Policy, settings: Any) -> None:
    """e_jiangbei (34 机械, 江北区, key, 100 people) on 10 March: the measures it qualifies for first, those open now
    (soonest deadline first) with the apply form, then one opening later and a 免申即享 one, then the one it applied
    for, then a closed one (已截止); the measures it does not qualify for collapsed below. The applications and
    amounts paid across enterprises are not on its pages."""
    settings.DUALTRACK_CLOCK = "2020-03-10T10:00:00+08:00"
    late = make_measure(city, policy, "A2", {"industries": ["C"]})  # open until 30 June
    soon = make_measure(city, policy, "A1", {"industries": ["C"]})
    Measure.objects.filter(pk=soon.pk).update(window_end=D(2020, 3, 20))
    Measure.objects.filter(pk=make_measure(city, policy, "B1", {"counties": [city.jiangbei.code]}).pk).update(
        window_start=D(2020, 2, 10), window_end=D(2020, 3, 1))  # qualifies, closed
    Measure.objects.filter(pk=make_measure(city, policy, "C1", {"key_only": True}).pk).update(
        window_start=D(2020, 4, 1))  # qualifies, opens later
    make_measure(city, policy, "D1", {"industries": ["C"]}, no_application=True)  # 免申即享
    applied = make_measure(city, policy, "E1", {})
    services.apply(city.users["enterprise"], applied, city.e_jiangbei)
    make_measure(city, policy, "F1", {"counties": [city.binhai.code]})  # not for it
    make_measure(city, policy, "F2", {"industries": ["61"]})  # not for it
    Application.objects.create(measure=late, enterprise=city.e_binhai, source="officer", state="paid",
                               submitted_at=dt.datetime(2020, 3, 1, 9, tzinfo=SHANGHAI), amount=Decimal("12.3456"),
                               paid_amount=Decimal("12.3456"), paid_on=D(2020, 3, 5))
    client.force_login(city.users["enterprise"])
    response = client.get("/policies/")
    assert response.status_code == 200
    body = response.content.decode()
    first, _sep, rest = body.partition('id="other-measures"')
    order = re.findall(r'data-code="(\w+)" data-status="(\w+)"', first)
    assert order == [("A1", "open"), ("A2", "open"), ("C1", "later"), ("D1", "automatic"), ("E1", "applied"),
                     ("B1", "closed")]
    assert first.count("#apply-form") == 2 and "已截止" in first and "免申即享，无需申报" in first
    assert re.findall(r'<li data-code="(\w+)"', rest) == ["F1", "F2"]  # collapsed: a <details> closed by default
    assert "<details id=\"other-measures\" class=\"card\">" in body
    assert "本企业符合申报条件的条款 6 项，现在可以申报 2 项。" in body
    for figure in ("12.35", "12.3456", "兑现金额", "待审核</th>", "已兑现"):
        assert figure not in body, figure
    measure_page = client.get("/policies/measures/A2/").content.decode()
    assert 'id="apply-form"' in measure_page
    assert "兑现金额(万元)" not in measure_page and "12.35" not in measure_page and "申报/名单" not in measure_page
    client.force_login(city.users["hq"])  # the back office still sees its figures
    assert "12.35" in client.get("/policies/").content.decode()
    assert "12.35" in client.get("/policies/measures/A2/").content.decode()
