"""Texts that the pages' scripts show (chart legends and series names), translated on the server.

Each app registers its scripts' texts (marked with ``gettext_noop`` so that ``makemessages`` finds them);
every page carries them, translated into the user's language, as a JSON block that the scripts read
(``{{ js_catalog|json_script:"js-catalog" }}`` in base.html). No extra request: a separate catalog URL
would be one more request per page, and each request renews the session.
"""

from __future__ import annotations

from django.utils.translation import gettext

_TEXTS: list[str] = []


def register_js_texts(*texts: str) -> None:
    for text in texts:
        if text not in _TEXTS:
            _TEXTS.append(text)


def js_catalog() -> dict[str, str]:
    """Every registered text in the active language."""
    return {text: gettext(text) for text in _TEXTS}
