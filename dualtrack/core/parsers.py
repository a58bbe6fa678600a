"""The API's JSON parser: DRF's, with a bound on nesting. A body nested thousands of levels deep made the
standard parser recurse until Python gave up (a 500); now it is a 400 that says why."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20  # far more than any body the API accepts (a list of flat objects)


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects, walked without recursion. A string holding NUL (which
    PostgreSQL cannot store or compare) counts as too deep: the body is refused all the same."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return MAX_DEPTH + 1
        if isinstance(item, dict):
            stack.extend((key, level) for key in item)
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read().decode(encoding)
            data = json.loads(raw, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise ParseError(_("JSON 嵌套层数过多（上限 %(n)d 层）") % {"n": MAX_DEPTH}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON 格式不正确： %(error)s") % {"error": str(exc)[:200]}) from exc
        if depth(data) > MAX_DEPTH:
            if "\\u0000" in raw or "\x00" in raw:
                raise ParseError(_("JSON 中含有不允许的空字符（U+0000）"))
            raise ParseError(_("JSON 嵌套层数过多（上限 %(n)d 层）") % {"n": MAX_DEPTH})
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
