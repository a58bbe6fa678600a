"""Statuses, reasons, presets and the names of 亩均论英雄 (the assessment of enterprises and parks, DOMAIN.md §18)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    """评价的状态: 草稿 → 公示 → 已定稿. A final assessment never changes; a correction is a new version."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    FINAL = "final", _("已定稿")


class NotRatedReason(models.TextChoices):
    """不参评（T类）的原因, the first that holds."""

    UTILITY = "utility", _("水电气等公用事业")
    NEW = "new", _("新投产企业")
    NO_LAND = "no_land", _("无用地数据")
    NO_DATA = "no_data", _("无年度数据")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


GRADES = ("A", "B", "C", "D", "T")
RULES_KEY = "mu-efficiency"
PARK_RULES_KEY = "park-assessment"
#: the D list becomes one §6 task per county (source key + year + county code)
D_TASK_KEY = "mu-d-list:"
D_TASK_TEXT = "assessment.d_list"

#: the indicators of the presets, as rule sets name them: code, name, numerator, denominator, weight, inverse
HUAIAN: list[dict[str, Any]] = [
    {"code": "tax_per_mu", "name": "亩均税收", "numerator": "tax", "denominator": "land_mu", "weight": 45},
    {"code": "sales_per_mu", "name": "亩均销售收入", "numerator": "sales", "denominator": "land_mu", "weight": 35},
    {"code": "tax_per_kwh", "name": "单位电耗税收", "numerator": "tax", "denominator": "power", "weight": 20},
]
# Our reading of 台州黄岩's published six indicators (weights as we read them; HQ may revise them as a new version).
HUANGYAN: list[dict[str, Any]] = [
    {"code": "tax_per_mu", "name": "亩均税收", "numerator": "tax", "denominator": "land_mu", "weight": 35},
    {"code": "added_value_per_mu", "name": "亩均工业增加值", "numerator": "added_value", "denominator": "land_mu",
     "weight": 20},
    {"code": "labour_productivity", "name": "全员劳动生产率", "numerator": "added_value", "denominator": "employees",
     "weight": 10},
    {"code": "added_value_per_energy", "name": "单位能耗工业增加值", "numerator": "added_value",
     "denominator": "energy", "weight": 15},
    {"code": "added_value_per_emission", "name": "单位排放工业增加值", "numerator": "added_value",
     "denominator": "emissions", "weight": 10},
    {"code": "rd_intensity", "name": "研发经费支出占主营业务收入比重", "numerator": "rd", "denominator": "sales",
     "weight": 10},
]
# Our reading of 山东 鲁政字〔2019〕235号's five indicators.
SHANDONG: list[dict[str, Any]] = [
    {"code": "tax_per_mu", "name": "亩均税收", "numerator": "tax", "denominator": "land_mu", "weight": 35},
    {"code": "sales_per_mu", "name": "亩均营业收入", "numerator": "sales", "denominator": "land_mu", "weight": 20},
    {"code": "sales_per_energy", "name": "单位能耗营业收入", "numerator": "sales", "denominator": "energy",
     "weight": 20},
    {"code": "sales_per_emission", "name": "单位排放营业收入", "numerator": "sales", "denominator": "emissions",
     "weight": 10},
    {"code": "rd_intensity", "name": "研发经费投入强度", "numerator": "rd", "denominator": "sales", "weight": 15},
]
PRESETS = {"淮安": HUAIAN, "黄岩": HUANGYAN, "山东": SHANDONG}
#: the figures an indicator may divide (see ``judge.YearFigures``)
FIGURE_NAMES = ("tax", "sales", "power", "land_mu", "added_value", "employees", "rd", "energy", "emissions")
