"""Shared pages: home, audit log, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from . import policy
from .choices import Action, AuditAction
from .models import AuditLog

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Any:
    """One page of ``queryset``: the page's keys are found first (an index-only walk, cheap even deep into
    a large list), then only those rows are fetched with their joins."""
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    page = paginator.get_page(request.GET.get("page"))
    keys = list(page.object_list)
    rows = queryset.order_by().in_bulk(keys)
    page.object_list = [rows[k] for k in keys]
    return page


def paginate_list(request: HttpRequest, rows: list[Any], per_page: int = PAGE_SIZE) -> Any:
    """One page of rows already computed (a list of dataclasses, bounded by its service)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志 as HQ reads it: people's names, Chinese model and field names, each changed field before → after."""
    from django.apps import apps as django_apps
    from django.db.models import Q

    from . import audit

    if not policy.allows(request.user, AuditLog, Action.VIEW):  # HQ's
        raise PermissionDenied
    entries = AuditLog.objects.restrict(request.user).select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    username = request.GET.get("user", "").strip()[:100]
    if username:
        entries = entries.filter(Q(actor_username=username) | Q(actor__full_name__icontains=username))
    object_type = request.GET.get("object_type", "").strip()[:100]
    if object_type:
        entries = entries.filter(object_type=object_type)
    types = sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in django_apps.get_models()
                    if m.__module__.startswith("dualtrack.")), key=lambda t: t[1])
    page = paginate(request, entries)
    return render(request, "core/audit_log.html", {
        "page": page, "readings": audit.read(page), "actions": AuditAction.choices, "action": action,
        "username": username, "object_type": object_type, "object_types": types,
        "query": query_without_page(request),
    })


def _api_error(request: HttpRequest | None, status: int, detail: str) -> HttpResponse | None:
    """Under ``/api/`` an error the router never reached (a path it does not match, a bad request) still answers
    JSON, as the API documents, never an HTML page."""
    if request is not None and request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": detail}, status=status)
    return None


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.utils.translation import gettext as _

    return _api_error(request, 404, _("未找到。")) or render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.utils.translation import gettext as _

    return _api_error(request, 403, _("您没有执行该操作的权限。")) or render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    """Self-contained: no database, no user, no context processors (they may be what failed)."""
    from django.template import loader

    return _api_error(request, 500, "server error") or HttpResponse(loader.get_template("500.html").render(),
                                                                     status=500)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.utils.translation import gettext as _

    return _api_error(request, 400, _("请求无效。")) or render(request, "400.html", status=400)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notices; POST marks one (``id``) or all of them read."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from . import notifications

    if request.method == "POST":
        raw = request.POST.get("id")
        notifications.mark_read(request.user, int(raw) if raw and raw.isdigit() else None)
        target = request.POST.get("next", "")
        # Only a path of this site, and as a URL: ``redirect()`` would take any other text for a view's name.
        if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return redirect("notifications")
    from .choices import NoticeKind

    counts = notifications.kind_counts(request.user)
    kind = request.GET.get("kind") or ""
    kind = kind if kind in counts else ""
    kinds = [(value, label, *counts[value]) for value, label in NoticeKind.choices if value in counts]
    return render(request, "core/notifications.html", {
        "page": paginate(request, notifications.for_user(request.user, kind or None)), "kind": kind, "kinds": kinds,
        "needs_you": notifications.unread_count(request.user), "query": query_without_page(request)})


def validation_messages(request: HttpRequest, exc: Any) -> None:
    """Every message of a ValidationError as an error message on the next page."""
    from django.contrib import messages

    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


def form_errors(form: Any, exc: Any) -> None:
    """Every message of a domain function's ValidationError on the form: beside its field when the form has
    one, else at the top of the form."""
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def date_input() -> Any:
    """A phone's date picker that opens on the field's value: ``<input type="date">`` accepts only
    YYYY-MM-DD, whatever the language's date format (zh-hans would render 2020/02/10 and the field opened blank)."""
    from django import forms

    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
