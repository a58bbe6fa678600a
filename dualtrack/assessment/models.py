"""亩均论英雄 (DOMAIN.md §18): the land each enterprise uses in a year, its annual figures, the parks' province ranks,
and a year's assessment from draft to 公示 to final, with its frozen rows and the objections to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import AssessmentStatus, ObjectionState


class LandUse(ScopedModel):
    """用地: an enterprise's land (亩) in a year and the day it started operating."""

    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    land_mu = models.DecimalField(_("用地面积（亩）"), max_digits=10, decimal_places=2)
    operating_since = models.DateField(_("投产日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业用地")
        verbose_name_plural = _("企业用地")
        ordering = ["-year", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="land_use_once")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class EnterpriseAnnual(ScopedModel):
    """企业年度数据 for the assessment: tax and sales (万元), power (万千瓦时; blank: summed from the platform's readings),
    and the figures the other presets use (增加值, 从业人员, 研发经费, 能耗, 排放), blank when not given."""

    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    tax = models.DecimalField(_("评价税收（万元）"), max_digits=14, decimal_places=2)
    sales = models.DecimalField(_("销售收入（万元）"), max_digits=14, decimal_places=2)
    kwh = models.DecimalField(_("用电量（万千瓦时）"), max_digits=14, decimal_places=2, null=True, blank=True)
    added_value = models.DecimalField(_("工业增加值（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    employees = models.PositiveIntegerField(_("从业人员"), null=True, blank=True)
    rd = models.DecimalField(_("研发经费（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    energy = models.DecimalField(_("综合能耗（吨标准煤）"), max_digits=14, decimal_places=2, null=True, blank=True)
    emissions = models.DecimalField(_("主要污染物排放（吨）"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["-year", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_annual_once")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class ParkRank(ScopedModel):
    """全省园区排名: a park's rank in the province's assessment of a year, of how many."""

    park = models.ForeignKey("registry.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    rank = models.PositiveIntegerField(_("全省排名"))
    of = models.PositiveIntegerField(_("参评园区数"))

    class Meta:
        verbose_name = _("园区全省排名")
        verbose_name_plural = _("园区全省排名")
        ordering = ["-year", "rank"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="park_rank_once")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year} {self.rank}/{self.of}"


class Assessment(ScopedModel):
    """一个年度的亩均效益评价 (a version of it): computed as a draft, published for 公示 (its rows frozen), final after
    the notice (never changed again). A correction of a published or final one is a new version with its reason."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    rules_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    reason = models.CharField(_("更正理由"), max_length=300, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True, db_index=True)
    finalised_on = models.DateField(_("定稿日期"), null=True, blank=True)
    # the counties' bases the frozen rows were scored against ([county, indicator, base], …), kept with them
    bases = models.JSONField(_("基准值"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("亩均效益评价")
        verbose_name_plural = _("亩均效益评价")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="assessment_year_version")]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"


class AssessmentRow(ScopedModel):
    """A published assessment's row of an enterprise, frozen when it is published (公示) and kept as published."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("评价"), on_delete=models.CASCADE, related_name="rows")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    county = models.CharField(_("区县（市）"), max_length=12)
    park = models.CharField(_("园区"), max_length=20, blank=True)
    rated = models.BooleanField(_("参评"))
    not_rated_reason = models.CharField(_("不参评原因"), max_length=10, blank=True)
    values = models.JSONField(_("指标值"), default=dict)
    score = models.FloatField(_("得分"), null=True, blank=True)
    grade = models.CharField(_("类别"), max_length=1)
    rank_in_county = models.PositiveIntegerField(_("区县内排名"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["assessment", "county", "rank_in_county"]
        constraints = [models.UniqueConstraint(fields=["assessment", "enterprise"], name="assessment_row_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.enterprise_id} {self.grade}"


class Objection(ScopedModel):
    """公示期异议: an enterprise's objection to its row, with its reason, and the answer."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("评价"), on_delete=models.CASCADE,
                                   related_name="objections")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.CharField(_("异议理由"), max_length=500)
    filed_on = models.DateField(_("提出日期"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    answer = models.CharField(_("答复"), max_length=500, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("评价异议")
        verbose_name_plural = _("评价异议")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.enterprise_id}"
