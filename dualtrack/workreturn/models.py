"""Point-to-point worker return (点对点返岗, the "123" method, DOMAIN.md §12): labour demand, workers with their
health attestation, trips (一车一方案) and manifests, boardings (with refusals as events), arrivals and the
enterprises' receipts (回执单).

A worker's ID number is never stored: a keyed hash (to find a duplicate) and its last four characters."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import AttestationKind, RefusalReason


def new_slip_token() -> str:
    """The opaque token the three slips' QR code carries: random, never personal data."""
    return secrets.token_urlsafe(16)


class LabourDemand(ScopedModel):
    """用工需求: an enterprise's positions to fill with workers from an origin county by a date."""

    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    position = models.CharField(_("岗位"), max_length=100)
    headcount = models.PositiveIntegerField(_("需求人数"))
    # Workers mostly come from counties outside the city (区划代码 and a name); a county of the city is linked too.
    origin_code = models.CharField(_("来源地区划代码"), max_length=6)
    origin_name = models.CharField(_("来源地"), max_length=50, blank=True)
    origin = models.ForeignKey("registry.Region", verbose_name=_("来源区县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    needed_by = models.DateField(_("需到岗日期"))

    class Meta:
        verbose_name = _("用工需求")
        verbose_name_plural = _("用工需求")
        constraints = [models.UniqueConstraint(fields=["enterprise", "position", "origin_code"], name="demand_key")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.position} {self.headcount}"


class Worker(ScopedModel):
    """务工人员, registered by the home county with the health attestation."""

    code = models.CharField(_("登记编号"), max_length=30, unique=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, blank=True, db_index=True)
    id_key = models.CharField(_("摘要密钥"), max_length=100, blank=True)  # the key ids that made id_hash (core.privacy)
    id_last4 = models.CharField(_("身份证号后四位"), max_length=4, blank=True)
    village_code = models.CharField(_("户籍村代码"), max_length=12)
    home_code = models.CharField(_("户籍区县代码"), max_length=6, db_index=True)  # the village code's first six
    home_county = models.ForeignKey("registry.Region", verbose_name=_("户籍区县"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # when it is one of the city's
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("意向企业"), on_delete=models.PROTECT,
                                   related_name="+")
    poor_labourer = models.BooleanField(_("建档立卡贫困劳动力"), default=False)
    attestation_kind = models.CharField(_("健康证明类型"), max_length=20, choices=AttestationKind.choices)
    attestation_date = models.DateField(_("证明日期"))
    attestation_issuer = models.CharField(_("出具单位"), max_length=100, blank=True)
    slip_token = models.CharField(_("三联单编码"), max_length=40, unique=True, default=new_slip_token)
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    # Set at arrival (the end of the 3rd working day after it): the worker step raises a task for the enterprise's
    # liaison officer once it has passed without a receipt (a "next action at" column, DOMAIN.md §12).
    receipt_due_at = models.DateTimeField(_("回执截止时间"), null=True, blank=True, db_index=True)
    receipt_task = models.CharField(_("回执督办任务"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("务工人员")
        verbose_name_plural = _("务工人员")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def import_owner(self) -> str:
        """Whose registration this is (the home county registers it): named when an import of another scope would
        change it."""
        if self.home_county_id is not None:
            return str(self.home_county.name)  # type: ignore[union-attr]
        return _("户籍地 %(code)s（市外）") % {"code": self.home_code}


class Trip(ScopedModel):
    """车次 (一车一方案): from an origin county to an enterprise, with its plate, seats and escort."""

    code = models.CharField(_("车次编号"), max_length=30, unique=True)
    origin_code = models.CharField(_("出发地区划代码"), max_length=6)
    origin_name = models.CharField(_("出发地"), max_length=50, blank=True)
    origin = models.ForeignKey("registry.Region", verbose_name=_("出发区县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # when it is one of the city's
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("目的企业"), on_delete=models.PROTECT,
                                   related_name="+")
    departure = models.DateTimeField(_("出发时间"))
    plate = models.CharField(_("车牌号"), max_length=20)
    seats = models.PositiveSmallIntegerField(_("核载座位"))
    escort = models.CharField(_("带队人"), max_length=50, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("车次")
        verbose_name_plural = _("车次")
        ordering = ["departure", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def origin_label(self) -> str:
        return self.origin_name or (self.origin.name if self.origin_id and self.origin else self.origin_code)


class ManifestEntry(ScopedModel):
    """A worker on a trip's manifest (乘车名单)."""

    trip = models.ForeignKey(Trip, verbose_name=_("车次"), on_delete=models.CASCADE, related_name="manifest")
    worker = models.ForeignKey(Worker, verbose_name=_("务工人员"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("乘车名单")
        verbose_name_plural = _("乘车名单")
        constraints = [models.UniqueConstraint(fields=["trip", "worker"], name="manifest_key")]


class Boarding(ScopedModel):
    """A boarding check: allowed, or refused with its reason (an event, not a bad row). Never rewritten (DOMAIN.md
    §15): every scan is a row of its own, a re-check or a correction a later event with its note kept beside the
    first; a worker's current boarding on a trip is the latest event (by ``boarded_at``, then the order of record)."""

    trip = models.ForeignKey(Trip, verbose_name=_("车次"), on_delete=models.CASCADE, related_name="boardings")
    worker = models.ForeignKey(Worker, verbose_name=_("务工人员"), on_delete=models.PROTECT, related_name="+")
    boarded_at = models.DateTimeField(_("上车时间"))
    temperature = models.DecimalField(_("体温"), max_digits=4, decimal_places=1)
    allowed = models.BooleanField(_("准予上车"))
    reason = models.CharField(_("未准原因"), max_length=20, choices=RefusalReason.choices, blank=True)
    rules_version = models.CharField(_("规则版本"), max_length=50)
    note = models.CharField(_("复测或更正说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("上车检查")
        verbose_name_plural = _("上车检查")
        ordering = ["boarded_at", "pk"]  # the history in order: the last of a trip and worker is the current one
        indexes = [models.Index(fields=["trip", "worker", "boarded_at"], name="boarding_history")]


class Receipt(ScopedModel):
    """回执单: the receiving enterprise confirms the worker arrived."""

    worker = models.OneToOneField(Worker, verbose_name=_("务工人员"), on_delete=models.PROTECT, related_name="receipt")
    receipt_at = models.DateTimeField(_("回执时间"))

    class Meta:
        verbose_name = _("回执单")
        verbose_name_plural = _("回执单")
