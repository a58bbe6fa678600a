"""Personal data in free text (个人信息): phone and ID numbers that people type into descriptions, answers
and comments. Shown whole only to the roles the app's policy grants ``Action.PERSONAL``; masked for everyone
else (DOMAIN.md §15). Masking keeps enough to tell numbers apart: 138****5678, 3301**********123X."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import Q

from .actors import Viewer

# An 18-character resident ID (17 digits and a digit or X) or an old 15-digit one; a mainland mobile number
# (optionally +86); a landline with its area code. Digits around a match must not be digits (no partial hits
# inside longer numbers such as credit codes or amounts).
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ](\d{3,4})(\d{4})(?!\d)")


def _mask_id(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)[:4] + "*" * 10 + match.group(3)
    return match.group(4)[:4] + "*" * 8 + match.group(6)


def mask(text: str) -> str:
    """``text`` with ID numbers and phone numbers masked."""
    if not text:
        return text
    text = _ID.sub(_mask_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


def contains_personal(text: str) -> bool:
    return bool(text) and mask(text) != text


def mask_name(name: str) -> str:
    """A person's name with all but its first character hidden: 张三丰 → 张**."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def mask_phone(phone: str) -> str:
    """138****1234 (a number too short to mask keeps only its last two digits)."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:] if digits else phone


# --- keys for personal data (DOMAIN.md §15) -------------------------------------------------------------------
# An ID number is never stored: only its keyed hash (HMAC-SHA256) and last four characters. The key is a secret of
# its own (``PERSONAL_DATA_KEY`` or the file ``PERSONAL_DATA_KEY_FILE``): never the web application's secret, never
# kept beside the database. Keys are ``id:key`` pairs, the current one first; each hash is stored with the ids of
# the keys that made it (``id_key``), so a rotation rolls over: ``dualtrack personal-data-keys --rehash`` wraps
# every stored hash in the current key (HMAC of the old hash, no ID number needed) and records the chain
# ("0>2026a"); a lookup computes the value's hash along each chain it finds.

CHAIN = ">"
_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,16}")


@functools.lru_cache(maxsize=8)  # read on every hash: parsed once per setting
def parse_keys(raw: str) -> dict[str, bytes]:
    """``id:key`` pairs separated by commas or new lines (``#`` starts a comment line), the current key first. A
    lone key without an id has the id ``0`` (the single key of the releases before key ids)."""
    from django.core.exceptions import ImproperlyConfigured

    keys: dict[str, bytes] = {}
    for line in (raw or "").splitlines():
        if line.strip().startswith("#"):
            continue
        for item in line.split(","):
            item = item.strip()
            if not item:
                continue
            key_id, sep, secret = item.partition(":")
            if not sep:
                key_id, secret = "0", item
            key_id, secret = key_id.strip(), secret.strip()
            if not _KEY_ID.fullmatch(key_id) or not secret:
                raise ImproperlyConfigured(
                    "PERSONAL_DATA_KEY: each key is id:key, the id 1 to 16 letters, digits, '.', '_' or '-'")
            if key_id in keys:
                raise ImproperlyConfigured(f"PERSONAL_DATA_KEY: the key id {key_id} is given twice")
            keys[key_id] = secret.encode()
    return keys


def keys() -> dict[str, bytes]:
    """The configured keys, the current one first; ImproperlyConfigured when there is none (never the secret key)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    found = parse_keys(getattr(settings, "PERSONAL_DATA_KEY", ""))
    if not found:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY (or PERSONAL_DATA_KEY_FILE) is not set: the keyed hash of ID "
                                   "numbers needs a key of its own (README, 'Keys for personal data')")
    return found


def current_key_id() -> str:
    return next(iter(keys()))


def _mac(key: bytes, data: bytes) -> str:
    import hashlib
    import hmac

    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _normal(value: str) -> bytes:
    return value.strip().upper().encode()


def keyed_hash(value: str) -> str:
    """An ID number as a keyed hash with the current key: the same number gives the same hash, so a duplicate is
    found, and nobody without the key can test a guess. Stored with :func:`current_key_id` (see :func:`id_fields`)."""
    return _mac(next(iter(keys().values())), _normal(value))


def id_fields(value: str) -> dict[str, str]:
    """What a row keeps of an ID number: its keyed hash, the key's id beside it and its last four characters."""
    key_id, key = next(iter(keys().items()))
    value = value.strip().upper()
    return {"id_hash": _mac(key, value.encode()), "id_key": key_id, "id_last4": value[-4:]}


def digest(value: str, chain: str) -> str | None:
    """``value``'s hash along the key chain a row records ("0>2026a": made with key 0, then wrapped in 2026a); None
    when a key of the chain is no longer configured."""
    known = keys()
    ids = chain.split(CHAIN) if chain else []
    if not ids or any(i not in known for i in ids):
        return None
    out = _mac(known[ids[0]], _normal(value))
    for key_id in ids[1:]:
        out = _mac(known[key_id], out.encode())
    return out


def rewrap(id_hash: str, chain: str) -> tuple[str, str]:
    """A stored hash moved to the current key without the ID number: wrapped in one more HMAC, the chain extended.
    A hash already made with the current key is returned as it is."""
    key_id, key = next(iter(keys().items()))
    if not id_hash or chain.split(CHAIN)[-1] == key_id:
        return id_hash, chain
    return _mac(key, id_hash.encode()), f"{chain}{CHAIN}{key_id}" if chain else key_id


def matching(value: str, chains: Iterable[str], *, hash_field: str = "id_hash", key_field: str = "id_key") -> Q:
    """A filter for the rows holding ``value``'s hash under any of ``chains`` (the chains present in a table): a
    lookup tries every known key. Matches nothing when no chain can be computed."""
    found = Q(pk__in=[])
    for chain in set(chains):
        hashed = digest(value, chain)
        if hashed is not None:
            found |= Q(**{hash_field: hashed, key_field: chain})
    return found


# --- the one masking path (DOMAIN.md §15) -------------------------------------------------------------------------

def whole_for(user: Viewer, objects: Sequence[Any]) -> set[Any]:
    """The primary keys of ``objects`` (of one model) whose personal data ``user`` may see whole: the rows the
    model's declared policy grants ``Action.PERSONAL`` (one query at most)."""
    from . import policy
    from .choices import Action

    if not objects:
        return set()
    model = type(objects[0])
    found = policy.scope(user, model, Action.PERSONAL)
    if found is policy.ALL:
        return {o.pk for o in objects}
    if found is policy.NOTHING:
        return set()
    return set(model._base_manager.filter(found, pk__in=[o.pk for o in objects]).values_list("pk", flat=True))


# What a value is, for masking (:func:`shown`'s ``kinds``): free text (phone and ID numbers in it masked, the default),
# a person's name (张**: a name is personal data in itself) or a contact number (138****5678).
TEXT, NAME, PHONE = "text", "name", "phone"
_MASKS = {TEXT: mask, NAME: mask_name, PHONE: mask_phone}


def _personal(kind: str, value: str) -> bool:
    return bool(value) if kind in (NAME, PHONE) else contains_personal(value)


def judged(user: Viewer, rows: Sequence[tuple[Any, dict[str, str]]], *, limit: int | None = None,
           kinds: Mapping[str, str] | None = None, audit: bool = True) -> list[tuple[bool, dict[str, str]]]:
    """:func:`shown` with, for each row, whether its record's personal data is shown whole. ``audit=False`` only to
    fingerprint what would be shown (a print job's name), never to show it."""
    from . import audit as audit_log
    from .choices import AuditAction

    kinds = kinds or {}
    whole = whole_for(user, list({r.pk: r for r, _values in rows}.values()))
    out: list[tuple[bool, dict[str, str]]] = []
    personal: dict[Any, tuple[Any, list[str]]] = {}
    for record, values in rows:
        values = {f: str(v or "") for f, v in values.items()}
        if record.pk in whole:
            held = [f for f, v in values.items() if _personal(kinds.get(f, TEXT), v)]
            if held:
                fields = personal.setdefault(record.pk, (record, []))[1]
                fields.extend(f for f in held if f not in fields)
        else:
            values = {f: _MASKS[kinds.get(f, TEXT)](v) for f, v in values.items()}
        out.append((record.pk in whole, {f: v[:limit] if limit else v for f, v in values.items()}))
    if personal and audit:
        audit_log.record_many([audit_log.build(user, AuditAction.VIEW_PERSONAL, record, detail={"fields": fields})
                               for record, fields in personal.values()])
    return out


def shown(user: Viewer, rows: Sequence[tuple[Any, dict[str, str]]], *, limit: int | None = None,
          kinds: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The one masking path: for each ``(record, values)`` the named free texts and contacts as ``user`` may see
    them, whole where the record's model (one model for all rows) grants ``user`` ``Action.PERSONAL``, masked
    elsewhere, before any cut to ``limit`` characters (so half a number is never shown). ``kinds`` names the values
    that are not free text: a person's name (:data:`NAME`, 张**) or a contact number (:data:`PHONE`, 138****5678);
    in free text (:data:`TEXT`) the phone and ID numbers are masked. The values may be the record's own fields or
    texts that belong to it (a problem's history comments, a worker's boarding notes). Each record shown with
    personal data whole is audited once (查看个人信息, the record and the names of the values that held it)."""
    return [values for _whole, values in judged(user, rows, limit=limit, kinds=kinds)]


def texts(user: Viewer, objects: Sequence[Any], *fields: str, limit: int | None = None) -> list[dict[str, str]]:
    """Free text and contacts as ``user`` may see them, every page, API, export and PDF alike: for each object the
    values of ``fields``, whole where its model's policy grants ``Action.PERSONAL``, phone and ID numbers masked
    elsewhere (before any cut to ``limit`` characters, so half a number is never shown). Each whole view of personal
    data is audited (查看个人信息, the object and its fields). See :func:`shown`."""
    return shown(user, [(obj, {f: getattr(obj, f) for f in fields}) for obj in objects], limit=limit)


def text(user: Viewer, obj: Any, field: str, *, limit: int | None = None) -> str:
    """One object's ``field`` as :func:`texts` shows it."""
    return texts(user, [obj], field, limit=limit)[0][field]


def attach(user: Viewer, objects: Iterable[Any], *fields: str, limit: int | None = None) -> list[Any]:
    """``objects`` (a page of them) each with ``shown``, its ``fields`` as :func:`texts` shows them, for a template
    (``{{ p.shown.description }}``)."""
    objects = list(objects)
    for obj, values in zip(objects, texts(user, objects, *fields, limit=limit), strict=True):
        obj.shown = values
    return objects


def each(user: Viewer, objects: Iterable[Any], *fields: str, batch: int = 500) -> Iterator[tuple[Any, dict[str, str]]]:
    """``(object, its fields as shown)`` for a long export, read in batches (one policy query and one audit write
    per batch)."""
    pending: list[Any] = []
    for obj in objects:
        pending.append(obj)
        if len(pending) >= batch:
            yield from zip(pending, texts(user, pending, *fields), strict=True)
            pending = []
    if pending:
        yield from zip(pending, texts(user, pending, *fields), strict=True)
