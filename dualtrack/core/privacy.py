"""Personal data in free text (个人信息): phone and ID numbers that people type into descriptions, answers
and comments. Shown whole only to the roles the app's policy grants ``Action.PERSONAL``; masked for everyone
else (DOMAIN.md §15). Masking keeps enough to tell numbers apart: 138****5678, 3301**********123X."""

from __future__ import annotations

import re

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


def keyed_hash(value: str) -> str:
    """An ID number as a keyed hash (HMAC-SHA256 with ``PERSONAL_DATA_KEY``, else the secret key): the same
    number gives the same hash, so a duplicate is found, and nobody without the key can test a guess."""
    import hashlib
    import hmac

    from django.conf import settings

    key = (getattr(settings, "PERSONAL_DATA_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
