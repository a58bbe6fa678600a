"""Reported resumption (复工填报)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel


class ReportSource(models.TextChoices):
    UPLOAD = "upload", _("区县上传")
    SELF = "self", _("企业自报")
    API = "api", _("接口")
    ON_BEHALF = "on_behalf", _("代企业报送")  # a liaison officer, district operator or HQ on the report page


class ResumptionReport(ScopedModel):
    """An enterprise's report for a day: resumed or not, workers on duty, capacity use. The status carries
    forward until a later report changes it."""

    date = models.DateField(_("日期"))
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="resumption_reports")
    resumed = models.BooleanField(_("是否复工"))
    workers_on_duty = models.PositiveIntegerField(_("在岗人数"), default=0)
    capacity = models.DecimalField(_("产能利用率"), max_digits=5, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ReportSource.choices, default=ReportSource.UPLOAD)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("复工填报")
        verbose_name_plural = _("复工填报")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "date"], name="resumption_enterprise_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise_id} {'resumed' if self.resumed else 'not resumed'}"
