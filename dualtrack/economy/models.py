"""Indicators, the year's targets, the monthly cumulative actuals and the monthly report (DOMAIN.md §11).

Growth is stored as a fraction (0.065 for 6.5%); files carry it in percent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import IndicatorKind, ReportStatus, ScopeKind


class Indicator(ScopedModel):
    """指标: an amount (a cumulative total, e.g. 固定资产投资) or a growth rate (e.g. 地区生产总值增速), and the
    department that reports it."""

    code = models.CharField(_("指标代码"), max_length=20, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=IndicatorKind.choices)
    department = models.ForeignKey("registry.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("经济指标")
        verbose_name_plural = _("经济指标")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ScopedFigure(ScopedModel):
    """A figure for the city, a county or a park (范围): its code, kind, and the county (of a county, or the
    county a park lies in) and park, by which the access policy scopes it."""

    scope_code = models.CharField(_("范围代码"), max_length=20)
    scope_kind = models.CharField(_("范围类型"), max_length=10, choices=ScopeKind.choices)
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey("registry.Park", verbose_name=_("园区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Target(ScopedFigure):
    """年度目标: the annual target amount T, the target growth g* and last year's annual total P_year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.DecimalField(_("年度目标"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_growth = models.DecimalField(_("目标增速"), max_digits=12, decimal_places=6)
    prior_year_total = models.DecimalField(_("上年全年"), max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [models.UniqueConstraint(fields=["year", "scope_code", "indicator"], name="economy_target_key")]
        indexes = [models.Index(fields=["year", "scope_kind"])]

    def __str__(self) -> str:
        return f"{self.year} {self.scope_code} {self.indicator_id}"


class Actual(ScopedFigure):
    """月度累计: the cumulative value A from January through the month, last year's cumulative value for the same
    months P and the cumulative growth g, as reported (any may be missing)."""

    month = models.DateField(_("月份"))  # the first day of the month
    cumulative = models.DecimalField(_("累计值"), max_digits=18, decimal_places=4, null=True, blank=True)
    prior_cumulative = models.DecimalField(_("上年同期累计"), max_digits=18, decimal_places=4, null=True, blank=True)
    growth = models.DecimalField(_("累计增速"), max_digits=12, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("月度累计")
        verbose_name_plural = _("月度累计")
        constraints = [models.UniqueConstraint(fields=["month", "scope_code", "indicator"], name="economy_actual_key")]
        indexes = [models.Index(fields=["month", "scope_kind"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope_code} {self.indicator_id}"


class MonthlyReport(ScopedModel):
    """The monthly report (经济运行月报) of a month as generated: its figures, text and files. Once signed off it
    is released and never recomputed."""

    month = models.DateField(_("月份"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    content = models.JSONField(_("内容"))
    rules_version = models.CharField(_("规则版本"), max_length=100)
    generated_at = models.DateTimeField(_("生成时间"))  # the real time: what is stale is judged on it
    # The one clock's moment when an operator set it (DUALTRACK_CLOCK), shown to readers; empty on the real time.
    generated_clock_at = models.DateTimeField(_("生成时间（业务时钟）"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    docx = models.BinaryField(_("Word"), editable=False)
    xlsx = models.BinaryField(_("Excel"), editable=False)

    class Meta:
        verbose_name = _("经济运行月报")
        verbose_name_plural = _("经济运行月报")
        ordering = ["-month"]

    def __str__(self) -> str:
        return str(self.content.get("title", self.month))
