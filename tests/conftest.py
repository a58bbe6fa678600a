"""Shared fixtures: a small real city in the test database, and one user per role."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from rest_framework.authtoken.models import Token

from dualtrack.accounts.models import User
from dualtrack.core.choices import Role
from dualtrack.registry.models import Department, Enterprise, Industry, Park, Region
from dualtrack.registry.validators import make_uscc

# Persistent connections would keep the live server's thread attached to the test database on PostgreSQL
# and stop its teardown; tests close every connection at the end of a request.
connections.settings["default"]["CONN_MAX_AGE"] = 0

PASSWORD = "Correct-Horse-42"
_serial = itertools.count(1)


def new_uscc(county_code: str, prefix: str = "91") -> str:
    return make_uscc(f"{prefix}{county_code}{next(_serial):08d}0")


def make_enterprise(county: Region, name: str, *, park: Park | None = None, division: str = "34",
                    size_class: str = "规上工业", headcount: int = 100, is_key: bool = False) -> Enterprise:
    industry = Industry.objects.get(code=division)
    return Enterprise.objects.create(
        uscc=new_uscc(county.code), name=name, county=county, park=park, industry_code=f"{industry.section}{division}",
        industry_section=industry.section, industry_division=industry, size_class=size_class,
        normal_headcount=headcount, is_key=is_key,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is the production hasher (tested in test_auth); tests hash with MD5 to stay quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DUALTRACK_CLOCK = ""  # the real time, whatever the shell exported; a test sets the clock it needs


# The keys for personal data (DOMAIN.md §15): tests have one of their own, never the secret key (production refuses
# to start without one; see tests/test_personal_data_keys.py).
TEST_PERSONAL_DATA_KEY = "t1:test-personal-data-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _personal_data_key(settings: Any) -> None:
    settings.PERSONAL_DATA_KEY = TEST_PERSONAL_DATA_KEY


@pytest.fixture(autouse=True)
def _isolated_power_store(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own (empty) power store, never the developer's var/."""
    monkeypatch.setenv("POWER_STORE", str(tmp_path / "power-store"))


@pytest.fixture(autouse=True)
def _fresh_picture_caches() -> Any:
    """Each test's database is rolled back: what a process caches from it (frames, parsed pictures) goes too."""
    from dualtrack.core import judgements, rules
    from dualtrack.policies import cards as policies_cards
    from dualtrack.resumption import snapshot

    for forget in (snapshot.forget, rules.forget, judgements.forget, policies_cards.forget):
        forget()
    yield
    for forget in (snapshot.forget, rules.forget, judgements.forget, policies_cards.forget):
        forget()


@pytest.fixture(autouse=True)
def _background_work_ends_with_its_test() -> Any:
    """Work a request started in a thread (an export, a print job) ends before the next test touches the
    database: under load a print could still hold SQLite's table lock when the next test inserts its city."""
    yield
    from dualtrack.core import background

    background.wait_all()


@pytest.fixture(autouse=True)
def _judgements_inline(settings: Any) -> None:
    """A request's after-commit work never runs inside a test's transaction: what a page queues in the judgement
    store is computed at once in the asking thread (tests/test_judgements.py turns this off to see 计算中)."""
    settings.DUALTRACK_JUDGE_INLINE = True


@pytest.fixture
def steady_rule_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process re-reads the current rule sets every ``rules.CURRENT_TTL`` seconds of real time; a test that
    compares the query counts of two moments must not see that re-read when a slow machine crosses the TTL
    between them (CI counted one query more on a loaded PostgreSQL run)."""
    from dualtrack.core import rules

    monkeypatch.setattr(rules, "CURRENT_TTL", 3600.0)


@pytest.fixture(autouse=True)
def _isolated_attachments(tmp_path: Any, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"
    settings.EXPORTS_ROOT = tmp_path / "exports"  # export jobs' files and progress
    settings.TRIAGE_MODEL_PATH = tmp_path / "triage-model.pickle"


@dataclass
class City:
    city: Region
    jiangbei: Region
    binhai: Region
    township: Region
    park: Park
    department: Department
    e_jiangbei: Enterprise
    e_jiangbei_park: Enterprise
    e_binhai: Enterprise
    users: dict[str, User] = field(default_factory=dict)

    def token(self, role: str) -> str:
        return Token.objects.get_or_create(user=self.users[role])[0].key


def _user(username: str, role: str, **scope: Any) -> User:
    user = User(username=username, role=role, full_name=username, is_staff=role == Role.HQ, **scope)
    user.set_password(PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@pytest.fixture
def city(db: Any) -> City:
    city = Region.objects.create(code="339100", name="宁江市", level="city")
    jiangbei = Region.objects.create(code="339102", name="江北区", level="county", parent=city, urban=True)
    binhai = Region.objects.create(code="339106", name="滨海区", level="county", parent=city)
    township = Region.objects.create(code="339102001", name="江滨街道", level="township", parent=jiangbei)
    park = Park.objects.create(code="GXQ", name="宁江高新技术产业开发区", county=jiangbei)
    department = Department.objects.create(code="JXJ", name="市经济和信息化局")
    c = City(
        city=city, jiangbei=jiangbei, binhai=binhai, township=township, park=park, department=department,
        e_jiangbei=make_enterprise(jiangbei, "江北恒达机械有限公司", is_key=True),
        e_jiangbei_park=make_enterprise(jiangbei, "宁江高科电子有限公司", park=park, division="39"),
        e_binhai=make_enterprise(binhai, "滨海海纳物流有限公司", division="59", size_class="限上服务业"),
    )
    c.users = {
        "hq": _user("hq", Role.HQ),
        "leader": _user("leader", Role.LEADER),
        "district": _user("jiangbei", Role.DISTRICT, county=jiangbei),
        "district_binhai": _user("binhai", Role.DISTRICT, county=binhai),
        "park": _user("gaoxin", Role.DISTRICT, park=park),
        "department": _user("jingxin", Role.DEPARTMENT, department=department),
        "liaison": _user("liaison", Role.LIAISON),
        "enterprise": _user("enterprise", Role.ENTERPRISE, enterprise=c.e_jiangbei),
        "public": _user("public", Role.PUBLIC),
    }
    c.users["liaison"].assigned_enterprises.add(c.e_jiangbei)
    return c


# A small city with power readings (shared by the resumption and overview tests).
D = dt.date(2020, 2, 10)


def report(enterprise: Any, day: dt.date, resumed: bool, workers: int = 0) -> None:
    from dualtrack.resumption.models import ResumptionReport

    ResumptionReport.objects.create(enterprise=enterprise, date=day, resumed=resumed, workers_on_duty=workers)


BASE_START, BASE_END = dt.date(2019, 12, 1), dt.date(2019, 12, 10)


@pytest.fixture
def power_city(city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> City:
    from dualtrack.core import rules as rule_sets
    from dualtrack.epidemic.models import CaseReport
    from dualtrack.power.store import import_power
    from dualtrack.registry.models import ElectricityAccount
    from dualtrack.resumption.rules import DEFAULT

    from .helpers import csv_bytes

    """Readings for: e_jiangbei (two accounts, resumed on power), e_jiangbei_park (reported resumed, meter
    low: on paper), e_binhai (not reported, meter high: unreported), e_nobase (no baseline)."""
    monkeypatch.setenv("POWER_STORE", str(tmp_path / "power"))
    definition = {**DEFAULT, "baseline_start": BASE_START.isoformat(), "baseline_end": BASE_END.isoformat()}
    rule_sets.revise("resumption", definition, city.users["hq"], "测试基期")
    city.e_nobase = make_enterprise(city.binhai, "滨海新设企业有限公司")  # type: ignore[attr-defined]
    accounts = {"J1": city.e_jiangbei, "J2": city.e_jiangbei, "P1": city.e_jiangbei_park, "B1": city.e_binhai,
                "N1": city.e_nobase}  # type: ignore[attr-defined]
    for number, enterprise in accounts.items():
        ElectricityAccount.objects.create(account_no=number, enterprise=enterprise)
    rows = [["日期", "电力户号", "用电量"]]
    for i in range(10):
        day = (BASE_START + dt.timedelta(days=i)).isoformat()
        rows += [[day, "J1", "60"], [day, "J2", "40"], [day, "P1", "100"], [day, "B1", "100"]]
    rows += [[(BASE_START + dt.timedelta(days=i)).isoformat(), "N1", "100"] for i in range(4)]
    for k in range(3):
        day = (D - dt.timedelta(days=k)).isoformat()
        rows += [[day, "J1", "30"], [day, "J2", "20"], [day, "P1", "5"], [day, "B1", "80"], [day, "N1", "90"]]
    path = tmp_path / "readings.csv"
    path.write_bytes(csv_bytes(rows))
    assert import_power(path, city.users["hq"]).ok
    report(city.e_jiangbei, D - dt.timedelta(days=2), True, 70)
    report(city.e_jiangbei_park, D - dt.timedelta(days=2), True, 50)
    CaseReport.objects.create(date=D, county=city.jiangbei, new_confirmed=1, new_local=1)  # 江北 yellow
    return city


