"""Chinese text the platform writes (bulletins, reports, task texts, notices): full-width punctuation (GB/T 15834,
DOMAIN.md §15) when generated fragments are joined, and the check the tests make of a document.

The sentences are written at their source with full-width marks; these helpers only join fragments a builder made
(a list of clauses, a bracketed aside), so no text is ever post-processed."""

from __future__ import annotations

import re
from collections.abc import Iterable

COMMA, PERIOD, SEMICOLON, COLON, ENUM = "，", "。", "；", "：", "、"
CJK = "\u4e00-\u9fff"
# an ASCII mark directly before or after a CJK character: what a Chinese official text never has
ASCII_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[,;:()?!]|[,;:()?!](?=[{CJK}])")


def paren(text: object) -> str:
    """（text）: a bracketed aside in full-width brackets."""
    return f"（{text}）"


def clauses(parts: Iterable[str], sep: str = COMMA) -> str:
    """Clauses joined by ``sep`` (，by default; ；between the items of a list), empty ones left out."""
    return sep.join(p for p in parts if p)


def sentence(parts: Iterable[str], sep: str = COMMA) -> str:
    """Clauses joined into one sentence ending in 。 (not doubled when the last clause has its own end)."""
    text = clauses(parts, sep)
    return text if not text or text.endswith((PERIOD, "？", "！")) else text + PERIOD


def ascii_punctuation(text: str) -> list[str]:
    """The ASCII marks ``,;:()?!`` standing directly before or after a CJK character in ``text``, each with a few
    characters around it (what a test prints when it finds one)."""
    return [text[max(m.start() - 6, 0):m.end() + 6] for m in ASCII_BETWEEN_CJK.finditer(text)]
