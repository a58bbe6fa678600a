"""Registry constants and choices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """行政区划层级."""

    CITY = "city", _("市")
    COUNTY = "county", _("区县（市）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


REGION_LEVEL_ORDER = {RegionLevel.CITY: 0, RegionLevel.COUNTY: 1, RegionLevel.TOWNSHIP: 2, RegionLevel.VILLAGE: 3}
PARENT_LEVEL = {
    RegionLevel.COUNTY: RegionLevel.CITY,
    RegionLevel.TOWNSHIP: RegionLevel.COUNTY,
    RegionLevel.VILLAGE: RegionLevel.TOWNSHIP,
}
# How a level may be written in an import file.
REGION_LEVEL_ALIASES = {
    "市": RegionLevel.CITY, "city": RegionLevel.CITY, "地级市": RegionLevel.CITY,
    "县": RegionLevel.COUNTY, "county": RegionLevel.COUNTY, "区": RegionLevel.COUNTY, "区县": RegionLevel.COUNTY,
    "县级市": RegionLevel.COUNTY, "区县(市)": RegionLevel.COUNTY,
    "乡": RegionLevel.TOWNSHIP, "township": RegionLevel.TOWNSHIP, "镇": RegionLevel.TOWNSHIP,
    "街道": RegionLevel.TOWNSHIP, "乡镇": RegionLevel.TOWNSHIP, "乡镇(街道)": RegionLevel.TOWNSHIP,
    "村": RegionLevel.VILLAGE, "village": RegionLevel.VILLAGE, "社区": RegionLevel.VILLAGE,
    "村(社区)": RegionLevel.VILLAGE,
}
# GB/T 2260 counties have 6 digits; townships 9 (or 12 with 000), villages 12 (statistical codes).
REGION_CODE_LENGTHS = {
    RegionLevel.CITY: (6,),
    RegionLevel.COUNTY: (6,),
    RegionLevel.TOWNSHIP: (9, 12),
    RegionLevel.VILLAGE: (12,),
}


class SizeClass(models.TextChoices):
    """规模类型."""

    INDUSTRIAL_ABOVE = "规上工业", _("规上工业")
    SERVICES_ABOVE = "限上服务业", _("限上服务业")
    AGRI_LEADING = "农业龙头", _("农业龙头")
    BELOW = "规下", _("规下")
    OTHER = "其他", _("其他")


SIZE_CLASS_ALIASES = {
    "规上工业": SizeClass.INDUSTRIAL_ABOVE, "industrial_above": SizeClass.INDUSTRIAL_ABOVE,
    "规模以上工业": SizeClass.INDUSTRIAL_ABOVE,
    "限上服务业": SizeClass.SERVICES_ABOVE, "services_above": SizeClass.SERVICES_ABOVE,
    "限额以上服务业": SizeClass.SERVICES_ABOVE, "限上": SizeClass.SERVICES_ABOVE,
    "农业龙头": SizeClass.AGRI_LEADING, "agri_leading": SizeClass.AGRI_LEADING,
    "农业龙头企业": SizeClass.AGRI_LEADING,
    "规下": SizeClass.BELOW, "below": SizeClass.BELOW, "规模以下": SizeClass.BELOW,
    "其他": SizeClass.OTHER, "other": SizeClass.OTHER,
}


class IndustryLevel(models.TextChoices):
    """GB/T 4754-2017 levels: 门类 (section) and 大类 (division)."""

    SECTION = "section", _("门类")
    DIVISION = "division", _("大类")
