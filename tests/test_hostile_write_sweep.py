"""Hostile writes as a standing sweep (#26): every URL pattern whose view accepts POST (found by walking the URL
resolver: ``request.method == "POST"`` branches, ``require_POST``/``require_http_methods``, DRF views and actions
that post, put or patch) is posted hostile values in every field its view reads (the fields of the forms and
serializers it uses, every ``request.POST``/``request.data`` key its module reads, each ``action``/``mode`` it
branches on), by every role that reaches it and by an anonymous visitor. Values: dates far out of range, non-dates,
huge integers, -1, 1e999, 3000 characters, control characters, unknown codes; the JSON API also gets wrong types.

No answer may be a server error, none may run unbounded (the bounds and the one retry of the GET sweep,
``tests/test_hostile_sweep.py``), and nothing may be half-written: every write is audited (DOMAIN.md §15, one write
path), so a request that records no audit entry must leave every table's row count and the fixture's records as
they were.

A new POST pattern is swept without being named here; :func:`test_every_write_is_swept` fails when one cannot be
(no valid path parameters, or no field found) until it is given them or listed in ``NOT_SWEPT`` with a reason.
"""

from __future__ import annotations

import inspect
import json
import re
import time
from functools import cache
from typing import Any

import pytest
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework import serializers

from .conftest import City
from .helpers import csv_bytes
from .test_hostile_import_sweep import changed, row_counts
from .test_hostile_sweep import (
    HOSTILE_VALUES,
    HUGE,
    MAX_CPU_SECONDS,
    MAX_WALL_SECONDS,
    SHORT_VALUES,
    _objects,
    _valid_paths,
)
from .urlwalk import write_views

# POST patterns left out, each with its reason.
# Writes that read no field (their path names what they act on): swept with empty bodies, their path kept valid.
FIELDLESS = {
    "bulletins:retry_job": "sends a failed job named by its path back to the queue",
}
NOT_SWEPT = {
    "logout": "signing out ends the session the sweep uses; it reads no field",
    "set_language": "Django's own view: it only sets the language cookie (an unknown code is ignored)",
    None: "favicon.ico: a redirect, whatever the method",
}
# Roles in the order the deep sweep (each field hostile in turn, the others plausible) picks them.
ROLES = ["hq", "district", "enterprise", "department", "liaison", "park", "leader", "public"]
# The roles that get the deep sweep where they reach a write; the others post every field hostile at once.
DEEP = {"hq", "district", "enterprise"}
# The deep sweep's values (0001-01-01 and 1e999 are in the every-field sweep): a bounded number of requests.
DEEP_VALUES = ["9999-12-31", "not-a-date", HUGE, "-1", "x" * 3000, "UNKNOWN-代码\x00\x01"]
# A plausible value for a raw ``request.POST`` key (form fields get theirs from their type).
PLAUSIBLE = {"date": "2020-02-18", "day": "2020-02-18", "paid_on": "2020-02-18", "period_start": "2020-02-18",
             "period_end": "2020-03-18", "done_on": "2020-02-18", "week": "2020-05-11", "version": "0",
             "temperature": "36.5", "trip": "T1", "code": "W001", "worker": "W001", "into": "WT2020-00001",
             "username": "liaison", "done": "1", "id": "1", "paid_amount": "1", "approved_amount": "1",
             "month": "2020-02", "next": "/", "year": "2019"}
# Wrong types for the JSON API.
JSON_VALUES: list[Any] = [None, [], {}, True, 10**40, -1, 1e308, "9999-12-31", "0001-01-01", "x" * 3000,
                          "UNKNOWN-代码\x00\x01", [{"a": 1}]]
FILE_FIELDS = {"file"}


# --- finding the writes --------------------------------------------------------------------------------------------
def _write_patterns() -> list[tuple[str | None, str, Any]]:
    """(name, route, callback) of every pattern outside the admin whose view takes a write (``tests.urlwalk``: the
    write contract's finder, so the two sweep the same writes)."""
    return write_views()


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(inspect.unwrap(obj))
    except (OSError, TypeError):
        return ""


def _view_code(callback: Any) -> tuple[str, str, dict[str, Any]]:
    """The view's own source (with the module functions it calls, one level), its module's source and globals."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    target = cls or inspect.unwrap(callback)
    module = inspect.getmodule(target)
    names = vars(module) if module else {}
    own = _source(target)
    for called in set(re.findall(r"\b(_?\w+)\(", own)):
        helper = names.get(called)
        if inspect.isfunction(helper) and helper.__module__ == getattr(module, "__name__", None):
            own += "\n" + _source(helper)
    return own, (inspect.getsource(module) if module else ""), names


@cache
def _fields_of(callback: Any) -> tuple[dict[str, Any], dict[str, list[str]], bool]:
    """(field name → its form or serializer field, or None for a raw key), the discriminating keys with the values
    the view branches on, and whether it takes JSON (a DRF view)."""
    own, module_source, names = _view_code(callback)
    fields: dict[str, Any] = {}
    is_api = hasattr(callback, "cls")
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    classes = [names.get(n) for n in set(re.findall(r"\b([A-Z]\w*(?:Form|Serializer))\b", own))]
    if cls is not None and getattr(cls, "form_class", None) is not None:
        classes.append(cls.form_class)
    for klass in classes:
        if isinstance(klass, type) and issubclass(klass, forms.BaseForm):
            fields.update(klass.base_fields)
        elif isinstance(klass, type) and issubclass(klass, serializers.BaseSerializer):
            fields.update(klass().get_fields())  # type: ignore[attr-defined]
    read = r"""request\.(?:POST|data|FILES)(?:\.get|\.getlist)?[(\[]\s*["'](\w+)["']"""
    for key in re.findall(read, own):
        fields.setdefault(key, None)
    branches: dict[str, list[str]] = {}
    for key in list(fields):
        values = re.findall(rf"""["']{key}["'][^)\n]*\)\s*==\s*["']([\w-]+)["']""", own)
        values += re.findall(rf"""\.get\(\s*["']{key}["']\s*,\s*["']([\w-]+)["']""", own)  # its default
        if re.search(rf"""\b{key}\s*=\s*request\.""", own):
            values += re.findall(rf"""\b{key}\s*==\s*["']([\w-]+)["']""", own)
            for group in re.findall(rf"""\b{key}\s+in\s+\(([^)]*)\)""", own):
                values += re.findall(r"""["']([\w-]+)["']""", group)
        if values:
            branches[key] = sorted(set(values))
    return fields, branches, is_api


def _plausible(name: str, field: Any, city: City) -> Any:
    """A value the field would take, so that one hostile neighbour reaches the code behind the form."""
    if field is None:
        return PLAUSIBLE.get(name, "1")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        first = field.queryset.first() if field.queryset is not None else None
        pk = "" if first is None else str(first.pk)
        return [pk] if isinstance(field, forms.ModelMultipleChoiceField) else pk
    if isinstance(field, forms.ChoiceField | serializers.ChoiceField):
        choices = [str(k) for k, _v in getattr(field, "choices", {}).items()] if isinstance(
            getattr(field, "choices", None), dict) else [str(k) for k, _v in field.choices if k not in ("", None)]
        return choices[0] if choices else "1"
    if isinstance(field, forms.DateTimeField | serializers.DateTimeField):
        return "2020-02-18 08:00"
    if isinstance(field, forms.DateField | serializers.DateField):
        return "2020-02-18"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField | serializers.IntegerField
                  | serializers.DecimalField):
        return "1"
    if isinstance(field, forms.BooleanField | serializers.BooleanField):
        return "on"
    if name in ("uscc",):
        return city.e_jiangbei.uscc
    return PLAUSIBLE.get(name, "测试")


def _hostile_file(value: Any) -> SimpleUploadedFile:
    text = str(value)
    return SimpleUploadedFile("hostile.csv", csv_bytes([["代码", "名称", "日期"], [text, text, text]]), "text/csv")


# --- snapshots: what a refused request must leave as it was --------------------------------------------------------
def _snapshot(objects: dict[str, Any]) -> dict[str, Any]:
    counts = row_counts()
    for volatile in ("django_session", "core_dataversion", "core_judgement"):
        # signing in; a version bump and a stored judgement (computed when a page first reads a period) are derived
        # state, not records
        counts.pop(volatile, None)
    rows = {}
    for key, obj in objects.items():
        if isinstance(obj, models.Model):
            found = type(obj)._default_manager.filter(pk=obj.pk).values()
            rows[key] = repr(list(found))
    return {"counts": counts, "rows": rows}


def _difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    diff: dict[str, Any] = changed(before["counts"], after["counts"])
    diff.update({k: "changed" for k in before["rows"] if before["rows"][k] != after["rows"].get(k)})
    return diff


# --- posting -------------------------------------------------------------------------------------------------------
def _timed(client: Client, url: str, data: Any, auth: dict[str, str], as_json: bool) -> tuple[Any, float, float]:
    started, started_cpu = time.monotonic(), time.process_time()
    if as_json:
        response = client.post(url, json.dumps(data), content_type="application/json", **auth)
    else:
        files = {k: _hostile_file(v) for k, v in data.items() if k in FILE_FIELDS}
        response = client.post(url, {**data, **files}, **auth)
    return response, time.monotonic() - started, time.process_time() - started_cpu


def _bodies(fields: dict[str, Any], branches: dict[str, list[str]], values: list[Any], deep: bool, city: City,
            as_json: bool, deep_values: list[Any] = DEEP_VALUES) -> list[Any]:
    """Every field hostile at once (each branch in turn); deep: each field hostile in turn, the others plausible."""
    choices: list[dict[str, str]] = [{}]
    for key, options in branches.items():
        choices += [{key: option} for option in options]
    bodies: list[Any] = []
    for value in values:
        for branch in choices:
            bodies.append({**dict.fromkeys(fields, value), **branch})
    if deep:
        plausible = {name: _plausible(name, field, city) for name, field in fields.items()}
        for branch in choices:
            bodies.append({**plausible, **branch})
            for name in fields:
                if name in branch:
                    continue
                for value in deep_values:
                    bodies.append({**plausible, **branch, name: value})
    if as_json:
        bodies += [value for value in (None, [], "x", 1, [None], [dict.fromkeys(fields, HUGE)])]
    return bodies


def _sweep(client: Client, url: str, auth: dict[str, str], bodies: list[Any], as_json: bool,
           objects: dict[str, Any], tally: dict[str, Any]) -> set[int]:
    statuses: set[int] = set()
    before = _snapshot(objects)
    for body in bodies:
        audited = before["counts"].get("core_auditlog")
        response, elapsed, cpu = _timed(client, url, body, auth, as_json)
        if response.status_code < 500 and (cpu > MAX_CPU_SECONDS or elapsed > MAX_WALL_SECONDS):
            _again, elapsed_again, cpu_again = _timed(client, url, body, auth, as_json)
            elapsed, cpu = min(elapsed, elapsed_again), min(cpu, cpu_again)
        after = _snapshot(objects)
        tally["requests"] += 1
        statuses.add(response.status_code)
        shown = body if not isinstance(body, dict) else {k: repr(v)[:20] for k, v in body.items()}
        if response.status_code >= 500 or cpu > MAX_CPU_SECONDS or elapsed > MAX_WALL_SECONDS:
            tally["failures"].append((url, shown, response.status_code, round(cpu, 2), round(elapsed, 2)))
        diff = _difference(before, after)
        tally["audited"] += after["counts"].get("core_auditlog") != audited
        if diff and after["counts"].get("core_auditlog") == audited:
            tally["failures"].append((url, shown, response.status_code, "written without an audit entry", diff))
        before = after
    return statuses


def _reaches(response_statuses: set[int]) -> bool:
    return not response_statuses <= {302, 401, 403, 404, 405}


def _path_kwargs(name: str, route: str, valid: dict[str, Any]) -> dict[str, Any] | None:
    if "<" not in route:
        return {}
    return valid.get(name)


@pytest.fixture
def objects(city: City) -> dict[str, Any]:
    return _objects(city)


def test_every_write_is_swept(city: City, objects: dict[str, Any]) -> None:
    valid = _valid_paths(city, objects)
    patterns = _write_patterns()
    assert len(patterns) >= 30, patterns
    for name, route, callback in patterns:
        if name in NOT_SWEPT:
            continue
        assert _path_kwargs(name, route, valid) is not None, f"{name} ({route}): give it valid path parameters"
        fields, _branches, _api = _fields_of(callback)
        assert fields or name in FIELDLESS, \
            f"{name} ({route}): no field found that its view reads; name them here or in NOT_SWEPT"
    assert not set(FIELDLESS) - {name for name, _r, _c in patterns}, "FIELDLESS names a pattern that is gone"


def _login_url() -> str:
    return redirect_to_login("/").url.split("?")[0]


@pytest.mark.parametrize("role", [*ROLES, None])
def test_hostile_writes(city: City, objects: dict[str, Any], role: str | None) -> None:
    valid = _valid_paths(city, objects)
    tally: dict[str, Any] = {"requests": 0, "audited": 0, "failures": []}
    page_client = Client(raise_request_exception=False)
    token: dict[str, str] = {}
    if role is not None:
        page_client.force_login(city.users[role])
        token = {"HTTP_AUTHORIZATION": f"Token {city.token(role)}"}
    api_client = Client(raise_request_exception=False)
    reached = []
    for name, route, callback in _write_patterns():
        if name in NOT_SWEPT:
            continue
        kwargs = _path_kwargs(name, route, valid)
        assert kwargs is not None and name is not None
        url = reverse(name, kwargs=kwargs)
        fields, branches, as_json = _fields_of(callback)
        client, auth = (api_client, token) if url.startswith("/api/") else (page_client, {})
        as_json = as_json and "file" not in fields
        # First the short sweep, every field hostile at once: does this role reach the write at all?
        statuses = _sweep(client, url, auth, _bodies(fields, branches, SHORT_VALUES, False, city, as_json), as_json,
                          objects, tally)
        if role is None or not _reaches(statuses):
            continue
        reached.append(name)
        values: list[Any] = list(JSON_VALUES) if as_json else list(HOSTILE_VALUES)
        bodies = _bodies(fields, branches, values, role in DEEP, city, as_json,
                         JSON_VALUES[:8] if as_json else DEEP_VALUES)
        _sweep(client, url, auth, bodies, as_json, objects, tally)
    print(f"\n{role}: reached {len(reached)} writes, {tally['requests']} requests, {tally['audited']} audited")
    for failure in tally["failures"]:
        print("FAIL", failure)
    assert tally["failures"] == [], tally["failures"][:20]
    if role in ("hq", "district", "enterprise"):
        assert len(reached) >= 5, reached
        assert tally["audited"] > 0  # the plausible bodies write: the sweep tells a write from a refusal
