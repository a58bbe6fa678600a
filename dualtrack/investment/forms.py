"""Typed input of the investment pages: each form's cleaned data goes to one function of :mod:`.actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualtrack.core.forms import DayField

from .choices import ActivityKind, InvestorClass, Stage


class LeadForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    investor = forms.CharField(label=_("投资方"), max_length=200)
    investor_class = forms.ChoiceField(label=_("投资方类别"), choices=InvestorClass.choices,
                                       initial=InvestorClass.OTHER)
    amount = forms.DecimalField(label=_("计划投资（亿元）"), min_value=0, max_digits=12, decimal_places=4,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    county = forms.ChoiceField(label=_("区县"), required=False)
    park = forms.ChoiceField(label=_("功能园区"), required=False, help_text=_("园区项目同时计入园区和所在区县"))
    industry_code = forms.ChoiceField(label=_("行业代码"), required=False,
                                      help_text=_("国民经济行业分类（GB/T 4754-2017）的门类或大类"))
    source = forms.CharField(label=_("信息来源"), max_length=100, required=False)
    informant = forms.CharField(label=_("第一信息人"), max_length=50, required=False,
                                help_text=_("最先提供项目信息的人，按规定给予奖励"))


    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry_code"].choices = industry_choices()  # type: ignore[attr-defined]


def industry_choices() -> list[Any]:
    """The picker of 行业代码: GB/T 4754-2017 from the registry, each section (门类) a group holding the section
    itself and its divisions (大类), each shown with its code and name; the form accepts only these."""
    from django.utils.translation import gettext

    from dualtrack.registry import services as registry

    return [("", "—"), *((f"{code} {name}", [(code, gettext("%(code)s %(name)s（整个门类）") % {"code": code, "name": name}),
                                               *((d, f"{d} {d_name}") for d, d_name in divisions)])
                         for code, name, divisions in registry.industry_groups())]


class _OnTheLeadPage(forms.Form):
    """A form drawn beside the lead page's other forms: its ids carry the form's name (``id_activity_date``,
    ``id_stage_date``), so no two fields of the page share an id; the posted names stay the fields' own."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ActivityForm(_OnTheLeadPage):
    id_prefix = "activity"
    date = DayField(label=_("日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class StageForm(_OnTheLeadPage):
    id_prefix = "stage"
    stage = forms.ChoiceField(label=_("推进到"), choices=Stage.choices)
    date = DayField(label=_("日期"), required=False,
                           help_text=_("正式签约填签约日期，开工填开工日期"))
    uscc = forms.CharField(label=_("注册企业统一社会信用代码"), max_length=18, required=False)
    project_code = forms.CharField(label=_("已有重点项目代码"), max_length=40, required=False,
                                   help_text=_("开工时填写则关联该项目，不填则自动建立重点项目"))
    reason = forms.CharField(label=_("终止原因"), max_length=200, required=False)


class SigningForm(forms.Form):
    date = DayField(label=_("签约日期"))
    place = forms.CharField(label=_("签约活动"), max_length=200, help_text=_("如：2020年一季度重大项目云签约仪式"))
    leads = forms.MultipleChoiceField(label=_("签约项目"), widget=forms.CheckboxSelectMultiple)


class GroundbreakingForm(forms.Form):
    date = DayField(label=_("日期"))
    title = forms.CharField(label=_("活动名称"), max_length=200)
    place = forms.CharField(label=_("主会场"), max_length=200)
    projects = forms.CharField(label=_("开工项目代码"), widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("每行一个，或以逗号分隔"))


class OfficerForm(_OnTheLeadPage):
    id_prefix = "officer"
    officer = forms.TypedChoiceField(label=_("首席服务员"), coerce=int)
