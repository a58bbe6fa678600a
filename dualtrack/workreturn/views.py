"""点对点返岗 pages: the demand board, the trip plan and a trip's manifest, the phone scanning page, unreturned
receipts, and the three slips as PDF."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, dates, exportjobs, policy
from dualtrack.core.actors import Viewer, actor_of
from dualtrack.core.choices import Action, AuditAction, DateKind
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.forms import DayField, MomentField
from dualtrack.core.models import ExportStatus
from dualtrack.core.pdf import PdfUnavailable
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, validation_messages
from dualtrack.core.views_exports import progress_context
from dualtrack.core.views_judgements import pending
from dualtrack.registry import services as registry

from . import services, slips
from .choices import AttestationKind
from .models import Boarding, LabourDemand, ManifestEntry, Trip, Worker


def nav(user: Viewer) -> dict[str, bool]:
    """Which of the section's pages the user may open (the sub-menu shows only those)."""
    return {"can_scan": Trip.permits(user, Action.REPORT), "can_demand": LabourDemand.permits(user, Action.REPORT),
            "can_register": Worker.permits(user, Action.IMPORT), "can_trip": Trip.permits(user, Action.IMPORT)}


def _require_view(request: HttpRequest) -> None:
    if not Trip.permits(request.user, Action.VIEW):
        raise PermissionDenied


@login_required
def board(request: HttpRequest) -> HttpResponseBase:
    """需求对接: per enterprise, workers requested, on a trip, arrived (and fulfilment), beside the workers on duty
    the enterprise reported itself (never changed by these); per origin county, workers registered and sent. As of
    the clock's now, or of the end of ``?date=`` (``services.as_of``: the moment the card on 总览 says and links
    to)."""
    _require_view(request)
    now = services.as_of(dates.requested_day(request, dates.today))  # today: the clock's now
    state, answer = services.read(now, request.user)  # the stored campaign; 计算中 while it is computed
    if state is None:
        return pending(request, answer, _("点对点返岗"))
    by_enterprise = {e["uscc"]: e for e in state.enterprises}
    on_trip = dict(ManifestEntry.objects.restrict(request.user).values("worker__enterprise__uscc").annotate(
        n=Count("pk")).values_list("worker__enterprise__uscc", "n"))
    names = dict(registry.all_enterprises().filter(uscc__in=list(by_enterprise)).values_list("uscc", "name"))
    ids = registry.enterprise_ids_by_uscc(list(by_enterprise))
    from dualtrack.resumption import services as resumption

    on_duty = resumption.latest_workers_on_duty(list(ids.values()))
    judged = services.rules_of(state.rules_version)  # the rules the campaign was judged under
    rows = [{**e, "name": names.get(e["uscc"], e["uscc"]), "on_trip": on_trip.get(e["uscc"], 0),
             "on_duty": on_duty.get(ids.get(e["uscc"], 0)),
             "oversupplied": services.engine.oversupplied(e["arrived"], e["requested"], judged)}
            for e in state.enterprises]
    if request.GET.get("format") == "xlsx":
        return _board_xlsx(request, rows, now, state.rules_version)
    origins = list(Worker.objects.restrict(request.user).values("home_code").annotate(
        registered=Count("pk"), poor=Count("pk", filter=Q(poor_labourer=True))).order_by("home_code"))
    sent = dict(services.boarded(Boarding.objects.restrict(request.user).filter(boarded_at__lte=now))
                .values("worker__home_code")
                .annotate(n=Count("pk")).values_list("worker__home_code", "n"))
    place_names = services.origin_names()
    for origin in origins:
        origin["sent"] = sent.get(origin["home_code"], 0)
        origin["name"] = place_names.get(origin["home_code"], origin["home_code"])
    demand = LabourDemand.objects.restrict(request.user).aggregate(n=Sum("headcount"))["n"] or 0
    arrived = sum(1 for w in state.workers if w.state in ("arrived", "received"))
    return render(request, "workreturn/board.html", {**nav(request.user),
        "rows": rows, "origins": origins, "demand": demand, "arrived": arrived, "now": now,
        "overdue": sum(1 for w in state.workers if w.receipt_overdue),
        "poor_arrived": sum(1 for w in state.workers if w.poor_labourer and w.state in ("arrived", "received")),
        "rules_version": state.rules_version, "oversupplied": sum(1 for r in rows if r["oversupplied"]),
        "oversupply": judged})


def _board_xlsx(request: HttpRequest, rows: list[dict[str, Any]], now: Any, rules_version: str) -> HttpResponseBase:
    """需求对接 as an .xlsx: the board's enterprise rows, with 超需求接收 (the rule set's flag) as a column."""
    from dualtrack.core import exports

    sheet = exports.Sheet(_("企业用工需求对接"), [
        _("统一社会信用代码"), _("企业"), _("需求人数"), _("已排车"), _("已到岗"), _("满足率"), _("超需求接收"), _("企业自报在岗"),
        _("数据截至")], ([r["uscc"], r["name"], r["requested"], r["on_trip"], r["arrived"], r["fulfilment"],
                          _("是") if r["oversupplied"] else _("否"), r["on_duty"][1] if r["on_duty"] else None, now]
                         for r in rows), widths={"B": 36}, formats=[None, None, "0", "0", "0", "0.0%"])
    day = now.astimezone(SHANGHAI).date()
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("点对点返岗需求对接"), day),
                                 object_type="workreturn.labourdemand", object_repr=_("企业用工需求对接"),
                                 detail={"at": now.isoformat(), "rules_version": rules_version})


@login_required
def trips(request: HttpRequest) -> HttpResponse:
    """车次计划: every trip with its seats, passengers within the seat rule, workers on board (their current
    boarding), refusals (every one recorded, re-checked or not) and arrival."""
    _require_view(request)
    queryset = Trip.objects.restrict(request.user).select_related("origin", "enterprise").annotate(
        passengers=Count("manifest", distinct=True),
        refused=Count("boardings", filter=Q(boardings__allowed=False), distinct=True)).order_by("departure", "code")
    _label, definition = services.rules()
    page = paginate(request, queryset)
    on_board = dict(services.boarded(Boarding.objects.filter(trip__in=[t.pk for t in page])).values("trip_id")
                    .annotate(n=Count("pk")).values_list("trip_id", "n"))
    for trip in page:
        trip.boarded = on_board.get(trip.pk, 0)
        trip.capacity = services.engine.capacity(trip.seats, definition)
        trip.may_see_manifest = policy.may(request.user, trip, Action.EXPORT)
    return render(request, "workreturn/trips.html", {**nav(request.user), "page": page})


@login_required
def trip(request: HttpRequest, code: str) -> HttpResponse:
    """A trip and its manifest: for the origin county, the bureau, the receiving enterprise and HQ only (404 for
    anyone else); every view is audited. Its arrival is recorded here too."""
    found = get_scoped_or_404(Trip.objects.select_related("origin", "enterprise"), request.user, Action.EXPORT,
                              code=code.upper()[:30])
    if request.method == "POST":
        try:
            if request.POST.get("action") == "manifest":
                chosen = list(services.manifest_candidates(found).filter(code__in=request.POST.getlist("worker")))
                count = services.set_manifest(actor_of(request), found, chosen)
                messages.success(request, _("乘车名单已保存：%(n)s 人") % {"n": count})
            else:
                count = services.record_arrival(actor_of(request), found)
                messages.success(request, _("已记录到达：%(n)s 人随车到达，回执单三个工作日内返回") % {"n": count})
        except ValidationError as exc:
            validation_messages(request, exc)
        return redirect("workreturn:trip", code=found.code)
    entries = list(ManifestEntry.objects.filter(trip=found).select_related("worker").order_by("worker__code"))
    events = list(Boarding.objects.filter(trip=found).order_by("boarded_at", "pk"))
    history: dict[int, list[Boarding]] = {}
    for event in events:
        history.setdefault(event.worker_id, []).append(event)
    place_names = services.origin_names()
    # names, phones and boarding notes through the one masking path, the worker's policy deciding (each worker
    # shown whole audited)
    people = services.persons(request.user, [e.worker for e in entries], events)
    notes = {pk: note for person in people for pk, note in person.notes.items()}
    for event in events:
        event.shown_note = notes.get(event.pk, "")  # type: ignore[attr-defined]
    manifest = [{"worker": e.worker, "person": person, "home": place_names.get(e.worker.home_code, e.worker.home_code),
                 "boarding": history[e.worker_id][-1] if e.worker_id in history else None,
                 "earlier": history.get(e.worker_id, [])[:-1]} for e, person in zip(entries, people, strict=True)]
    _label, definition = services.rules()
    can_plan = policy.may(request.user, found, Action.IMPORT) and not Boarding.objects.filter(trip=found).exists()
    on_trip = {e.worker_id for e in entries}
    return render(request, "workreturn/trip.html", {**nav(request.user),
        "trip": found, "manifest": manifest, "capacity": services.engine.capacity(found.seats, definition),
        "candidates": [(w, w.pk in on_trip) for w in services.manifest_candidates(found)[:200]] if can_plan else [],
        "can_plan": can_plan,
        "can_arrive": found.arrived_at is None and policy.may(request.user, found, Action.REPORT)})


def _pdf(request: HttpRequest, params: dict[str, str], name: str) -> HttpResponse:
    """The slips' PDF when printed; until then a page with the print job's place in the queue and progress,
    which looks again (``slips.queue``: at most ``PDF_CONCURRENCY`` print at once)."""
    workers, trip = slips.chosen(request.user, params)
    if not workers:
        raise Http404
    try:
        job = slips.queue(request.user, params, workers, trip, name)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    path = exportjobs.file_of(job)
    if job.status != ExportStatus.DONE or not path.exists():
        # The job names the file and counts the workers (``workreturn/_slips_head.html``), as its refresh does.
        return render(request, "workreturn/slips_pending.html", {**nav(request.user), **progress_context(job)})
    audit.record(request.user, AuditAction.EXPORT, trip or workers[0], detail={"slips": [w.code for w in workers]})
    response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    return response


@login_required
def trip_slips(request: HttpRequest, code: str) -> HttpResponse:
    return _pdf(request, {"trip": code.upper()[:30]}, f"三联单-车次{code.upper()[:30]}.pdf")


@login_required
def worker_slips(request: HttpRequest, code: str) -> HttpResponse:
    return _pdf(request, {"worker": code.upper()[:30]}, f"三联单-{code.upper()[:30]}.pdf")


SCAN_MODES = [("boarding", "上车扫码"), ("arrival", "到达扫码"), ("receipt", "到岗回执")]


@login_required
def scan(request: HttpRequest) -> HttpResponse:
    """扫码: a phone scans the slip's QR code (or the code is typed): at boarding, with the temperature taken;
    at arrival (the worker's trip arrives); at the enterprise (the receipt). Every scan answers with the worker's
    code and what was recorded."""
    if not Trip.permits(request.user, Action.REPORT):
        raise PermissionDenied
    mode = request.POST.get("mode") or request.GET.get("mode") or "boarding"
    mode = mode if mode in dict(SCAN_MODES) else "boarding"
    trips_in_scope = Trip.objects.restrict(request.user, Action.REPORT).order_by("-departure")[:50]
    trip_code = (request.POST.get("trip") or request.GET.get("trip") or "").strip().upper()[:30]
    outcome: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            worker = services.worker_by_slip(request.user, request.POST.get("code", ""))
            outcome = _scan(request, mode, worker, trip_code)
            outcome["person"] = _identity(request.user, worker)
        except ValidationError as exc:
            validation_messages(request, exc)
        except Http404:
            messages.error(request, _("未找到该三联单或不在您的范围内"))
    # The temperature typed is kept only when nothing was recorded (a missing trip, an unknown slip): once a
    # passenger's scan is recorded, the field starts empty for the next one (a 37.5 must not board the next).
    return render(request, "workreturn/scan.html", {**nav(request.user),
        "modes": SCAN_MODES, "mode": mode, "trips": trips_in_scope, "trip_code": trip_code, "outcome": outcome,
        "temperature": "" if outcome else request.POST.get("temperature", "")[:10]})


def _identity(user: Viewer, worker: Worker) -> dict[str, str]:
    """Who the slip belongs to, to compare with the person in front of the scanner, without a photo: the name as
    ``user`` may see it (whole for the home county, the bureau and the receiving enterprise, masked for others;
    through the one masking path, a whole view audited), the ID number's and the phone's last four characters."""
    person = services.person(user, worker)
    digits = "".join(c for c in person.phone if c.isdigit())
    return {"code": worker.code, "name": person.name, "id_tail": person.id_number[-4:],
            "phone_tail": digits[-4:] if len(digits) >= 4 else ""}


def _scan(request: HttpRequest, mode: str, worker: Worker, trip_code: str) -> dict[str, Any]:
    actor = actor_of(request)
    if mode == "boarding":
        found = Trip.objects.restrict(request.user, Action.REPORT).filter(code=trip_code).first()
        if found is None:
            raise ValidationError({"trip": _("请选择车次")})
        try:
            temperature = Decimal(request.POST.get("temperature", "").strip())
        except InvalidOperation as exc:
            raise ValidationError({"temperature": _("请填写体温，如 36.5")}) from exc
        boarding = services.record_boarding(actor, found, worker, temperature,
                                            note=request.POST.get("note", "")[:200])
        if boarding.allowed:
            return {"ok": True, "worker": worker.code, "text": _("准予上车"), "temperature": temperature}
        return {"ok": False, "worker": worker.code, "text": _("不准上车"), "reason": boarding.get_reason_display(),
                "temperature": temperature}
    if mode == "arrival":
        boarding = services.boarded(Boarding.objects.filter(worker=worker)).select_related("trip").order_by(
            "-boarded_at", "-pk").first()
        if boarding is None:
            raise ValidationError({"worker": _("%(worker)s 尚未上车") % {"worker": worker.code}})
        if boarding.trip.arrived_at is None:
            services.record_arrival(actor, boarding.trip)
        return {"ok": True, "worker": worker.code, "text": _("车次 %(trip)s 已到达") % {"trip": boarding.trip.code}}
    services.record_receipt(actor, worker)
    return {"ok": True, "worker": worker.code, "text": _("回执已记录，闭环完成")}


@login_required
def receipts(request: HttpRequest) -> HttpResponse:
    """未回执: workers who arrived and whose receipt has not come back, due and overdue first."""
    _require_view(request)
    now = dates.now()
    pending = Worker.objects.restrict(request.user).filter(receipt_due_at__isnull=False, receipt__isnull=True) \
        .select_related("enterprise").order_by("receipt_due_at", "code")
    page = paginate(request, pending)
    for worker in page:
        worker.overdue = worker.receipt_due_at < now
    return render(request, "workreturn/receipts.html", {**nav(request.user), "page": page, "now": now,
                                                         "can_receipt": Trip.permits(request.user, Action.REPORT)})


# --- the forms: demand, a worker, a trip and its manifest -------------------------------------------------------

class DemandForm(forms.Form):
    enterprise = forms.ChoiceField(label=gettext_lazy("企业"))
    position = forms.CharField(label=gettext_lazy("岗位"), max_length=100)
    headcount = forms.IntegerField(label=gettext_lazy("需求人数"), min_value=1, max_value=10000)
    origin_code = forms.CharField(label=gettext_lazy("来源地区划代码"), max_length=6, min_length=6)
    origin_name = forms.CharField(label=gettext_lazy("来源地名称"), max_length=50, required=False)
    needed_by = DayField(label=gettext_lazy("需到岗日期"), when=DateKind.PLAN)


@login_required
def demand_new(request: HttpRequest) -> HttpResponse:
    """发布用工需求: an enterprise for itself; a liaison officer, the bureau or HQ for an enterprise they may."""
    policy.authorize_create(request.user, LabourDemand, Action.REPORT)
    reachable = registry.enterprises_for(request.user).order_by("name")
    choices = [(e.uscc, e.name) for e in reachable[:500]]
    form = DemandForm(request.POST or None, initial={"needed_by": dates.today()})
    form.fields["enterprise"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        enterprise = reachable.filter(uscc=form.cleaned_data["enterprise"]).first()
        try:
            services.post_demand(actor_of(request), enterprise, form.cleaned_data["position"],
                                 form.cleaned_data["headcount"], form.cleaned_data["origin_code"],
                                 form.cleaned_data["needed_by"], form.cleaned_data["origin_name"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("用工需求已发布"))
            return redirect("workreturn:board")
    return render(request, "workreturn/form.html", {**nav(request.user), "form": form, "title": _("发布用工需求")})


class WorkerForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("登记编号"), max_length=30)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=18, min_length=18)
    village_code = forms.CharField(label=gettext_lazy("户籍村代码"), max_length=12, min_length=12)
    enterprise = forms.ChoiceField(label=gettext_lazy("意向企业"))
    poor_labourer = forms.BooleanField(label=gettext_lazy("建档立卡贫困劳动力"), required=False)
    attestation_kind = forms.ChoiceField(label=gettext_lazy("健康证明类型"), choices=AttestationKind.choices)
    attestation_date = DayField(label=gettext_lazy("证明日期"))


@login_required
def worker_new(request: HttpRequest) -> HttpResponse:
    """登记务工人员: the home county (its villages), the bureau or HQ; the enterprises with demand to choose from."""
    policy.authorize_create(request.user, Worker, Action.IMPORT)
    with_demand = LabourDemand.objects.values("enterprise_id")
    enterprises = registry.all_enterprises().filter(pk__in=with_demand).order_by("name")
    form = WorkerForm(request.POST or None, initial={"attestation_date": dates.today()})
    form.fields["enterprise"].choices = [(e.uscc, e.name) for e in enterprises]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker = services.register_worker(
                actor_of(request), code=data["code"], name=data["name"], phone=data["phone"],
                id_number=data["id_number"], village_code=data["village_code"],
                enterprise=enterprises.get(uscc=data["enterprise"]), attestation_kind=data["attestation_kind"],
                attestation_date=data["attestation_date"], poor_labourer=data["poor_labourer"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(code)s，可打印三联单") % {"code": worker.code})
            return redirect("workreturn:board")
    return render(request, "workreturn/form.html", {**nav(request.user), "form": form, "title": _("登记务工人员")})


class TripForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("车次编号"), max_length=30)
    origin_code = forms.CharField(label=gettext_lazy("出发地区划代码"), max_length=6, min_length=6)
    origin_name = forms.CharField(label=gettext_lazy("出发地名称"), max_length=50, required=False)
    enterprise = forms.ChoiceField(label=gettext_lazy("目的企业"))
    departure = MomentField(label=gettext_lazy("出发时间"), when=DateKind.PLAN,
                            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    plate = forms.CharField(label=gettext_lazy("车牌号"), max_length=20)
    seats = forms.IntegerField(label=gettext_lazy("核载座位"), min_value=1, max_value=80)
    escort = forms.CharField(label=gettext_lazy("带队人"), max_length=50, required=False)


@login_required
def trip_new(request: HttpRequest) -> HttpResponse:
    """一车一方案: HQ or the bureau plans a trip against the demand, then picks its passengers on the trip's page."""
    policy.authorize_create(request.user, Trip, Action.IMPORT)
    enterprises = registry.all_enterprises().filter(pk__in=LabourDemand.objects.values("enterprise_id")).order_by("name")
    form = TripForm(request.POST or None)
    form.fields["enterprise"].choices = [(e.uscc, e.name) for e in enterprises]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trip = services.plan_trip(actor_of(request), code=data["code"], origin_code=data["origin_code"],
                                      enterprise=enterprises.get(uscc=data["enterprise"]), departure=data["departure"],
                                      plate=data["plate"], seats=data["seats"], escort=data["escort"],
                                      origin_name=data["origin_name"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("车次已保存，请选择乘车人员"))
            return redirect("workreturn:trip", code=trip.code)
    return render(request, "workreturn/form.html", {**nav(request.user), "form": form, "title": _("安排车次")})
