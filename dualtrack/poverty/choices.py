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


class FindingSource(models.TextChoices):
    """Where a finding (问题整改) came from."""

    INSPECTION = "inspection", _("督战")
    REVIEW = "review", _("巡视回头看")
    ASSESSMENT = "assessment", _("成效考核")


class HelperPost(models.TextChoices):
    FIRST_SECRETARY = "secretary", _("第一书记")
    TEAM_MEMBER = "member", _("工作队员")
    HELPER = "helper", _("帮扶责任人")


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
SOURCE_ALIASES = {str(c.label): c.value for c in FindingSource} | {c.value: c.value for c in FindingSource}
POST_ALIASES = {str(c.label): c.value for c in HelperPost} | {c.value: c.value for c in HelperPost}
INSPECTION_MIN_FULL_TIME = 3  # a 督战队 with fewer full-time members is flagged (DOMAIN.md §13)
FINDING_WORKING_DAYS = 5  # the default deadline of a finding, in working days
CENSUS_DAY = "2020-07-01"  # the national poverty census starts (国家脱贫攻坚普查)
CENSUS_CHECKLIST_DUE = "2020-06-30"  # "必须在6月底前做好万全准备"
FINDING_KEY = "poverty:finding:"  # the source key of a finding's task in the closed loop
