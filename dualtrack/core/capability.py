"""A capability as one typed contract (能力契约): a :class:`Measure` declares its period kind, its rule set (a frozen
dataclass with bounds), ``load(period, scope) -> Facts`` and a pure ``judge(facts, rules) -> Result``, with its
card, bulletin section, menu entry and worker steps as attributes; core derives the rest from it: the rule set's
validation, the stored judgement (``core.judgements``), the JSON contract and its OpenAPI schema, the API
endpoint, the ``--json`` console command, the Excel export of a result and the 总览 card's data.

A measure is registered once, from its app's ``ready()``::

    capability.register(EconomyMeasure())

Periods are parsed in one place (:func:`parse_period`) for pages, the API and the console, with the same
messages and the same bounds (not before ``DATA_EARLIEST_DAY``, not after the clock's today).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import typing
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django.utils.translation import gettext as _

from . import dates
from .actors import Viewer
from .rules import RuleError, listed, named, out_of_bounds

FactsT = TypeVar("FactsT")
RulesT = TypeVar("RulesT", bound="Rules")
ResultT = TypeVar("ResultT")


# --- periods --------------------------------------------------------------------------------------------------


class PeriodKind(enum.StrEnum):
    """What a result is for: a day (日), a moment (时点), an ISO week (周, named by its Monday), a month (月,
    cumulative figures are "1—N月"), a quarter (季度) or a year (年度)."""

    DAY = "day"
    MOMENT = "moment"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


#: the query/console parameter each kind is asked by (the names the pages and contracts already use)
PARAMETER = {PeriodKind.DAY: "date", PeriodKind.MOMENT: "at", PeriodKind.WEEK: "week", PeriodKind.MONTH: "month",
             PeriodKind.QUARTER: "quarter", PeriodKind.YEAR: "year"}
FORMAT_HINT = {PeriodKind.DAY: "YYYY-MM-DD", PeriodKind.MOMENT: "YYYY-MM-DDTHH:MM", PeriodKind.WEEK: "YYYY-MM-DD",
               PeriodKind.MONTH: "YYYY-MM", PeriodKind.QUARTER: "YYYY-Qn", PeriodKind.YEAR: "YYYY"}


@dataclasses.dataclass(frozen=True, order=True)
class Period:
    """One period: its kind and first day (a moment also its instant, in Asia/Shanghai)."""

    kind: PeriodKind
    start: dt.date
    at: dt.datetime | None = None

    @property
    def key(self) -> str:
        """The period's name in URLs, contracts and the store: ``2020-04-30``, ``2020-04``, ``2020-Q2``, ``2020``."""
        if self.kind == PeriodKind.MOMENT and self.at is not None:
            return self.at.astimezone(dates.SHANGHAI).strftime("%Y-%m-%dT%H:%M")
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return self.start.isoformat()

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        if self.kind == PeriodKind.WEEK:
            return self.start + dt.timedelta(days=6)
        if self.kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
            months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
            year, month = divmod(self.start.month - 1 + months, 12)
            return dt.date(self.start.year + year, month + 1, 1) - dt.timedelta(days=1)
        return self.start

    def __str__(self) -> str:
        return self.key

    @classmethod
    def of(cls, kind: PeriodKind | str, day: dt.date | dt.datetime) -> Period:
        """The period of ``kind`` that holds ``day``."""
        kind = PeriodKind(kind)
        if kind == PeriodKind.MOMENT:
            moment = day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time(18), dates.SHANGHAI)
            return cls(kind, moment.astimezone(dates.SHANGHAI).date(), moment)
        if isinstance(day, dt.datetime):
            day = day.astimezone(dates.SHANGHAI).date()
        if kind == PeriodKind.WEEK:
            return cls(kind, day - dt.timedelta(days=day.weekday()))
        if kind == PeriodKind.MONTH:
            return cls(kind, day.replace(day=1))
        if kind == PeriodKind.QUARTER:
            return cls(kind, dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        if kind == PeriodKind.YEAR:
            return cls(kind, dt.date(day.year, 1, 1))
        return cls(kind, day)


def parse_period(kind: PeriodKind | str, raw: Any) -> Period | None:
    """The one parser of a requested period (pages, API, console): None when absent; ``dates.BadDay`` with a
    message for the user when malformed or outside [``DATA_EARLIEST_DAY``, the clock's today]."""
    kind = PeriodKind(kind)
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if kind == PeriodKind.DAY:
        day = dates.parse_day(text)
        return None if day is None else Period.of(kind, day)
    if kind == PeriodKind.WEEK:
        day = dates.parse_day(text)
        return None if day is None else Period.of(kind, day)
    if kind == PeriodKind.MONTH:
        month = dates.parse_month(text)
        return None if month is None else Period.of(kind, month)
    if kind == PeriodKind.MOMENT:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is None:
            raise dates.BadDay(_("时间“%(value)s”格式不正确，应为 %(hint)s") % {"value": text[:40],
                                                                      "hint": FORMAT_HINT[kind]})
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dates.SHANGHAI)
        dates.parse_day(moment.astimezone(dates.SHANGHAI).date().isoformat())  # the same bounds as a day
        if moment > dates.now():
            raise dates.BadDay(_("时间 %(value)s 晚于当前时间") % {"value": text[:40]})
        return Period.of(kind, moment)
    low, high = dates.earliest_day(), dates.today()
    if kind == PeriodKind.QUARTER:
        ok = len(text) == 7 and text[:4].isdigit() and text[4:6].upper() == "-Q" and text[6] in "1234"
        if not ok:
            raise dates.BadDay(_("季度“%(value)s”格式不正确，应为 YYYY-Qn") % {"value": text[:40]})
        period = Period(kind, dt.date(int(text[:4]), (int(text[6]) - 1) * 3 + 1, 1))
    else:
        if not (len(text) == 4 and text.isdigit()):
            raise dates.BadDay(_("年份“%(value)s”格式不正确，应为 YYYY") % {"value": text[:40]})
        period = Period(kind, dt.date(int(text), 1, 1))
    if period.end < low or period.start > high:
        raise dates.BadDay(_("%(period)s 超出可查询范围（%(low)s 至 %(high)s）") % {
            "period": period.key, "low": low.isoformat(), "high": high.isoformat()})
    return period


# --- rule sets ------------------------------------------------------------------------------------------------


def bound(low: float | None = None, high: float | None = None, *, low_open: bool = False, help: Any = "",
          message: Any = "") -> Any:
    """A rule field's metadata: its bounds (``low_open``: the low bound itself is not allowed), its ``help`` (a
    lazy translation: the field's name for people, on the what-if page and in the messages) and the message for a
    value not acceptable (default: one naming the field and its bounds; a lazy translation, ``%(field)s`` standing
    for the field named as :func:`core.rules.named` names it)."""
    return {"low": low, "high": high, "low_open": low_open, "help": help, "message": message}


@dataclasses.dataclass(frozen=True)
class Rules:
    """A rule set's definition as a frozen dataclass: fields with types and bounds (``field(metadata=bound(…))``),
    read from and written to the JSON kept in ``core.RuleSet``. A subclass adds cross-field checks in
    :meth:`check`."""

    @classmethod
    def parse(cls: type[RulesT], definition: Any) -> RulesT:
        """The rule set from its JSON definition; :class:`RuleError` naming the field when it is not acceptable."""
        if not isinstance(definition, dict):
            raise RuleError(_("规则定义须为 JSON 对象（{…}）"))
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(definition) - set(fields))
        if unknown:
            raise RuleError(_("未知字段：%(unknown)s；可用字段：%(known)s") % {
                "unknown": listed(str(u)[:40] for u in unknown[:10]), "known": listed(fields)})
        values: dict[str, Any] = {}
        for name, f in fields.items():
            if name not in definition:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise RuleError(_("%(field)s未填写") % {"field": cls.named(name)})
                continue
            values[name] = _checked(name, hints[name], definition[name], f.metadata)
        rules = cls(**values)
        rules.check()
        return rules

    def check(self) -> None:
        """Cross-field checks of a subclass (raise :class:`RuleError`, naming the fields by :meth:`named`)."""

    @classmethod
    def named(cls, name: str) -> str:
        """A field for people in a message: its ``help`` (in the reader's language) and its JSON name."""
        f = next((f for f in dataclasses.fields(cls) if f.name == name), None)
        return named(name, f.metadata.get("help", "") if f is not None else "")

    def __getitem__(self, name: str) -> Any:
        """A rule read as in its JSON definition (``rules["fast_rise_days"]``): engines written against the JSON
        read the typed rule set unchanged."""
        if name not in {f.name for f in dataclasses.fields(self)}:
            raise KeyError(name)
        return getattr(self, name)

    @property
    def label(self) -> str:
        """The version that produced a result under these rules (``economy:v3``; ``what-if`` for a substitute)."""
        return str(getattr(self, "_label", "") or "what-if")

    def labelled(self: RulesT, label: str) -> RulesT:
        object.__setattr__(self, "_label", label)
        return self

    def definition(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def described(cls) -> list[dict[str, Any]]:
        """Each field with its type, bounds and help (the what-if page's form; the rule set's documentation)."""
        hints = typing.get_type_hints(cls)
        return [{"name": f.name, "type": getattr(hints[f.name], "__name__", str(hints[f.name])),
                 "low": f.metadata.get("low"), "high": f.metadata.get("high"), "help": f.metadata.get("help", ""),
                 "default": None if f.default is dataclasses.MISSING else f.default}
                for f in dataclasses.fields(cls)]


def _checked(name: str, hint: Any, value: Any, meta: Any) -> Any:
    field = named(name, meta.get("help", ""))

    def refused(default: str) -> RuleError:
        message = meta.get("message")
        return RuleError(str(message) % {"field": field} if message else default)

    if hint is bool:
        if not isinstance(value, bool):
            raise refused(_("%(field)s须为 true 或 false") % {"field": field})
        return value
    if hint in (int, float):
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if hint is int and not (isinstance(value, int) and not isinstance(value, bool)):
            numeric = False
        low, high = meta.get("low"), meta.get("high")
        inside = numeric and (low is None or (value > low if meta.get("low_open") else value >= low)) \
            and (high is None or value <= high)
        if not inside:
            raise refused(out_of_bounds(field, whole=hint is int, low=low, high=high,
                                        low_open=bool(meta.get("low_open"))))
        return value
    if hint is str:
        if not isinstance(value, str):
            raise refused(_("%(field)s须为文字") % {"field": field})
        return value
    return value  # a structured part (a decision list …): checked by the subclass's ``check``


# --- measures -------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MenuEntry:
    label: Any
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 100


@dataclasses.dataclass(frozen=True)
class Step:
    """A worker step of a measure beside the store's (``core.periodic``)."""

    name: str
    run: Callable[[], Any]
    order: int = 50


class Measure(Generic[FactsT, RulesT, ResultT]):
    """A capability's typed contract. Subclasses set the class attributes and implement ``load`` and ``judge``;
    the store keeps one whole-city result per (measure, period, rules version, data version) and
    :meth:`visible` narrows it to what an actor may see."""

    key: ClassVar[str]  # "economy": the store's, the API's and the console's name
    label: ClassVar[Any]  # the capability's name for people
    period_kind: ClassVar[PeriodKind]
    rules_key: ClassVar[str]  # the rule set in ``core.RuleSet``
    rules: ClassVar[type[Rules]]
    result: ClassVar[type]  # the Result dataclass (stored columnar)
    contract: ClassVar[type | None] = None  # the JSON contract's dataclass (OpenAPI schema); see :meth:`as_json`
    sources: ClassVar[tuple[str, ...]] = ()  # ``core.versions`` sources the facts are read from
    format: ClassVar[int] = 1  # bumped when the result's shape changes: older stored results are recomputed
    api_path: ClassVar[str | None] = None  # under /api/v1/
    api_name: ClassVar[str | None] = None  # the URL name of that endpoint
    command: ClassVar[str | None] = None  # the console command printing the contract
    card: ClassVar[tuple[int, Callable[..., Any]] | None] = None  # (order, builder(user, day))
    section: ClassVar[tuple[int, Callable[..., Any]] | None] = None  # (order, builder(ctx)) of the bulletin
    menu: ClassVar[MenuEntry | None] = None
    steps: ClassVar[Sequence[Step]] = ()
    row_key: ClassVar[tuple[str, ...]] = ()  # what names a contract row (the what-if comparison)
    outcome_fields: ClassVar[tuple[str, ...]] = ()  # what a rule decides in a contract row
    outcome_labels: ClassVar[dict[str, Any]] = {}  # a value's name for people (``{"red": _("红灯")}``), any field

    # -- what a subclass gives -----------------------------------------------------------------------------

    def load(self, period: Period, scope: Any = None) -> FactsT:
        raise NotImplementedError

    def judge(self, facts: FactsT, rules: RulesT) -> ResultT:
        raise NotImplementedError

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        """The period pages, the card, the API and the console open on (数据截至) for ``actor``."""
        raise NotImplementedError

    def can_view(self, actor: Viewer) -> bool:
        raise NotImplementedError

    def visible(self, result: ResultT, actor: Viewer) -> ResultT:
        """``result`` narrowed to what ``actor`` may see (the console, None, sees all)."""
        return result

    def as_json(self, result: ResultT) -> dict[str, Any]:
        """The JSON contract (the API's body, ``--json``'s output)."""
        return typing.cast(dict[str, Any], contract_dict(result))

    def text_lines(self, result: ResultT) -> list[str]:
        """The console's lines without ``--json``."""
        return [str(result)]

    def comparison_rows(self, result: ResultT) -> list[dict[str, Any]]:
        """The rows the what-if page compares by ``row_key`` on ``outcome_fields``: the contract's rows."""
        body = self.as_json(result)
        return next((v for v in body.values() if isinstance(v, list) and (not v or isinstance(v[0], dict))), [])

    def row_name(self, row: dict[str, Any]) -> str:
        """A compared row's name for people: its ``name`` if the contract gives one, else its key."""
        key = " · ".join(str(row.get(k)) for k in self.row_key)
        return f"{row['name']}（{key}）" if row.get("name") else key

    def field_label(self, field: str) -> str:
        """A contract field's heading (its ``label``) in the reader's language, else its name."""
        for name, hint in typing.get_type_hints(self.contract).items() if self.contract else ():
            if typing.get_origin(hint) is list:
                found = _row_labels(self.contract, name).get(field)
                if found is not None:
                    return str(found)
        return field

    def outcome_label(self, value: Any, rules: RulesT | None = None) -> str:
        """An outcome for people: 是 / 否, — for none, a list joined, a code by ``outcome_labels``. ``rules``: the
        rules the outcome was judged under (a subclass names a threshold it used: 满4个月), default the current."""
        if value is None or value == []:
            return "—"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, list):
            return "、".join(self.outcome_label(v, rules) for v in value)
        return str(self.outcome_labels.get(value, value))

    def export_sheet(self, result: ResultT) -> tuple[list[str], list[list[Any]]]:
        """The header and rows of the result's Excel export: the contract's rows, a column per field, headed by the
        field's ``label`` (``field(metadata=label("指标"))``) in the reader's language, else its name."""
        body = self.as_json(result)
        name, rows = next(((k, v) for k, v in body.items() if isinstance(v, list) and v and isinstance(v[0], dict)),
                          ("", []))
        flat = [_flatten(row) for row in rows]
        keys = list(dict.fromkeys(k for row in flat for k in row))
        labels = _row_labels(self.contract, name)
        header = [str(labels.get(k, k)) if "." not in k else f"{labels.get(k.split('.')[0], k.split('.')[0])}·"
                  f"{k.split('.', 1)[1]}" for k in keys]
        return header, [[row.get(k) for k in keys] for row in flat]

    # -- derived ----------------------------------------------------------------------------------------------

    @property
    def parameter(self) -> str:
        return PARAMETER[self.period_kind]

    def parse(self, raw: Any) -> Period | None:
        return parse_period(self.period_kind, raw)

    def current_rules(self) -> tuple[str, RulesT]:
        """The current version's label and its parsed rules."""
        from . import rules as rule_sets

        found = rule_sets.current(self.rules_key)
        return found.label, typing.cast(RulesT, _parsed(self.rules, found.label, found.definition))

    def rules_named(self, label: str) -> RulesT:
        """The rules a stored result was judged under, by the version it names (its ``rules_version``:
        ``investment:v2``): the current ones when it names the current version (no query), else that version; the
        current ones when it names no version of the measure's rule set. A trial's rules (``what-if``) are not
        stored: its caller has them."""
        from . import rules as rule_sets

        current_label, current = self.current_rules()
        key, _sep, number = label.rpartition(":v")
        if label == current_label or key != self.rules_key or not number.isdigit():
            return current
        try:
            found = rule_sets.version(key, int(number))
        except RuleError:
            return current
        return typing.cast(RulesT, _parsed(self.rules, found.label, found.definition))


_PARSED_RULES: dict[tuple[type, str, str], Any] = {}


def _parsed(cls: type[Rules], label: str, definition: Any) -> Rules:
    import json

    key = (cls, label, json.dumps(definition, sort_keys=True, default=str))
    if key not in _PARSED_RULES:
        if len(_PARSED_RULES) > 256:
            _PARSED_RULES.clear()
        _PARSED_RULES[key] = cls.parse(definition).labelled(label)
    return typing.cast(Rules, _PARSED_RULES[key])


def label(text: Any, *, json: str | None = None) -> dict[str, Any]:
    """A contract field's metadata: its column heading in exports (a lazy translation) and, where the contract's JSON
    name is not a Python name (``class``), that name."""
    return {"label": text, **({"json": json} if json else {})}


def _row_labels(contract: type | None, name: str) -> dict[str, Any]:
    if contract is None or not name:
        return {}
    hint = typing.get_type_hints(contract).get(name)
    row = (typing.get_args(hint) or (None,))[0]
    if not (dataclasses.is_dataclass(row) and isinstance(row, type)):
        return {}
    return {f.metadata.get("json", f.name): f.metadata["label"] for f in dataclasses.fields(row) if "label" in f.metadata}


def _cell(value: Any) -> Any:
    """A contract value as one spreadsheet cell: a list joined with 、, anything else structured as JSON text."""
    import json

    if isinstance(value, list):
        return "、".join("" if v is None else str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A contract row as columns: a nested object's fields become ``name.field`` columns."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not prefix:
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = _cell(value)
    return flat


def contract_dict(value: Any) -> Any:
    """A contract dataclass as JSON-ready values, its fields in declaration order (the bytes of ``--json``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: contract_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [contract_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: contract_dict(v) for k, v in value.items()}
    return value


_MEASURES: dict[str, Measure[Any, Any, Any]] = {}


def register(measure: Measure[Any, Any, Any]) -> None:
    """Declare ``measure`` (from its app's ``ready()``): its rule set, card, menu entry, worker steps and the
    Excel export of its results are registered from its attributes; the API and the console read :func:`measures`.
    Registering the same key again does nothing."""
    if measure.key in _MEASURES:
        return
    from . import cards, navigation, periodic
    from . import rules as rule_sets

    _MEASURES[measure.key] = measure
    rule_sets.register_rules(measure.rules_key, _validator(measure.rules))
    if measure.card is not None:
        cards.register_card(measure.card[0], measure.key, measure.card[1])
    if measure.menu is not None:
        entry = measure.menu
        navigation.register_menu(entry.label, entry.url_name, entry.visible, order=entry.order)
    for step in measure.steps:
        periodic.register(step.name, step.run, order=step.order)


def _validator(cls: type[Rules]) -> Callable[[Any], None]:
    def validate(definition: Any) -> None:
        cls.parse(definition)

    return validate


def measures() -> list[Measure[Any, Any, Any]]:
    return list(_MEASURES.values())


def measure(key: str) -> Measure[Any, Any, Any]:
    found = _MEASURES.get(key)
    if found is None:
        raise KeyError(key)
    return found


def sections() -> list[tuple[int, str, Callable[..., Any]]]:
    """The bulletin sections the measures declare: (order, name, builder(ctx))."""
    return [(m.section[0], m.key, m.section[1]) for m in _MEASURES.values() if m.section is not None]
