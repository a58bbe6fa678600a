"""Anti-epidemic supplies (防疫物资, DOMAIN.md §17): the items, the depots, what each depot received (by source), the
requests with their lines, and the commitments and issues on each line. Requested, committed and issued are three
figures kept apart (Sahana Eden's request lines); a commitment or an issue, once recorded, is never changed: a
correction is a new record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import RequestKind, Source


class SupplyItem(ScopedModel):
    """物资: its unit and, for what is used per person, the use per head and day (masks: 2)."""

    code = models.CharField(_("物资代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    unit = models.CharField(_("单位"), max_length=10)
    per_head_day = models.DecimalField(_("每人每日用量"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("防疫物资")
        verbose_name_plural = _("防疫物资")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Depot(ScopedModel):
    """仓库: kept by a department (the supplies office, ``SUPPLIES_OFFICE``, unless it names another)."""

    code = models.CharField(_("仓库代码"), max_length=20, unique=True)
    name = models.CharField(_("仓库名称"), max_length=100)
    department = models.ForeignKey("registry.Department", verbose_name=_("管理部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("物资仓库")
        verbose_name_plural = _("物资仓库")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Receipt(ScopedModel):
    """入库: a quantity of an item received at a depot on a day, from a source."""

    code = models.CharField(_("单据号"), max_length=40, unique=True)
    date = models.DateField(_("日期"), db_index=True)
    depot = models.ForeignKey(Depot, verbose_name=_("仓库"), on_delete=models.PROTECT, related_name="receipts")
    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    quantity = models.PositiveIntegerField(_("数量"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资入库")
        verbose_name_plural = _("物资入库")
        ordering = ["-date", "-code"]

    def __str__(self) -> str:
        return self.code


class SupplyRequest(ScopedModel):
    """物资申请: by a kind of applicant (an enterprise by its credit code, a key project by its code, a department or
    a county, township or village by its code), with lines of item, quantity and needed-by day. The applicant's
    enterprise, project, department and county are resolved once, when the request is made."""

    code = models.CharField(_("申请编号"), max_length=30, unique=True)
    date = models.DateField(_("申请日期"), db_index=True)
    kind = models.CharField(_("申请方类型"), max_length=20, choices=RequestKind.choices)
    applicant = models.CharField(_("申请方代码"), max_length=40)
    applicant_name = models.CharField(_("申请方"), max_length=100)
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", verbose_name=_("重点项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("registry.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("registry.Region", verbose_name=_("区县（市）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("用途说明"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资申请")
        verbose_name_plural = _("物资申请")
        ordering = ["-date", "-code"]
        indexes = [models.Index(fields=["enterprise", "date"], name="supply_request_enterprise_day")]

    def __str__(self) -> str:
        return self.code


class RequestLine(ScopedModel):
    """申请明细: one item of a request, with the quantity asked for and the day it is needed by."""

    request = models.ForeignKey(SupplyRequest, verbose_name=_("物资申请"), on_delete=models.CASCADE,
                                related_name="lines")
    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="+")
    requested = models.PositiveIntegerField(_("申请数量"))
    needed_by = models.DateField(_("需用日期"), db_index=True)

    class Meta:
        verbose_name = _("申请明细")
        verbose_name_plural = _("申请明细")
        ordering = ["request", "item__code"]
        constraints = [models.UniqueConstraint(fields=["request", "item"], name="supply_line_item_once")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.item_id}"


class Commitment(ScopedModel):
    """承诺（分配）: a quantity of a line set aside at a depot on a day. Recorded, never changed."""

    line = models.ForeignKey(RequestLine, verbose_name=_("申请明细"), on_delete=models.PROTECT,
                             related_name="commitments")
    depot = models.ForeignKey(Depot, verbose_name=_("仓库"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("承诺数量"))
    date = models.DateField(_("日期"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资承诺")
        verbose_name_plural = _("物资承诺")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.depot_id} {self.date} {self.quantity}"


class Issue(ScopedModel):
    """发放: a quantity of a line handed out from a depot on a day, signed for by the receiver (签收人, personal
    data: whole only for the office, HQ and the requester's own side)."""

    line = models.ForeignKey(RequestLine, verbose_name=_("申请明细"), on_delete=models.PROTECT, related_name="issues")
    depot = models.ForeignKey(Depot, verbose_name=_("仓库"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("发放数量"))
    date = models.DateField(_("日期"), db_index=True)
    receiver = models.CharField(_("签收人"), max_length=50)  # personal: masked outside its policy
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资发放")
        verbose_name_plural = _("物资发放")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.depot_id} {self.date} {self.quantity}"
