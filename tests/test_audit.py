"""The audit log: append-only in the application and in the database; readable by HQ only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from dualtrack.core import audit
from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog

from .conftest import City


@pytest.fixture
def entry(city: City) -> AuditLog:
    return audit.record(city.users["hq"], AuditAction.UPDATE, city.department, before={"name": "a"},
                        after={"name": "b"})


def test_application_cannot_change_or_delete(entry: AuditLog) -> None:
    entry.object_repr = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(object_repr="tampered")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()


def test_database_refuses_updates(entry: AuditLog) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_repr = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).object_repr == entry.object_repr


def test_database_refuses_deletes_on_postgresql(entry: AuditLog) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row triggers against DELETE are installed on PostgreSQL (SQLite test flushes use DELETE)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [entry.pk])


@pytest.mark.parametrize("role,status", [("hq", 200), ("leader", 403), ("district", 403), ("department", 403)])
def test_audit_page_is_for_hq(client: Client, city: City, entry: AuditLog, role: str, status: int) -> None:
    client.force_login(city.users[role])
    response = client.get(reverse("audit_log"))
    assert response.status_code == status
    if status == 200:
        assert "市经济和信息化局" in response.content.decode()


def test_audit_page_filters(client: Client, city: City, entry: AuditLog) -> None:
    client.force_login(city.users["hq"])
    audit.record(city.users["district"], AuditAction.EXPORT, object_type="registry.enterprise", object_repr="名录导出")
    page = client.get(reverse("audit_log"), {"action": "export"}).content.decode()
    assert "名录导出" in page and "市经济和信息化局" not in page
    page = client.get(reverse("audit_log"), {"user": "hq"}).content.decode()
    assert "名录导出" not in page


def test_audit_is_not_in_the_admin_as_editable(client: Client, city: City, entry: AuditLog) -> None:
    client.force_login(city.users["hq"])
    assert client.get("/admin/core/auditlog/").status_code == 200
    assert client.get("/admin/core/auditlog/add/").status_code == 403
    response = client.post(f"/admin/core/auditlog/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_snapshot_is_json_ready(city: City) -> Any:
    data = audit.snapshot(city.e_jiangbei)
    assert data["uscc"] == city.e_jiangbei.uscc and data["county_id"] == city.jiangbei.pk
    assert "created_at" not in data
