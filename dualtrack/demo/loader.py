"""Load the demo city through the import framework, then the parts no import file carries
(boundaries, key lists, townships, users)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction

from dualtrack.accounts import services as accounts
from dualtrack.accounts.models import User
from dualtrack.core import audit, calendar, dates
from dualtrack.core.actors import Actor, SystemActor
from dualtrack.core.choices import AuditAction
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.epidemic import services as epidemic
from dualtrack.liaison import services as liaison
from dualtrack.policies import services as policies
from dualtrack.power.services import import_power
from dualtrack.problems import services as problems
from dualtrack.projects import services as projects
from dualtrack.registry import services as registry
from dualtrack.registry.models import Department, Enterprise, KeyList, Park, Region

from . import assessment as demo_assessment
from . import policies as demo_policies
from . import power as demo_power
from . import problems as demo_problems
from . import projects as demo_projects
from . import supplies as demo_supplies
from .city import COUNTIES, KEY_LISTS, DemoCity, write_csv
from .epidemic import CASE_HEADERS, CLUSTER_HEADERS, epidemic_rows

ACTOR = SystemActor("system:demo")

HEADERS: dict[str, list[tuple[str, str]]] = {
    "regions": [("code", "区划代码"), ("name", "名称"), ("parent_code", "上级代码"), ("level", "层级"), ("urban", "城区")],
    "parks": [("code", "园区代码"), ("name", "园区名称"), ("county_code", "区划代码")],
    "departments": [("code", "部门代码"), ("name", "部门名称")],
    "enterprises": [("uscc", "统一社会信用代码"), ("name", "企业名称"), ("county_code", "区划代码"),
                    ("park_code", "园区代码"), ("industry_code", "行业代码"), ("size_class", "规模类型"),
                    ("normal_headcount", "正常用工人数"), ("key", "重点企业"), ("established_on", "成立日期"),
                    ("power_accounts", "电力户号")],
    "cases": CASE_HEADERS,
    "clusters": CLUSTER_HEADERS,
}

DEMO_USERS: list[tuple[str, str, str, dict[str, Any]]] = [
    # username, role, full name, scope
    ("hq", "hq", "市指挥部 王建国", {}),
    ("leader", "leader", "分管副市长 李明", {"leader_level": 2, "supervises": ["JXJ", "RSJ", "JTJ", "SCJG", "FGW"]}),
    ("changwu", "leader", "常务副市长 刘洋", {"leader_level": 3}),
    ("jiangbei", "district", "江北区 张丽（区县操作员）", {"county": "339102"}),
    ("binhai", "district", "滨海区 陈刚（区县操作员）", {"county": "339106"}),
    ("gaoxin", "district", "高新区 周敏（园区操作员）", {"park": "GXQ"}),
    ("jingxin", "department", "市经信局 赵强", {"department": "JXJ"}),
    ("renshe", "department", "市人社局 郑红（点对点返岗）", {"department": "RSJ"}),
    ("fupin", "department", "市扶贫办 何静", {"department": "FPB"}),
    ("fagai", "department", "市发改委 钱进（争资）", {"department": "FGW"}),
    ("qingxi", "district", "青溪县 马英（区县操作员，挂牌督战县）", {"county": "339121"}),
    ("liaison", "liaison", "驻企服务员 孙伟", {}),
    ("enterprise", "enterprise", "企业联络人 吴芳", {}),
    ("public", "public", "公众", {}),
]


def write_files(city: DemoCity, folder: Path) -> dict[str, Path]:
    case_rows, cluster_rows = epidemic_rows(city.seed)
    files = {
        "regions": (city.region_rows(), folder / "regions.csv"),
        "parks": (city.park_rows(), folder / "parks.csv"),
        "departments": (city.department_rows(), folder / "departments.csv"),
        "enterprises": (city.enterprise_rows(), folder / "enterprises.csv"),
        "cases": (case_rows, folder / "cases.csv"),
        "clusters": (cluster_rows, folder / "clusters.csv"),
    }
    for name, (rows, path) in files.items():
        write_csv(path, rows, HEADERS[name])
    return {name: path for name, (_rows, path) in files.items()}


def import_file(name: str, path: Path, log: Any, actor: Actor = ACTOR) -> None:
    dataset = get_dataset(name)
    if dataset is None:
        raise RuntimeError(f"dataset {name} is not registered")
    with path.open("rb") as fh:
        result = run_import(dataset, fh, path.name, actor)
    if not result.ok:
        raise RuntimeError(f"demo {name} import failed: " + "; ".join(str(e) for e in result.errors[:10]))
    log(f"  {name}: {result.rows} rows ({result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged)")


@transaction.atomic
def finish_registry(city: DemoCity) -> None:
    shapes = city.county_geometries()
    for order, county in enumerate(COUNTIES, start=1):
        Region.objects.filter(code=county.code).update(geometry=shapes[county.code], sort_order=order)
    # Townships: each enterprise in one township of its county, by a stable hash of its code.
    towns = {c: [r.pk for r in Region.objects.filter(parent__code=c, level="township").order_by("code")]
             for c in (county.code for county in COUNTIES)}
    assignments: dict[int, list[int]] = {}
    for pk, uscc, county_code in Enterprise.objects.filter(township__isnull=True).values_list(
            "pk", "uscc", "county__code"):
        options = towns.get(county_code) or []
        if options:
            digest = int(hashlib.sha256(uscc.encode()).hexdigest()[:8], 16)
            assignments.setdefault(options[digest % len(options)], []).append(pk)
    for township_id, pks in assignments.items():
        for start in range(0, len(pks), 900):
            Enterprise.objects.filter(pk__in=pks[start:start + 900]).update(township_id=township_id)
    lists = {code: KeyList.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in KEY_LISTS}
    key = Enterprise.objects.filter(is_key=True)  # the lists are drawn from the key flag of the import file
    members = {
        "IND100": key.filter(size_class="规上工业").order_by("-normal_headcount", "uscc")[:100],
        "SRV50": key.filter(size_class="限上服务业").order_by("-normal_headcount", "uscc")[:50],
        "TRADE200": key.filter(size_class="规上工业", industry_section="C").order_by("uscc")[:200],
        "AGR30": key.filter(size_class="农业龙头").order_by("-normal_headcount", "uscc")[:30],
    }
    for code, queryset in members.items():
        key_list = lists[code]
        key_list.enterprises.set(list(queryset))


def _password_file() -> Path:
    return Path(settings.HOME) / "demo-logins.json"


def ensure_users() -> list[tuple[str, str, str]]:
    """One user per role; passwords are random per installation, kept in ``var/demo-logins.json``."""
    path = _password_file()
    known: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    jiangbei_key = Enterprise.objects.filter(county__code="339102", is_key=True).order_by("uscc")
    logins = []
    for username, role, full_name, scope_codes in DEMO_USERS:
        scope: dict[str, Any] = {}
        if "county" in scope_codes:
            scope["county"] = Region.objects.get(code=scope_codes["county"])
        if "park" in scope_codes:
            scope["park"] = Park.objects.get(code=scope_codes["park"])
        if "department" in scope_codes:
            scope["department"] = Department.objects.get(code=scope_codes["department"])
        if role == "enterprise":
            scope["enterprise"] = jiangbei_key.first()
        password = known.get(username) or f"Demo-{secrets.token_urlsafe(9)}"
        user = User.objects.filter(username=username).first()
        new_password = password if user is None or not user.check_password(password) else None
        user = accounts.create_user(ACTOR, username=username, password=new_password, role=role,
                                    full_name=full_name, **scope)
        if role == "liaison":
            before = audit.m2m_snapshot(user)
            user.assigned_enterprises.set(list(jiangbei_key[:30]))
            audit.record_m2m_change(ACTOR, user, before)
        if "leader_level" in scope_codes and user.leader_level != scope_codes["leader_level"]:
            before = audit.snapshot(user)
            user.leader_level = scope_codes["leader_level"]
            user.save(update_fields=["leader_level"])
            audit.record_change(ACTOR, user, before)
        if scope_codes.get("supervises"):
            before = audit.m2m_snapshot(user)
            user.supervised_departments.set(list(Department.objects.filter(code__in=scope_codes["supervises"])))
            audit.record_m2m_change(ACTOR, user, before)
        known[username] = password
        where = user.county or user.park or user.department or user.enterprise
        logins.append((username, password, f"{user.get_role_display()}{f'（{where}）' if where else ''}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(known, fh, ensure_ascii=False, indent=1)
    return logins


def load_demo(seed: int = 2020, enterprises: int = 20000, log: Any = print,
              power: bool = True) -> list[tuple[str, str, str]]:
    city = DemoCity(seed=seed, enterprise_count=enterprises)
    folder = Path(settings.HOME) / "demo" / f"seed-{seed}"
    log(f"demo city 宁江市 (seed {seed}): writing import files to {folder}")
    files = write_files(city, folder)
    for name in ("regions", "parks", "departments", "enterprises", "cases", "clusters"):
        import_file(name, files[name], log)
    finish_registry(city)
    if power:
        load_power(city, folder, log)
    write_csv(folder / "problems.csv", demo_problems.ledger_rows(
        [r for r in city.enterprise_rows() if r["key"] == "是" or r["size_class"] in ("规上工业", "限上服务业")],
        city.seed), demo_problems.HEADERS)
    import_file("problems", folder / "problems.csv", log)
    logins = ensure_users()
    load_projects(city, folder, log)
    load_liaisons(city, folder, log)
    load_policies(city.seed, log)
    load_economy(city.seed, folder, log)
    load_worker_return(city.seed, folder, log)
    load_poverty(city, folder, log)
    load_investment(city.seed, folder, log)
    publish_demo_levels()
    load_filings(city.seed, folder, log)
    demo_supplies.load(city.seed, log, ACTOR)  # 防疫物资 (needs the reports, projects, villages, logins)
    demo_assessment.load(city.seed, log, ACTOR)  # 亩均论英雄: land, figures, park ranks, 2019 final, 2020 draft
    # As the worker does every morning: the data-as-of day's picture (and the day before) and its draft bulletin.
    from dualtrack.bulletins import services as bulletins
    from dualtrack.resumption import services as resumption

    log(f"  daily pictures computed: {', '.join(resumption.refresh_pictures()['recomputed']) or 'none'}")
    log(f"  draft bulletins: {', '.join(bulletins.keep_drafts_current()) or 'none'}")
    return logins


def load_filings(seed: int, folder: Path, log: Any) -> None:
    """复工备案 from 3 February: filings with their answers, events and ledgers, two outbreaks in filed enterprises,
    复工未备案 by report and by power; then the worker's filings steps on the last day (``demo/filings.py``)."""
    from . import filings as demo_filings

    demo_filings.load(seed, folder, log, ACTOR, import_file)


def load_economy(seed: int, folder: Path, log: Any) -> None:
    """Indicators, the 2020 targets and 1—2月 … 1—6月 cumulative figures, through the three datasets."""
    from . import economy

    for name, path in economy.write(folder, seed).items():
        import_file(name, path, log)


def load_poverty(city: DemoCity, folder: Path, log: Any) -> None:
    """Villages of 青溪县 and 安平县, their registered poor households, checks and labourers; 青溪县 挂牌督战 and
    深度贫困, with a few villages of 安平县 挂牌督战."""
    from dualtrack.poverty import services as poverty

    from . import poverty as demo_poverty

    if not city.townships:
        city.region_rows()
    office = User.objects.get(username="fupin")  # the poverty office imports the households, as it would
    for name, path in demo_poverty.write(folder, city.seed, city.townships).items():
        if name != "poverty_findings":  # recorded one by one on their days, below
            import_file(name, path, log, ACTOR if name == "regions" else office)
    poverty.set_flags(ACTOR, "339121", supervised=True, deep=True)
    for town_code, _name in city.townships["339122"][:2]:
        poverty.set_flags(ACTOR, f"{town_code}201", supervised=True, deep=False)
    load_poverty_findings(folder / "poverty-poverty_findings.csv", office, log)
    own = User.objects.get(username="enterprise").enterprise
    receivers = [own.uscc] if own is not None else []
    for name, path in demo_poverty.write_homecoming(folder, city.seed, city.townships, receivers).items():
        import_file(name, path, log)
    from dualtrack.poverty import board
    from dualtrack.poverty.models import WeeklyBoard

    for week in (dt.date(2020, 4, 6), dt.date(2020, 4, 13), dt.date(2020, 4, 20)):  # 一周一调度, frozen each week
        if WeeklyBoard.objects.filter(week=week).exists():
            continue  # frozen: never again
        board.freeze_week(None, week, at=dt.datetime.combine(week + dt.timedelta(days=7), dt.time(9, 0),
                                                             tzinfo=SHANGHAI))
    for order, done in ((1, dt.date(2020, 4, 10)), (2, dt.date(2020, 4, 24)), (4, dt.date(2020, 4, 28))):
        board.tick_census_item(office, poverty_census_item(order), done=True, on=done)


def poverty_census_item(order: int) -> Any:
    from dualtrack.poverty.models import CensusItem

    return CensusItem.objects.get(order=order)


def load_poverty_findings(path: Path, office: Any, log: Any) -> None:
    """The findings as the office recorded them, each on its day (its task assigned then, with its working-day
    deadline), then the county's handling as of the demo's end: most put right and closed by the office, some
    overdue and escalated."""
    import csv as csv_module

    from dualtrack.poverty import findings
    from dualtrack.problems.models import Problem

    with path.open(encoding="utf-8-sig") as handle:
        lines = list(csv_module.reader(handle))[1:]
    if Problem.objects.filter(source_key__startswith="poverty:finding:").exists():
        return  # loaded before: the tasks and their histories stay as they were
    sources = {"督战": "inspection", "巡视回头看": "review", "成效考核": "assessment"}
    closed = 0
    for number, (_code, source, village, household, text, day, working_days) in enumerate(lines):
        at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 0), tzinfo=SHANGHAI)
        finding = findings.raise_finding(office, source=sources[source], village_code=village,
                                         household_code=household, description=text,
                                         found_on=at.date(), working_days=int(working_days), at=at)
        task = Problem.objects.get(ref=finding.task_ref)
        county_user = User.objects.filter(role="district", county_id=finding.county_id).first()
        done = at + dt.timedelta(days=3 + number % 9)
        if county_user is None or number % 4 == 3 or done.date() > dt.date(2020, 4, 28):
            continue  # still being put right
        task = problems.move(task.pk, task.version, "resolved", county_user, answer="已整改到位，附整改前后照片",
                             at=done)
        problems.move(task.pk, task.version, "closed", office, "核实无误，对账销号", at=done + dt.timedelta(days=1))
        closed += 1
    escalated = problems.escalate_due(dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI))
    log(f"  poverty findings: {len(lines)} recorded, {closed} closed, {escalated} escalated")


def load_investment(seed: int, folder: Path, log: Any) -> None:
    """About 150 leads with their activities, funds and the 2020 targets, through the four datasets; the red
    leads' tasks raised as the worker would on the demo's last day."""
    from dualtrack.investment import services as investment

    from . import investment as demo_investment

    for name, path in demo_investment.write(folder, seed).items():
        import_file(name, path, log)
    log(f"  red leads' tasks: {investment.raise_red_tasks(dt.date(2020, 4, 30), at=dt.datetime(2020, 4, 30, 18, 0, tzinfo=SHANGHAI))}")
    # The pipeline: 争资 bids of 30 key projects over 2019 and 2020, and two 集中开工 events.
    from dualtrack.core.actors import SystemActor
    from dualtrack.investment import actions
    from dualtrack.projects import services as projects

    codes = list(projects.projects_for(None).order_by("-total_investment", "code").values_list("code", flat=True)[:30])
    import_file("fund_bids", demo_investment.write_bids(folder, seed, codes), log)
    for day, title, place, chosen in demo_investment.groundbreakings(seed, list(
            projects.projects_for(None).filter(nature="new").values_list("code", "planned_start"))):
        event = actions.add_groundbreaking(SystemActor("demo"), day=day, title=title, place=place, county_id=None,
                                           project_codes=chosen)
        log(f"  集中开工 {event.date}: {len(chosen)} projects")


def load_worker_return(seed: int, folder: Path, log: Any) -> None:
    """The point-to-point campaign through the seven datasets; the demo enterprise login's enterprise receives
    workers, with 39 other key industrial enterprises."""
    from . import workreturn

    own = User.objects.get(username="enterprise").enterprise
    assert own is not None  # noqa: S101 - ensure_users gave the demo enterprise login its enterprise
    others = list(Enterprise.objects.filter(is_key=True, size_class="规上工业").exclude(pk=own.pk)
                  .order_by("uscc").values_list("uscc", flat=True)[:39])
    for name, path in workreturn.write(folder, seed, [own.uscc, *others]).items():
        import_file(name, path, log)
    from dualtrack.workreturn import services as worker_return

    counts = worker_return.charter_bus_entitlements(ACTOR, "ZC07")
    log(f"  charter-bus subsidy (ZC07) for the completed trips: {counts}")


def load_power(city: DemoCity, folder: Path, log: Any) -> None:
    """Readings through ``dualtrack import power`` (a Parquet file), reports through the resumption dataset."""
    readings, reports = demo_power.generate(list(city.enterprise_rows()), city.seed)
    path = folder / "power.parquet"
    pq.write_table(readings, path, compression="zstd")
    result = import_power(path, ACTOR)
    if not result.ok:
        raise RuntimeError("demo power import failed: " + "; ".join(str(e) for e in result.errors[:10]))
    log(f"  power: {result.rows} readings ({result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged)")
    write_csv(folder / "resumption.csv", reports, demo_power.REPORT_HEADERS)
    import_file("resumption", folder / "resumption.csv", log)


def publish_demo_levels() -> None:
    """One published level that differs from the suggestion, with its reason, as HQ would."""
    county = registry.county_by_code("339106")
    if county is not None:
        epidemic.publish_level(ACTOR, county, dt.date(2020, 2, 24), "orange",
                               "与丰和市聚集性疫情存在关联人员流动，暂维持较高风险管控")


def load_liaisons(city: DemoCity, folder: Path, log: Any) -> None:
    """Demo liaison officers (no login), their enterprises through the ``liaisons`` dataset, visits by the
    login ``liaison``, and the escalations the worker would have made over the demo period."""
    for number in range(1, demo_problems.OFFICERS + 1):
        if not User.objects.filter(username=f"liaison{number:02d}").exists():
            accounts.create_user(ACTOR, username=f"liaison{number:02d}", password=None, role="liaison",
                                 full_name=f"驻企服务员 {number:02d}")
    key_usccs = [r["uscc"] for r in city.enterprise_rows() if r["key"] == "是"]
    write_csv(folder / "liaisons.csv", demo_problems.liaison_rows(key_usccs, city.seed),
              [("username", "服务员账号"), ("uscc", "统一社会信用代码")])
    import_file("liaisons", folder / "liaisons.csv", log)
    officer = User.objects.get(username="liaison")
    if not liaison.visits_exist(officer):
        mine = sorted(officer.assigned_enterprises.values_list("pk", flat=True))
        planned = demo_problems.visits(mine, city.seed)
        enterprises = registry.all_enterprises().in_bulk({pk for pk, _day, _notes in planned})
        for pk, day, notes in planned:  # through the domain function: validated and audited like a real visit
            liaison.log_visit(officer, day, notes, enterprise=enterprises[pk])
        log(f"  visits: {len(planned)}")
    escalated = problems.replay_escalation(dt.date(2020, 2, 3), dt.date(2020, 4, 30))
    log(f"  escalations over the demo period: {escalated}")
    if problems.retrain_triage_model():  # as the worker would: the triage suggestions need a model
        log("  triage suggestion model trained")


def assign_project_liaisons(officer: User, county_code: str) -> int:
    """The login ``liaison`` looks after the key projects of one county (audited)."""
    mine = list(projects.projects_for(None).filter(county__code=county_code).exclude(liaison_officers=officer))
    if mine:
        officer.assigned_projects.add(*mine)
        audit.record(None, AuditAction.UPDATE, officer, before={"assigned_projects_added": []},
                     after={"assigned_projects_added": [p.code for p in mine]})
    return len(mine)


def load_projects(city: DemoCity, folder: Path, log: Any) -> None:
    """About 300 key projects with 2020 plans and weekly progress, through the three datasets; the month-end
    lights of the months ended by the clock with their dispatch tasks."""
    owners: dict[str, list[str]] = {}
    for row in city.enterprise_rows():
        if row["key"] == "是":
            owners.setdefault(row["county_code"], []).append(row["uscc"])
    project_rows, plan_rows, progress_rows = demo_projects.generate(owners, city.seed)
    for name, rows, headers in (("projects", project_rows, demo_projects.HEADERS),
                                ("project_plans", plan_rows, demo_projects.PLAN_HEADERS),
                                ("project_progress", progress_rows, demo_projects.PROGRESS_HEADERS)):
        write_csv(folder / f"{name}.csv", rows, headers)
        import_file(name, folder / f"{name}.csv", log)
    assign_project_liaisons(User.objects.get(username="liaison"), "339102")
    # The months of the demo period with progress reports that have ended by the clock (February, March): April's
    # month-end comes after the demo's day, as the worker would judge it (its dispatch tasks would be dated 1 May).
    for month in projects.months_to_evaluate(dates.today()):
        counts = projects.evaluate_month(month)
        log(f"  project lights {month:%Y-%m}: {counts['projects']} projects, {counts['tasks']} new dispatch tasks")


def load_policies(seed: int, log: Any) -> None:
    """Thirty measures in four policies; applications by eligible enterprises through the service (reviewed
    and paid over the demo period); 免申即享 lists granted and paid in one batch each; a notice for each
    measure with payments, running from today for two weeks (so the public page has something to show)."""
    import random
    from decimal import Decimal

    from dualtrack.accounts.models import User
    from dualtrack.policies.models import Application, Notice

    departments = {d.code: d for d in Department.objects.all()}
    docs = [policies.save_policy(ACTOR, doc, title=title, issuer=issuer, issued_on=dt.date.fromisoformat(day),
                                 effective_from=dt.date.fromisoformat(day))
            for doc, title, issuer, day in demo_policies.POLICIES]
    measures = []
    for row in demo_policies.measure_rows():
        fields = {k: v for k, v in row.items() if k not in ("code", "policy", "department")}
        measures.append(policies.save_measure(ACTOR, row["code"], policy=docs[row["policy"]],
                                              department=departments[row["department"]], **fields))
    if Application.objects.exists():
        log("  policies: already loaded")
        return
    rng = random.Random(seed + 808)
    officer = User.objects.get(username="liaison")
    day = dt.date(2020, 4, 30)
    created = paid = 0
    for measure in measures:
        if measure.no_application:
            created += policies.grant_entitlements(ACTOR, measure, day)
            paid += policies.pay_batch(ACTOR, measure, dt.date(2020, 4, 20), f"PL{measure.code}-20200420")
            continue
        candidates = list(policies.eligible(measure, day).values_list("pk", flat=True)[:2000])
        for pk in rng.sample(candidates, min(len(candidates), rng.randint(15, 90))):
            enterprise = Enterprise.objects.get(pk=pk)
            at = dt.datetime.combine(dt.date(2020, 2, 15) + dt.timedelta(days=rng.randrange(50)), dt.time(10, 0),
                                     tzinfo=calendar.SHANGHAI)
            application = policies.apply(
                ACTOR, measure, enterprise, day=day, at=at,
                declared_headcount=rng.randint(5, 120) if measure.headcount_basis == "declared" else None,
                declared_base=Decimal(rng.randint(2, 400)) if measure.amount_rule == "share" else None)
            created += 1
            luck = rng.random()
            if luck < 0.15:
                continue  # waiting for review
            if luck < 0.25 or application.amount <= 0:  # nothing to approve: a computed amount of 0 is rejected
                policies.review(ACTOR, application.pk, application.version, False,
                                reason="经核实，不符合申报条件" if application.amount > 0 else "经核算，补助金额为0",
                                at=at + dt.timedelta(days=3))
                continue
            application = policies.review(ACTOR, application.pk, application.version, True,
                                          at=at + dt.timedelta(days=3))
            if luck < 0.85:
                paid_on = at.date() + dt.timedelta(days=rng.randint(5, 20))
                policies.pay(ACTOR, application.pk, application.version, application.approved_amount or Decimal(0),
                             paid_on, f"PZ{paid_on:%Y%m%d}{application.pk:05d}")
                paid += 1
    today = dates.today()
    for measure in measures:
        if Application.objects.filter(measure=measure, state="paid").exists() and not Notice.objects.filter(
                measure=measure).exists():
            policies.publish_notice(ACTOR, measure, today, today + dt.timedelta(days=14),
                                    objection_contact=f"{measure.department.name}政策兑现窗口 0574-8718{measure.pk:04d}")
    policies.create_outreach(ACTOR, next(m for m in measures if m.code == "ZC01"), day)
    log(f"  policies: {len(measures)} measures, {created} applications or entitlements, {paid} paid; "
        f"outreach tasks for {officer.username} and the other officers")
