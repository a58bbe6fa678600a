"""Key-project pages: the register (with Excel), the map of lights, a project's page with its milestones,
investment curve and progress form, and the dispatch board for the weekly meeting (一周一调度)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, exports, judgements, policy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, query_without_page
from dualtrack.core.views_judgements import pending
from dualtrack.epidemic import services as epidemic
from dualtrack.problems import services as problems

from . import services
from .choices import Light
from .filters import ProjectFilterSet
from .models import MonthlyLight, Project, ReportKind
from .policy import follows_the_board

LIGHT_HEX = {"red": "#d93025", "yellow": "#f2b600", "green": "#1e8e3e", None: "#9aa5b1"}


def _day(request: HttpRequest) -> dt.date:
    return dates.requested_day(request, services.as_of)


def _require_view(request: HttpRequest) -> None:
    if not Project.permits(request.user, Action.VIEW):
        raise PermissionDenied


@login_required
def register(request: HttpRequest) -> HttpResponse | FileResponse:
    """项目库: the projects in the user's scope with their light on the day, filtered; ``?format=xlsx``."""
    _require_view(request)
    day = _day(request)
    projects = Project.objects.restrict(request.user)
    # the stored lights of the day of the projects the reader sees: the table, the light filter and the export
    lights = services.lights_by_code(day, projects.values_list("code", flat=True))
    if isinstance(lights, judgements.Pending):
        return pending(request, lights, _("重点项目"))
    filterset = ProjectFilterSet(request.GET or None, queryset=projects.select_related("county"), day=day,
                                 lights={code: row.light for code, row in lights.items()})
    if request.GET.get("format") == "xlsx":
        return _register_xlsx(request, filterset.qs, day, lights)
    page = paginate(request, filterset.qs.select_related("county"))
    rows = [(p, lights[p.code]) for p in page]
    return render(request, "projects/register.html", {"filter": filterset, "page": page, "rows": rows, "day": day,
                                                      "query": query_without_page(request)})


def _register_xlsx(request: HttpRequest, queryset: Any, day: dt.date,
                   lights: dict[str, services.ProjectStatus]) -> FileResponse:
    projects = {p.code: p for p in queryset.select_related("county")}
    statuses = [row for code, row in lights.items() if code in projects]  # code order, as the table

    def rows() -> Any:
        for s in statuses:
            p = projects[s.code]
            yield [p.code, p.name, p.get_level_display(), p.get_nature_display(), p.get_stage_display(),
                   p.county.name, p.responsible_unit, p.total_investment, s.plan_to_date, s.completed,
                   s.progress_ratio, str(Light(s.light).label) if s.light else "", _("是") if s.resumed else _("否"),
                   s.reason_text]

    sheet = exports.Sheet(_("重点项目"), [
        _("项目代码"), _("项目名称"), _("项目级别"), _("建设性质"), _("项目阶段"), _("区县（市）"), _("责任单位"),
        _("总投资（万元）"), _("计划累计（万元）"), _("累计完成（万元）"), _("投资完成率"), _("亮灯"), _("是否复工"), _("原因")],
        rows())
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("重点项目"), day),
                                 object_type="projects.project", object_repr=_("重点项目"),
                                 detail={"date": day.isoformat()})


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    """Projects as points coloured by their light on the day, over the county map."""
    _require_view(request)
    day = _day(request)
    projects = Project.objects.restrict(request.user)
    points = {p.code: (p.longitude, p.latitude) for p in projects.only("code", "longitude", "latitude")}
    lights = services.lights_by_code(day, points)  # the stored lights of the day, of the projects the reader sees
    if isinstance(lights, judgements.Pending):
        return pending(request, lights, _("项目地图"))
    rows = list(lights.values())
    payload = {"geojson": epidemic.map_geojson(request.user), "colours": {str(k): v for k, v in LIGHT_HEX.items()},
               "detail_url": "/projects/CODE/",
               "points": [{"code": s.code, "name": s.name, "light": s.light or "None",
                           "value": [points[s.code][0], points[s.code][1]]}
                          for s in rows if points[s.code][0] is not None]}
    return render(request, "projects/map.html", {"day": day, "payload": payload,
                                                 "counts": services.light_counts(rows)})


class ProgressForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("报送类型"), choices=[(ReportKind.WEEKLY, ReportKind.WEEKLY.label), (ReportKind.MONTHLY, ReportKind.MONTHLY.label)])
    date = DayField(label=gettext_lazy("日期"))
    resumed = forms.TypedChoiceField(label=gettext_lazy("是否复工"), choices=[("1", "是"), ("0", "否")],
                                     coerce=lambda v: v == "1")
    workers_on_site = forms.IntegerField(label=gettext_lazy("在岗人数"), min_value=0, max_value=MAX_COUNT)
    completed_cumulative = forms.DecimalField(label=gettext_lazy("累计完成投资（万元）"), min_value=Decimal(0),
                                              max_digits=14, decimal_places=2)
    physical_progress = forms.CharField(label=gettext_lazy("形象进度"), required=False, max_length=300)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    project = get_scoped_or_404(Project.objects.select_related("county", "responsible_department", "owner"),
                                request.user, Action.VIEW, code=code)
    day = _day(request)
    can_report = policy.may(request.user, project, Action.REPORT)
    form = ProgressForm(request.POST or None, initial={"date": dates.today(), "kind": "weekly"})
    if request.method == "POST":
        policy.authorize(request.user, project, Action.REPORT)
        if form.is_valid():
            try:
                services.save_progress(actor_of(request), project, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("进度已报送"))
                return redirect("projects:detail", code=code)
    lights = services.lights_by_code(day, [project.code])  # the stored light of the day
    if isinstance(lights, judgements.Pending):
        return pending(request, lights, project.name)
    status = lights[project.code]
    milestones = [(_("开工"), project.planned_start, project.actual_start),
                  (_("主体施工"), project.planned_main_works, project.actual_main_works),
                  (_("竣工"), project.planned_completion, project.actual_completion),
                  (_("投产"), project.planned_operation, project.actual_operation)]
    return render(request, "projects/detail.html", {
        "project": project, "day": day, "status": status, "milestones": milestones, "form": form,
        "can_report": can_report, "progress": project.progress.all()[:20],
        "lights": MonthlyLight.objects.filter(project=project).order_by("-month")[:12],
        "tasks": problems.with_texts(request.user, problems.tasks_for_project(request.user, project.code)),
        "payload": services.investment_curve(project, day)})


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """调度会: the week's picture: lights, red and yellow projects with reasons, rankings, projects not yet
    resumed, and the dispatch tasks still open."""
    if not follows_the_board(request.user):
        raise PermissionDenied
    _require_view(request)
    day = _day(request)
    answer = services.lights_read(day, request.user)  # the stored lights of the day, narrowed to the reader
    if isinstance(answer, judgements.Pending):
        return pending(request, answer, _("调度会"))
    rows = answer.projects
    projects = Project.objects.restrict(request.user)
    return render(request, "projects/board.html", {
        "day": day, "week_start": day - dt.timedelta(days=day.weekday()), "counts": services.light_counts(rows),
        "red": [r for r in rows if r.light == "red"], "yellow": [r for r in rows if r.light == "yellow"],
        "not_resumed": [r for r in rows if not r.resumed and r.nature == "continuing"],
        "missing": [r for r in rows if r.missing_plan],
        "levels": services.level_summary(projects, day, rows), "ranks": services.rankings(projects, day, rows),
        "tasks": problems.with_texts(request.user, problems.open_project_tasks(request.user)[:50])})
