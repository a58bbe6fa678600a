"""Users with one of the seven roles and the scope that role is bound to."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core import policy
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Role

# The scope a role is bound to: the fields (one of which must be set) and the message when none is.
SCOPE_OF_ROLE: dict[str, tuple[tuple[str, ...], Any]] = {
    Role.DISTRICT: (("county", "park"), _("区县（市）/园区用户须指定所属区县或园区")),
    Role.DEPARTMENT: (("department",), _("职能部门用户须指定所属部门")),
    Role.ENTERPRISE: (("enterprise",), _("企业用户须指定所属企业")),
}


class User(AbstractUser):
    """A person using dualtrack (用户). ``role`` decides what they do; the scope fields decide where."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    county = models.ForeignKey(
        "registry.Region", verbose_name=_("所属区县（市）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"level": "county"},
    )
    park = models.ForeignKey(
        "registry.Park", verbose_name=_("所属园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name=_("联系企业"), blank=True, related_name="liaison_officers"
    )
    leader_level = models.PositiveSmallIntegerField(
        _("调度层级"), null=True, blank=True,
        help_text=_("市领导在问题分级调度中的层级：2 分管副市长，3 常务副市长，4 市政府常务会，5 市委常委会"),
    )
    supervised_departments = models.ManyToManyField(
        "registry.Department", verbose_name=_("分管部门"), blank=True, related_name="supervising_leaders",
        help_text=_("分管副市长分管的部门：这些部门的问题调度到第 2 级时送达本人"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        bound = SCOPE_OF_ROLE.get(self.role)
        if bound is not None:
            fields, message = bound
            if not any(getattr(self, f"{name}_id") for name in fields):
                raise ValidationError({fields[0]: message})

    @property
    def is_liaison_officer(self) -> bool:
        """A liaison officer's account (驻企联企服务员): one that enterprises may be put in the care of."""
        return self.role == Role.LIAISON

    @classmethod
    def scope_q(cls, user: Viewer, action: str) -> Any:
        return policy.scope(user, cls, action)
