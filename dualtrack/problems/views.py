"""Problem pages: report (phone), the HQ triage queue, a department's inbox, the ledger with Excel, a
problem's page with its history and the moves the user may make."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from dualtrack.core import audit
from dualtrack.core.choices import Action, AuditAction, Role
from dualtrack.core.scoping import get_scoped_or_404, user_role
from dualtrack.core.views import paginate, query_without_page
from dualtrack.registry import services as registry

from . import services
from .choices import TRANSITIONS, Complexity, State
from .filters import ProblemFilterSet
from .models import Category, Problem


class ReportForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("遇到的困难和问题"), widget=forms.Textarea(attrs={"rows": 5}))
    enterprise = forms.CharField(label=gettext_lazy("企业统一社会信用代码"), required=False,
                                 help_text=gettext_lazy("驻企服务员代企业反映时填写"))


@login_required
def report(request: HttpRequest) -> HttpResponse:
    role = user_role(request.user)
    if role not in (Role.ENTERPRISE, Role.LIAISON, Role.HQ):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = None
        if role == Role.ENTERPRISE:
            enterprise = registry.enterprises_for(request.user).filter(pk=request.user.enterprise_id).first()  # type: ignore[union-attr,misc]
        elif form.cleaned_data["enterprise"]:
            enterprise = registry.enterprises_for(request.user).filter(uscc=form.cleaned_data["enterprise"].strip()).first()
            if enterprise is None:
                form.add_error("enterprise", _("企业不存在或不在您的联系范围内"))
        if not form.errors:
            problem = services.report(request.user, form.cleaned_data["description"], enterprise=enterprise)
            messages.success(request, _("已提交,编号 %(ref)s") % {"ref": problem.ref})
            return redirect("problems:detail", ref=problem.ref)
    return render(request, "problems/report.html", {"form": form})


def _list(request: HttpRequest, queryset: Any, title: str) -> HttpResponse:
    filterset = ProblemFilterSet(request.GET or None, queryset=queryset.select_related("category", "department",
                                                                                      "enterprise"))
    return render(request, "problems/list.html", {"filter": filterset, "page": paginate(request, filterset.qs),
                                                  "query": query_without_page(request), "title": title})


@login_required
def ledger(request: HttpRequest) -> HttpResponse | FileResponse:
    """台账: every problem in the user's scope, filtered; ``?format=xlsx`` exports the same rows."""
    if not Problem.permits(request.user, Action.VIEW):
        raise PermissionDenied
    queryset = Problem.objects.restrict(request.user)
    if request.GET.get("format") == "xlsx":
        return _ledger_xlsx(request, ProblemFilterSet(request.GET or None, queryset=queryset).qs)
    return _list(request, queryset, _("问题台账"))


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) != Role.HQ:
        raise PermissionDenied
    return _list(request, Problem.objects.restrict(request.user).filter(state__in=[State.REPORTED, State.RETURNED]),
                 _("待梳理问题"))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) != Role.DEPARTMENT:
        raise PermissionDenied
    return _list(request, Problem.objects.restrict(request.user).filter(state__in=[State.ASSIGNED, State.IN_PROGRESS]),
                 _("本部门待办"))


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if user_role(request.user) not in (Role.HQ, Role.LEADER, Role.DEPARTMENT):
        raise PermissionDenied
    return render(request, "problems/statistics.html", {"stats": services.statistics(request.user)})


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(choices=State.choices)
    version = forms.IntegerField()
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    department = forms.CharField(required=False)
    complexity = forms.ChoiceField(choices=[("", "—"), *Complexity.choices], required=False)


@login_required
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    problem = get_scoped_or_404(Problem.objects.select_related("category", "department", "enterprise"),
                                request.user, Action.VIEW, ref=ref)
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            department = registry.department_by_code(data["department"]) if data["department"] else None
            try:
                services.move(problem.pk, data["version"], data["to_state"], request.user, data["comment"],
                              answer=data["answer"], category=data["category"], department=department,
                              complexity=data["complexity"])
            except services.ConcurrentChange as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                for errors in exc.message_dict.values():
                    for error in errors:
                        messages.error(request, error)
            except (PermissionDenied, Problem.DoesNotExist) as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("已更新"))
        return redirect("problems:detail", ref=ref)
    role = user_role(request.user)
    moves = [(to, State(to).label) for (frm, to), roles in TRANSITIONS.items() if frm == problem.state and role in roles]
    return render(request, "problems/detail.html", {
        "problem": problem, "events": problem.events.all(), "moves": moves, "categories": Category.objects.all(),
        "departments": registry.departments(), "complexities": Complexity.choices})


def _ledger_xlsx(request: HttpRequest, queryset: Any) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("问题台账"))
    sheet.freeze_panes = "A2"
    sheet.append([_("编号"), _("提出时间"), _("企业"), _("类别"), _("复杂程度"), _("责任部门"), _("状态"), _("交办时间"),
                  _("办结时限"), _("调度层级"), _("描述")])
    rows = 0
    for p in queryset.select_related("category", "department", "enterprise").iterator(chunk_size=2000):
        sheet.append([p.ref, p.reported_at.replace(tzinfo=None), p.enterprise.name if p.enterprise else "",
                      p.category.name if p.category else "", p.get_complexity_display(),
                      p.department.name if p.department else "", p.get_state_display(),
                      p.assigned_at.replace(tzinfo=None) if p.assigned_at else None,
                      p.due_at.replace(tzinfo=None) if p.due_at else None, p.escalation_level, p.description])
        rows += 1
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    audit.record(request.user, AuditAction.EXPORT, object_type="problems.problem", object_repr=_("问题台账"),
                 detail={"rows": rows})
    return FileResponse(handle, as_attachment=True, filename="problems.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
