"""The demo city, the boundaries import, createuser, the post-write scope re-check, the home page."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from dualtrack.accounts.models import User
from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog
from dualtrack.demo.city import DemoCity
from dualtrack.demo.loader import load_demo
from dualtrack.registry.models import Enterprise, KeyList, Park, Region
from dualtrack.registry.validators import uscc as validate_uscc

from .conftest import City, new_uscc
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row


@pytest.fixture
def demo_home(settings: Any, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    return tmp_path


def test_demo_city_is_deterministic() -> None:
    first = [r["uscc"] for r in DemoCity(seed=11, enterprise_count=500).enterprise_rows()]
    again = [r["uscc"] for r in DemoCity(seed=11, enterprise_count=500).enterprise_rows()]
    other = [r["uscc"] for r in DemoCity(seed=12, enterprise_count=500).enterprise_rows()]
    assert first == again and first != other
    assert all(validate_uscc(code) == code for code in first)


def test_demo_mix_is_realistic() -> None:
    rows = list(DemoCity(seed=2020, enterprise_count=20000).enterprise_rows())
    share = {size: sum(r["size_class"] == size for r in rows) / len(rows) for size in ("规上工业", "限上服务业", "农业龙头")}
    assert 0.09 < share["规上工业"] < 0.11 and 0.06 < share["限上服务业"] < 0.08 and 0.015 < share["农业龙头"] < 0.025
    assert len({r["name"] for r in rows}) == len(rows)
    assert any(r["uscc"].startswith("N") for r in rows)


def passwords_of(home: Path) -> dict[str, str]:
    return json.loads((home / "demo-logins.json").read_text())


def test_load_demo_twice(db: Any, demo_home: Path) -> None:
    out: list[str] = []
    logins = load_demo(seed=5, enterprises=400, log=out.append)
    assert Region.objects.filter(level="county").count() == 10
    assert Region.objects.filter(level="township").count() == 124
    assert Park.objects.count() == 4 and Enterprise.objects.count() == 400
    assert all(r.geometry["type"] == "Polygon" for r in Region.objects.filter(level="county"))
    assert KeyList.objects.count() == 4
    roles = {role.split("（")[0] for _u, _p, role in logins}
    assert len(roles) == 7
    assert ("jiangbei", passwords_of(demo_home)["jiangbei"], "区县（市）/园区（江北区）") in logins
    passwords = json.loads((demo_home / "demo-logins.json").read_text())
    assert (demo_home / "demo-logins.json").stat().st_mode & 0o077 == 0
    out.clear()
    assert load_demo(seed=5, enterprises=400, log=out.append) == logins
    assert any("400 rows (0 created, 0 updated, 400 unchanged)" in line for line in out)
    hq = User.objects.get(username="hq")
    assert hq.check_password(passwords["hq"]) and hq.role == "hq"
    assert User.objects.get(username="liaison").assigned_enterprises.count() > 0


def test_createuser_command(city: City) -> None:
    out = io.StringIO()
    call_command("createuser", "wangwu", "--role", "district", "--county", "339106", "--name", "王五",
                 "--password", "Long-enough-9", stdout=out)
    user = User.objects.get(username="wangwu")
    assert user.county == city.binhai and user.check_password("Long-enough-9")
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="accounts.user").exists()
    with pytest.raises(CommandError, match="county"):
        call_command("createuser", "zhao", "--role", "district", "--no-password")
    with pytest.raises(CommandError, match="no county"):
        call_command("createuser", "zhao", "--role", "district", "--county", "999999", "--no-password")


def _geojson(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


SQUARE = {"type": "Polygon", "coordinates": [[[120.0, 29.0], [120.2, 29.0], [120.2, 29.2], [120.0, 29.2],
                                               [120.0, 29.0]]]}


def test_boundaries_import(city: City, tmp_path: Path) -> None:
    good = tmp_path / "counties.geojson"
    good.write_bytes(_geojson([{"type": "Feature", "properties": {"adcode": 339102, "name": "江北区"},
                                "geometry": SQUARE}]))
    out = io.StringIO()
    call_command("boundaries", str(good), stdout=out)
    assert "1 boundaries set" in out.getvalue()
    assert Region.objects.get(code="339102").geometry == SQUARE
    call_command("boundaries", str(good), stdout=out)
    assert "1 unchanged" in out.getvalue()
    bad = tmp_path / "bad.geojson"
    open_ring = {"type": "Polygon", "coordinates": [[[120.0, 29.0], [120.2, 29.0], [120.2, 29.2], [120.1, 29.3]]]}
    bad.write_bytes(_geojson([
        {"type": "Feature", "properties": {"code": "339106"}, "geometry": SQUARE},
        {"type": "Feature", "properties": {"code": "339199"}, "geometry": SQUARE},
        {"type": "Feature", "properties": {"code": "339102"}, "geometry": open_ring},
    ]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors"):
        call_command("boundaries", str(bad), stderr=err)
    assert "feature 2" in err.getvalue() and "feature 3" in err.getvalue()
    assert Region.objects.get(code="339106").geometry is None  # nothing written


def test_post_write_scope_recheck_rolls_back(city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a write lands outside the user's reach, the whole import is undone."""
    from dualtrack.core.imports import get_dataset, run_import

    original = Enterprise.scope_q.__func__  # type: ignore[attr-defined]

    def no_import(cls: Any, user: Any, action: str) -> Any:
        return Q(pk=-1) if action == "import" else original(cls, user, action)  # permitted, yet reaches no row

    monkeypatch.setattr(Enterprise, "scope_q", classmethod(no_import))
    dataset = get_dataset("enterprises")
    assert dataset is not None
    data = csv_bytes([ENTERPRISE_HEADER, enterprise_row(new_uscc("339102"), "越权写入有限公司")])
    result = run_import(dataset, io.BytesIO(data), "x.csv", city.users["district"])
    assert not result.ok and "权限范围" in result.errors[0].message
    assert not Enterprise.objects.filter(name="越权写入有限公司").exists()


def test_home_page_query_count(client: Client, city: City, django_assert_max_num_queries: Any) -> None:
    import datetime as dt

    from dualtrack.core import versions
    from dualtrack.resumption import snapshot

    day = versions.data_day()
    snapshot.refresh(day)  # the worker's: the page reads the stored picture
    snapshot.refresh(day - dt.timedelta(days=1))
    client.force_login(city.users["district"])
    with django_assert_max_num_queries(40):  # the cards of a district: picture, problems, projects, policies, notices
        response = client.get(reverse("home"))
    situation = next(c for c in response.context["cards"] if c.key == "situation")
    assert "共 2 家" in situation.note  # its county's two enterprises


def test_export_command(city: City, tmp_path: Path) -> None:
    from .helpers import read_xlsx

    out = tmp_path / "e.xlsx"
    call_command("export", "enterprises", "--output", str(out), "--county", "339102", stdout=io.StringIO())
    rows = read_xlsx(out.read_bytes())
    assert sorted(r[1] for r in rows[1:]) == sorted(["江北恒达机械有限公司", "宁江高科电子有限公司"])
    call_command("export", "enterprises", "--output", str(out), "--user", "binhai", stdout=io.StringIO())
    assert [r[1] for r in read_xlsx(out.read_bytes())[1:]] == ["滨海海纳物流有限公司"]
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == 2
    with pytest.raises(CommandError, match="county"):
        call_command("export", "enterprises", "--output", str(out), "--county", "000000")
    with pytest.raises(CommandError, match="may not export"):
        call_command("export", "enterprises", "--output", str(out), "--user", "enterprise")


def test_server_error_page_needs_no_database(client: Client, city: City) -> None:
    from dualtrack.core.views import error_500

    response = error_500(None)  # type: ignore[arg-type]
    assert response.status_code == 500 and "系统暂时无法处理该请求" in response.content.decode()
