"""Policies (惠企政策), their measures with structured eligibility and amount rules, applications through to
payment (兑现), outreach tasks for liaison officers, and public notices (公示)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import (
    AmountRule,
    ApplicationSource,
    ApplicationState,
    HeadcountBasis,
    OutreachState,
    SupportType,
)


class Policy(ScopedModel):
    """A policy document (政策文件): title, issuer, document number (文号), dates."""

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=100)
    doc_number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField(_("发布日期"))
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-issued_on", "doc_number"]

    def __str__(self) -> str:
        return f"{self.title}({self.doc_number})"


class Measure(ScopedModel):
    """One measure of a policy (政策条款): who qualifies (structured, evaluated over the registry), how much,
    who pays, when to apply, and whether it is granted without application (免申即享)."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="measures")
    code = models.CharField(_("条款编号"), max_length=30, unique=True)
    title = models.CharField(_("条款"), max_length=200)
    support_type = models.CharField(_("支持方式"), max_length=20, choices=SupportType.choices)
    department = models.ForeignKey("registry.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                   related_name="measures")
    window_start = models.DateField(_("申报开始"))
    window_end = models.DateField(_("申报截止"))
    no_application = models.BooleanField(_("免申即享"), default=False)
    amount_rule = models.CharField(_("金额规则"), max_length=10, choices=AmountRule.choices)
    amount_fixed = models.DecimalField(_("定额（万元）"), max_digits=12, decimal_places=4, null=True, blank=True)
    amount_per_head = models.DecimalField(_("每人（万元）"), max_digits=12, decimal_places=4, null=True, blank=True)
    headcount_basis = models.CharField(_("人数口径"), max_length=10, choices=HeadcountBasis.choices,
                                       default=HeadcountBasis.NORMAL)
    share_rate = models.DecimalField(_("比例"), max_digits=6, decimal_places=4, null=True, blank=True)
    base_label = models.CharField(_("基数名称"), max_length=50, blank=True, help_text=_("如：已付房租、贷款利息"))
    cap = models.DecimalField(_("封顶（万元）"), max_digits=12, decimal_places=4, null=True, blank=True)
    eligibility = models.JSONField(_("申报条件"), default=dict, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["policy", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Application(ScopedModel):
    """An enterprise's application under a measure (申报), reviewed, approved or rejected with a reason, and
    paid (兑现: amount, date, voucher number). 免申即享 entitlements are applications without an applicant."""

    measure = models.ForeignKey(Measure, verbose_name=_("政策条款"), on_delete=models.PROTECT,
                                related_name="applications")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="policy_applications")
    source = models.CharField(_("来源"), max_length=12, choices=ApplicationSource.choices)
    state = models.CharField(_("状态"), max_length=10, choices=ApplicationState.choices, db_index=True)
    submitted_at = models.DateTimeField(_("申报时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    declared_headcount = models.PositiveIntegerField(_("申报人数"), null=True, blank=True)
    declared_base = models.DecimalField(_("申报基数（万元）"), max_digits=14, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(_("测算金额（万元）"), max_digits=14, decimal_places=4)
    approved_amount = models.DecimalField(_("核定金额（万元）"), max_digits=14, decimal_places=4, null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reject_reason = models.TextField(_("不予通过原因"), blank=True)
    paid_amount = models.DecimalField(_("兑现金额（万元）"), max_digits=14, decimal_places=4, null=True, blank=True)
    paid_on = models.DateField(_("兑现日期"), null=True, blank=True)
    voucher_no = models.CharField(_("凭证号"), max_length=50, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("政策申报")
        verbose_name_plural = _("政策申报")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["measure", "enterprise"], name="application_measure_enterprise")]
        # 总览's card sums the payments to a day: read from this index alone, not the table's 38,000 rows
        indexes = [models.Index(fields=["state", "paid_on", "paid_amount"], name="application_paid")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.enterprise_id} {self.state}"


class Outreach(ScopedModel):
    """A visit task (上门服务): an enterprise that qualifies for a measure and has not applied, handed to its
    liaison officer ("不要等企业来找我们")."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="outreach")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="outreach_tasks")
    state = models.CharField(_("状态"), max_length=10, choices=OutreachState.choices, default=OutreachState.OPEN)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    note = models.TextField(_("走访情况"), blank=True)

    class Meta:
        verbose_name = _("政策上门服务")
        verbose_name_plural = _("政策上门服务")
        ordering = ["state", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["measure", "enterprise"], name="outreach_measure_enterprise")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.enterprise_id}"


class Notice(models.Model):
    """A public notice (公示) of a measure's beneficiaries for a period; shown without login while the period
    runs, only once published."""

    measure = models.ForeignKey(Measure, verbose_name=_("政策条款"), on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("公示标题"), max_length=200)
    period_start = models.DateField(_("公示开始"))
    period_end = models.DateField(_("公示结束"))
    # Where an objection goes during the period (异议受理): the public page names it. Public by design, never masked
    # (not core.privacy): it is the office's own contact, published so that anyone may object (公示 rules), and
    # the department that publishes it enters an office's phone, e-mail or address, not a private person's.
    objection_contact = models.CharField(_("异议受理方式"), max_length=200, blank=True,
                                         help_text=_("受理异议的单位和电话、邮箱或地址"))
    published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title
