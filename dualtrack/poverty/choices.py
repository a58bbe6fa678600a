"""Household kinds, guarantees, housing grades, labourer states and the reasons' order (DOMAIN.md §13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdKind(models.TextChoices):
    POOR = "poor", _("贫困户")
    LIFTED = "lifted", _("脱贫户")
    MARGINAL = "marginal", _("边缘户")


class HousingGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class LabourerStatus(models.TextChoices):
    AT_HOME = "at_home", _("在家待岗")
    AWAY = "away", _("已外出")
    NEARBY = "nearby", _("就近就业")


# The six guarantees (两不愁三保障 and 饮水安全), in the order reasons are kept after ``income``.
GUARANTEES = ["food", "clothing", "education", "medical", "housing", "water"]
GUARANTEE_NAMES = {"food": _("不愁吃"), "clothing": _("不愁穿"), "education": _("义务教育"), "medical": _("基本医疗"),
                   "housing": _("住房安全"), "water": _("饮水安全")}
EXIT_REASONS = ["income", *GUARANTEES]
MONITOR_NAMES = {"low_income": _("收入低于标准1.5倍"), "rigid_spending": _("刚性支出超过上年收入"),
                 "income_drop": _("收入下降30%以上")}
MONITOR_REASONS = ["low_income", "rigid_spending", "income_drop"]
KIND_ALIASES = {str(c.label): c.value for c in HouseholdKind} | {c.value: c.value for c in HouseholdKind}
STATUS_ALIASES = {str(c.label): c.value for c in LabourerStatus} | {c.value: c.value for c in LabourerStatus}
