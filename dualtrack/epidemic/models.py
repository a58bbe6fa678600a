"""Case data and published levels (DOMAIN.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import Colour


class CaseReport(ScopedModel):
    """One county's daily case report (疫情日报): new confirmed (of which local), asymptomatic, suspected,
    cured and deaths reported on that date."""

    date = models.DateField(_("日期"))
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), on_delete=models.PROTECT,
                               related_name="case_reports")
    new_confirmed = models.PositiveIntegerField(_("新增确诊"), default=0)
    new_local = models.PositiveIntegerField(_("其中本地"), default=0)
    new_asymptomatic = models.PositiveIntegerField(_("新增无症状"), default=0)
    new_suspected = models.PositiveIntegerField(_("新增疑似"), default=0)
    new_cured = models.PositiveIntegerField(_("新增治愈"), default=0)
    new_deaths = models.PositiveIntegerField(_("新增死亡"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("病例日报")
        verbose_name_plural = _("病例日报")
        ordering = ["-date", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["date", "county"], name="casereport_date_county"),
            models.CheckConstraint(condition=Q(new_local__lte=models.F("new_confirmed")),
                                   name="casereport_local_le_confirmed"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.county_id}"


class ClusterEvent(ScopedModel):
    """A cluster outbreak (聚集性疫情) dated when it was reported."""

    date = models.DateField(_("日期"))
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), on_delete=models.PROTECT,
                               related_name="cluster_events")
    cases = models.PositiveIntegerField(_("病例数"))
    description = models.CharField(_("描述"), max_length=300)
    # the enterprise where the cluster arose (统一社会信用代码, optional, DOMAIN.md §16): a filed enterprise's filing is
    # suspended from the cluster's day (``filings``)
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("发生企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("聚集性疫情")
        verbose_name_plural = _("聚集性疫情")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["date", "county", "description"],
                                               name="cluster_date_county_description")]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"


class PublishedLevel(ScopedModel):
    """The official level of a county for a date (发布等级), published by HQ; may differ from the suggestion
    with a written reason."""

    date = models.DateField(_("日期"))
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), on_delete=models.PROTECT,
                               related_name="published_levels")
    colour = models.CharField(_("五色等级"), max_length=10, choices=Colour.choices)
    suggested_colour = models.CharField(_("系统建议"), max_length=10, choices=Colour.choices)
    reason = models.TextField(_("理由"), blank=True)
    rules_version = models.CharField(_("规则版本"), max_length=100)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now=True)

    class Meta:
        verbose_name = _("发布等级")
        verbose_name_plural = _("发布等级")
        ordering = ["-date", "county__code"]
        constraints = [models.UniqueConstraint(fields=["date", "county"], name="published_date_county")]

    def __str__(self) -> str:
        return f"{self.date} {self.county_id} {self.colour}"
