"""The audit log (审计日志): append-only, readable by HQ, never editable through the application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import policy
from .actors import Viewer
from .choices import Action, AuditAction, NoticeKind
from .policy import ALL
from .scoping import ScopedModel


class RuleSet(models.Model):
    """One version of a rule set (规则集版本). Never changed once written: a change is a new version."""

    key = models.CharField(_("规则集"), max_length=50)
    version = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("规则定义"))
    comment = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by_username = models.CharField(_("创建人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("规则集版本")
        verbose_name_plural = _("规则集版本")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="ruleset_key_version")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.key}:v{self.version}"


class CalendarDay(models.Model):
    """An HQ-kept exception to the working-day calendar (节假日与调休): overrides chinese-calendar and
    extends it to years the library does not know yet."""

    date = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如：春节、国庆节调休上班"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working else '休息'} {self.name}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    def restrict(self, user: Viewer, action: str = Action.VIEW) -> AppendOnlyQuerySet:
        return self if policy.scope(user, AuditLog, action) is ALL else self.none()


class AuditLog(models.Model):
    """One change, login, failed login, import or export: who, when, before and after."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)  # the real time
    # The one clock's moment when an operator set it (DUALTRACK_CLOCK: a demo, a training, a replay); empty when the
    # clock is the real time. The domain's records carry the clock; the log keeps both.
    clock_at = models.DateTimeField(_("业务时钟时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=100, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    detail = models.JSONField(_("说明"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class Notification(models.Model):
    """An in-application notice for one user (站内通知): a new bulletin, a problem escalated to them, or the day's
    digest of automatic tasks (``kind`` digest: one row per user and ``day``, its items in ``params``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read = models.BooleanField(_("已读"), default=False)
    kind = models.CharField(_("类别"), max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    day = models.DateField(_("汇总日期"), null=True, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read"], name="notification_user_unread")]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "day"], condition=models.Q(day__isnull=False),
                                               name="notification_digest_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        """The notice in the reader's language: a digest is written from its items; any other as it was stored."""
        if self.kind == NoticeKind.DIGEST:
            from .digests import digest_text

            return digest_text(self)
        return self.title


class Sequence(models.Model):
    """A named counter (编号序列) for human-readable references such as WT2020-00001: incremented with one
    UPDATE inside the caller's transaction, so concurrent writers never draw the same number."""

    key = models.CharField(max_length=50, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class DataVersion(models.Model):
    """The version of one source of data (数据版本): bumped by every write path of that source, so what is
    derived from it (cached frames, stored pictures) is recomputed when, and only when, it changed."""

    source = models.CharField(max_length=50, unique=True)
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.source}@{self.version}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导出中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(ScopedModel):
    """A long export (导出任务): run in the background with its progress shown, the file kept for its user to
    download when ready. Claimed only if still in the state it was read in; the worker picks up what a
    stopped process left."""

    token = models.UUIDField(unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=50)
    params = models.JSONField(_("筛选条件"), default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING,
                              db_index=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已导出行数"), default=0)
    filename = models.CharField(_("文件名"), max_length=200)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"

    def percent(self, done: int) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, int(done * 100 / self.total)) if self.total else 0


class JudgementState(models.TextChoices):
    PENDING = "pending", _("计算中")
    READY = "ready", _("已计算")
    FAILED = "failed", _("计算失败")


class Judgement(models.Model):
    """A capability's stored result (研判结果) for one period under one rule-set version: computed once (by the worker,
    or a background thread when a page first asks) from the facts of the data versions it names, and read by
    pages, cards, the API, the console and the bulletin. Stored columnar (``core.columnar``). Stale when a source
    it was computed from has changed since (``data_version`` differs); a stale result is shown with a note while it
    is recomputed. ``queued_at`` is the worker's "next action at": set while a computation is wanted."""

    measure = models.CharField(_("能力"), max_length=40)
    period = models.CharField(_("期间"), max_length=20)
    rules_version = models.CharField(_("规则版本"), max_length=200)
    data_version = models.CharField(_("数据版本"), max_length=200, blank=True)
    format = models.PositiveIntegerField(default=0)
    state = models.CharField(_("状态"), max_length=10, choices=JudgementState.choices, default=JudgementState.PENDING)
    payload = models.BinaryField(_("内容"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(_("开始计算"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("研判结果")
        verbose_name_plural = _("研判结果")
        ordering = ["measure", "-period"]
        constraints = [models.UniqueConstraint(fields=["measure", "period", "rules_version"],
                                               name="judgement_measure_period_rules")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.rules_version} {self.state}"
