"""Problem pages: report (phone), the HQ triage queue, a department's inbox, the ledger with Excel, a
problem's page with its history and the moves the user may make."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import calendar, dates, exportjobs, exports, policy, privacy
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Viewer, actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, query_without_page, validation_messages
from dualtrack.registry import services as registry

from . import policy as access
from . import services, suggest, tasktexts
from .choices import DESCRIPTION_MAX, TRANSITION_LABELS, TRANSITIONS, Complexity, State
from .filters import ProblemFilterSet
from .models import Category, Problem
from .rules import RULES_KEY


class ReportForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("遇到的困难和问题"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    enterprise = forms.CharField(label=gettext_lazy("企业统一社会信用代码"), required=False, max_length=18,
                                 help_text=gettext_lazy("驻企服务员代企业反映时填写"))
    file = forms.FileField(label=gettext_lazy("照片或 PDF（可选）"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """发现: an enterprise reports its own problem; a liaison officer (or HQ) reports for an enterprise. The
    photo or PDF travels with the form and is kept with the problem in the same transaction."""
    policy.authorize_create(request.user, Problem, Action.REPORT)
    form = ReportForm(request.POST or None, request.FILES or None)
    if access.reports_own_problems(request.user):
        del form.fields["enterprise"]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                problem = services.report_for(actor_of(request), form.cleaned_data["description"],
                                              form.cleaned_data.get("enterprise") or "")
                if form.cleaned_data["file"]:
                    services.attach(problem, form.cleaned_data["file"], actor_of(request))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已提交，编号 %(ref)s") % {"ref": problem.ref})
            return redirect("problems:detail", ref=problem.ref)
    return render(request, "problems/report.html", {"form": form})


def _list(request: HttpRequest, queryset: Any, title: str) -> HttpResponse:
    from django.db.models import Case, CharField, Value, When

    flags = services.deadline_flags()
    queryset = queryset.annotate(deadline_flag=Case(  # 逾期 / 临期 per row
        When(flags["overdue"], then=Value("overdue")), When(flags["due_soon"], then=Value("due_soon")),
        default=Value(""), output_field=CharField()))
    filterset = ProblemFilterSet(request.GET or None, queryset=queryset.select_related("category", "department",
                                                                                      "enterprise"))
    page = paginate(request, filterset.qs)
    page.object_list = tasktexts.attach(request.user, page.object_list)  # the one masking path
    return render(request, "problems/list.html", {"filter": filterset, "page": page,
                                                  "query": query_without_page(request), "title": title})


@login_required
def ledger(request: HttpRequest) -> HttpResponse | FileResponse:
    """台账: every problem in the user's scope, filtered; ``?format=xlsx`` exports the same rows."""
    if not Problem.permits(request.user, Action.VIEW):
        raise PermissionDenied
    queryset = Problem.objects.restrict(request.user)
    if request.GET.get("format") == "xlsx":
        return exportjobs.export(request, "problems.ledger")
    return _list(request, queryset, _("问题台账"))


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    if not Problem.permits(request.user, Action.TRIAGE):
        raise PermissionDenied
    return _list(request, Problem.objects.restrict(request.user).filter(state__in=[State.REPORTED, State.RETURNED]),
                 _("待梳理问题"))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not access.has_inbox(request.user):
        raise PermissionDenied
    return _list(request, Problem.objects.restrict(request.user).filter(state__in=[State.ASSIGNED, State.IN_PROGRESS]),
                 _("本部门待办"))


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not access.sees_statistics(request.user):
        raise PermissionDenied
    return render(request, "problems/statistics.html", {"stats": services.statistics(request.user)})


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(choices=State.choices)
    version = forms.IntegerField(min_value=0, max_value=MAX_COUNT)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    department = forms.CharField(required=False)
    complexity = forms.ChoiceField(choices=[("", "—"), *Complexity.choices], required=False)


@login_required
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    problem = get_scoped_or_404(Problem.objects.select_related("category", "department", "enterprise",
                                                               "duplicate_of"),
                                request.user, Action.VIEW, ref=ref)
    if request.method == "POST":
        _post_on_problem(request, problem)
        return redirect("problems:detail", ref=ref)
    verbs = {verb for (frm, _to), verb in TRANSITIONS.items() if frm == problem.state}
    permitted = {verb for verb in verbs if policy.may(request.user, problem, verb)}
    moves = [(to, TRANSITION_LABELS.get((frm, to), State(to).label)) for (frm, to), verb in TRANSITIONS.items()
             if frm == problem.state and verb in permitted]
    suggestion = None
    if problem.state in (State.REPORTED, State.RETURNED) and policy.may(request.user, problem, Action.TRIAGE):
        suggestion = suggest.suggest(problem, request.user)
        if suggestion is not None:  # similar problems' descriptions: the one masking path
            tasktexts.attach(request.user, [p for p, _score in suggestion.similar])
    deadline_days = rule_sets.current(RULES_KEY).definition["deadline_days"]
    # Triage must choose a complexity (no default), each shown with the time it gives; 转办 shows the deadline.
    complexities = [(value, _("%(label)s（%(n)d个工作日内办结）") % {"label": label, "n": deadline_days[value]})
                    for value, label in Complexity.choices]
    assign_due = calendar.deadline(dates.now(), deadline_days[problem.complexity]).due_at \
        if problem.complexity and any(to == State.ASSIGNED for to, _label in moves) else None
    return render(request, "problems/detail.html", {
        "problem": problem, "texts": services.texts_for(request.user, problem), "moves": moves, "categories": Category.objects.all(),
        "departments": registry.departments(), "complexities": complexities, "suggestion": suggestion,
        "assign_due": assign_due,
        "deadline_status": services.deadline_status(problem), "attachments": _attachments(problem),
        "duplicates": problem.duplicates.all(),
        "can_attach": problem.state != State.CLOSED and policy.may(request.user, problem, Action.CHANGE),
        "can_instruct": policy.may(request.user, problem, Action.INSTRUCT),
        "can_merge": policy.may(request.user, problem, Action.TRIAGE)
        and problem.state in (State.REPORTED, State.RETURNED, State.TRIAGED)})


def _post_on_problem(request: HttpRequest, problem: Problem) -> None:
    """What a problem's page posts: a move, an attachment, a merge into an earlier problem, a leader's 批示."""
    action = request.POST.get("action", "move")
    try:
        if action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": _("请选择文件")})
            services.attach(problem, upload, actor_of(request))
            messages.success(request, _("附件已上传"))
        elif action == "instruct":
            services.instruct(problem.pk, actor_of(request), request.POST.get("instruction", ""))
            messages.success(request, _("批示已送达承办部门和市指挥部"))
        elif action == "merge":
            services.merge(problem.pk, request.POST.get("into", ""), actor_of(request), request.POST.get("comment", ""))
            messages.success(request, _("已合并"))
        else:
            form = MoveForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("提交的内容不完整，请刷新后再试"))
                return
            data = form.cleaned_data
            department = registry.department_by_code(data["department"]) if data["department"] else None
            services.move(problem.pk, data["version"], data["to_state"], actor_of(request), data["comment"],
                          answer=data["answer"], category=data["category"], department=department,
                          complexity=data["complexity"])
            messages.success(request, _("已更新"))
    except services.ConcurrentChange as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        validation_messages(request, exc)


def _attachments(problem: Problem) -> list[Any]:
    """The problem's attachments, each photo marked to preview in the page (``is_photo``)."""
    items = list(problem.attachments.all())
    for item in items:
        item.is_photo = services.is_image(item)  # type: ignore[attr-defined]
    return items


@login_required
def attachment(request: HttpRequest, ref: str, pk: int) -> FileResponse:
    """One attachment, to users who may see its problem (404 otherwise); as a download, with the type decided at
    upload, so a browser never renders it as a page in the application's origin. A photo (JPEG/PNG, checked at
    upload) is also shown in the problem's page: ``?view=thumb`` its preview, ``?view=photo`` the photo itself,
    both inline as images (no other type is ever served inline)."""
    problem = get_scoped_or_404(Problem.objects.all(), request.user, Action.VIEW, ref=ref)
    item = problem.attachments.filter(pk=pk).first()
    if item is None:
        raise Http404
    view = request.GET.get("view", "")
    if view and not services.is_image(item):
        raise Http404
    path = services.thumbnail_path(item) if view == "thumb" else services.attachment_path(item)
    if path is None or not path.exists():
        raise Http404
    if view == "thumb":
        response = FileResponse(path.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
    elif view == "photo":
        response = FileResponse(path.open("rb"), as_attachment=False, filename=item.name,
                                content_type=item.content_type)
        response["Cache-Control"] = "private, max-age=3600"
    else:
        response = FileResponse(path.open("rb"), as_attachment=True, filename=item.name,
                                content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def escalated(request: HttpRequest) -> HttpResponse:
    """A leader's page (领导督办): the open problems escalated to them, enterprises' problems and automatic tasks
    apart (problems first), most urgent first, with the days overdue, the current level's deadline and whether a
    批示 exists. HQ sees every escalated problem."""
    if not access.receives_escalations(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind")
    kind = kind if kind in services.SUPERVISION_KINDS else "problems"
    now = dates.now()
    chosen, counts = services.supervision_list(request.user, kind, now)
    page = paginate(request, chosen.select_related("category", "department", "enterprise"))
    page.object_list = tasktexts.attach(request.user, page.object_list, limit=80)  # the one masking path
    for problem in page.object_list:
        problem.days_late = services.days_overdue(problem, now)
    return render(request, "problems/escalated.html", {
        "page": page, "levels": services.level_names(), "kind": kind, "counts": counts,
        "query": query_without_page(request)})


def ledger_export(user: Viewer, params: Any) -> exportjobs.Export:
    """问题台账 as .xlsx with the ledger's filters; descriptions through the one masking path (whole
    where the policy grants ``PERSONAL``, each whole view audited; ``core.exportjobs``: a job when it is long)."""
    queryset = ProblemFilterSet(params or None, queryset=Problem.objects.restrict(user)).qs
    rows = ([p.ref, p.reported_at, p.enterprise.name if p.enterprise else "", p.category.name if p.category else "",
             p.get_complexity_display(), p.department.name if p.department else "", p.get_state_display(),
             p.assigned_at, p.due_at, p.escalation_level, texts["description"]]
            for p, texts in privacy.each(user, queryset.select_related("category", "department", "enterprise")
                                         .iterator(chunk_size=2000), "description"))
    sheet = exports.Sheet(_("问题台账"), [
        _("编号"), _("提出时间"), _("企业"), _("类别"), _("复杂程度"), _("责任部门"), _("状态"), _("交办时间"),
        _("办结时限"), _("调度层级"), _("描述")], rows)
    return exportjobs.Export([sheet], exports.dated_name(_("问题台账")), "problems.problem", _("问题台账"),
                             total=queryset.count(), detail={"filters": dict(params.lists()) if params else {}})
