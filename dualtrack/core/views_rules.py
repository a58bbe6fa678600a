"""One rule-set page for every registered rule set (规则集): its versions with who made them and why, and for HQ
a form that makes a new version (validated by the app's validator, audited; old versions stay)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import policy, rules
from .actors import actor_of
from .choices import Action
from .models import RuleSet


class RuleForm(forms.Form):
    definition = forms.CharField(label=gettext_lazy("规则定义（JSON）"), widget=forms.Textarea(attrs={"rows": 18}),
                                 max_length=200_000)
    comment = forms.CharField(label=gettext_lazy("修订说明"), max_length=500)

    def clean_definition(self) -> Any:
        try:
            return json.loads(self.cleaned_data["definition"])
        except (json.JSONDecodeError, RecursionError) as exc:
            raise forms.ValidationError(_("不是有效的 JSON: %(error)s") % {"error": exc}) from exc


@login_required
def rule_sets(request: HttpRequest) -> HttpResponse:
    """``?key=``: one rule set (default: the first registered); POST makes a new version (HQ)."""
    policy.authorize_create(request.user, RuleSet, Action.VIEW)
    keys = rules.registered_keys()
    key = request.GET.get("key") or request.POST.get("key") or (keys[0] if keys else "")
    if key not in keys:
        raise Http404
    current = rules.current(key)
    form = RuleForm(request.POST or None, initial={
        "definition": json.dumps(current.definition, ensure_ascii=False, indent=2)})
    if request.method == "POST":
        policy.authorize_create(request.user, RuleSet, Action.REVISE)
        if form.is_valid():
            try:
                created = rules.revise(key, form.cleaned_data["definition"], actor_of(request),
                                     form.cleaned_data["comment"])
            except rules.RuleError as exc:
                form.add_error("definition", str(exc))
            else:
                messages.success(request, _("已生成新版本 %(label)s") % {"label": created.label})
                return redirect(f"{reverse('rule_sets')}?key={key}")
    return render(request, "core/rules.html", {
        "key": key, "keys": keys, "versions": RuleSet.objects.filter(key=key).order_by("-version"), "form": form,
        "can_edit": policy.allows(request.user, RuleSet, Action.REVISE)})
