"""Policy pages: policies and measures with their figures, a measure's page (who qualifies and has not
applied, the 免申即享 list, visit tasks, notices, the application form), the applications ledger and a
department's review queue, an application's page (review, payment), the officers' visit tasks, and the
public notices (no login)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, exportjobs, exports, privacy
from dualtrack.core import policy as access
from dualtrack.core.actors import Viewer, actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate, query_without_page, validation_messages
from dualtrack.registry import services as registry

from . import policy as rules
from . import services
from .choices import AmountRule, HeadcountBasis, OutreachState
from .filters import ApplicationFilterSet
from .models import Application, Measure, Outreach


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    if not Measure.permits(request.user, Action.VIEW):
        raise PermissionDenied
    measures = Measure.objects.restrict(request.user).select_related("policy", "department")
    if rules.applies_itself(request.user):
        return _enterprise_list(request, list(measures))
    figures = services.measure_figures(measures)
    policies: dict[int, dict[str, Any]] = {}
    for measure in measures:
        entry = policies.setdefault(measure.policy_id, {"policy": measure.policy, "measures": []})
        entry["measures"].append((measure, figures.get(measure.pk, {})))
    return render(request, "policies/list.html", {"policies": list(policies.values())})


def _enterprise_list(request: HttpRequest, measures: list[Measure]) -> HttpResponse:
    """An enterprise's 惠企政策 (#28 §4): first the measures it qualifies for today, those it can still apply to
    first (open, then opening later), then those it has applied for or been granted, then those closed (已截止);
    the others collapsed below. The back office's figures (applications, amounts paid across enterprises) are not
    shown to it."""
    day = dates.today()
    own = registry.enterprises_for(request.user)
    qualifies = services.qualifying(measures, own, day)
    mine = {a.measure_id: a for a in Application.objects.restrict(request.user).filter(measure__in=measures)}
    eligible: list[dict[str, Any]] = []
    others: list[Measure] = []
    for measure in measures:
        if measure.pk not in qualifies:
            others.append(measure)
            continue
        applied = mine.get(measure.pk)
        if applied is not None:
            status, rank = "applied", 2
        elif measure.window_end < day:
            status, rank = "closed", 3
        elif measure.no_application:
            status, rank = "automatic", 1
        elif measure.window_start > day:
            status, rank = "later", 1
        else:
            status, rank = "open", 0
        eligible.append({"measure": measure, "status": status, "rank": rank, "application": applied})
    eligible.sort(key=lambda e: (e["rank"], e["measure"].window_end, e["measure"].code))
    return render(request, "policies/enterprise_list.html", {
        "eligible": eligible, "others": others, "day": day,
        "can_apply_now": sum(1 for e in eligible if e["status"] == "open")})


class ApplyForm(forms.Form):
    enterprise = forms.CharField(label=gettext_lazy("企业统一社会信用代码"), required=False,
                                 help_text=gettext_lazy("驻企服务员代企业申报时填写"))
    declared_headcount = forms.IntegerField(label=gettext_lazy("申报人数"), min_value=0, max_value=MAX_COUNT,
                                            required=False)
    declared_base = forms.DecimalField(label=gettext_lazy("申报基数（万元）"), min_value=Decimal(0), required=False,
                                       max_digits=14, decimal_places=4)


@login_required
def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_scoped_or_404(Measure.objects.select_related("policy", "department"), request.user,
                                Action.VIEW, code=code)
    applies_itself = rules.applies_itself(request.user)
    can_manage = access.may(request.user, measure, Action.CHANGE)
    form = ApplyForm(request.POST or None)
    if applies_itself:
        del form.fields["enterprise"]
    if measure.amount_rule != AmountRule.PER_HEAD or measure.headcount_basis != HeadcountBasis.DECLARED:
        del form.fields["declared_headcount"]
    if measure.amount_rule != AmountRule.SHARE:
        del form.fields["declared_base"]
    else:
        form.fields["declared_base"].label = f"{measure.base_label or _('申报基数')}(万元)"
    if request.method == "POST":
        action = request.POST.get("action", "apply")
        try:
            if action == "apply":
                access.authorize_create(request.user, Application, Action.APPLY)
                if form.is_valid():
                    application = services.apply(actor_of(request), measure, _applicant(request, form),
                                                 form.cleaned_data.get("declared_headcount"),
                                                 form.cleaned_data.get("declared_base"))
                    messages.success(request, _("已申报，测算金额 %(amount)s 万元") % {"amount": application.amount})
                    return redirect("policies:application", pk=application.pk)
            elif action == "entitlements":
                n = services.grant_entitlements(actor_of(request), measure)
                messages.success(request, _("已生成免申即享兑现名单 %(n)d 家") % {"n": n})
            elif action == "outreach":
                counts = services.create_outreach(actor_of(request), measure)
                messages.success(request, _("已生成上门服务任务 %(n)d 项（其中 %(u)d 家企业尚无驻企服务员）") % {
                    "n": counts["tasks"], "u": counts["unassigned"]})
            elif action == "notice":
                try:
                    start = dt.date.fromisoformat(request.POST.get("period_start", ""))
                    end = dt.date.fromisoformat(request.POST.get("period_end", ""))
                except ValueError as exc:
                    raise ValidationError({"period_start": _("请填写公示起止日期")}) from exc
                services.publish_notice(actor_of(request), measure, start, end, request.POST.get("title", ""),
                                        request.POST.get("objection_contact", ""))
                messages.success(request, _("公示已发布"))
            else:
                raise ValidationError({"action": _("未知的操作")})
        except ValidationError as exc:
            if action == "apply":
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        if field in form.fields:
                            form.add_error(field, error)
                        else:  # about the measure or the enterprise: shown whatever the page shows
                            messages.error(request, error)
            else:
                validation_messages(request, exc)
        if action != "apply":
            return redirect("policies:measure", code=code)
    day = dates.today()
    waiting = services.not_applied(measure, day, request.user).select_related("county").order_by("county__code", "name") \
        if rules.sees_enterprises_not_applied(request.user) else None
    eligibility = services.eligibility_of(measure)
    return render(request, "policies/measure.html", {
        "measure": measure, "eligibility": eligibility.describe(), "form": form, "can_manage": can_manage,
        # the back office's figures (applications and payments across enterprises): not for an enterprise
        "shows_figures": not applies_itself,
        "figures": services.measure_figures(Measure.objects.filter(pk=measure.pk)).get(measure.pk, {})
        if not applies_itself else {},
        "eligible_count": services.eligible(measure, day).count() if can_manage or rules.sees_eligible_count(request.user) else None,
        "page": paginate(request, waiting) if waiting is not None else None,
        "can_apply": rules.applies_on_page(request.user) and not measure.no_application
        and measure.window_start <= day <= measure.window_end,
        "mine": Application.objects.restrict(request.user).filter(measure=measure).first()
        if applies_itself else None,
        "notices": measure.notices.all()})


def _applicant(request: HttpRequest, form: ApplyForm) -> Any:
    if rules.applies_itself(request.user):
        enterprise = registry.enterprises_for(request.user).filter(pk=request.user.enterprise_id).first()  # type: ignore[union-attr,misc]
    else:
        enterprise = registry.enterprises_for(request.user).filter(
            uscc=(form.cleaned_data.get("enterprise") or "").strip().upper()).first()
    if enterprise is None:
        raise ValidationError({"enterprise": _("企业不存在或不在您的联系范围内")})
    return enterprise


@login_required
def ledger(request: HttpRequest) -> HttpResponse | FileResponse:
    """兑现台账 (``?format=xlsx``); a department's review queue is ``?state=submitted``."""
    if not Application.permits(request.user, Action.VIEW):
        raise PermissionDenied
    filterset = ApplicationFilterSet(request.GET or None, queryset=Application.objects.restrict(request.user))
    queryset = filterset.qs.select_related("measure", "measure__department", "enterprise", "enterprise__county")
    if request.GET.get("format") == "xlsx":
        return exportjobs.export(request, "policies.ledger")
    return render(request, "policies/ledger.html", {"filter": filterset, "page": paginate(request, queryset),
                                                    "query": query_without_page(request)})


def ledger_export(user: Viewer, params: Any) -> exportjobs.Export:
    """兑现台账 as .xlsx with the ledger's filters (``core.exportjobs``: a job when it is long)."""
    filterset = ApplicationFilterSet(params or None, queryset=Application.objects.restrict(user))
    queryset = filterset.qs.select_related("measure", "measure__department", "enterprise", "enterprise__county")
    rows = ([a.measure.code, a.measure.title, a.measure.department.name, a.enterprise.uscc, a.enterprise.name,
             a.enterprise.county.name, a.get_source_display(), a.get_state_display(), a.submitted_at, a.amount,
             a.approved_amount, a.paid_amount, a.paid_on, a.voucher_no, texts["reject_reason"]]
            for a, texts in privacy.each(user, queryset.iterator(chunk_size=2000), "reject_reason"))
    sheet = exports.Sheet(_("兑现台账"), [
        _("条款编号"), _("条款"), _("责任部门"), _("统一社会信用代码"), _("企业名称"), _("区县（市）"), _("来源"), _("状态"),
        _("申报时间"), _("测算金额（万元）"), _("核定金额（万元）"), _("兑现金额（万元）"), _("兑现日期"), _("凭证号"),
        _("不予通过原因")], rows)
    return exportjobs.Export([sheet], exports.dated_name(_("兑现台账")), "policies.application", _("兑现台账"),
                             total=queryset.count(), detail={"filters": dict(params.lists()) if params else {}})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application.objects.select_related("measure", "measure__department",
                                                                       "enterprise"), request.user, Action.VIEW, pk=pk)
    can_handle = access.may(request.user, application, Action.APPROVE) or access.may(
        request.user, application, Action.PAY)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "-1"))
            action = request.POST.get("action")
            if action in ("approve", "reject"):
                raw = request.POST.get("approved_amount", "").strip()
                services.review(actor_of(request), pk, version, action == "approve",
                                Decimal(raw) if raw else None, request.POST.get("reason", ""))
            elif action == "pay":
                services.pay(actor_of(request), pk, version, Decimal(request.POST.get("paid_amount", "0") or "0"),
                             dt.date.fromisoformat(request.POST.get("paid_on", "")), request.POST.get("voucher_no", ""))
            messages.success(request, _("已更新"))
        except services.ConcurrentChange as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            validation_messages(request, exc)
        except (ValueError, ArithmeticError):
            messages.error(request, _("金额或日期格式不正确"))
        return redirect("policies:application", pk=pk)
    return render(request, "policies/application.html", {"a": application, "can_handle": can_handle,
                                                          "texts": privacy.texts(request.user, [application],
                                                                                 "reject_reason")[0],
                                                          "today": dates.today()})


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    """上门服务: a liaison officer's visit tasks (enterprises that qualify and have not applied)."""
    if not Outreach.permits(request.user, Action.VIEW):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.complete_outreach(actor_of(request), int(request.POST.get("id", "0")), request.POST.get("note", ""))
            messages.success(request, _("已记录走访"))
        except ValidationError as exc:
            validation_messages(request, exc)
        except ValueError as exc:
            raise Http404 from exc
        return redirect("policies:outreach")
    state = request.GET.get("state", OutreachState.OPEN)
    queryset = Outreach.objects.restrict(request.user).filter(state=state).select_related(
        "measure", "enterprise", "enterprise__county", "officer")
    page = paginate(request, queryset)
    page.object_list = privacy.attach(request.user, page.object_list, "note")  # the one masking path
    return render(request, "policies/outreach.html", {"page": page, "state": state})


def public_notices(request: HttpRequest) -> HttpResponse:
    """公示 (no login): the notices published and running today; nothing else."""
    query = request.GET.get("q", "").strip()[:50]
    notices = list(services.public_notices(query=query)[:200])
    totals = services.notice_totals(notices)
    return render(request, "policies/public_list.html", {"notices": [(n, totals[n.pk]) for n in notices],
                                                         "q": query})


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = services.public_notices().filter(pk=pk).first()
    if notice is None:
        raise Http404
    return render(request, "policies/public_notice.html", {"notice": notice, "content": services.notice_content(notice),
                                                           "policy": notice.measure.policy,
                                                           "q": request.GET.get("q", "").strip()[:50]})
