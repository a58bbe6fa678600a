"""Sign-in: Argon2, throttling with lockout, idle timeout, CSRF, HQ-only admin, audit of logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog

from .conftest import PASSWORD, City


def login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_production_hasher_is_argon2() -> None:
    from dualtrack import settings as configured  # the module, not the per-test override

    assert configured.PASSWORD_HASHERS[0].endswith("OwaspArgon2PasswordHasher")
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60 and django_settings.SESSION_SAVE_EVERY_REQUEST
    assert "db" in django_settings.SESSION_ENGINE


def test_argon2_hashes(settings: Any) -> None:
    from django.contrib.auth.hashers import check_password, identify_hasher

    settings.PASSWORD_HASHERS = ["dualtrack.accounts.hashers.OwaspArgon2PasswordHasher"]
    encoded = make_password("x" * 12)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("x" * 12, encoded) and not check_password("y" * 12, encoded)
    hasher = identify_hasher(encoded)
    old = "argon2$argon2id$v=19$m=102400,t=2,p=8$" + encoded.split("$", 5)[-2] + "$" + encoded.split("$")[-1]
    assert hasher.must_update(old) and not hasher.must_update(encoded)  # older hashes upgrade at sign-in


def test_login_and_logout_are_audited(client: Client, city: City) -> None:
    response = login(client, "jiangbei", PASSWORD)
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == city.users["district"] and entry.ip == "10.1.2.3"
    client.post(reverse("logout"))
    assert AuditLog.objects.filter(action=AuditAction.LOGOUT, actor=city.users["district"]).exists()


def test_failed_login_is_audited(client: Client, city: City) -> None:
    response = login(client, "jiangbei", "wrong-password")
    assert response.status_code == 200
    entry = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.actor is None and entry.detail == {"username": "jiangbei", "known_user": True}
    assert entry.ip == "10.1.2.3"


def test_lockout_after_five_failures(client: Client, city: City) -> None:
    for _ in range(5):
        login(client, "jiangbei", "wrong-password")
    locked = login(client, "jiangbei", PASSWORD)  # the right password no longer helps
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client()
    assert login(other, "hq", PASSWORD).status_code == 302  # other accounts are not affected


def test_lockout_expires(client: Client, city: City) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(5):
            login(client, "jiangbei", "wrong-password")
        assert login(client, "jiangbei", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert login(client, "jiangbei", PASSWORD).status_code == 302


def test_idle_session_times_out_after_30_minutes(client: Client, city: City) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        assert login(client, "jiangbei", PASSWORD).status_code == 302
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_csrf_is_enforced(city: City) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "hq", "password": PASSWORD})
    assert response.status_code == 403


def test_admin_is_for_hq_only(client: Client, city: City) -> None:
    client.force_login(city.users["leader"])
    assert client.get("/admin/").status_code == 302  # sent to the admin login
    client.force_login(city.users["hq"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/registry/enterprise/").status_code == 200


def test_admin_changes_are_audited(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    department = city.department
    response = client.post(f"/admin/registry/department/{department.pk}/change/",
                           {"code": "JXJ", "name": "市经济和信息化局(改)"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_type="registry.department")
    assert entry.before == {"name": "市经济和信息化局"} and entry.after == {"name": "市经济和信息化局(改)"}
    assert entry.actor == city.users["hq"]


@pytest.mark.parametrize("role", ["leader", "district", "public"])
def test_api_token_page(client: Client, city: City, role: str) -> None:
    client.force_login(city.users[role])
    response = client.post(reverse("account"), {"action": "token"})
    token = response.context["token"]
    assert len(token) == 40
    api = Client()
    assert api.get(reverse("region-list"), HTTP_AUTHORIZATION=f"Token {token}").status_code in (200, 403)
    assert api.get(reverse("region-list"), HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_admin_many_to_many_changes_are_audited(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    liaison = city.users["liaison"]
    response = client.post(f"/admin/accounts/user/{liaison.pk}/change/", {
        "username": "liaison", "full_name": "liaison", "phone": "", "role": "liaison", "is_active": "on",
        "assigned_enterprises": f"{city.e_jiangbei.pk},{city.e_binhai.pk}",  # a raw-id field: comma-separated
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="accounts.user").latest("id")
    assert entry.before == {"assigned_enterprises": [city.e_jiangbei.pk]}
    assert entry.after == {"assigned_enterprises": sorted([city.e_jiangbei.pk, city.e_binhai.pk])}


def test_api_token_expires_and_rotation_is_audited(client: Client, city: City) -> None:
    from django.core.management import call_command

    user = city.users["district"]
    client.force_login(user)
    first = client.post(reverse("account"), {"action": "token"}).context["token"]
    created = AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk)).latest("id")
    assert created.action == AuditAction.CREATE and created.detail["api_token"] == "created"
    assert "有效期至" in client.get(reverse("account")).content.decode()
    second = client.post(reverse("account"), {"action": "token"}).context["token"]
    rotated = AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk)).latest("id")
    assert rotated.action == AuditAction.UPDATE and rotated.detail["api_token"] == "rotated"
    api = Client()
    assert api.get(reverse("region-list"), HTTP_AUTHORIZATION=f"Token {first}").status_code == 401  # rotated out
    assert api.get(reverse("region-list"), HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    now = dt.datetime.now(dt.UTC)
    with time_machine.travel(now + dt.timedelta(days=django_settings.API_TOKEN_TTL_DAYS, hours=-1)):
        assert api.get(reverse("region-list"), HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    with time_machine.travel(now + dt.timedelta(days=django_settings.API_TOKEN_TTL_DAYS, hours=1)):
        expired = api.get(reverse("region-list"), HTTP_AUTHORIZATION=f"Token {second}")
        assert expired.status_code == 401 and "令牌已过期" in expired.json()["detail"]
    # The console: a new token, printed once, audited under the operator's name.
    import io
    import json

    out = io.StringIO()
    call_command("token", user.username, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert len(printed["token"]) == 40 and printed["expires_at"]
    assert AuditLog.objects.filter(object_id=str(user.pk), actor_username__startswith="system:").exists()


def test_admin_password_change_is_audited(client: Client, city: City) -> None:
    client.force_login(city.users["hq"])
    target = city.users["liaison"]
    response = client.post(f"/admin/accounts/user/{target.pk}/password/",
                           {"password1": "Another-Horse-77", "password2": "Another-Horse-77", "usable_password": "true"})
    assert response.status_code == 302
    entry = AuditLog.objects.filter(object_type="accounts.user", object_id=str(target.pk)).latest("id")
    assert entry.detail == {"password": "changed by HQ"} and entry.actor == city.users["hq"]
    assert "Another-Horse" not in str(entry.before) + str(entry.after) + str(entry.detail)


def test_api_schema_and_docs_need_a_signed_in_user(client: Client, city: City) -> None:
    assert client.get(reverse("api-schema")).status_code == 401
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client.force_login(city.users["district"])
    page = client.get(reverse("api-docs"))
    body = page.content.decode()
    assert page.status_code == 200 and "swagger-ui" in body
    assert "cdn" not in body.lower() and "//unpkg" not in body and "jsdelivr" not in body
    assert "<script>" not in body  # the initialiser is a file of its own, allowed by the CSP
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_a_hostile_user_name_at_sign_in_is_counted_cut_never_a_server_error(client: Any, city: Any) -> None:
    """On PostgreSQL a 3,000-character name answered 500 (django-axes stored it in a varchar(255))."""
    from axes.models import AccessAttempt

    response = client.post("/login/", {"username": "x" * 3000, "password": "y" * 3000})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 150
