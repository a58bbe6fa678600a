"""Indicator kinds, scope kinds, lights and report states of the economy track (DOMAIN.md §11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    """总量 (a cumulative total against an annual target amount) or 增速 (a cumulative growth rate only)."""

    AMOUNT = "amount", _("总量")
    GROWTH = "growth", _("增速")


class ScopeKind(models.TextChoices):
    """What a target or an actual is for: the city, a county or a park (范围)."""

    CITY = "city", _("全市")
    COUNTY = "county", _("区县（市）")
    PARK = "park", _("园区")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    RELEASED = "released", _("已签发")


INDICATOR_KIND_ALIASES = {"总量": IndicatorKind.AMOUNT, "amount": IndicatorKind.AMOUNT,
                          "增速": IndicatorKind.GROWTH, "growth": IndicatorKind.GROWTH}
GROWTH_PERCENT_LIMIT = 1000  # a growth above ±1000% in a file is a typing error, not a figure
