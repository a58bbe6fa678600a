"""Liaison officers' pages: the visit log (走访记录, phone-first for the officer) and the coverage report
(全覆盖), where HQ assigns officers to enterprises."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, policy, privacy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action
from dualtrack.core.forms import DayField
from dualtrack.core.views import form_errors, paginate, validation_messages
from dualtrack.registry import services as registry

from . import services
from .models import Visit
from .policy import logs_visits, sees_coverage


class VisitForm(forms.Form):
    enterprise = forms.ChoiceField(label=gettext_lazy("走访企业"))
    visited_on = DayField(label=gettext_lazy("走访日期"))
    notes = forms.CharField(label=gettext_lazy("走访情况"), widget=forms.Textarea(attrs={"rows": 4}))


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """走访记录: a liaison officer logs visits to the enterprises in their care (phone-friendly); HQ, leaders
    and districts read the log of their scope."""
    if not Visit.permits(request.user, Action.VIEW):
        raise PermissionDenied
    if request.method == "POST":  # only an officer logs visits: anyone else posting here is refused, not ignored
        policy.authorize_create(request.user, Visit, Action.ADD)
    form = None
    if logs_visits(request.user):
        mine = registry.enterprises_for(request.user).order_by("name").values_list("pk", "name")
        form = VisitForm(request.POST or None, initial={"visited_on": dates.today()})
        form.fields["enterprise"].choices = [("", "—"), *((str(pk), name) for pk, name in mine)]  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            enterprise = registry.enterprises_for(request.user).filter(pk=form.cleaned_data["enterprise"]).first()
            try:
                services.log_visit(actor_of(request), form.cleaned_data["visited_on"], form.cleaned_data["notes"],
                                   enterprise=enterprise)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("走访记录已保存"))
                return redirect("liaison:visits")
    queryset = Visit.objects.restrict(request.user).select_related("officer", "enterprise")
    page = paginate(request, queryset)
    page.object_list = privacy.attach(request.user, page.object_list, "notes")  # the one masking path
    return render(request, "liaison/visits.html", {"form": form, "page": page})


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """全覆盖: key enterprises without a liaison officer, per county; HQ assigns officers by hand here (or by
    file with the ``liaisons`` dataset)."""
    if not sees_coverage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            added = services.assign_liaison(actor_of(request), request.POST.get("username", ""),
                                            request.POST.get("uscc", "").split())
        except ValidationError as exc:
            validation_messages(request, exc)
        else:
            messages.success(request, _("已分配 %(n)d 家企业") % {"n": added})
        return redirect("liaison:coverage")
    report = services.coverage(request.user)
    return render(request, "liaison/coverage.html", {
        "report": report, "page": paginate(request, report["uncovered"]), "officers": services.officers(),
        "extras": services.coverage_extras(request.user)})
