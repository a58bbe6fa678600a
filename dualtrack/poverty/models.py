"""Registered poor households (建档立卡户), their yearly checks (年度核查) and labourers, and the flags on counties and
villages (挂牌督战, 深度贫困) (DOMAIN.md §13). The head's ID number is kept only as a keyed hash and its last four."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import FindingSource, HelperPost, HouseholdKind, HousingGrade, LabourerStatus


class Household(ScopedModel):
    code = models.CharField(_("户编号"), max_length=30, unique=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, db_index=True)
    id_key = models.CharField(_("摘要密钥"), max_length=100, blank=True)  # the key ids that made id_hash (core.privacy)
    id_last4 = models.CharField(_("身份证号后四位"), max_length=4)
    village = models.ForeignKey("registry.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    members = models.PositiveSmallIntegerField(_("人口数"))
    kind = models.CharField(_("户类型"), max_length=10, choices=HouseholdKind.choices)
    year_identified = models.PositiveSmallIntegerField(_("识别年度"))
    cause = models.CharField(_("致贫原因"), max_length=50, blank=True)
    helper = models.CharField(_("帮扶责任人"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("建档立卡户")
        verbose_name_plural = _("建档立卡户")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class HouseholdCheck(ScopedModel):
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="checks")
    year = models.PositiveSmallIntegerField(_("年度"))
    income = models.DecimalField(_("人均纯收入"), max_digits=12, decimal_places=2)
    last_income = models.DecimalField(_("上年人均纯收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    rigid_spending = models.DecimalField(_("刚性支出"), max_digits=12, decimal_places=2, null=True, blank=True)
    food = models.BooleanField(_("不愁吃"))
    clothing = models.BooleanField(_("不愁穿"))
    education = models.BooleanField(_("义务教育"))
    medical = models.BooleanField(_("基本医疗"))
    housing = models.BooleanField(_("住房安全"))
    water = models.BooleanField(_("饮水安全"))
    housing_grade = models.CharField(_("住房等级"), max_length=1, choices=HousingGrade.choices)
    checked_on = models.DateField(_("核查日期"))

    class Meta:
        verbose_name = _("年度核查")
        verbose_name_plural = _("年度核查")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="household_check_key")]


class Labourer(ScopedModel):
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="labourers")
    name = models.CharField(_("姓名"), max_length=50)
    status = models.CharField(_("务工状态"), max_length=10, choices=LabourerStatus.choices)
    workplace = models.CharField(_("务工地"), max_length=100, blank=True)
    away_last_year = models.BooleanField(_("上年外出"), default=False)
    # Optional: with it, a worker of the point-to-point return (§12) flagged as a poor labourer who arrives counts
    # as 已外出 (matched by the keyed hash, never by name).
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, blank=True, db_index=True)
    id_key = models.CharField(_("摘要密钥"), max_length=100, blank=True)  # the key ids that made id_hash (core.privacy)
    id_last4 = models.CharField(_("身份证号后四位"), max_length=4, blank=True)
    # The match, kept when it is made (either side written with the ID number): the worker's personal data is erased
    # after the campaign, the figures that counted the match stay the same.
    worker = models.ForeignKey("workreturn.Worker", verbose_name=_("返岗务工人员"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("贫困劳动力")
        verbose_name_plural = _("贫困劳动力")
        constraints = [models.UniqueConstraint(fields=["household", "name"], name="labourer_key")]


class RegionFlag(ScopedModel):
    """挂牌督战 (under supervised combat) and 深度贫困 on a county or village."""

    region = models.OneToOneField("registry.Region", verbose_name=_("区划"), on_delete=models.CASCADE,
                                  related_name="+")
    supervised = models.BooleanField(_("挂牌督战"), default=False)
    deep = models.BooleanField(_("深度贫困"), default=False)

    class Meta:
        verbose_name = _("扶贫标识")
        verbose_name_plural = _("扶贫标识")


class Finding(ScopedModel):
    """问题整改: a problem found by 督战, 巡视回头看 or 成效考核 in a village or one of its households. It is put right by
    the county and followed as a task of the closed loop (§6, ``task_ref``): working-day deadline, escalation,
    销号 by the poverty office."""

    code = models.CharField(_("问题编号"), max_length=30, unique=True)
    source = models.CharField(_("问题来源"), max_length=12, choices=FindingSource.choices)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="findings")
    village = models.ForeignKey("registry.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    working_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    task_ref = models.CharField(_("督办编号"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("问题整改")
        verbose_name_plural = _("问题整改")
        ordering = ["-found_on", "code"]

    def __str__(self) -> str:
        return self.code


class Helper(ScopedModel):
    """帮扶力量: a member of a village's help team (驻村工作队: 第一书记, 队员) or a household helper (帮扶责任人), and
    whether they are on site (到岗)."""

    village = models.ForeignKey("registry.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=20, choices=HelperPost.choices)
    team = models.CharField(_("工作队"), max_length=100, blank=True)
    unit = models.CharField(_("派出单位"), max_length=100, blank=True)
    arrived_on = models.DateField(_("到岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("帮扶力量")
        verbose_name_plural = _("帮扶力量")
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="helper_key")]


class InspectionTeam(ScopedModel):
    """督战队: organised per township (乡镇); a team needs at least 3 full-time members (专职)."""

    code = models.CharField(_("督战队编号"), max_length=30, unique=True)
    name = models.CharField(_("督战队"), max_length=100)
    township = models.ForeignKey("registry.Region", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    leader = models.CharField(_("队长"), max_length=50)
    members = models.PositiveSmallIntegerField(_("队员人数"))
    full_time_members = models.PositiveSmallIntegerField(_("专职队员人数"))

    class Meta:
        verbose_name = _("督战队")
        verbose_name_plural = _("督战队")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CensusItem(ScopedModel):
    """普查准备: one item of the readiness checklist for the national poverty census (from 1 July 2020), due
    30 June."""

    order = models.PositiveSmallIntegerField(_("序号"), unique=True)
    title = models.CharField(_("准备事项"), max_length=200)
    responsible = models.CharField(_("责任单位"), max_length=100)
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("普查准备事项")
        verbose_name_plural = _("普查准备事项")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class WeeklyBoard(ScopedModel):
    """一周一调度: the week's board, frozen like a released bulletin: its figures, the rule version that judged
    them and its Excel file are stored and never recomputed; later imports do not touch it."""

    week = models.DateField(_("调度周"), unique=True, help_text=_("该周星期一"))
    as_of = models.DateField(_("数据截至"))
    year = models.PositiveSmallIntegerField(_("核查年度"))
    frozen_at = models.DateTimeField(_("冻结时间"))
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("冻结人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(_("规则版本"), max_length=50)
    figures = models.JSONField(_("数据"))
    xlsx = models.BinaryField(_("Excel"), editable=False)
    sha256 = models.CharField(_("文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("一周一调度")
        verbose_name_plural = _("一周一调度")
        ordering = ["-week"]

    def __str__(self) -> str:
        return str(self.week)
