"""The epidemic situation (疫情形势) for any date: facts, suggested and published levels, metrics, Rt.

One computation serves the map, the table, the API, ``dualtrack situation`` and the bulletin. It is a
pure function of the data and the rule-set versions it names: the same date and versions give the same
numbers, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, errors, judgements, policy, rules
from dualtrack.core.actors import Actor, Viewer, as_user
from dualtrack.core.capability import Period, PeriodKind
from dualtrack.core.choices import Action
from dualtrack.core.lazy import lazy
from dualtrack.core.models import RuleSet
from dualtrack.core.scoping import ensure_in_scope
from dualtrack.registry import services as registry

from . import rt
from .choices import COLOUR_ORDER, FIVE_COLOUR_RULES, LEVEL_ORDER, NATIONAL_RULES, Colour
from .legend import colour_legend  # noqa: F401  (the five-colour map's legend, for 总览, the bulletin)
from .models import CaseReport, ClusterEvent, PublishedLevel
from .policy import sees_own_county

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy("numpy")

FIELDS = ("new_confirmed", "new_local", "new_asymptomatic", "new_suspected", "new_cured", "new_deaths")


@dataclass(frozen=True)
class RuleVersions:
    national: RuleSet
    five_colour: RuleSet

    @property
    def label(self) -> str:
        return f"{self.national.label},{self.five_colour.label}"

    @classmethod
    def resolve(cls, label: str | None = None) -> RuleVersions:
        """The current versions, or those named by a label such as ``national-2020:v1,five-colour:v2``."""
        if not label:
            return cls(rules.current(NATIONAL_RULES), rules.current(FIVE_COLOUR_RULES))
        named = dict(part.split(":v") for part in label.split(","))
        return cls(rules.version(NATIONAL_RULES, int(named[NATIONAL_RULES])),
                   rules.version(FIVE_COLOUR_RULES, int(named[FIVE_COLOUR_RULES])))


@dataclass
class Series:
    """Daily series per county, oldest first: ``values[field]`` is an array (counties × days)."""

    start: dt.date
    end: dt.date
    county_ids: list[int]
    values: dict[str, np.ndarray]
    clusters: np.ndarray

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def cumulative(self, name: str) -> np.ndarray:
        """Running totals of a series (``clusters`` or a field), computed once per series."""
        cache = self.__dict__.setdefault("_cumulative", {})
        if name not in cache:
            cache[name] = np.cumsum(self.clusters if name == "clusters" else self.values[name], axis=1)
        return cache[name]

    def window_sum(self, name: str, day: dt.date, days: int) -> np.ndarray:
        cumulative = self.cumulative(name)
        t = self.index(day)
        before = cumulative[:, t - days] if t - days >= 0 else 0
        return cumulative[:, t] - before


def load_series(county_ids: list[int], end: dt.date, begin: dt.date | None = None) -> Series:
    reports = CaseReport.objects.filter(county_id__in=county_ids, date__lte=end)
    first = reports.order_by("date").values_list("date", flat=True).first()
    first_cluster = ClusterEvent.objects.filter(county_id__in=county_ids, date__lte=end).order_by("date") \
        .values_list("date", flat=True).first()
    start = min(d for d in (first, first_cluster, begin, end) if d is not None)
    days = (end - start).days + 1
    position = {pk: i for i, pk in enumerate(county_ids)}
    values = {f: np.zeros((len(county_ids), days), dtype=np.int64) for f in FIELDS}
    rows = np.array(list(reports.values_list("county_id", "date", *FIELDS)), dtype=object).reshape(-1, 2 + len(FIELDS))
    if len(rows):
        ci = np.array([position[c] for c in rows[:, 0]])
        ti = np.array([(d - start).days for d in rows[:, 1]])
        for k, field in enumerate(FIELDS):
            values[field][ci, ti] = rows[:, 2 + k].astype(np.int64)
    clusters = np.zeros((len(county_ids), days), dtype=np.int64)
    for county_id, day in ClusterEvent.objects.filter(county_id__in=county_ids, date__lte=end, date__gte=start) \
            .values_list("county_id", "date"):
        clusters[position[county_id], (day - start).days] += 1
    return Series(start=start, end=end, county_ids=county_ids, values=values, clusters=clusters)


def facts_on(series: Series, day: dt.date, window: int, recent: int) -> list[dict[str, Any]]:
    """The facts each county is graded on, for ``day``."""
    t = series.index(day)
    cumulative = series.cumulative("new_confirmed")[:, t]
    new_w = series.window_sum("new_confirmed", day, window)
    new_r = series.window_sum("new_confirmed", day, recent)
    local_w = series.window_sum("new_local", day, window)
    cluster_w = series.window_sum("clusters", day, window)
    return [{"cumulative": int(cumulative[i]), "new14": int(new_w[i]), "new3": int(new_r[i]),
             "local14": int(local_w[i]), "cluster14": bool(cluster_w[i] > 0)} for i in range(len(series.county_ids))]


def _rt_fields(series: Series, index: int, day: dt.date) -> dict[str, Any]:
    t = series.index(day)
    estimate = rt.estimate(series.values["new_confirmed"][index, : t + 1])
    if estimate is None:
        return {"rt_mean": None, "rt_low": None, "rt_high": None, "rt_reliable": None}
    return {"rt_mean": round(estimate.mean, 3), "rt_low": round(estimate.low, 3), "rt_high": round(estimate.high, 3),
            "rt_reliable": estimate.reliable}


def counties_for(user: Viewer) -> list[Any]:
    """The counties whose situation ``user`` may see (all of them for the console)."""
    counties = list(registry.counties())
    if user is None:
        return counties
    if not CaseReport.permits(user, Action.VIEW) or not policy.signed_in(user):
        return []
    if sees_own_county(user):
        own = user.county_id or registry.park_county_id(user.park_id)
        return [c for c in counties if c.pk == own]
    return counties


def scope_names(user: Viewer) -> dict[str, str]:
    """A park operator sees the county their park lies in under the park's name (its rows, its map): county code
    → park name. Empty for everyone else."""
    if user is None or not sees_own_county(user) or getattr(user, "county_id", None):
        return {}
    park = getattr(user, "park", None)
    return {park.county.code: park.name} if park is not None and park.county_id else {}


@dataclass(frozen=True)
class CountyFact:
    pk: int
    code: str
    name: str
    urban: bool


@dataclass(frozen=True)
class Publication:
    colour: str
    reason: str


@dataclass(frozen=True)
class SituationFacts:
    """What a day's situation is judged from: the counties, their daily series through the day, the published
    levels and the reports of the day, the national rule set (the five-colour one is the measure's rules) and the
    city's name."""

    day: dt.date
    counties: list[CountyFact]
    series: Series
    published: dict[int, Publication]
    reported: set[int]
    national_label: str
    national: dict[str, Any]
    city_code: str | None
    city_name: str | None
    names: dict[str, str]


def load_facts(day: dt.date, user: Viewer = None, national: RuleSet | None = None) -> SituationFacts:
    """The facts of ``day`` for the counties ``user`` sees (every county when None)."""
    national = national or rules.current(NATIONAL_RULES)
    counties = [CountyFact(c.pk, c.code, c.name, bool(c.urban)) for c in counties_for(user)]
    ids = [c.pk for c in counties]
    published = {county_id: Publication(colour, reason) for county_id, colour, reason in PublishedLevel.objects.filter(
        date=day, county_id__in=ids).values_list("county_id", "colour", "reason")}
    reported = set(CaseReport.objects.filter(date=day, county_id__in=ids).values_list("county_id", flat=True))
    city = registry.city()
    return SituationFacts(day, counties, load_series(ids, day), published, reported, national.label,
                          national.definition, city.code if city else None, city.name if city else None,
                          scope_names(user))


def situation(day: dt.date, user: Viewer = None, rules_label: str | None = None, with_why: bool = False) -> dict[str, Any]:
    """The situation on ``day`` for every county in ``user``'s scope (every county when ``user`` is None): the stored
    judgement (``core.judgements``, computed now when missing or stale) narrowed to the user's counties; with
    other rule-set versions than the current ones, computed for the occasion and not stored."""
    if rules_label and rules_label != RuleVersions.resolve().label:
        return compute_situation(day, user, rules_label, with_why)
    found = judgements.ensure(_measure(), Period.of(PeriodKind.DAY, day))
    return _measure().as_json(_measure().visible(found.result, user), with_why=with_why)


def _measure() -> Any:
    """The situation as a measure, looked up where it was registered (``measure.py`` builds on this module)."""
    from dualtrack.core import capability

    return capability.measure("epidemic")


def read_situation(day: dt.date) -> Any:
    """What a page shows of ``day`` (``judgements.read``): the stored situation, or ``Pending`` while computed."""
    return judgements.read(_measure(), Period.of(PeriodKind.DAY, day))


def scoped(found: Any, user: Viewer, with_why: bool = False) -> dict[str, Any]:
    """A stored situation (``judgements.Stored``) as ``user`` sees it: the JSON of ``situation``."""
    return _measure().as_json(_measure().visible(found.result, user), with_why=with_why)


def compute_situation(day: dt.date, user: Viewer = None, rules_label: str | None = None,
                      with_why: bool = False) -> dict[str, Any]:
    """The situation computed now under the rule-set versions ``rules_label`` names (nothing stored)."""
    versions = RuleVersions.resolve(rules_label)
    facts = load_facts(day, user, versions.national)
    return judge_situation(facts, versions.five_colour.definition, versions.five_colour.label, with_why)


def judge_situation(facts: SituationFacts, five: Any, five_label: str, with_why: bool = False) -> dict[str, Any]:
    """The situation of ``facts.day`` judged by the national rule set and the five-colour one (``five``: its
    definition or the typed rules). Pure: the facts and the rules in, the situation out."""
    day, series, national = facts.day, facts.series, facts.national
    counties, names, published, reported = facts.counties, facts.names, facts.published, facts.reported
    national_facts = facts_on(series, day, national["window_days"], 3)
    five_facts = facts_on(series, day, five["window_days"], five["recent_days"])
    t = series.index(day)
    regions = []
    for i, county in enumerate(counties):
        level = rules.decide(national["rules"], national_facts[i])
        colour = rules.decide(five["rules"], five_facts[i])
        pub = published.get(county.pk)
        confirmed = series.values["new_confirmed"][i, : t + 1]
        cases_days = np.nonzero(confirmed)[0]
        cumulative = five_facts[i]["cumulative"]
        cured = int(series.values["new_cured"][i, : t + 1].sum())
        risk: dict[str, Any] = {
            "level": level.outcome,
            "colour": pub.colour if pub else colour.outcome,
            "suggested_colour": colour.outcome,
            "published": pub is not None,
            "cumulative_confirmed": cumulative,
            "new_confirmed_14d": five_facts[i]["new14"],
            "new_confirmed_3d": five_facts[i]["new3"],
            "local_confirmed_14d": five_facts[i]["local14"],
            "cluster_14d": five_facts[i]["cluster14"],
            "days_since_last_case": int(t - cases_days[-1]) if len(cases_days) else None,
            **_rt_fields(series, i, day),
        }
        # A county without a case report for the day is 未报送: its new cases are unknown (null), not zero.
        region: dict[str, Any] = {
            "code": county.code, "name": names.get(county.code, county.name), "county_name": county.name,
            "urban": county.urban, "risk": risk,
            "reported": county.pk in reported,
            "metrics": {
                "new_confirmed": (int(confirmed[-1]) if len(confirmed) else 0) if county.pk in reported else None,
                "new_local": int(series.values["new_local"][i, t]),
                "cumulative_local": int(series.values["new_local"][i, : t + 1].sum()),
                "cumulative_imported": cumulative - int(series.values["new_local"][i, : t + 1].sum()),
                "new_asymptomatic": int(series.values["new_asymptomatic"][i, t]),
                "new_suspected": int(series.values["new_suspected"][i, t]),
                "cumulative_cured": cured,
                "cumulative_deaths": int(series.values["new_deaths"][i, : t + 1].sum()),
                "cure_rate": round(cured / cumulative, 4) if cumulative else None,
            },
        }
        if pub:
            region["publication"] = {"colour": pub.colour, "reason": pub.reason}
        if with_why:
            region["why"] = {
                "level": {"rule": level.rule_index, "conditions": level.conditions, "facts": national_facts[i]},
                "colour": {"rule": colour.rule_index, "conditions": colour.conditions, "facts": five_facts[i]},
            }
        regions.append(region)
    return {"date": day.isoformat(), "rules_version": f"{facts.national_label},{five_label}",
            "city": _city(regions, national, series, day, facts.city_code, facts.city_name), "regions": regions}


def _city(regions: list[dict[str, Any]], national: dict[str, Any], series: Series, day: dt.date,
          code: str | None, name: str | None) -> dict[str, Any]:
    """The city proper's level: the highest among its urban counties (DOMAIN.md §3.1)."""
    t = series.index(day)
    city_daily = series.values["new_confirmed"][:, : t + 1].sum(axis=0)
    case_days = np.nonzero(city_daily)[0]
    estimate = rt.estimate(city_daily)
    rt_fields = {"rt_mean": round(estimate.mean, 3) if estimate else None,
                 "rt_low": round(estimate.low, 3) if estimate else None,
                 "rt_high": round(estimate.high, 3) if estimate else None,
                 "rt_reliable": estimate.reliable if estimate else None}
    return summary(regions, national["strategy"], int(t - case_days[-1]) if len(case_days) else None, rt_fields,
                   code=code, name=name)


def summary(regions: list[dict[str, Any]], strategies: dict[str, str], days_since_last_case: int | None,
            rt_fields: dict[str, Any], *, code: str | None, name: str | None) -> dict[str, Any]:
    """The whole of some counties: the city's, or a district's scope made from its stored county rows."""
    urban = [r for r in regions if r["urban"]] or regions
    level = max((r["risk"]["level"] for r in urban), key=lambda v: LEVEL_ORDER[v], default="low")
    colour = max((r["risk"]["colour"] for r in regions), key=lambda v: COLOUR_ORDER[v], default="green")
    total = sum(r["risk"]["cumulative_confirmed"] for r in regions)
    cured = sum(r["metrics"]["cumulative_cured"] for r in regions)
    reported = [r for r in regions if r["reported"]]
    return {
        "code": code, "name": name,
        "reporting": {"counties_reported": len(reported), "counties": len(regions),
                      "missing": [r["name"] for r in regions if not r["reported"]]},
        "risk": {"level": level, "strategy": strategies[level], "highest_colour": colour,
                 "cumulative_confirmed": total,
                 # the reported counties' new cases; unknown (null) when no county has reported for the day
                 "new_confirmed": sum(r["metrics"]["new_confirmed"] for r in reported) if reported else None,
                 "new_confirmed_14d": sum(r["risk"]["new_confirmed_14d"] for r in regions),
                 "cumulative_cured": cured, "cure_rate": round(cured / total, 4) if total else None,
                 "cumulative_deaths": sum(r["metrics"]["cumulative_deaths"] for r in regions),
                 "new_asymptomatic": sum(r["metrics"]["new_asymptomatic"] for r in regions),
                 "new_suspected": sum(r["metrics"]["new_suspected"] for r in regions),
                 "days_since_last_case": days_since_last_case, **rt_fields,
                 "colour_counts": {c: sum(r["risk"]["colour"] == c for r in regions) for c in Colour.values}},
    }


def scope_summary(regions: list[dict[str, Any]], strategies: dict[str, str]) -> dict[str, Any]:
    """A district's whole from its county rows (Rt is the county's when the scope is one county)."""
    single = regions[0]["risk"] if len(regions) == 1 else {}
    days = [r["risk"]["days_since_last_case"] for r in regions if r["risk"]["days_since_last_case"] is not None]
    city = registry.city()
    return summary(regions, strategies, min(days) if days else None,
                   {k: single.get(k) for k in ("rt_mean", "rt_low", "rt_high", "rt_reliable")},
                   code=city.code if city else None, name=city.name if city else None)


def strategies(rules_label: str | None = None) -> dict[str, str]:
    return dict(RuleVersions.resolve(rules_label).national.definition["strategy"])


def situation_json(situation_data: dict[str, Any]) -> str:
    """The canonical JSON form: same situation, same bytes."""
    return json.dumps(situation_data, ensure_ascii=False, sort_keys=True, indent=1)


HISTORY_DAYS = 366  # the longest colour timeline a page draws


def colour_history(county_id: int, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Day by day suggested and effective colour of one county, for its timeline and the 调级 record."""
    versions = RuleVersions.resolve()
    five = versions.five_colour.definition
    series = load_series([county_id], end, begin=start)
    published = dict(PublishedLevel.objects.filter(county_id=county_id, date__range=(start, end))
                     .values_list("date", "colour"))
    history = []
    day = start
    while day <= end:
        facts = facts_on(series, day, five["window_days"], five["recent_days"])[0]
        suggested = rules.decide(five["rules"], facts).outcome
        estimate = _rt_fields(series, 0, day)
        history.append({"date": day.isoformat(), "suggested": suggested, "colour": published.get(day, suggested),
                        "published": day in published, "new_confirmed": int(
                            series.values["new_confirmed"][0, series.index(day)]), **estimate})
        day += dt.timedelta(days=1)
    return history


def level_changes(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The days on which the effective colour changed (调级)."""
    changes = []
    for before, after in zip(history, history[1:], strict=False):
        if before["colour"] != after["colour"]:
            changes.append({"date": after["date"], "from": before["colour"], "to": after["colour"],
                            "published": after["published"]})
    return changes


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def publish_level(actor: Actor, county: Any, day: dt.date, colour: str, reason: str) -> PublishedLevel:
    """Publish the official colour of ``county`` for ``day`` (发布等级). A colour that differs from the
    suggestion needs a written reason. Audited with before and after."""
    policy.authorize_create(actor, PublishedLevel, Action.PUBLISH)
    if colour not in Colour.values:
        raise ValidationError({"colour": _("无效的等级")})
    current = situation(day)
    region = next((r for r in current["regions"] if r["code"] == county.code), None)
    if region is None:
        raise ValidationError({"county": _("区县（市）不存在")})
    suggested = region["risk"]["suggested_colour"]
    if colour != suggested and not reason.strip():
        raise ValidationError({"reason": _("发布等级与系统建议（%(suggested)s）不同，须填写理由") % {
            "suggested": Colour(suggested).label}})
    existing = PublishedLevel.objects.select_for_update().filter(date=day, county=county).first()
    before = audit.snapshot(existing) if existing else None
    obj = existing or PublishedLevel(date=day, county=county)
    obj.colour, obj.suggested_colour, obj.reason = colour, suggested, reason.strip()
    obj.rules_version, obj.published_by = current["rules_version"], as_user(actor)
    obj.save()
    audit.record_change(actor, obj, before)
    ensure_in_scope(obj, actor, Action.PUBLISH)
    return obj


@transaction.atomic
def save_case_report(actor: Actor, county: Any, day: dt.date, values: dict[str, int]) -> tuple[CaseReport, bool]:
    """Create or correct one county's report for one day (HQ entry form and API); audited.
    Returns the report and whether it changed."""
    policy.authorize_create(actor, CaseReport, Action.REPORT)
    if day > dates.today():
        raise ValidationError({"date": _("日期晚于今天")})
    if values.get("new_local", 0) > values.get("new_confirmed", 0):
        raise ValidationError({"new_local": _("本地病例数不能多于新增确诊数")})
    existing = CaseReport.objects.select_for_update().filter(date=day, county=county).first()
    before = audit.snapshot(existing) if existing else None
    report = existing or CaseReport(date=day, county=county)
    for field in FIELDS:
        setattr(report, field, int(values.get(field, 0)))
    if existing is not None and audit.snapshot(report) == before:
        return report, False
    try:
        with transaction.atomic():  # the same county and day sent twice at once meets the unique constraint
            report.save()
    except IntegrityError as exc:
        raise errors.ConcurrentChange(message=_("该区县当日数据刚由他人报送，请刷新后核对。")) from exc
    audit.record_change(actor, report, before)
    ensure_in_scope(report, actor, Action.REPORT)
    return report, True


def data_quality(start: dt.date, end: dt.date, user: Viewer = None) -> list[dict[str, Any]]:
    """Counties and days with no case report (未报告) between ``start`` and ``end``."""
    counties = counties_for(user)
    reported = set(CaseReport.objects.filter(date__range=(start, end), county__in=counties)
                   .values_list("county_id", "date"))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    result = []
    for county in counties:
        missing = [d.isoformat() for d in days if (county.pk, d) not in reported]
        result.append({"code": county.code, "name": county.name, "missing": missing, "days": len(days)})
    return result


def date_range() -> tuple[dt.date | None, dt.date | None]:
    """The first and last dates with case data, for the date slider."""
    dates = CaseReport.objects.order_by("date").values_list("date", flat=True)
    return dates.first(), dates.last()


def map_geojson(user: Viewer = None) -> dict[str, Any]:
    """The counties' boundaries as a FeatureCollection for the map."""
    names = scope_names(user)
    features = [{"type": "Feature", "properties": {"name": names.get(c.code, c.name), "code": c.code},
                 "geometry": c.geometry}
                for c in counties_for(user) if c.geometry]
    return {"type": "FeatureCollection", "features": features}


def risk_levels(days: Any) -> tuple[str, dict[tuple[str, dt.date], str]]:
    """The national grading (§3.1, ``low``/``medium``/``high``) of every county on each of ``days`` under the current
    national rule set: (its version, {(county code, day): level}). One series read for all the days (a filing's
    checklist is judged at its county's level on its decision day, DOMAIN.md §16)."""
    wanted = sorted(set(days))
    found: dict[tuple[str, dt.date], str] = {}
    national = rules.current(NATIONAL_RULES)
    if not wanted:
        return national.label, found
    codes = dict(registry.counties().values_list("pk", "code"))
    ids = list(codes)
    if not ids:
        return national.label, found
    series = load_series(ids, wanted[-1], wanted[0])
    definition = national.definition
    for day in wanted:
        for i, fact in enumerate(facts_on(series, day, definition["window_days"], 3)):
            found[(codes[ids[i]], day)] = str(rules.decide(definition["rules"], fact).outcome)
    return national.label, found


def clusters_in_enterprises(end: dt.date) -> list[tuple[int, dt.date, int, int]]:
    """The clusters up to ``end`` that name the enterprise they arose in: (cluster id, day, enterprise id, county
    id), oldest first (DOMAIN.md §16)."""
    return list(ClusterEvent.objects.filter(enterprise__isnull=False, date__lte=end).order_by("date", "pk")
                .values_list("pk", "date", "enterprise_id", "county_id"))


def cluster_events(ids: Any) -> list[ClusterEvent]:
    """The clusters of ``ids``, oldest first."""
    return list(ClusterEvent.objects.filter(pk__in=list(ids)).order_by("date", "pk"))
