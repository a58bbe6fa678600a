"""Registry models (DOMAIN.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import IndustryLevel, RegionLevel, SizeClass


class ReferenceData(ScopedModel):
    """Reference data: every signed-in role but the public may view it; only HQ changes or imports it
    (``registry/policy.py``)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.name)  # type: ignore[attr-defined]


class Region(ReferenceData):
    """行政区划: city → county → township → village, coded after GB/T 2260 and the statistical codes."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    urban = models.BooleanField(_("城区"), default=False)
    geometry = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["sort_order", "code"]



class Park(ReferenceData):
    """功能园区 (高新区, 经开区 …), a second dimension beside the county."""

    code = models.CharField(_("园区代码"), max_length=20, unique=True)
    name = models.CharField(_("园区名称"), max_length=100)
    county = models.ForeignKey(Region, verbose_name=_("所在区县（市）"), on_delete=models.PROTECT, related_name="parks",
                               limit_choices_to={"level": RegionLevel.COUNTY})

    class Meta:
        verbose_name = _("功能园区")
        verbose_name_plural = _("功能园区")
        ordering = ["code"]



class Industry(ReferenceData):
    """国民经济行业分类 GB/T 4754-2017: the 20 sections (门类) and 97 divisions (大类)."""

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("行业名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=IndustryLevel.choices)
    section = models.CharField(_("门类"), max_length=1, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["section", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(ReferenceData):
    """职能部门 (发改, 经信, 人社, 商务, 交通, 卫健, 财政, 税务, 电力 …)."""

    code = models.CharField(_("部门代码"), max_length=20, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["code"]



class KeyList(ReferenceData):
    """A named key-enterprise list (重点企业名单, e.g. "百家重点工业企业")."""

    code = models.CharField(_("名单代码"), max_length=30, unique=True)
    name = models.CharField(_("名单名称"), max_length=100)

    class Meta:
        verbose_name = _("重点企业名单")
        verbose_name_plural = _("重点企业名单")
        ordering = ["code"]



class Enterprise(ScopedModel):
    """企业, identified by its unified social credit code (统一社会信用代码, GB 32100)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    county = models.ForeignKey(Region, verbose_name=_("区县（市）"), on_delete=models.PROTECT,
                               related_name="enterprises", limit_choices_to={"level": RegionLevel.COUNTY})
    township = models.ForeignKey(Region, verbose_name=_("乡镇（街道）"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="township_enterprises",
                                 limit_choices_to={"level": RegionLevel.TOWNSHIP})
    park = models.ForeignKey(Park, verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="enterprises")
    industry_code = models.CharField(_("行业代码"), max_length=5)
    industry_section = models.CharField(_("行业门类"), max_length=1)
    industry_division = models.ForeignKey(Industry, verbose_name=_("行业大类"), on_delete=models.PROTECT,
                                          related_name="enterprises")
    size_class = models.CharField(_("规模类型"), max_length=10, choices=SizeClass.choices)
    normal_headcount = models.PositiveIntegerField(_("正常用工人数"), default=0)
    is_key = models.BooleanField(_("重点企业"), default=False)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    key_lists = models.ManyToManyField(KeyList, verbose_name=_("重点企业名单"), blank=True, related_name="enterprises")
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="ent_name_id"),  # the list's order, deep pages too
            models.Index(fields=["county", "name"], name="ent_county_name"),
            models.Index(fields=["park", "name"], name="ent_park_name"),
            models.Index(fields=["industry_section", "name"], name="ent_section_name"),
            models.Index(fields=["size_class", "name"], name="ent_size_name"),
            models.Index(fields=["is_key", "name"], name="ent_key_name"),
        ]

    def __str__(self) -> str:
        return self.name



class ElectricityAccount(ScopedModel):
    """电力户号: one enterprise has one or more; power readings are keyed by account."""

    account_no = models.CharField(_("电力户号"), max_length=30, unique=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="power_accounts")

    class Meta:
        verbose_name = _("电力户号")
        verbose_name_plural = _("电力户号")
        ordering = ["account_no"]

    def __str__(self) -> str:
        return self.account_no
