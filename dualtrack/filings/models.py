"""Safe resumption (复工备案, DOMAIN.md §16): the checklist, the filings with their answers and recorded events, the
on-site check, the enterprise's daily epidemic ledger (防疫台账) and the visit tasks for 复工未备案."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import EventKind, FilingState, UnfiledSource, VisitState


class ChecklistItem(ScopedModel):
    """防控措施清单的一项: its code, text, whether it is mandatory and the county risk levels it applies to (the
    rule set ``filing`` may name other levels for an item; see ``measure.FilingRules.levels``)."""

    code = models.CharField(_("事项代码"), max_length=10, unique=True)
    text = models.CharField(_("事项"), max_length=300)
    mandatory = models.BooleanField(_("必须"), default=True)
    levels = models.CharField(_("适用风险等级"), max_length=40, default="low;medium;high")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("防控措施事项")
        verbose_name_plural = _("防控措施清单")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def level_list(self) -> list[str]:
        return [v for v in self.levels.split(";") if v]


class Filing(ScopedModel):
    """复工备案: one application of an enterprise and its decision. A returned application stays as it was; the
    enterprise applies again with a new one (``previous``)."""

    code = models.CharField(_("备案编号"), max_length=30, unique=True)
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="filings")
    applied_on = models.DateField(_("申请日期"))
    planned_on = models.DateField(_("拟复工日期"))
    planned_workers = models.PositiveIntegerField(_("拟到岗人数"))
    workers_from_outside = models.PositiveIntegerField(_("其中市外返岗"), default=0)
    officer = models.CharField(_("防控负责人"), max_length=50)  # personal: masked outside its policy
    phone = models.CharField(_("联系电话"), max_length=20)  # personal
    state = models.CharField(_("状态"), max_length=10, choices=FilingState.choices, default=FilingState.APPLIED,
                             db_index=True)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("意见"), max_length=300, blank=True)
    inspected_on = models.DateField(_("现场查勘日期"), null=True, blank=True)
    inspectors = models.CharField(_("查勘人员"), max_length=100, blank=True)
    inspection_photo = models.ImageField(_("查勘照片"), upload_to="filings/inspections/%Y/%m/", blank=True)
    # The decision's deadline (end of the 1st working day after the application under the rules when applied):
    # the worker's escalation reads this indexed column (Healthchecks' "next action at"), the contract judges anew.
    due_on = models.DateField(_("审核期限"), db_index=True)
    previous = models.ForeignKey("self", verbose_name=_("前次申请"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("复工备案")
        verbose_name_plural = _("复工备案")
        ordering = ["-applied_on", "-code"]
        indexes = [models.Index(fields=["enterprise", "applied_on"], name="filing_enterprise_day"),
                   models.Index(fields=["state", "due_on"], name="filing_state_due")]

    def __str__(self) -> str:
        return self.code


class FilingItem(ScopedModel):
    """An answer of the checklist (逐项承诺): met or not, with a note and an optional photo."""

    filing = models.ForeignKey(Filing, verbose_name=_("复工备案"), on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("已落实"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    photo = models.ImageField(_("照片"), upload_to="filings/items/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("防控措施落实情况")
        verbose_name_plural = _("防控措施落实情况")
        ordering = ["filing", "item__code"]
        constraints = [models.UniqueConstraint(fields=["filing", "item"], name="filing_item_once")]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.item_id}"


class FilingEvent(ScopedModel):
    """备案记录: what happened to a filing on a day (applied, filed, returned, inspected, suspended for an outbreak,
    lifted, revoked), by whom and why. Kept; a state is never changed without one."""

    filing = models.ForeignKey(Filing, verbose_name=_("复工备案"), on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("日期"))
    kind = models.CharField(_("事项"), max_length=10, choices=EventKind.choices)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    cluster = models.ForeignKey("epidemic.ClusterEvent", verbose_name=_("聚集性疫情"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备案记录")
        verbose_name_plural = _("备案记录")
        ordering = ["filing", "date", "id"]
        constraints = [models.UniqueConstraint(fields=["filing", "cluster"], name="filing_cluster_once",
                                               condition=models.Q(cluster__isnull=False))]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.date} {self.kind}"


class EnterpriseHealth(ScopedModel):
    """防疫台账: an enterprise's epidemic ledger of a day. It stands beside the resumption report and never changes it."""

    date = models.DateField(_("日期"))
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="health_ledger")
    on_duty = models.PositiveIntegerField(_("在岗人数"))
    from_outside = models.PositiveIntegerField(_("市外返岗"), default=0)
    under_observation = models.PositiveIntegerField(_("隔离观察"), default=0)
    fever = models.PositiveIntegerField(_("发热"), default=0)
    masks = models.PositiveIntegerField(_("口罩库存（只）"), default=0)
    disinfectant_kg = models.DecimalField(_("消毒液库存（公斤）"), max_digits=10, decimal_places=1, default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("防疫台账")
        verbose_name_plural = _("防疫台账")
        ordering = ["-date", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["date", "enterprise"], name="health_day_enterprise")]
        indexes = [models.Index(fields=["date", "fever"], name="health_day_fever")]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise_id}"


class UnfiledVisit(ScopedModel):
    """复工未备案核查: a visit task for the enterprise's liaison officer, raised once while open."""

    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    source = models.CharField(_("来源"), max_length=10, choices=UnfiledSource.choices)
    found_on = models.DateField(_("发现日期"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("驻企服务员"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=VisitState.choices, default=VisitState.OPEN)
    done_on = models.DateField(_("核查日期"), null=True, blank=True)
    note = models.CharField(_("核查情况"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("复工未备案核查")
        verbose_name_plural = _("复工未备案核查")
        ordering = ["state", "-found_on"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], name="unfiled_visit_open_once",
                                               condition=models.Q(state="open"))]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.found_on}"
