"""Key projects (重点项目), their monthly plans, progress reports and month-end lights."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import Consequence, Level, Light, Nature, Stage


class Project(ScopedModel):
    """A key project (重点项目) followed at the weekly dispatch (一周一调度)."""

    code = models.CharField(_("项目代码"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    level = models.CharField(_("项目级别"), max_length=20, choices=Level.choices, db_index=True)
    nature = models.CharField(_("建设性质"), max_length=12, choices=Nature.choices)
    stage = models.CharField(_("项目阶段"), max_length=12, choices=Stage.choices, default=Stage.CONSTRUCTION)
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), on_delete=models.PROTECT,
                               related_name="projects")
    park = models.ForeignKey("registry.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="projects", help_text=_("位于功能园区的项目：园区用户可见"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    responsible_department = models.ForeignKey("registry.Department", verbose_name=_("责任部门"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="projects")
    contact_leader = models.CharField(_("联系领导"), max_length=50, blank=True)
    owner = models.ForeignKey("registry.Enterprise", verbose_name=_("项目业主"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="projects")
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    annual_plan = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2, default=0)
    planned_start = models.DateField(_("计划开工日期"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工日期"), null=True, blank=True)
    planned_main_works = models.DateField(_("计划主体施工"), null=True, blank=True)
    actual_main_works = models.DateField(_("实际主体施工"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工日期"), null=True, blank=True)
    actual_completion = models.DateField(_("实际竣工日期"), null=True, blank=True)
    planned_operation = models.DateField(_("计划投产日期"), null=True, blank=True)
    actual_operation = models.DateField(_("实际投产日期"), null=True, blank=True)
    poverty = models.BooleanField(_("扶贫项目"), default=False, db_index=True,
                                  help_text=_("脱贫攻坚作战图按区县统计扶贫项目的开工和亮灯"))
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    liaison_officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("驻企服务员"), blank=True,
                                              related_name="assigned_projects")

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectPlan(ScopedModel):
    """The planned cumulative completed investment at the end of a month (月度计划累计投资, 万元)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans")
    month = models.DateField(_("月份"), help_text=_("当月 1 日"))
    planned_cumulative = models.DecimalField(_("计划累计完成投资（万元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("项目月度计划")
        verbose_name_plural = _("项目月度计划")
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="project_plan_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m} {self.planned_cumulative}"


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")
    IMPORT = "import", _("导入")


class ProjectProgress(ScopedModel):
    """A progress report (项目进度): resumed or not, workers on site, cumulative completed investment,
    physical progress (形象进度)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("日期"))
    resumed = models.BooleanField(_("是否复工"))
    workers_on_site = models.PositiveIntegerField(_("在岗人数"), default=0)
    completed_cumulative = models.DecimalField(_("累计完成投资（万元）"), max_digits=14, decimal_places=2)
    physical_progress = models.CharField(_("形象进度"), max_length=300, blank=True)
    kind = models.CharField(_("报送类型"), max_length=10, choices=ReportKind.choices, default=ReportKind.IMPORT)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("项目进度")
        verbose_name_plural = _("项目进度")
        ordering = ["project", "-date"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="project_progress_date")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.date}"


class MonthlyLight(ScopedModel):
    """A project's light at the end of a month (月末亮灯), kept with its reasons and the rule-set version, and
    the consequence it set in motion (a task in the problems module)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="monthly_lights")
    month = models.DateField(_("月份"))
    light = models.CharField(_("亮灯"), max_length=10, choices=Light.choices, null=True, blank=True)
    progress_ratio = models.FloatField(_("投资完成率"), null=True, blank=True)
    reasons = models.JSONField(_("原因"), default=list)
    consequence = models.CharField(_("处置"), max_length=20, choices=Consequence.choices, blank=True)
    task_ref = models.CharField(_("督办问题编号"), max_length=30, blank=True)
    rules_version = models.CharField(_("规则集版本"), max_length=50)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("月末亮灯")
        verbose_name_plural = _("月末亮灯")
        ordering = ["project", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="project_light_month")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m} {self.light}"

    @property
    def reason_text(self) -> str:
        """The reasons in the reader's language (codes with parameters; a legacy row's text as written)."""
        from .reasons import joined

        return joined(self.reasons)
