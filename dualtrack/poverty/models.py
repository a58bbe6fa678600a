"""Registered poor households (建档立卡户), their yearly checks (年度核查) and labourers, and the flags on counties and
villages (挂牌督战, 深度贫困) (DOMAIN.md §13). The head's ID number is kept only as a keyed hash and its last four."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import HouseholdKind, HousingGrade, LabourerStatus


class Household(ScopedModel):
    code = models.CharField(_("户编号"), max_length=30, unique=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, db_index=True)
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
