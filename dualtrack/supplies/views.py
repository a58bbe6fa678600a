"""Pages of the anti-epidemic supplies (防疫物资, DOMAIN.md §17) for the supplies office, HQ, leaders and counties: the
request board, the stock by item and depot with the days of cover, a receipt's form, the allocation queue, a
request's page with its commitments and issues (and the forms that make them), the coverage per county, and their
Excel exports. Every figure is the stored judgement of its day (``services.read``), never computed here. Thin: parse
typed input, call one action, respond."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dualtrack.core import dates, exports, policy, privacy
from dualtrack.core.actors import Viewer, actor_of
from dualtrack.core.choices import Action
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate_list, query_without_page
from dualtrack.core.views_judgements import pending

from . import actions, services
from . import policy as access
from .choices import COMMIT_STATUS_LABELS, FULFIL_STATUS_LABELS, RequestKind, Source, Status
from .models import Receipt, SupplyRequest

RECENT_RECEIPTS = 50
GROUPS = (("enterprises", gettext_lazy("企业（重点企业、复工企业）")), ("projects", gettext_lazy("重点项目")),
          ("grassroots", gettext_lazy("基层单位")))
DAY_FORMAT = "yyyy-mm-dd"


def sees_coverage(user: Viewer) -> bool:
    """The coverage per county: HQ, leaders, the supplies office and the counties (a county its own rows)."""
    return access.sees_coverage(user)


def nav(user: Viewer) -> dict[str, bool]:
    """Which of the section's pages the user may open (the sub-menu shows only those)."""
    return {"can_board": services.can_view(user), "can_stock": access.sees_stock(user),
            "can_queue": access.allocates(user), "can_coverage": sees_coverage(user),
            "can_home": services.in_menu(user), "can_receive": Receipt.permits(user, Action.ADD)}


def _day(request: HttpRequest) -> dt.date:
    """The day a board is for: ``?date=``, else the supplies' as-of day."""
    return dates.requested_day(request, services.as_of)


def _working_day(request: HttpRequest) -> dt.date:
    """The day the queue and a request's page are for: ``?date=``, else today (the office commits and issues
    today: what it just recorded is on the page)."""
    return dates.requested_day(request, lambda: services.as_of(dates.today()))


def _export_url(name: str, day: dt.date, chosen: dict[str, str] | None = None) -> str:
    """The page's export for the day it shows (and its filters)."""
    return reverse(name) + "?" + urlencode({"date": day.isoformat(), **{k: v for k, v in (chosen or {}).items() if v}})


def _lines_by_request(result: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for line in result.lines:
        found[line.request].append(line)
    return found


def _page_context(request: HttpRequest, day: dt.date, answer: Any, result: Any) -> dict[str, Any]:
    """What every page of the section shows: its sub-menu, the day and the rule set it was judged under, and whether
    the stored result is being recomputed (its data changed since)."""
    return {**nav(request.user), "day": day, "rules_version": result.rules_version,
            "stale": bool(getattr(answer, "stale", False))}


def _word(labels: dict[Any, Any], value: str) -> str:
    """A status or kind in words (未承诺, 部分发放, 医疗机构); an unknown value as it is."""
    return str(labels.get(value, value))


def _request_rows(rows: list[Any], result: Any, items: dict[str, Any], counties: dict[str, str]
                  ) -> list[dict[str, Any]]:
    """Each request with its lines (the item, the three figures), its county's name and its statuses' words."""
    lines = _lines_by_request(result)
    kinds = dict(RequestKind.choices)
    return [{"row": r, "county": counties.get(r.county, r.county), "kind": _word(kinds, r.kind),
             "commit_status": _word(COMMIT_STATUS_LABELS, r.commit_status),
             "fulfil_status": _word(FULFIL_STATUS_LABELS, r.fulfil_status),
             "lines": [{"line": line, "item": items.get(line.item)} for line in lines.get(r.code, [])]}
            for r in rows]


# --- the board -------------------------------------------------------------------------------------------------------


def _filtered(request: HttpRequest, result: Any, counties: dict[str, str]) -> tuple[list[Any], dict[str, str]]:
    """One filter for the board and its export: ?kind=, ?county=, ?fulfil= (a fulfil status) and ?overdue=1; the
    requests in order (the queue's first, in its order, then those completely issued, latest first) and the
    filter's values as read."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in RequestKind.values else ""
    county = request.GET.get("county", "")[:20]
    county = county if county in counties else ""
    fulfil = request.GET.get("fulfil", "")
    fulfil = fulfil if fulfil in Status.values else ""
    overdue = "1" if request.GET.get("overdue") == "1" else ""
    rows = [r for r in result.requests if (not kind or r.kind == kind) and (not county or r.county == county)
            and (not fulfil or r.fulfil_status == fulfil) and (not overdue or r.overdue)]
    rows.sort(key=lambda r: (r.position is None, r.position or 0, -r.date.toordinal(), r.code))
    return rows, {"kind": kind, "county": county, "fulfil": fulfil, "overdue": overdue}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """物资申请看板: every request the user may see on the day, each line's 申请 / 已承诺 / 已发放 kept apart, the
    commit and fulfil statuses, lateness and the place in the queue; filtered by kind, county, fulfil status and
    lateness."""
    if not services.can_view(request.user):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    counties = dict(services.county_names())
    rows, chosen = _filtered(request, result, counties)
    page = paginate_list(request, rows)
    page.object_list = _request_rows(list(page.object_list), result, services.item_catalogue(), counties)
    seen = {r.county for r in result.requests if r.county}
    return render(request, "supplies/board.html", {
        **_page_context(request, day, answer, result), "page": page, "filters": chosen,
        "query": query_without_page(request), "total": len(result.requests),
        "export": _export_url("supplies:board_xlsx", day, chosen),
        "overdue": sum(1 for r in result.requests if r.overdue),
        "county_choices": [(code, name) for code, name in counties.items() if code in seen or code == chosen["county"]],
        "kind_choices": RequestKind.choices, "fulfil_choices": list(FULFIL_STATUS_LABELS.items())})


@login_required
def board_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The board as filtered, one row per line (the three figures in three columns); no one's name."""
    if not services.can_view(request.user) or not SupplyRequest.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    items, counties = services.item_catalogue(), dict(services.county_names())
    rows, chosen = _filtered(request, result, counties)
    lines = _lines_by_request(result)
    kinds = dict(RequestKind.choices)

    def out() -> Any:
        for r in rows:
            for line in lines.get(r.code, []):
                item = items.get(line.item)
                yield [r.code, _word(kinds, r.kind), r.applicant_name, counties.get(r.county, r.county),
                       r.date, line.item, item.name if item else line.item, item.unit if item else "",
                       line.requested, line.committed, line.issued, line.needed_by,
                       _word(COMMIT_STATUS_LABELS, r.commit_status), _word(FULFIL_STATUS_LABELS, r.fulfil_status),
                       _("是") if line.overdue else _("否"), r.position, day]

    header = [_("申请编号"), _("申请方类型"), _("申请方"), _("区县"), _("申请日期"), _("物资代码"), _("物资"), _("单位"),
              _("申请"), _("已承诺"), _("已发放"), _("需用日期"), _("承诺状态"), _("发放状态"), _("超期"), _("队列位置"),
              _("数据截至")]
    sheet = exports.Sheet(_("防疫物资申请"), header, out(), widths={"A": 16, "C": 30},
                          formats=[None, None, None, None, DAY_FORMAT, None, None, None, "0", "0", "0", DAY_FORMAT,
                                   None, None, None, "0", DAY_FORMAT])
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("防疫物资申请"), day),
                                 object_type="supplies.supplyrequest", object_repr=_("防疫物资申请"),
                                 detail={"date": day.isoformat(), "rules_version": result.rules_version,
                                         "filters": {k: v for k, v in chosen.items() if v}})


# --- the stock ---------------------------------------------------------------------------------------------------------


def _warning_days(result: Any) -> Any:
    from dualtrack.core import capability

    return capability.measure("supplies").rules_named(result.rules_version).cover_warning_days


def _stock_tables(result: Any) -> dict[str, Any]:
    """The stock by depot and item (with the depots' and items' names) and the receipts by source per item."""
    names = services.depot_names()
    items = {i.code: i for i in result.items}
    by_source: dict[str, dict[str, int]] = defaultdict(dict)
    for s in result.sources:
        by_source[s.item][s.source] = s.quantity
    return {
        "depots": [{"row": d, "depot": names.get(d.depot, d.depot), "item": items.get(d.item)} for d in result.depots],
        "sources": [{"item": i, "by": [by_source[i.code].get(s) for s in Source.values],
                     "total": sum(by_source[i.code].values())} for i in result.items if i.code in by_source],
        "source_names": [label for _value, label in Source.choices],
    }


@login_required
def stock(request: HttpRequest) -> HttpResponse:
    """库存: per item received, committed, issued, on hand, available, the daily need and days of cover (a warning
    under the rule set's line); per depot and item; the receipts by source; the latest receipts."""
    if not access.sees_stock(request.user):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    receipts = privacy.attach(request.user, services.latest_receipts(request.user, day, RECENT_RECEIPTS), "note")
    return render(request, "supplies/stock.html", {
        **_page_context(request, day, answer, result), "items": result.items, **_stock_tables(result),
        "receipts": receipts, "warning_days": _warning_days(result), "source_labels": dict(Source.choices),
        "export": _export_url("supplies:stock_xlsx", day)})


@login_required
def stock_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not access.sees_stock(request.user) or not Receipt.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    tables = _stock_tables(result)
    items = exports.Sheet(_("库存"), [_("物资代码"), _("物资"), _("单位"), _("累计入库"), _("累计承诺"), _("累计发放"),
                                    _("库存"), _("可分配"), _("日需求量"), _("可保障天数"), _("预警"), _("数据截至")], (
        [i.code, i.name, i.unit, i.received, i.committed, i.issued, i.on_hand, i.available, i.daily_need,
         i.days_of_cover, "" if i.warning is None else (_("是") if i.warning else _("否")), day]
        for i in result.items), formats=[None, None, None, *["0"] * 5, "0.##", "0.0", None, DAY_FORMAT])
    depots = exports.Sheet(_("分仓库存"), [_("仓库代码"), _("仓库"), _("物资代码"), _("物资"), _("累计入库"), _("累计承诺"),
                                       _("累计发放"), _("库存"), _("可分配"), _("数据截至")], (
        [d["row"].depot, d["depot"], d["row"].item, d["item"].name if d["item"] else d["row"].item, d["row"].received,
         d["row"].committed, d["row"].issued, d["row"].on_hand, d["row"].available, day] for d in tables["depots"]),
        widths={"B": 30}, formats=[*[None] * 4, *["0"] * 5, DAY_FORMAT])
    sources = exports.Sheet(_("入库来源"), [_("物资代码"), _("物资"), *[str(n) for n in tables["source_names"]],
                                        _("合计"), _("数据截至")], (
        [s["item"].code, s["item"].name, *[q or 0 for q in s["by"]], s["total"], day] for s in tables["sources"]),
        formats=[None, None, *["0"] * (len(Source.values) + 1), DAY_FORMAT])
    labels = dict(Source.choices)
    receipts = privacy.attach(request.user, services.latest_receipts(request.user, day, RECENT_RECEIPTS), "note")
    latest = exports.Sheet(_("最近入库"), [_("单据号"), _("日期"), _("仓库"), _("物资"), _("来源"), _("数量"), _("备注")], (
        [r.code, r.date, r.depot.name, r.item.name, str(labels.get(r.source, r.source)), r.quantity, r.shown["note"]]
        for r in receipts), widths={"C": 30, "G": 40}, formats=[None, DAY_FORMAT, None, None, None, "0"])
    return exports.xlsx_download(request, [items, depots, sources, latest], exports.dated_name(_("防疫物资库存"), day),
                                 object_type="supplies.receipt", object_repr=_("防疫物资库存"),
                                 detail={"date": day.isoformat(), "rules_version": result.rules_version})


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - the forms below
    field.choices = choices


# --- a receipt -----------------------------------------------------------------------------------------------------


class ReceiveForm(forms.Form):
    date = DayField(label=gettext_lazy("入库日期"))
    depot = forms.ChoiceField(label=gettext_lazy("仓库"))
    item = forms.ChoiceField(label=gettext_lazy("物资"))
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=Source.choices)
    quantity = forms.IntegerField(label=gettext_lazy("数量"))
    note = forms.CharField(label=gettext_lazy("备注（可选）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "depot", [(d.code, d.name) for d in services.active_depots()])
        _choices(self, "item", [(i.code, str(i)) for i in services.items()])


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    """入库登记 (the supplies office, HQ): a depot received a quantity of an item from a source on a day."""
    if not Receipt.permits(request.user, Action.ADD):
        raise PermissionDenied
    if request.method == "POST":
        form = ReceiveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = actions.receive(actor_of(request), actions.NewReceipt(
                    data["date"], data["depot"], data["item"], data["source"], data["quantity"], note=data["note"]))
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已登记入库 %(code)s：%(item)s %(n)s%(unit)s") % {
                    "code": made.code, "item": made.item.name, "n": made.quantity, "unit": made.item.unit})
                return redirect(reverse("supplies:stock") + f"?date={made.date:%Y-%m-%d}")
    else:
        form = ReceiveForm(initial={"date": dates.today()})
    return render(request, "supplies/receive.html", {**nav(request.user), "form": form})


# --- the queue -------------------------------------------------------------------------------------------------------


def _availability(result: Any) -> dict[str, Any]:
    """What may still be committed of each item at each depot at the end of the day (depots × items)."""
    names = services.depot_names()
    items = [i for i in result.items if any(d.item == i.code for d in result.depots)]
    cells = {(d.depot, d.item): d.available for d in result.depots}
    depots = sorted({d.depot for d in result.depots})
    return {"avail_items": items,
            "avail_rows": [(code, names.get(code, code), [cells.get((code, i.code)) for i in items])
                           for code in depots]}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """分配队列: the requests not completely issued, in allocation order (kind, needed-by, request day, code), each
    with its lines' 申请 / 已承诺 / 已发放 and lateness, linking to its page (where one commits and issues); what each
    depot may still commit of each item."""
    if not access.allocates(request.user):
        raise PermissionDenied
    day = _working_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    by_code = {r.code: r for r in result.requests}
    page = paginate_list(request, [by_code[c] for c in result.queue if c in by_code])
    page.object_list = _request_rows(list(page.object_list), result, services.item_catalogue(),
                                     dict(services.county_names()))
    return render(request, "supplies/queue.html", {
        **_page_context(request, day, answer, result), "page": page, "query": query_without_page(request),
        "waiting": len(result.queue), "overdue": sum(1 for r in result.requests if r.overdue),
        **_availability(result)})


# --- a request's page and its forms --------------------------------------------------------------------------------


class _OnTheRequestPage(forms.Form):
    """A form drawn beside the request page's other forms: its ids carry its name (and its line's item), so no two
    fields share an id."""

    def __init__(self, *args: Any, id_prefix: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{id_prefix}_%s")
        super().__init__(*args, **kwargs)


class CommitForm(_OnTheRequestPage):
    """承诺: a quantity of a line set aside at a depot (today)."""

    item = forms.CharField(widget=forms.HiddenInput, max_length=20)
    depot = forms.ChoiceField(label=gettext_lazy("仓库"))
    quantity = forms.IntegerField(label=gettext_lazy("承诺数量"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, depots: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "depot", depots)


class IssueForm(_OnTheRequestPage):
    """发放: a quantity of a line handed out at a depot, signed for by the receiver (签收人)."""

    item = forms.ChoiceField(label=gettext_lazy("物资"))
    depot = forms.ChoiceField(label=gettext_lazy("仓库"))
    quantity = forms.IntegerField(label=gettext_lazy("发放数量"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    receiver = forms.CharField(label=gettext_lazy("签收人"), max_length=50,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    date = DayField(label=gettext_lazy("发放日期"))

    def __init__(self, *args: Any, items: list[tuple[str, str]], depots: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "item", items)
        _choices(self, "depot", depots)


def _found(request: HttpRequest, code: str) -> SupplyRequest:
    """The request ``code`` if the user may see it, else 404."""
    return get_scoped_or_404(SupplyRequest.objects.select_related("county"), request.user, Action.VIEW,
                             code=code.strip()[:30])


def _lines(found: SupplyRequest, result: Any) -> list[dict[str, Any]]:
    """The request's lines as recorded, each with its figures at the end of the day (None: the request is later than
    the day) and what it still lacks of a commitment and of an issue."""
    figures = {line.item: line for line in result.lines_of(found.code)} if result is not None else {}
    out = []
    for line in services.lines_of(found):
        row = figures.get(line.item.code)
        out.append({"line": line, "item": line.item, "figures": row,
                    "lacking": max(line.requested - row.committed, 0) if row else line.requested,
                    "to_issue": max(row.committed - row.issued, 0) if row else 0})
    return out


def _outstanding(commitments: list[Any], issues: list[Any]) -> dict[tuple[str, str], int]:
    """(item, depot) → committed there and not yet issued, from the request's records."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for c in commitments:
        found[(c.line.item.code, c.depot.code)] += c.quantity
    for i in issues:
        found[(i.line.item.code, i.depot.code)] -= i.quantity
    return {k: v for k, v in found.items() if v > 0}


def _request_page(request: HttpRequest, found: SupplyRequest, bound: dict[str, Any] | None = None) -> HttpResponse:
    """The request's page; ``bound`` a posted form with its errors (``commit`` with its item, or ``issue``) to draw
    in place of the fresh one."""
    day = _working_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    row = next((r for r in result.requests if r.code == found.code), None)
    lines = _lines(found, result)
    commitments, issues = services.history(found)
    receivers = privacy.shown(request.user, [(i, {"receiver": i.receiver}) for i in issues],
                              kinds={"receiver": privacy.NAME})
    for issue_, shown in zip(issues, receivers, strict=True):
        issue_.receiver_shown = shown["receiver"]  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        **_page_context(request, day, answer, result), "found": found, "row": row, "lines": lines,
        "commitments": commitments, "issues": issues, "note": privacy.text(request.user, found, "note"),
        "commit_status": _word(COMMIT_STATUS_LABELS, row.commit_status) if row else None,
        "fulfil_status": _word(FULFIL_STATUS_LABELS, row.fulfil_status) if row else None,
        "kind": _word(dict(RequestKind.choices), found.kind)}
    if policy.may(request.user, found, Action.APPROVE):
        depots = services.active_depots()
        available = {(d.depot, d.item): d.available for d in result.depots}
        bound = bound or {}
        posted = bound.get("commit")
        for line in lines:
            item = line["item"]
            form = posted if posted is not None and bound.get("commit_item") == item.code else None
            if line["lacking"] <= 0 and form is None:
                continue
            choices = [(d.code, _("%(depot)s（可分配%(n)s%(unit)s）") % {
                "depot": d.name, "n": available.get((d.code, item.code), 0), "unit": item.unit}) for d in depots]
            line["form"] = form or CommitForm(initial={"item": item.code}, depots=choices,
                                              id_prefix=f"commit_{item.code}")
            _choices(line["form"], "depot", choices)
        if posted is not None and not any(line.get("form") is posted for line in lines):
            context["stray_form"] = posted  # an item that is not one of the request's: its message on top
        outstanding = _outstanding(commitments, issues)
        names = {d.code: d.name for d in depots}
        context["to_issue"] = [(line["item"], names.get(depot, depot), n) for line in lines
                               for (item_code, depot), n in sorted(outstanding.items())
                               if item_code == line["item"].code]
        if outstanding or bound.get("issue"):
            context["issue_form"] = bound.get("issue") or _issue_form(None, [line["line"] for line in lines], depots)
        context["allocates"] = True
    return render(request, "supplies/request.html", context)


def _issue_form(data: Any, lines: list[Any], depots: list[Any]) -> IssueForm:
    """The issue form: the request's lines (by item) and the depots in use."""
    items = [(line.item.code, str(line.item)) for line in lines]
    choices = [(d.code, d.name) for d in depots]
    if data is None:
        return IssueForm(initial={"date": dates.today()}, items=items, depots=choices, id_prefix="issue")
    return IssueForm(data, items=items, depots=choices, id_prefix="issue")


@login_required
def request_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A request: its applicant, kind, county, day and use; its lines with 申请 / 已承诺 / 已发放 and the two
    statuses; its commitments and issues as recorded (the receiver whole where the policy grants it, audited;
    masked elsewhere). For the office and HQ: a commitment form per line and the issue form (≤ 390 px: the office
    issues at the depot on a phone). A commitment or an issue is never edited or deleted."""
    return _request_page(request, _found(request, code))


def _allocating(request: HttpRequest, code: str) -> SupplyRequest:
    found = _found(request, code)
    policy.authorize(request.user, found, Action.APPROVE)  # 403 for who sees it but does not allocate
    return found


def _line(found: SupplyRequest, item: str) -> Any:
    return found.lines.select_related("request", "item").filter(item__code=item.strip()[:20]).first()


@login_required
@require_POST
def commit(request: HttpRequest, code: str) -> HttpResponse:
    """承诺 a line's quantity at a depot (at most what is available there and what the line still lacks); refused
    with the limit named, the page drawn again with the message beside the field."""
    found = _allocating(request, code)
    item = str(request.POST.get("item", ""))[:20]
    depots = [(d.code, d.name) for d in services.active_depots()]
    form = CommitForm(request.POST, depots=depots, id_prefix=f"commit_{item}")
    if form.is_valid():
        line = _line(found, form.cleaned_data["item"])
        if line is None:
            form.add_error(None, _("该申请没有物资“%(code)s”") % {"code": item})
        else:
            try:
                made = actions.commit(actor_of(request), line, form.cleaned_data["depot"],
                                      form.cleaned_data["quantity"])
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已承诺：%(item)s %(n)s%(unit)s（%(depot)s）") % {
                    "item": line.item.name, "n": made.quantity, "unit": line.item.unit, "depot": made.depot.name})
                return redirect("supplies:request", code=found.code)
    return _request_page(request, found, {"commit": form, "commit_item": item})


@login_required
@require_POST
def issue(request: HttpRequest, code: str) -> HttpResponse:
    """发放 a line's quantity at a depot (at most what is committed there and not yet issued), signed for by the
    receiver; refused with the limit named, the page drawn again with the message beside the field."""
    found = _allocating(request, code)
    form = _issue_form(request.POST, services.lines_of(found), services.active_depots())
    if form.is_valid():
        data = form.cleaned_data
        line = _line(found, data["item"])
        if line is None:
            form.add_error("item", _("该申请没有物资“%(code)s”") % {"code": data["item"]})
        else:
            try:
                made = actions.issue(actor_of(request), line, data["depot"], data["quantity"], data["receiver"],
                                     data["date"])
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已发放：%(item)s %(n)s%(unit)s（%(depot)s，%(day)s）") % {
                    "item": line.item.name, "n": made.quantity, "unit": line.item.unit, "depot": made.depot.name,
                    "day": made.date.isoformat()})
                return redirect("supplies:request", code=found.code)
    return _request_page(request, found, {"issue": form})


# --- the coverage --------------------------------------------------------------------------------------------------


def _coverage_rows(request: HttpRequest, result: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Per county (a county's operator: its own) the requesters of each group, how many received something and how
    many all they asked for, and the enterprises resumed on the day; the city's total when every county is shown."""
    district = access.phone_side(request.user) == access.PhoneSide.COUNTY
    own = services.user_county(request.user) if district else None
    by_county: dict[str, dict[str, Any]] = defaultdict(dict)
    for c in result.coverage:
        by_county[c.county][c.group] = {"requesters": c.requesters, "served": c.served, "complete": c.complete,
                                        "resumed": c.resumed}
    empty = {"requesters": 0, "served": 0, "complete": 0, "resumed": None}
    rows = [{"code": code, "name": name, "groups": [by_county[code].get(g, empty) for g, _label in GROUPS]}
            for code, name in services.county_names() if code in by_county and (not district or code == own)]
    if district:
        return rows, None
    total: list[dict[str, Any]] = []
    for n, (group, _label) in enumerate(GROUPS):
        groups = [r["groups"][n] for r in rows]
        total.append({key: sum(g[key] or 0 for g in groups) for key in ("requesters", "served", "complete")}
                     | {"resumed": sum(g["resumed"] or 0 for g in groups) if group == "enterprises" else None})
    return rows, {"groups": total}


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """保障覆盖: per county, the enterprises (resumed on the day, asked, received something, received all), the key
    projects and the grassroots units; the city's total."""
    if not sees_coverage(request.user):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    rows, total = _coverage_rows(request, result)
    return render(request, "supplies/coverage.html", {
        **_page_context(request, day, answer, result), "rows": rows, "total": total, "groups": GROUPS,
        "export": _export_url("supplies:coverage_xlsx", day)})


@login_required
def coverage_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not sees_coverage(request.user) or not SupplyRequest.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = _day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("防疫物资"))
    rows, total = _coverage_rows(request, result)

    def figures(groups: list[Any]) -> list[Any]:
        out: list[Any] = []
        for n, (group, _label) in enumerate(GROUPS):
            g = groups[n]
            if group == "enterprises":
                out.append(g["resumed"] or 0)
            out.extend([g["requesters"], g["served"], g["complete"]])
        return out

    header = [_("区县代码"), _("区县"), _("复工企业"), _("申请企业"), _("已获发放企业"), _("全部发放企业"),
              _("申请重点项目"), _("已获发放重点项目"), _("全部发放重点项目"), _("申请基层单位"), _("已获发放基层单位"),
              _("全部发放基层单位"), _("数据截至")]
    body: list[list[Any]] = [[r["code"], r["name"], *figures(r["groups"]), day] for r in rows]
    if total is not None:
        body.append(["city", _("全市"), *figures(total["groups"]), day])
    sheet = exports.Sheet(_("保障覆盖"), header, body, widths={"B": 16},
                          formats=[None, None, *["0"] * 10, DAY_FORMAT])
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("防疫物资保障覆盖"), day),
                                 object_type="supplies.supplyrequest", object_repr=_("防疫物资保障覆盖"),
                                 detail={"date": day.isoformat(), "rules_version": result.rules_version})
