"""Epidemic constants (DOMAIN.md §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    """National grading (风险等级), rule set ``national-2020``."""

    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class Colour(models.TextChoices):
    """Five-colour map (五色图), rule set ``five-colour``."""

    GREEN = "green", _("绿（低风险）")
    BLUE = "blue", _("蓝（较低风险）")
    YELLOW = "yellow", _("黄（中风险）")
    ORANGE = "orange", _("橙（较高风险）")
    RED = "red", _("红（高风险）")


LEVEL_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}
COLOUR_ORDER = {Colour.GREEN: 0, Colour.BLUE: 1, Colour.YELLOW: 2, Colour.ORANGE: 3, Colour.RED: 4}
COLOUR_HEX = {"green": "#2e7d32", "blue": "#1e88e5", "yellow": "#fbc02d", "orange": "#ef6c00", "red": "#c62828"}

NATIONAL_RULES = "national-2020"
FIVE_COLOUR_RULES = "five-colour"
