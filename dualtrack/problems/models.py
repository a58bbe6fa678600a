"""Problems, their categories and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import Complexity, EventKind, State


class Category(models.Model):
    """Problem category (问题类别), editable by HQ."""

    name = models.CharField(_("类别"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        # A default category reads in the user's language; one a city added reads as written.
        from django.utils.translation import gettext

        return gettext(self.name)


class Problem(ScopedModel):
    """A problem an enterprise or project raised (企业诉求), followed until it is closed (销号)."""

    ref = models.CharField(_("编号"), max_length=30, unique=True)
    description = models.TextField(_("描述"))
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT)
    complexity = models.CharField(_("复杂程度"), max_length=10, choices=Complexity.choices, blank=True)
    department = models.ForeignKey("registry.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="problems")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="problems")
    project_code = models.CharField(_("项目代码"), max_length=30, blank=True)
    county = models.ForeignKey("registry.Region", verbose_name=_("整改区县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("问题在某地整改（如脱贫攻坚问题整改）：该区县用户可见、可办理"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REPORTED, db_index=True)
    reported_at = models.DateTimeField(_("提出时间"))
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("调度层级"), default=0)
    next_action_at = models.DateTimeField(_("下次调度时间"), null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    answer = models.TextField(_("办理答复"), blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("重复问题"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")
    source_key = models.CharField(_("来源"), max_length=80, blank=True, db_index=True,
                                  help_text=_("由其他模块生成的督办任务的唯一键（如重点项目亮灯）"))
    text_code = models.CharField(_("文本代码"), max_length=40, blank=True,
                                 help_text=_("系统生成的督办任务：文本以代码和参数保存，按读者的语言显示"))
    text_params = models.JSONField(_("文本参数"), default=dict, blank=True)
    recurring = models.BooleanField(_("反复出现"), default=False, db_index=True,
                                    help_text=_("同一企业或项目 30 天内同类问题出现 3 次，需查找根源"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-reported_at"]
        constraints = [models.UniqueConstraint(fields=["source_key"], condition=~Q(source_key=""),
                                               name="problem_source_key")]

    def __str__(self) -> str:
        return f"{self.ref} {self.description[:30]}"

    @property
    def text(self) -> str:
        """The description in the reader's language: a system task's text written from its code and parameters
        (``tasktexts``), anything else as it was written."""
        from .tasktexts import render

        return render(self)

    @property
    def automatic(self) -> bool:
        """A task another module set in motion (系统自动生成), not a problem someone raised."""
        return bool(self.source_key)


class ProblemEvent(models.Model):
    """One step of a problem's history: who moved it, when, from what to what, and why."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    from_state = models.CharField(_("原状态"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=State.choices, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("调度层级"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=EventKind.choices, default=EventKind.MOVE)

    class Meta:
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.from_state}→{self.to_state}"

    @property
    def by_system(self) -> bool:
        """Written by the platform (the worker, an import, the demo: ``system``, ``system:demo``), not a person."""
        return self.actor_id is None and (self.actor_name == "system" or self.actor_name.startswith("system:"))


class Attachment(models.Model):
    """A photo or PDF attached to a problem (附件). The file lives outside the web root and is served only
    through the problem's page, to users who may see the problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
