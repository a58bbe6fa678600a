"""Key-project levels, natures, stages, lights and dispatch consequences (DOMAIN.md §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Level(models.TextChoices):
    PROVINCE_KEY = "province_key", _("省重点")
    PROVINCE_LARGE = "province_large", _("省大中型")
    CITY_MAJOR = "city_major", _("市重大")
    CITY_KEY = "city_key", _("市重点")


class Nature(models.TextChoices):
    CONTINUING = "continuing", _("续建")
    NEW = "new", _("新开工")


class Stage(models.TextChoices):
    RESERVE = "reserve", _("储备")
    PREPARATION = "preparation", _("前期")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Consequence(models.TextChoices):
    """What a month's light sets in motion (as tasks in the problems module)."""

    TALK = "talk", _("约谈项目责任人")
    VICE_MAYOR = "vice_mayor", _("分管副市长督办")
    CITY_LEADER = "city_leader", _("联系市领导协调")
    EXIT_REVIEW = "exit_review", _("退出评审")


# Escalation level in the problems chain at which each consequence's task starts.
CONSEQUENCE_LEVEL: dict[str, int] = {Consequence.TALK: 1, Consequence.VICE_MAYOR: 2, Consequence.CITY_LEADER: 2,
                     Consequence.EXIT_REVIEW: 4}
# The groups the dispatch reports on (names marked for the catalogue: the board shows them translated).
LEVEL_GROUPS = {gettext_noop("省重点续建"): (Level.PROVINCE_KEY, Nature.CONTINUING),
                gettext_noop("市重点续建"): (Level.CITY_KEY, Nature.CONTINUING)}
