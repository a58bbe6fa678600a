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
