"""疫情形势 (the five-colour map) as a measure (``core.capability``): a day's case reports, clusters and published
levels (the facts, whole city) judged by the rule set ``five-colour`` (DOMAIN.md §3.2) beside the national one
(§3.1, read with the facts; its label is in the result's ``rules_version`` as before) into one row per county;
stored once per day and rules version, narrowed to each reader's counties."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext_lazy

from dualtrack.core import versions
from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, Period, PeriodKind, Rules, bound
from dualtrack.core.choices import Action
from dualtrack.core.rules import validate_decision_list

from . import services
from .choices import FIVE_COLOUR_RULES, Colour
from .models import CaseReport
from .rules import FACTS, FIVE_COLOUR, HELP, validate_five_colour

#: the sources a day's situation is read from; ``rules:national-2020`` is bumped by a revision of the national rule
#: set (the measure's own rule set, ``five-colour``, is its store key)
SOURCES = ("epidemic", "registry", "rules:national-2020")


@dataclass(frozen=True)
class FiveColourRules(Rules):
    """The rule set ``five-colour``: the windows the facts are counted over and the decision list of colours."""

    window_days: int = field(default=14, metadata=bound(1, 60, help=HELP["window_days"]))
    recent_days: int = field(default=3, metadata=bound(1, 60, help=HELP["recent_days"]))
    rules: list[Any] = field(default_factory=lambda: list(FIVE_COLOUR["rules"]), metadata=bound(
        help=HELP["colour_rules"]))

    @classmethod
    def parse(cls, definition: Any) -> FiveColourRules:
        validate_five_colour(definition)  # the messages rule sets have always given
        return super().parse(definition)

    def check(self) -> None:
        validate_decision_list(self.rules, FACTS, set(Colour.values), "rules", HELP["colour_rules"])


@dataclass
class RegionRow:
    """One county's situation on the day (flat: stored as a column per field)."""

    code: str
    name: str
    county_name: str
    urban: bool
    reported: bool
    level: str
    colour: str
    suggested_colour: str
    published: bool
    cumulative_confirmed: int
    new_confirmed_14d: int
    new_confirmed_3d: int
    local_confirmed_14d: int
    cluster_14d: bool
    days_since_last_case: int | None
    rt_mean: float | None
    rt_low: float | None
    rt_high: float | None
    rt_reliable: bool | None
    new_confirmed: int | None
    new_local: int
    cumulative_local: int
    cumulative_imported: int
    new_asymptomatic: int
    new_suspected: int
    cumulative_cured: int
    cumulative_deaths: int
    cure_rate: float | None
    publication_colour: str | None = None
    publication_reason: str | None = None
    why: str = ""  # the rule and facts behind the level and the colour (JSON), for ``--why`` and the county page


RISK = ("level", "colour", "suggested_colour", "published", "cumulative_confirmed", "new_confirmed_14d",
        "new_confirmed_3d", "local_confirmed_14d", "cluster_14d", "days_since_last_case", "rt_mean", "rt_low",
        "rt_high", "rt_reliable")
METRICS = ("new_confirmed", "new_local", "cumulative_local", "cumulative_imported", "new_asymptomatic",
           "new_suspected", "cumulative_cured", "cumulative_deaths", "cure_rate")


@dataclass
class Situation:
    """The whole city's situation on a day: the city's figures (a JSON object, as in the contract), the national
    strategies (a district's figures are made from its rows with them) and the counties' rows."""

    day: dt.date
    rules_version: str
    city: dict[str, Any]
    strategy: dict[str, str]
    regions: list[RegionRow]


def region_row(region: dict[str, Any]) -> RegionRow:
    publication = region.get("publication") or {}
    return RegionRow(code=region["code"], name=region["name"], county_name=region["county_name"],
                     urban=bool(region["urban"]), reported=region["reported"],
                     **{k: region["risk"][k] for k in RISK}, **{k: region["metrics"][k] for k in METRICS},
                     publication_colour=publication.get("colour"), publication_reason=publication.get("reason"),
                     why=json.dumps(region["why"], ensure_ascii=False) if "why" in region else "")


def region_json(row: RegionRow, with_why: bool = False) -> dict[str, Any]:
    """A row as in ``dualtrack situation --json`` (the keys in today's order)."""
    region: dict[str, Any] = {"code": row.code, "name": row.name, "county_name": row.county_name, "urban": row.urban,
                              "risk": {k: getattr(row, k) for k in RISK}, "reported": row.reported,
                              "metrics": {k: getattr(row, k) for k in METRICS}}
    if row.publication_colour is not None:
        region["publication"] = {"colour": row.publication_colour, "reason": row.publication_reason}
    if with_why and row.why:
        region["why"] = json.loads(row.why)
    return region


def judge(facts: services.SituationFacts, rules: FiveColourRules) -> Situation:
    data = services.judge_situation(facts, rules, rules.label, with_why=True)
    return Situation(day=facts.day, rules_version=data["rules_version"], city=data["city"],
                     strategy=dict(facts.national["strategy"]), regions=[region_row(r) for r in data["regions"]])


@dataclass
class SituationContract:
    """``/api/v1/epidemic/situation`` and ``dualtrack situation --epidemic-only --json``."""

    date: str
    rules_version: str
    city: dict[str, Any]
    regions: list[dict[str, Any]]


class EpidemicMeasure(Measure[services.SituationFacts, FiveColourRules, Situation]):
    """疫情形势: each county's risk level (§3.1) and five-colour grade (§3.2) on a day, with its metrics and Rt."""

    key = "epidemic"
    label = gettext_lazy("疫情形势")
    period_kind = PeriodKind.DAY
    rules_key = FIVE_COLOUR_RULES
    rules = FiveColourRules
    result = Situation
    contract = SituationContract
    sources = SOURCES
    format = 1
    api_path = "epidemic/situation"
    api_name = "api-epidemic-situation"
    row_key = ("code",)
    outcome_fields = ("suggested_colour", "colour")
    outcome_labels = dict(Colour.choices)

    def load(self, period: Period, scope: Any = None) -> services.SituationFacts:
        return services.load_facts(period.start, None)

    def judge(self, facts: services.SituationFacts, rules: FiveColourRules) -> Situation:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, versions.bound(on))

    def can_view(self, actor: Viewer) -> bool:
        return bool(CaseReport.permits(actor, Action.VIEW))

    def visible(self, result: Situation, actor: Viewer) -> Situation:
        """The counties ``actor`` sees (a park operator's county under the park's name); the city's figures
        made from those rows when they are not all."""
        if actor is None:
            return result
        codes = {c.code for c in services.counties_for(actor)}
        names = services.scope_names(actor)
        if codes >= {r.code for r in result.regions} and not names:
            return result
        rows = [replace(r, name=names.get(r.code, r.name)) for r in result.regions if r.code in codes]
        city = services.scope_summary([region_json(r) for r in rows], result.strategy)
        return replace(result, city=city, regions=rows)

    def as_json(self, result: Situation, with_why: bool = False) -> dict[str, Any]:
        return {"date": result.day.isoformat(), "rules_version": result.rules_version, "city": result.city,
                "regions": [region_json(r, with_why) for r in result.regions]}

    def comparison_rows(self, result: Situation) -> list[dict[str, Any]]:
        return [{"code": r.code, "name": r.name, "suggested_colour": r.suggested_colour, "colour": r.colour}
                for r in result.regions]

    def text_lines(self, result: Situation) -> list[str]:
        return [f"{result.day}  {result.rules_version}"] + [
            f"  {r.code} {r.name:<6} {r.colour:<6}{'*' if r.published else ' '} {r.level:<6}" for r in result.regions]


_MEASURE = EpidemicMeasure()


def measure() -> EpidemicMeasure:
    return _MEASURE
