"""The judgement store's pages: the 计算中 poll a page shows while its period is computed, and HQ's what-if page
(规则推演): a measure's stored result beside the result under a substitute rule set, nothing stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, capability, dates, judgements, policy
from .capability import Measure, Period
from .choices import Action, AuditAction
from .models import RuleSet
from .rules import RuleError


def _measure(key: str) -> Measure[Any, Any, Any]:
    try:
        return capability.measure(key)
    except KeyError:
        raise Http404 from None


SERIES_LIMIT = 60  # periods a page may wait for at once (a month's series is at most twelve)


def awaited(measure: Measure[Any, Any, Any], period: Period, since: Period | None = None
            ) -> judgements.Stored[Any] | judgements.Pending:
    """The store's answer for ``period``; with ``since`` (a page drawing a series), for every period from ``since``
    through ``period``: a failed one's answer, else ``Pending`` for ``period`` (the one asked for) while any of them
    is computed (each missing one queued), else ``period``'s stored result."""
    found = judgements.read(measure, period)
    if since is None or since.kind != period.kind or not since < period:
        return found
    answers = [found]
    at = since
    while at < period and len(answers) <= SERIES_LIMIT:
        answers.append(judgements.read(measure, at))
        at = Period.of(at.kind, at.end + dt.timedelta(days=1))
    failed = next((a for a in answers if isinstance(a, judgements.Pending) and a.failed), None)
    if failed is not None:
        return failed
    if isinstance(found, judgements.Stored) and any(isinstance(a, judgements.Pending) for a in answers):
        return judgements.Pending(measure.key, period, found.rules_version)
    return found


@login_required
def judgement_status(request: HttpRequest) -> HttpResponse:
    """``?measure=&period=[&since=]``: the 计算中 notice again while the result is computed (with ``since``, while
    any period from ``since`` through ``period`` is: a page drawing a series); once it is stored, an ``HX-Refresh``
    answer makes the page load it. It says only whether a period is computed, never a figure, so any signed-in
    reader may ask (a page may show a measure's result to someone without the measure's own view right: a liaison
    officer's leads)."""
    measure = _measure(request.GET.get("measure", "")[:40])
    try:
        period = measure.parse(request.GET.get("period"))
        since = measure.parse(request.GET.get("since"))
    except dates.BadDay:
        raise Http404 from None
    if period is None:
        raise Http404
    found = awaited(measure, period, since)
    response = render(request, "core/_judgement_pending.html", {"answer": found, "measure": measure,
                                                                "period": period, "since": since})
    if isinstance(found, judgements.Stored) or (isinstance(found, judgements.Pending) and found.failed):
        response["HX-Refresh"] = "true"
    return response


@login_required
def judgement_export(request: HttpRequest) -> HttpResponse | FileResponse:
    """``?measure=&period=``: a measure's stored result in the reader's scope as an .xlsx (the contract's rows, a
    column per field), named in Chinese after the measure and the period; 计算中 while it is being computed."""
    from . import exports

    measure = _measure(request.GET.get("measure", "")[:40])
    if not measure.can_view(request.user):
        raise Http404
    try:
        period = measure.parse(request.GET.get("period")) or measure.as_of(request.user)
    except dates.BadDay:
        raise Http404 from None
    if period is None:
        raise Http404
    found = judgements.read(measure, period)
    if isinstance(found, judgements.Pending):
        return pending(request, found, str(measure.label))
    header, rows = measure.export_sheet(measure.visible(found.result, request.user))
    sheet = exports.Sheet(str(measure.label)[:31], header, rows)
    return exports.xlsx_download(request, [sheet], f"{measure.label}-{period.key}（{found.rules_version}）.xlsx",
                                 object_type="core.judgement", object_repr=f"{measure.key} {period.key}",
                                 detail={"measure": measure.key, "period": period.key,
                                         "rules_version": found.rules_version})


def pending(request: HttpRequest, answer: judgements.Pending, title: str,
            since: dt.date | None = None) -> HttpResponse:
    """The page a view answers while its period is computed: it says so and asks again every two seconds; with
    ``since`` (a page drawing a series from it), until every period from ``since``'s through the answer's is."""
    measure = capability.measure(answer.measure)
    first = None if since is None else Period.of(answer.period.kind, since)
    return render(request, "core/judgement_pending.html", {"answer": answer, "measure": measure,
                                                           "period": answer.period, "since": first, "title": title},
                  status=200)


class WhatIfForm(forms.Form):
    definition = forms.CharField(label=gettext_lazy("假设的规则定义（JSON）"),
                                 widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000)

    def clean_definition(self) -> Any:
        try:
            return json.loads(self.cleaned_data["definition"])
        except (json.JSONDecodeError, RecursionError) as exc:
            raise forms.ValidationError(_("不是有效的 JSON: %(error)s") % {"error": exc}) from exc


def compare(measure: Measure[Any, Any, Any], stored: Any, trial: Any,
            rules: tuple[Any, Any] = (None, None)) -> dict[str, Any]:
    """The rows whose outcome differs between the stored result and the trial, and each outcome's counts; an
    outcome named under the rules it was judged with (``rules``: the stored result's and the trial's)."""
    was_rules, now_rules = rules

    def named(value: Any, of: Any) -> str:
        return measure.outcome_label(value, of)

    def both(value: Any) -> str:  # a count's outcome: named once, or as each rule set names it
        before_name, after_name = named(value, was_rules), named(value, now_rules)
        return before_name if before_name == after_name else f"{before_name} → {after_name}"

    before = {tuple(r.get(k) for k in measure.row_key): r for r in measure.comparison_rows(stored)}
    after = {tuple(r.get(k) for k in measure.row_key): r for r in measure.comparison_rows(trial)}
    changed = []
    for key, row in after.items():
        was = before.get(key, {})
        diffs = [(f, was.get(f), row.get(f)) for f in measure.outcome_fields if was.get(f) != row.get(f)]
        if diffs:
            changed.append({"key": " · ".join(str(k) for k in key), "name": measure.row_name(row), "diffs": diffs,
                            "shown": [(measure.field_label(f), named(a, was_rules), named(b, now_rules))
                                      for f, a, b in diffs]})
    counts = []
    for f in measure.outcome_fields:
        values = sorted({str(r.get(f)) for r in [*before.values(), *after.values()]})
        by_text = {str(r.get(f)): r.get(f) for r in [*before.values(), *after.values()]}
        counts.append({"field": f, "label": measure.field_label(f), "values": [
            (both(by_text[v]), sum(1 for r in before.values() if str(r.get(f)) == v),
             sum(1 for r in after.values() if str(r.get(f)) == v)) for v in values]})
    # how the outcomes move (现行 → 假设, most first): a class kept in quota (A top 20% …) moves between rows while its
    # counts stay the same, and a long list of rows says less than these few lines
    moves: dict[tuple[str, str, str], int] = {}
    for row in changed:
        for field_name, a, b in row["diffs"]:
            key = (measure.field_label(str(field_name)), named(a, was_rules), named(b, now_rules))
            moves[key] = moves.get(key, 0) + 1
    return {"changed": changed[:SHOWN_ROWS], "changed_count": len(changed), "counts": counts, "rows": len(after),
            "moves": [(*key, n) for key, n in sorted(moves.items(), key=lambda kv: (-kv[1], kv[0]))][:30]}


#: the changed rows a what-if page lists (the count and the moves say the rest)
SHOWN_ROWS = 300


@login_required
def what_if(request: HttpRequest) -> HttpResponse:
    """``?measure=&<period>=``: HQ tries a substitute rule set on a period's facts; the stored result and the trial
    side by side, the rows whose outcome would change listed. Nothing is stored; the trial is audited."""
    policy.authorize_create(request.user, RuleSet, Action.REVISE)
    keys = [m.key for m in capability.measures() if m.outcome_fields]
    key = request.GET.get("measure") or (keys[0] if keys else "")
    if key not in keys:
        raise Http404
    measure = _measure(key)
    error = ""
    try:
        period = measure.parse(request.GET.get(measure.parameter)) or measure.as_of(None)
    except dates.BadDay as exc:
        error, period = str(exc), measure.as_of(None)
    label, current = measure.current_rules()
    form = WhatIfForm(request.POST or None, initial={
        "definition": json.dumps(current.definition(), ensure_ascii=False, indent=2)})
    found = judgements.read(measure, period) if period is not None else None
    comparison = None
    if isinstance(found, judgements.Pending):
        return pending(request, found, _("规则推演"))
    if request.method == "POST" and form.is_valid() and found is not None and period is not None:
        try:
            trial_rules = measure.rules.parse(form.cleaned_data["definition"])
        except RuleError as exc:
            form.add_error("definition", str(exc))
        else:
            trial = judgements.what_if(measure, period, trial_rules)
            comparison = compare(measure, found.result, trial, (measure.rules_named(found.rules_version), trial_rules))
            audit.record(request.user, AuditAction.WHAT_IF, None, detail={
                "what_if": measure.key, "period": period.key, "rules": dataclasses.asdict(trial_rules),
                "changed": len(comparison["changed"])}, object_type="core.judgement", object_repr=measure.key)
    return render(request, "core/what_if.html", {
        "measures": [capability.measure(k) for k in keys], "measure": measure, "period": period, "label": label,
        "fields": measure.rules.described(), "form": form, "stored": found, "comparison": comparison,
        "error": error})
