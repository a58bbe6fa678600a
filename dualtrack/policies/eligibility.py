"""Structured eligibility (申报条件) of a measure: a typed schema for the JSON kept on the measure, and its
translation into one query over the registry (never a Python loop per enterprise)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .choices import HARD_HIT_DIVISIONS

SIZE_CLASSES = ("规上工业", "限上服务业", "农业龙头", "规下", "其他")


@dataclass(frozen=True)
class Eligibility:
    """Every field narrows the set; an empty list or None means "any"."""

    industries: list[str] = field(default_factory=list)  # GB/T 4754 section letters ("C") or divisions ("61")
    size_classes: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)  # county codes
    parks: list[str] = field(default_factory=list)  # park codes
    headcount_min: int | None = None
    headcount_max: int | None = None
    resumed: bool | None = None  # the carried-forward reported status on the day of evaluation
    hard_hit: bool = False  # only the hard-hit sectors (tourism, catering, lodging, transport, entertainment)
    key_only: bool = False  # only key enterprises (重点企业)
    mu_classes: list[str] = field(default_factory=list)  # 亩均论英雄: the class of the latest final assessment (A–D, T)

    @classmethod
    def parse(cls, data: Any) -> Eligibility:
        """Validate JSON from a form, a file or the API; errors name the field."""
        if data in (None, ""):
            return cls()
        if not isinstance(data, dict):
            raise ValidationError({"eligibility": _("申报条件须为 JSON 对象")})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValidationError({"eligibility": _("未知的条件：%(names)s") % {"names": "、".join(sorted(unknown))}})
        errors: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for name in ("industries", "size_classes", "counties", "parks"):
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                errors[name] = _("%(name)s: 须为文字列表") % {"name": name}
                continue
            lists[name] = [v.strip() for v in value]
        for code in lists.get("industries", []):
            if not re.fullmatch(r"[A-T]|\d{2,4}", code):
                errors["industries"] = _("industries: “%(code)s”不是行业门类字母或行业代码") % {"code": code}
        for size in lists.get("size_classes", []):
            if size not in SIZE_CLASSES:
                errors["size_classes"] = _("size_classes: “%(size)s”不是规模类型(%(choices)s)") % {
                    "size": size, "choices": "、".join(SIZE_CLASSES)}
        bounds: dict[str, int | None] = {}
        for name in ("headcount_min", "headcount_max"):
            value = data.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                errors[name] = _("%(name)s: 须为非负整数") % {"name": name}
            bounds[name] = value
        if bounds.get("headcount_min") is not None and bounds.get("headcount_max") is not None and \
                bounds["headcount_min"] > bounds["headcount_max"]:  # type: ignore[operator]
            errors["headcount_max"] = _("headcount_max: 不能小于 headcount_min")
        for name in ("resumed",):
            if data.get(name) not in (None, True, False):
                errors[name] = _("%(name)s: 须为 true、false 或 null") % {"name": name}
        classes = data.get("mu_classes", [])
        if not isinstance(classes, list) or any(c not in ("A", "B", "C", "D", "T") for c in classes):
            errors["mu_classes"] = _("mu_classes: 须为亩均效益评价类别（A、B、C、D、T）的列表")
        for name in ("hard_hit", "key_only"):
            if data.get(name, False) not in (True, False):
                errors[name] = _("%(name)s: 须为 true 或 false") % {"name": name}
        if errors:
            raise ValidationError({"eligibility": list(errors.values())})
        return cls(**lists, headcount_min=bounds.get("headcount_min"), headcount_max=bounds.get("headcount_max"),
                   resumed=data.get("resumed"), hard_hit=bool(data.get("hard_hit", False)),
                   key_only=bool(data.get("key_only", False)),
                   mu_classes=list(dict.fromkeys(classes)) if "mu_classes" not in errors else [])

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def q(self) -> Q:
        """The registry conditions (all but ``resumed``, which needs the day)."""
        q = Q()
        if self.industries:
            industry = Q()
            for code in self.industries:  # registry codes are section + digits: C3484
                if code.isalpha():
                    industry |= Q(industry_section=code)
                elif len(code) == 2:
                    industry |= Q(industry_division__code=code)
                else:
                    industry |= Q(industry_code__regex=rf"^[A-T]{code}")
            q &= industry
        if self.hard_hit:
            q &= Q(industry_division__code__in=list(HARD_HIT_DIVISIONS))
        if self.size_classes:
            q &= Q(size_class__in=self.size_classes)
        if self.counties:
            q &= Q(county__code__in=self.counties)
        if self.parks:
            q &= Q(park__code__in=self.parks)
        if self.headcount_min is not None:
            q &= Q(normal_headcount__gte=self.headcount_min)
        if self.headcount_max is not None:
            q &= Q(normal_headcount__lte=self.headcount_max)
        if self.key_only:
            q &= Q(is_key=True)
        return q

    def apply(self, enterprises: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
        """``enterprises`` narrowed to those that qualify on ``day``: one SQL query when evaluated."""
        from dualtrack.resumption import services as resumption

        queryset = enterprises.filter(self.q())
        if self.mu_classes:  # the latest final 亩均 assessment's classes (its year's version in force)
            from dualtrack.assessment import services as assessment

            queryset = queryset.filter(pk__in=assessment.enterprises_of_classes(self.mu_classes))
        if self.resumed is not None:
            queryset = resumption.with_resumed_status(queryset, day)
            queryset = queryset.filter(report_resumed=True) if self.resumed else queryset.filter(
                Q(report_resumed=False) | Q(report_resumed__isnull=True))
        return queryset

    def describe(self) -> list[str]:
        """The conditions in words, for the measure's page."""
        parts = []
        if self.industries:
            parts.append(_("行业：%(values)s") % {"values": "、".join(self.industries)})
        if self.hard_hit:
            parts.append(_("受疫情冲击较大行业（%(values)s）") % {"values": "、".join(HARD_HIT_DIVISIONS.values())})
        if self.size_classes:
            parts.append(_("规模：%(values)s") % {"values": "、".join(self.size_classes)})
        if self.counties:
            parts.append(_("区县：%(values)s") % {"values": "、".join(self.counties)})
        if self.parks:
            parts.append(_("园区：%(values)s") % {"values": "、".join(self.parks)})
        if self.headcount_min is not None or self.headcount_max is not None:
            parts.append(_("正常用工人数：%(low)s–%(high)s人") % {
                "low": self.headcount_min or 0,
                "high": self.headcount_max if self.headcount_max is not None else _("不限")})
        if self.resumed is True:
            parts.append(_("已复工"))
        if self.resumed is False:
            parts.append(_("尚未复工"))
        if self.key_only:
            parts.append(_("重点企业"))
        if self.mu_classes:
            parts.append(_("亩均效益评价类别：%(values)s类") % {"values": "、".join(self.mu_classes)})
        return parts or [_("全部企业")]
