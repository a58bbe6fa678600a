"""Investment promotion (招商引资, DOMAIN.md §14): leads with their first informant and chief service officer, their
activities, the funds that arrived, and each county's or park's yearly targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel

from .choices import ActivityKind, BidState, FundKind, InvestorClass, Stage


class Lead(ScopedModel):
    """招商项目: a project being brought in, from the first clue to production (or 终止)."""

    code = models.CharField(_("线索编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.CharField(_("投资方"), max_length=200)
    investor_class = models.CharField(_("投资方类别"), max_length=12, choices=InvestorClass.choices,
                                      default=InvestorClass.OTHER)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    amount = models.DecimalField(_("计划投资（亿元）"), max_digits=12, decimal_places=4)
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey("registry.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    source = models.CharField(_("信息来源"), max_length=100, blank=True)
    informant = models.CharField(_("第一信息人"), max_length=50, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("首席服务员"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, default=Stage.LEAD, db_index=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("注册企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    project_code = models.CharField(_("重点项目代码"), max_length=40, blank=True)
    stop_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    # The day the lead was registered on the platform (a page: the clock's today; a file: its 登记日期, else
    # unknown): a lead's inactivity is counted from it, so a lead registered today is not stale (DOMAIN.md §14).
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LeadActivity(ScopedModel):
    """招商活动: a visit out or in, an online negotiation (云招商), a promotion or a signing ceremony."""

    lead = models.ForeignKey(Lead, verbose_name=_("招商项目"), on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("招商活动")
        verbose_name_plural = _("招商活动")
        constraints = [models.UniqueConstraint(fields=["date", "lead", "kind"], name="lead_activity_key")]


class FundArrival(ScopedModel):
    """到位资金: what arrived for a lead in a month (亿元)."""

    lead = models.ForeignKey(Lead, verbose_name=_("招商项目"), on_delete=models.CASCADE, related_name="arrivals")
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("到位资金（亿元）"), max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        constraints = [models.UniqueConstraint(fields=["month", "lead"], name="fund_arrival_key")]


class InvestmentTarget(ScopedModel):
    """A county's, park's or the city's targets for a year: total signed investment and big projects signed."""

    year = models.PositiveSmallIntegerField(_("年度"))
    scope_code = models.CharField(_("范围代码"), max_length=20)
    amount_target = models.DecimalField(_("签约总额目标（亿元）"), max_digits=12, decimal_places=4)
    big_threshold = models.DecimalField(_("大项目门槛（亿元）"), max_digits=12, decimal_places=4)
    big_count_target = models.PositiveIntegerField(_("大项目数目标"))

    class Meta:
        verbose_name = _("招商目标")
        verbose_name_plural = _("招商目标")
        constraints = [models.UniqueConstraint(fields=["year", "scope_code"], name="investment_target_key")]


class GroundbreakingEvent(ScopedModel):
    """集中开工活动: a day when many projects start together at one place, with their total investment."""

    date = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("主会场"), max_length=200)
    county = models.ForeignKey("registry.Region", verbose_name=_("区县"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", help_text=_("空白为全市集中开工"))
    projects = models.ManyToManyField("projects.Project", verbose_name=_("开工项目"), related_name="+")

    class Meta:
        verbose_name = _("集中开工活动")
        verbose_name_plural = _("集中开工活动")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class FundBid(ScopedModel):
    """争资: a project's bid for higher-level funds in a year (中央预算内投资, 地方政府专项债券, 省级专项), in 万元."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    fund_kind = models.CharField(_("资金类别"), max_length=16, choices=FundKind.choices)
    requested = models.DecimalField(_("申请金额（万元）"), max_digits=14, decimal_places=2)
    won = models.DecimalField(_("获得金额（万元）"), max_digits=14, decimal_places=2, default=0)
    state = models.CharField(_("状态"), max_length=10, choices=BidState.choices, default=BidState.PENDING)

    class Meta:
        verbose_name = _("争取上级资金")
        verbose_name_plural = _("争取上级资金")
        constraints = [models.UniqueConstraint(fields=["project", "year", "fund_kind"], name="fund_bid_key")]
