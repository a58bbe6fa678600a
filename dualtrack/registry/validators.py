"""Validation of registry identifiers."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from dualtrack.core.imports.parsers import CellError, code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 登记管理部门代码: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
# 9 工商(市场监管), A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_AUTHORITIES = frozenset("123456789ANY")


def uscc(value: object) -> str:
    """A unified social credit code (统一社会信用代码): 18 characters of the GB 32100 alphabet, a known
    registration authority, a six-digit region code and the check character (python-stdnum computes it;
    its own ``validate`` wrongly rejects codes beginning with a letter such as N or Y, so it is not used)."""
    number = code(value).replace("-", "")
    if len(number) != 18:
        raise CellError(_("统一社会信用代码应为18位，实为%(n)d位： %(value)s") % {"n": len(number), "value": number})
    bad = [c for c in number if c not in USCC_ALPHABET]
    if bad:
        raise CellError(_("统一社会信用代码含有非法字符“%(chars)s”（不使用 I、O、Z、S、V）") % {"chars": "".join(bad)})
    if number[0] not in USCC_AUTHORITIES:
        raise CellError(_("统一社会信用代码第1位登记管理部门代码“%(c)s”无效") % {"c": number[0]})
    if not number[2:8].isdigit():
        raise CellError(_("统一社会信用代码第3-8位应为行政区划代码数字： %(value)s") % {"value": number})
    expected = stdnum_uscc.calc_check_digit(number[:17])
    if number[17] != expected:
        raise CellError(_("统一社会信用代码校验位错误： %(value)s（校验位应为 %(expected)s）") % {
            "value": number, "expected": expected})
    return number


def make_uscc(body17: str) -> str:
    """Append the GB 32100 check character to the first 17 characters."""
    return body17 + stdnum_uscc.calc_check_digit(body17)


_INDUSTRY = re.compile(r"^([A-T])?(\d{2}(?:\d{1,2})?)?$")


def industry_code(value: object) -> str:
    """A GB/T 4754-2017 code: a section letter, optionally followed by 2–4 digits (``C``, ``C39``,
    ``C3911``); digits alone (``3911``) take their section from the division."""
    raw = code(value)
    match = _INDUSTRY.match(raw)
    if not raw or not match or not (match[1] or match[2]):
        raise CellError(_("“%(value)s”不是有效的国民经济行业代码（例： C3911）") % {"value": raw})
    return raw
