"""Keys for personal data (DOMAIN.md §15, issue 26 §4): the keyed hash of an ID number uses a key of its own, never
the web application's secret key nor a file beside the database; production does not start without it; each hash
keeps the ids of the keys that made it, so a rotation is rolled over and every lookup tries every known key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from dualtrack.core import privacy
from dualtrack.core.checks import (
    personal_data_key,
    personal_data_key_in_production,
    require_personal_data_key,
)

from .conftest import TEST_PERSONAL_DATA_KEY, City, make_enterprise
from .test_poverty import load, villages  # noqa: F401 - the fixture
from .test_poverty_command import households  # noqa: F401 - the fixture

ID = "339106199001011111"
K1 = "k1:first-key-of-this-installation-0123456789"
K2 = "k2:second-key-after-the-rotation-0123456789"


def test_the_hash_never_falls_back_to_the_secret_key(settings: Any) -> None:
    settings.PERSONAL_DATA_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        privacy.keyed_hash(ID)
    settings.PERSONAL_DATA_KEY = TEST_PERSONAL_DATA_KEY
    with_secret = hmac.new(settings.SECRET_KEY.encode(), ID.encode(), hashlib.sha256).hexdigest()
    assert privacy.keyed_hash(ID) != with_secret
    assert privacy.id_fields(ID) == {"id_hash": privacy.keyed_hash(ID), "id_key": "t1", "id_last4": "1111"}


def test_keys_are_id_key_pairs_the_current_one_first() -> None:
    assert list(privacy.parse_keys(f"{K2},{K1}")) == ["k2", "k1"]
    assert list(privacy.parse_keys(f"# rotated 2026-01\n{K2}\n{K1}\n")) == ["k2", "k1"]
    assert privacy.parse_keys("a-lone-key-of-an-earlier-release") == {"0": b"a-lone-key-of-an-earlier-release"}
    for bad in ("k1:a,k1:b", "bad id:x", "k1:"):
        with pytest.raises(ImproperlyConfigured):
            privacy.parse_keys(bad)


def _ids(messages: list[checks.CheckMessage]) -> set[str]:
    return {m.id or "" for m in messages if m.is_serious()}


def test_production_does_not_start_without_a_key(settings: Any) -> None:
    settings.DEBUG, settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_KEY_FILE = False, "", ""
    assert "dualtrack.E001" in _ids(personal_data_key_in_production())
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY"):
        require_personal_data_key()  # the WSGI application and the worker call it before they serve
    with pytest.raises(ImproperlyConfigured):
        call_command("worker", "--once")
    # makemigrations and the linters run without one: a warning, not an error
    assert _ids(personal_data_key()) == set() and personal_data_key()
    settings.DEBUG = True  # development: a warning
    assert _ids(personal_data_key_in_production()) == set()
    require_personal_data_key()
    settings.DEBUG, settings.PERSONAL_DATA_KEY = False, K1
    assert _ids(personal_data_key()) == set() and _ids(personal_data_key_in_production()) == set()
    require_personal_data_key()


def test_the_key_is_never_the_secret_key_nor_kept_beside_the_database(settings: Any, tmp_path: Path) -> None:
    settings.DEBUG = False
    settings.PERSONAL_DATA_KEY = f"k1:{settings.SECRET_KEY}"
    assert "dualtrack.E006" in _ids(personal_data_key())
    with pytest.raises(ImproperlyConfigured):
        require_personal_data_key()
    settings.PERSONAL_DATA_KEY = "k1:short"
    assert "dualtrack.E007" in _ids(personal_data_key_in_production())
    settings.HOME = tmp_path / "var"
    beside = settings.HOME / "personal-data-key"
    beside.parent.mkdir()
    beside.write_text(K1)
    settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_KEY_FILE = K1, str(beside)
    assert "dualtrack.E002" in _ids(personal_data_key())
    apart = tmp_path / "config" / "personal-data-key"
    apart.parent.mkdir()
    apart.write_text(K1)
    apart.chmod(0o600)
    settings.PERSONAL_DATA_KEY_FILE = str(apart)
    assert personal_data_key() == []


def test_the_key_file_is_read_by_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import dualtrack.settings as module

    key_file = tmp_path / "key"
    key_file.write_text(f"{K2}\n{K1}\n")
    monkeypatch.delenv("PERSONAL_DATA_KEY", raising=False)
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(key_file))
    try:
        assert list(privacy.parse_keys(importlib.reload(module).PERSONAL_DATA_KEY)) == ["k2", "k1"]
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def _register(hq: Any, employer: Any, code: str, id_number: str) -> Any:
    from dualtrack.workreturn import services as workreturn

    return workreturn.register_worker(hq, code=code, name="杨小春", phone="13900000001", id_number=id_number,
                                      village_code="339106001201", enterprise=employer,
                                      attestation_kind="health_certificate", attestation_date=dt.date(2020, 2, 18),
                                      poor_labourer=True)


LABOURERS = ["户编号", "姓名", "务工状态", "务工地", "上年外出", "身份证号"]


def test_a_rotation_rolls_over_and_lookups_try_every_known_key(households: City, settings: Any) -> None:  # noqa: F811
    from dualtrack.poverty.models import Household, Labourer
    from dualtrack.workreturn.models import Worker

    settings.PERSONAL_DATA_KEY = K1
    employer = make_enterprise(households.jiangbei, "江北纺织有限公司")
    worker = _register(households.users["hq"], employer, "W1", ID)
    assert (worker.id_key, worker.id_last4) == ("k1", "1111")

    settings.PERSONAL_DATA_KEY = f"{K2},{K1}"  # rotated: k2 is current, k1 still known
    assert load(households.users["office"], "labourers", [LABOURERS, ["H2", "杨小春", "在家待岗", "", "是", ID]]).ok
    labourer = Labourer.objects.get(name="杨小春")
    assert labourer.id_key == "k2" and labourer.worker_id == worker.pk  # matched across the two keys

    out = StringIO()
    call_command("personal-data-keys", "--rehash", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["current_key"] == "k2" and report["rehashed"]["workreturn.worker"] == 1
    worker.refresh_from_db()
    assert worker.id_key == "k1>k2" and worker.id_hash == privacy.digest(ID, "k1>k2")
    assert hmac.new(b"first-key-of-this-installation-0123456789", ID.encode(), hashlib.sha256).hexdigest() \
        not in set(Worker.objects.values_list("id_hash", flat=True))  # nothing is left under the old key alone
    assert Household.objects.exclude(id_key__endswith="k2").count() == 0
    assert all(row["current"] for row in report["hashes"])

    # a new registration under the new key still finds the labourer; the old key is still needed for the chain
    Labourer.objects.update(worker=None)
    _register(households.users["hq"], employer, "W1", ID)
    assert Labourer.objects.get(name="杨小春").worker_id == worker.pk
    settings.PERSONAL_DATA_KEY = K2
    assert privacy.digest(ID, "k1>k2") is None  # a chain whose key was dropped cannot be computed (and is reported)
    out = StringIO()
    call_command("personal-data-keys", stdout=out)
    assert "not configured" in out.getvalue()
