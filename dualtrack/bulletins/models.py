"""Stored bulletins (snapshots), their sign-off, scheduled runs and deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    RELEASED = "released", _("已签发")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    DINGTALK = "dingtalk", _("钉钉机器人")
    WECOM = "wecom", _("企业微信机器人")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("待执行")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class StoredBulletin(ScopedModel):
    """The bulletin of one date as generated at the cut-off: its numbers, text, files and rule versions.
    Once signed off it is released and never recomputed: regenerating renders the stored content."""

    date = models.DateField(_("日期"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    content = models.JSONField(_("内容"))
    rules_version = models.CharField(_("规则版本"), max_length=200)
    generated_at = models.DateTimeField(_("生成时间"))  # the real time: what is stale is judged on it
    # The one clock's moment when an operator set it (DUALTRACK_CLOCK), shown to readers; empty on the real time.
    generated_clock_at = models.DateTimeField(_("生成时间（业务时钟）"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    # 第X期: numbered within its year at sign-off, in the order bulletins are released.
    issue_number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    docx = models.BinaryField(_("Word"), editable=False)
    xlsx = models.BinaryField(_("Excel"), editable=False)
    pdf = models.BinaryField(_("PDF"), editable=False, null=True)
    digests = models.JSONField(_("文件摘要"), default=dict)

    class Meta:
        verbose_name = _("每日通报")
        verbose_name_plural = _("每日通报")
        ordering = ["-date"]

    def __str__(self) -> str:
        return str(self.content.get("title", self.date))


class Subscription(ScopedModel):
    """Who is told when a bulletin is released, and how."""

    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    target = models.CharField(_("地址"), max_length=500, blank=True, help_text=_("邮箱或机器人 Webhook 地址"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通报订阅")
        verbose_name_plural = _("通报订阅")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target or self.user}"


class Job(models.Model):
    """Durable scheduled work (generate a bulletin, deliver one notice): retried until done, failures kept
    for HQ to see. Picked by ``next_attempt_at``, claimed only if still in the state it was read in."""

    kind = models.CharField(_("类型"), max_length=30)
    key = models.CharField(_("键"), max_length=100)
    payload = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次执行"), db_index=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["next_attempt_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="job_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.status}"
