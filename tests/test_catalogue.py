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


# Chinese a translation may keep: the values users type in Chinese cells (是/否, 市/县/乡/村, size classes).
KEPT_CHINESE = re.compile(r"是/否|市/县/乡/村|规上工业/限上服务业/农业龙头/规下/其他|第一行为列名|总量 amount / 增速 growth|健康证明/14天无外出证明/健康码绿码")


def test_no_translation_leaves_chinese_in_the_english_interface() -> None:
    """'Energy share (复产率)' once: a translation quoting the Chinese term reads as untranslated."""
    left = [(msgid, msgstr) for msgid, msgstr, _f in _entries()
            if re.search(r"[\u4e00-\u9fff。，：]", msgstr) and not KEPT_CHINESE.search(msgstr)]
    assert left == []


def test_english_pages_translate_the_scope_options_strategy_and_categories(client: object, city: object) -> None:
    from django.conf import settings
    from django.test import Client

    assert isinstance(client, Client)
    client.force_login(city.users["hq"])  # type: ignore[attr-defined]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    dashboard = client.get("/resumption/").content.decode()
    options = re.findall(r'<select name="scope">(.*?)</select>', dashboard, re.S)[0]
    assert ">Industrial above designated size</option>" in options
    assert not re.search(r">[^<]*[\u4e00-\u9fff][^<]*</option>", options)
    epidemic = client.get("/epidemic/").content.decode()
    assert "Guard against imported cases" in epidemic and "外防输入" not in epidemic
    ledger = client.get("/problems/").content.decode()
    assert ">Labour</option>" in ledger
