"""Liaison officers' records (驻企联企服务员): their visits. Which enterprises an officer looks after is kept on the
user (``assigned_enterprises``); which projects, on the project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualtrack.core.scoping import ScopedModel


class Visit(ScopedModel):
    """A liaison officer's visit to an enterprise or project (走访记录)."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("驻企服务员"), on_delete=models.PROTECT,
                                related_name="visits")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="visits")
    project_code = models.CharField(_("项目代码"), max_length=30, blank=True)
    visited_on = models.DateField(_("走访日期"))
    notes = models.TextField(_("走访情况"))
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        db_table = "problems_visit"  # kept where it was made, before the liaison app had a home
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise or self.project_code}"
