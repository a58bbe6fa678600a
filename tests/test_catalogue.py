"""The English interface is complete: every message of the catalogue has its translation (none empty, none
fuzzy), and the compiled catalogue is the source's."""

from __future__ import annotations

import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "dualtrack" / "locale" / "en" / "LC_MESSAGES"


def _entries() -> list[tuple[str, str, bool]]:
    text = LOCALE.joinpath("django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if match is None:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        found.append((msgid, "".join(re.findall(r'"(.*)"', match.group(2))), "#, fuzzy" in block))
    return found


def test_every_message_is_translated() -> None:
    missing = [msgid for msgid, msgstr, fuzzy in _entries() if msgid and (not msgstr or fuzzy)]
    assert missing == []


def test_compiled_catalogue_is_current() -> None:
    from django.utils import translation

    untranslated = [msgid for msgid, _msgstr, _f in _entries() if msgid and "%" not in msgid and "\\" not in msgid]
    with translation.override("en"):
        stale = [m for m in untranslated[:2000] if translation.gettext(m) == m and re.search(r"[\u4e00-\u9fff]", m)]
    assert stale == []
