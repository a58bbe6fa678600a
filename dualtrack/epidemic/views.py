"""Epidemic pages: the map, a county's timeline, data quality, the HQ entry and publish forms, rule sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, judgements, policy, versions
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.forms import DayField
from dualtrack.core.views import form_errors, validation_messages
from dualtrack.core.views_judgements import pending
from dualtrack.registry import services as registry

from . import services
from .choices import COLOUR_HEX, Colour, RiskLevel
from .models import CaseReport, PublishedLevel
from .policy import publishes_levels


def _require_view(request: HttpRequest) -> None:
    if not CaseReport.permits(request.user, Action.VIEW):
        raise PermissionDenied


def _day(request: HttpRequest) -> dt.date:
    """The date asked for (``?date=``), else the data-as-of day (数据截至), else today."""
    return dates.requested_day(request, versions.data_day)


def _county(request: HttpRequest, code: str) -> Any:
    county = next((c for c in services.counties_for(request.user) if c.code == code), None)
    if county is None:
        raise Http404
    return county


@login_required
def epidemic_map(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    day = _day(request)
    found = services.read_situation(day)
    if isinstance(found, judgements.Pending):
        return pending(request, found, _("疫情图"))
    data = services.scoped(found, request.user)
    first, last = services.date_range()
    first = first or day
    last = max(last or day, day)
    legend = services.colour_legend(missing=any(not r["reported"] for r in data["regions"]))
    return render(request, "epidemic/map.html", {
        "day": day, "data": data, "first": first, "last": last,
        "offset": (day - first).days, "span": (last - first).days,
        "map_payload": {
            "geojson": services.map_geojson(request.user),
            "regions": [{"name": r["name"], "code": r["code"], "colour": r["risk"]["colour"], "reported": r["reported"]}
                        for r in data["regions"]],
            "colours": COLOUR_HEX, "labels": {c.value: str(c.label) for c in Colour}, "legend": legend,
            "county_url": reverse("epidemic:county", args=["CODE"]),
            "first": first.isoformat(),
        },
        "colour_labels": {c.value: c.label for c in Colour}, "level_labels": {c.value: c.label for c in RiskLevel},
        "can_publish": publishes_levels(request.user), "legend": legend,
    })


@login_required
def county_detail(request: HttpRequest, code: str) -> HttpResponse:
    county = _county(request, code)  # 404 for a county outside the user's scope, or no epidemic access
    day = _day(request)
    first, _last = services.date_range()
    # The timeline reaches back to the first case, at most HISTORY_DAYS: bounded whatever day is asked for.
    start = max(min(first or day, day - dt.timedelta(days=13)), day - dt.timedelta(days=services.HISTORY_DAYS))
    found = services.read_situation(day)
    if isinstance(found, judgements.Pending):
        return pending(request, found, county.name)
    history = services.colour_history(county.pk, start, day)
    region = next(r for r in services.scoped(found, request.user, with_why=True)["regions"] if r["code"] == code)
    return render(request, "epidemic/county.html", {
        "county": county, "day": day, "region": region, "history": history,
        "changes": services.level_changes(history), "chart": {"history": history, "colours": COLOUR_HEX},
        "publish_form": PublishForm(initial={"colour": region["risk"]["colour"]}) if publishes_levels(request.user) else None,
        "colour_labels": {c.value: c.label for c in Colour}, "level_labels": {c.value: c.label for c in RiskLevel},
    })


class PublishForm(forms.Form):
    colour = forms.ChoiceField(label=gettext_lazy("发布等级"), choices=Colour.choices)
    reason = forms.CharField(label=gettext_lazy("理由（与系统建议不同时必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def publish(request: HttpRequest, code: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    county = _county(request, code)
    policy.authorize_create(request.user, PublishedLevel, Action.PUBLISH)
    day = _day(request)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_level(actor_of(request), county, day, form.cleaned_data["colour"], form.cleaned_data["reason"])
        except ValidationError as exc:
            validation_messages(request, exc)
        else:
            messages.success(request, _("已发布 %(county)s %(date)s 的等级") % {"county": county.name, "date": day})
    return redirect(f"{reverse('epidemic:county', args=[code])}?date={day.isoformat()}")


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    day = _day(request)
    start = day - dt.timedelta(days=13)
    rows = services.data_quality(start, day, request.user)
    return render(request, "epidemic/quality.html", {"day": day, "start": start, "rows": rows,
                                                      "complete": all(not r["missing"] for r in rows)})


class CaseForm(forms.Form):
    date = DayField(label=gettext_lazy("日期"))
    county = forms.ChoiceField(label=gettext_lazy("区县（市）"))
    new_confirmed = forms.IntegerField(label=gettext_lazy("新增确诊"), min_value=0, max_value=MAX_COUNT)
    new_local = forms.IntegerField(label=gettext_lazy("其中本地"), min_value=0, max_value=MAX_COUNT)
    new_asymptomatic = forms.IntegerField(label=gettext_lazy("新增无症状"), min_value=0, max_value=MAX_COUNT, initial=0)
    new_suspected = forms.IntegerField(label=gettext_lazy("新增疑似"), min_value=0, max_value=MAX_COUNT, initial=0)
    new_cured = forms.IntegerField(label=gettext_lazy("新增治愈"), min_value=0, max_value=MAX_COUNT, initial=0)
    new_deaths = forms.IntegerField(label=gettext_lazy("新增死亡"), min_value=0, max_value=MAX_COUNT, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, f"{c.code} {c.name}") for c in registry.counties()]  # type: ignore[attr-defined]


@login_required
def enter_cases(request: HttpRequest) -> HttpResponse:
    policy.authorize_create(request.user, CaseReport, Action.REPORT)
    form = CaseForm(request.POST or None, initial={"date": dates.today()})
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.FIELDS}
        county = registry.county_by_code(form.cleaned_data["county"])
        try:
            _report, changed = services.save_case_report(actor_of(request), county, form.cleaned_data["date"], values)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存") if changed else _("数据未变化"))
            return redirect(f"{reverse('epidemic:enter')}?date={form.cleaned_data['date'].isoformat()}")
    return render(request, "epidemic/enter.html", {"form": form})

