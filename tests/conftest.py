"""Shared fixtures: a small real city in the test database, and one user per role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
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


@pytest.fixture(autouse=True)
def _isolated_power_store(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own (empty) power store, never the developer's var/."""
    monkeypatch.setenv("POWER_STORE", str(tmp_path / "power-store"))


@pytest.fixture(autouse=True)
def _fresh_picture_caches() -> Any:
    """Each test's database is rolled back: what a process caches from it (frames, parsed pictures) goes too."""
    from dualtrack.resumption import snapshot

    snapshot.forget()
    yield
    snapshot.forget()


@pytest.fixture(autouse=True)
def _isolated_attachments(tmp_path: Any, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"
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
