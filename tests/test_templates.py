"""Static checks of the templates: a page's ``{% block title %}`` holds its title only. Markup left inside it is
never drawn (the browser shows the title as text): two pages once lost a whole table that way."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "dualtrack"
TITLE = re.compile(r"\{%\s*block title\s*%\}(.*?)\{%\s*endblock", re.S)


def test_every_title_block_is_a_title_only() -> None:
    checked, wrong = 0, []
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")):
        for body in TITLE.findall(path.read_text(encoding="utf-8")):
            checked += 1
            if "<" in body or "\n" in body.strip():
                wrong.append(f"{path.relative_to(TEMPLATES)}: {body.strip()[:60]!r}")
    assert checked > 50  # the pages were found
    assert wrong == []
