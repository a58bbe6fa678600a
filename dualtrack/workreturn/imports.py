"""The worker-return datasets (DOMAIN.md §10, §12): labour demand, workers, trips, manifests, boardings, arrivals
and receipts. A manifest over the seat rule is refused whole; a boarding that the rules refuse is recorded as a
refusal with its reason (an event, not a bad row)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import privacy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from . import engine, services
from .choices import ATTESTATION_ALIASES
from .models import Boarding, LabourDemand, ManifestEntry, Receipt, Trip, Worker
from .policy import bound_to_home_county, plans_demand

Rows = list[tuple[int, dict[str, Any]]]
PERSONAL = ("name", "phone", "id_hash", "id_key", "id_last4")  # audited as "…" when they change
ID_NUMBER = re.compile(r"\d{17}[\dX]")
PHONE = re.compile(r"1[3-9]\d{9}")


def _moment(value: Any) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (or an Excel date-time) in Asia/Shanghai."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    raw = p.text(value)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime(raw, fmt).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise p.CellError(_("“%(value)s”不是有效时间(格式 YYYY-MM-DD HH:MM)") % {"value": raw[:30]})


def _temperature(value: Any) -> Decimal:
    number = p.decimal_number(value)
    if not Decimal("30") <= number <= Decimal("45"):
        raise p.CellError(_("体温 %(value)s 不在合理范围(30–45℃)") % {"value": number})
    return number.quantize(Decimal("0.1"))


def _attestation(value: Any) -> str:
    raw = p.text(value)
    if raw not in ATTESTATION_ALIASES:
        raise p.CellError(_("“%(value)s”不是有效的证明类型(健康证明/14天无外出证明/健康码绿码)") % {"value": raw})
    return ATTESTATION_ALIASES[raw]


def _id_number(value: Any) -> str:
    raw = p.code(value)
    if not ID_NUMBER.fullmatch(raw):
        raise p.CellError(_("身份证号应为18位"))
    return raw


def _phone(value: Any) -> str:
    raw = re.sub(r"[\s-]", "", p.text(value))
    if not PHONE.fullmatch(raw):
        raise p.CellError(_("手机号应为11位"))
    return raw


def _county_code(value: Any) -> str:
    raw = p.code(value)
    if not re.fullmatch(r"\d{6}", raw):
        raise p.CellError(_("区划代码应为6位数字"))
    return raw


def _village(value: Any) -> str:
    raw = p.code(value)
    if not re.fullmatch(r"\d{12}", raw):
        raise p.CellError(_("村代码应为12位数字"))
    return raw


def _message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _planner(user: Viewer) -> bool:
    return plans_demand(user)


@register
class LabourDemandDataset(Dataset):
    name = "labour_demand"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("用工需求")
    natural_key = ("uscc", "position", "origin_code")
    batch_size = None
    model, import_action = LabourDemand, Action.REPORT  # an enterprise (or its liaison officer) reports its own
    columns = [
        Column("uscc", "统一社会信用代码", p.code, example="91339102MA2XXXXXXX"),
        Column("position", "岗位", example="装配工", max_length=100),
        Column("headcount", "需求人数", p.non_negative_int, example=40),
        Column("origin_code", "来源地区划代码", _county_code, example="640402",
               help=gettext_lazy("务工人员户籍所在区县(可在本市以外)")),
        Column("needed_by", "需到岗日期", p.date, example="2020-02-20", when=DateKind.PLAN),
        # Optional beyond the contract: the origin's name, shown instead of its code.
        Column("origin_name", "来源地名称", required=False, blank=True, default="", example="宁夏固原市原州区",
               max_length=50),
    ]

    def can_import(self, user: Viewer) -> bool:
        return LabourDemand.permits(user, Action.REPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        reachable = registry.enterprises_for(user, Action.VIEW) if not _planner(user) else registry.all_enterprises()
        return {"enterprises": dict(reachable.values_list("uscc", "id")), "origins": _origins()}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在或不在您的范围内"), values["uscc"])
        if values["headcount"] == 0:
            ctx.error("headcount", _("需求人数须大于0"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {(d.enterprise_id, d.position, d.origin_code): d for d in LabourDemand.objects.all()}
        for number, v in rows:
            key = {"enterprise_id": state["enterprises"][v["uscc"]], "position": v["position"],
                   "origin_code": v["origin_code"]}
            target = {"headcount": v["headcount"], "needed_by": v["needed_by"],
                      "origin_id": state["origins"].get(v["origin_code"])}
            if "origin_name" in v:
                target["origin_name"] = v["origin_name"]
            upsert(LabourDemand, key, target, existing.get(tuple(key.values())), user, ctx, row=(number, v))


def _origins() -> dict[str, int]:
    """The city's counties by code: an origin or a home among them is linked to it (most are outside the city and
    kept by their code)."""
    return registry.county_ids_by_code()


@register
class WorkerDataset(Dataset):
    name = "workers"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("务工人员")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "登记编号", p.code, example="GY2020-000123", max_length=30),
        Column("name", "姓名", example="马建军", max_length=50),
        Column("phone", "手机号", _phone, example="13900000000"),
        Column("id_number", "身份证号", _id_number, example="640402199001011234"),
        Column("village_code", "户籍村代码", _village, example="640402100201"),
        Column("uscc", "意向企业信用代码", p.code, example="91339102MA2XXXXXXX"),
        Column("poor_labourer", "贫困劳动力", p.boolean, required=False, blank=True, default=False, example="否"),
        Column("attestation_kind", "健康证明类型", _attestation, example="14天无外出证明"),
        Column("attestation_date", "证明日期", p.date, example="2020-02-12"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return Worker.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        own = getattr(user, "county", None) if bound_to_home_county(user) else None
        return {"origins": _origins(), "own_county": own.code if own else None,
                "enterprises": dict(registry.all_enterprises().values_list("uscc", "id")),
                "existing": dict(Worker.objects.values_list("code", "home_county__code"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        county = values["village_code"][:6]
        if state["own_county"] and county != state["own_county"]:
            ctx.error("village_code", _("只能登记本区县户籍的务工人员"), values["village_code"])
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在"), values["uscc"])

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        seen = Counter(privacy.keyed_hash(v["id_number"]) for _r, v in rows)
        for row, v in rows:
            if seen[privacy.keyed_hash(v["id_number"])] > 1:
                ctx.row = row
                ctx.error("id_number", _("身份证号在文件中重复"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = Worker.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            target = {"name": v["name"], "phone": v["phone"], **privacy.id_fields(v["id_number"]),
                      "village_code": v["village_code"],
                      "home_code": v["village_code"][:6], "home_county_id": state["origins"].get(v["village_code"][:6]),
                      "enterprise_id": state["enterprises"][v["uscc"]],
                      "attestation_kind": v["attestation_kind"], "attestation_date": v["attestation_date"]}
            if "poor_labourer" in v or v["code"] not in existing:
                target["poor_labourer"] = v.get("poor_labourer", False)
            shown = {"code": v["code"], "village_code": v["village_code"], "uscc": v["uscc"],
                     "attestation_kind": v["attestation_kind"], "attestation_date": v["attestation_date"]}
            worker = upsert(Worker, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v),
                            shown=shown, hidden=PERSONAL)
            if worker is not None:  # None: refused (another scope's record), the file is rolled back
                services.worker_identified.send(Worker, worker=worker, id_number=v["id_number"])


@register
class TripDataset(Dataset):
    name = "trips"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("返岗车次")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "车次编号", p.code, example="DDD-2020-001", max_length=30),
        Column("origin_code", "出发地区划代码", _county_code, example="640402"),
        Column("uscc", "目的企业信用代码", p.code, example="91339102MA2XXXXXXX"),
        Column("departure", "出发时间", _moment, example="2020-02-15 07:00", when=DateKind.PLAN),
        Column("plate", "车牌号", example="宁A12345", max_length=20),
        Column("seats", "核载座位", p.non_negative_int, example=44),
        Column("escort", "带队人", required=False, blank=True, default="", example="王强", max_length=50),
        Column("origin_name", "出发地名称", required=False, blank=True, default="", example="宁夏固原市原州区",
               max_length=50),
    ]

    def can_import(self, user: Viewer) -> bool:
        return _planner(user)

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"origins": _origins(), "enterprises": dict(registry.all_enterprises().values_list("uscc", "id")),
                "trips": {t.code: t for t in Trip.objects.all()}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在"), values["uscc"])
        if not 1 <= values["seats"] <= 80:
            ctx.error("seats", _("核载座位应在1到80之间"), values["seats"])
            return
        try:  # the page's rule: the seats may not fall below twice the manifest
            services.check_seats(state["trips"].get(values["code"]), values["seats"])
        except ValidationError as exc:
            ctx.error("seats", _message(exc), values["seats"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = Trip.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            target = {"origin_code": v["origin_code"], "origin_id": state["origins"].get(v["origin_code"]),
                      "enterprise_id": state["enterprises"][v["uscc"]], "departure": v["departure"],
                      "plate": v["plate"], "seats": v["seats"]}
            for optional in ("escort", "origin_name"):  # a file without the column leaves the value alone
                if optional in v:
                    target[optional] = v[optional]
            upsert(Trip, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v))


@register
class ManifestDataset(Dataset):
    name = "trip_manifest"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("乘车名单")
    natural_key = ("trip", "worker")
    batch_size = None
    columns = [
        Column("trip", "车次编号", p.code, example="DDD-2020-001"),
        Column("worker", "登记编号", p.code, example="GY2020-000123"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return _planner(user)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.core import rules as rule_sets

        from .rules import RULES_KEY

        return {"trips": {t.code: t for t in Trip.objects.all()},
                "workers": {w.code: w for w in Worker.objects.only("id", "code", "enterprise_id", "home_code")},
                "on_trips": dict(ManifestEntry.objects.values_list("worker__code", "trip__code")),
                "rules": rule_sets.current(RULES_KEY).definition}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        trip, worker = state["trips"].get(values["trip"]), state["workers"].get(values["worker"])
        if trip is None:
            ctx.error("trip", _("车次不存在"), values["trip"])
        if worker is None:
            ctx.error("worker", _("务工人员不存在"), values["worker"])
        elif state["on_trips"].get(values["worker"], values["trip"]) != values["trip"]:
            ctx.error("worker", _("已在车次 %(trip)s 的名单上") % {"trip": state["on_trips"][values["worker"]]},
                      values["worker"])
        elif trip is not None:
            try:  # the page's rule: registered for the trip's enterprise, from its origin
                services.check_rider(trip, worker)
            except ValidationError as exc:
                ctx.error("worker", _message(exc), values["worker"])

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        """The seat rule per trip, on the manifest as it will be (those already on it and the file's): a trip over
        ⌊0.5 × seats⌋ refuses the whole file."""
        current: dict[str, set[str]] = {}
        for worker, trip in state["on_trips"].items():
            current.setdefault(trip, set()).add(worker)
        for _row, v in rows:
            current.setdefault(v["trip"], set()).add(v["worker"])
        for row, v in rows:
            trip = state["trips"].get(v["trip"])
            if trip is None:
                continue
            limit = engine.capacity(trip.seats, state["rules"])
            if len(current[v["trip"]]) > limit:
                ctx.row = row
                ctx.error("trip", _("车次 %(trip)s 核载 %(seats)s 座,最多乘坐 %(limit)s 人(一人两座),名单共 %(n)s 人") % {
                    "trip": v["trip"], "seats": trip.seats, "limit": limit, "n": len(current[v["trip"]])}, v["trip"])
                return

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        """Each trip's manifest through the page's action (:func:`services.set_manifest`): those already on it and
        the file's."""
        by_trip: dict[str, Rows] = {}
        for number, v in rows:
            by_trip.setdefault(v["trip"], []).append((number, v))
        for code, trip_rows in by_trip.items():
            trip = state["trips"][code]
            if not ctx.may_change(user, trip, trip_rows[0]):
                continue
            on_it = list(Worker.objects.filter(pk__in=ManifestEntry.objects.filter(trip=trip).values("worker_id")))
            present = {w.code for w in on_it}
            added = [state["workers"][v["worker"]] for _n, v in trip_rows if v["worker"] not in present]
            try:
                services.set_manifest(user, trip, on_it + added)
            except ValidationError as exc:
                ctx.row = trip_rows[0][0]
                ctx.error("trip", _message(exc), code)
                continue
            result.created += len(added)
            result.unchanged += len(trip_rows) - len(added)


class _TripEvents(Dataset):
    def can_import(self, user: Viewer) -> bool:
        return Trip.permits(user, Action.REPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"trips": {t.code: t for t in Trip.objects.restrict(user, Action.REPORT)},
                "workers": {w.code: w for w in Worker.objects.all()},
                "manifest": set(ManifestEntry.objects.values_list("trip__code", "worker__code"))}


@register
class BoardingDataset(_TripEvents):
    name = "boardings"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("上车检查")
    natural_key = ("worker", "trip")
    batch_size = None
    columns = [
        Column("worker", "登记编号", p.code, example="GY2020-000123"),
        Column("trip", "车次编号", p.code, example="DDD-2020-001"),
        Column("boarded_at", "上车时间", _moment, example="2020-02-15 06:40"),
        Column("temperature", "体温", _temperature, example="36.5"),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["trip"] not in state["trips"]:
            ctx.error("trip", _("车次不存在或不在您的范围内"), values["trip"])
        elif (values["trip"], values["worker"]) not in state["manifest"]:
            ctx.error("worker", _("不在该车次的名单上"), values["worker"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {(b.trip_id, b.worker_id): b for b in Boarding.objects.all()}
        for _row, v in rows:
            trip, worker = state["trips"][v["trip"]], state["workers"][v["worker"]]
            old = existing.get((trip.pk, worker.pk))
            if old is not None and old.boarded_at == v["boarded_at"] and old.temperature == v["temperature"]:
                result.unchanged += 1
                continue
            services.record_boarding(user, trip, worker, v["temperature"], v["boarded_at"])
            if old is None:
                result.created += 1
            else:
                result.updated += 1


@register
class ArrivalDataset(_TripEvents):
    name = "arrivals"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("车次到达")
    natural_key = ("trip",)
    batch_size = None
    columns = [
        Column("trip", "车次编号", p.code, example="DDD-2020-001"),
        Column("arrived_at", "到达时间", _moment, example="2020-02-16 18:30"),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        trip = state["trips"].get(values["trip"])
        if trip is None:
            ctx.error("trip", _("车次不存在或不在您的范围内"), values["trip"])
        elif trip.arrived_at is not None and trip.arrived_at != values["arrived_at"]:
            ctx.error("arrived_at", _("车次 %(trip)s 已于 %(at)s 到达，到达时间不能更改") % {
                "trip": trip.code, "at": trip.arrived_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")})
        elif values["arrived_at"] < trip.departure:
            ctx.error("arrived_at", _("到达时间早于出发时间"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for _row, v in rows:
            trip = state["trips"][v["trip"]]
            if trip.arrived_at == v["arrived_at"]:
                result.unchanged += 1
                continue
            created = trip.arrived_at is None
            services.record_arrival(user, trip, v["arrived_at"])
            if created:
                result.created += 1
            else:
                result.updated += 1


@register
class ReceiptDataset(Dataset):
    name = "receipts"
    source = "worker-return"  # the stored campaigns (core.judgements) are stale after an import
    label = gettext_lazy("回执单")
    natural_key = ("worker",)
    batch_size = None
    columns = [
        Column("worker", "登记编号", p.code, example="GY2020-000123"),
        Column("receipt_at", "回执时间", _moment, example="2020-02-18 09:00"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return Trip.permits(user, Action.REPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        arrived = set(Boarding.objects.filter(allowed=True, trip__arrived_at__isnull=False).values_list(
            "worker__code", flat=True))
        return {"workers": {w.code: w for w in Worker.objects.restrict(user)}, "arrived": arrived,
                "receipts": dict(Receipt.objects.values_list("worker__code", "receipt_at"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["worker"] not in state["workers"]:
            ctx.error("worker", _("务工人员不存在或不在您的范围内"), values["worker"])
        elif values["worker"] not in state["arrived"]:
            ctx.error("worker", _("尚未随车到达,不能回执"), values["worker"])
        elif state["receipts"].get(values["worker"], values["receipt_at"]) != values["receipt_at"]:
            ctx.error("receipt_at", _("已于 %(at)s 回执,不能更改") % {
                "at": state["receipts"][values["worker"]].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")})

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for _row, v in rows:
            if v["worker"] in state["receipts"]:
                result.unchanged += 1
                continue
            services.record_receipt(user, state["workers"][v["worker"]], v["receipt_at"])
            result.created += 1
