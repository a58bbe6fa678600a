"""亩均论英雄 (DOMAIN.md §18): the year the pages open on, the stored result read and narrowed, what other apps read
(an enterprise's classes over the years, the class as a policy's eligibility field)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import AssessmentStatus
from .models import Assessment, AssessmentRow, EnterpriseAnnual


def as_of_year(on: dt.date | None = None, user: Viewer = None) -> int | None:
    """The year the pages open on, not after the clock's year: for those who run the assessment (HQ, the office) and
    the console, the latest year with annual figures or an assessment (the draft they work on); for everyone else
    the latest year published or final (a draft is the office's working copy), else as for the office. None when
    there is none."""
    from dualtrack.core import dates

    from .policy import runs_assessment

    limit = (on or dates.today()).year
    if user is not None and not runs_assessment(user):
        shown = Assessment.objects.filter(year__lte=limit).exclude(status=AssessmentStatus.DRAFT).order_by(
            "-year").values_list("year", flat=True).first()
        if shown is not None:
            return int(shown)
    years = [y for y in (EnterpriseAnnual.objects.filter(year__lte=limit).order_by("-year").values_list(
        "year", flat=True).first(), Assessment.objects.filter(year__lte=limit).order_by("-year").values_list(
        "year", flat=True).first()) if y is not None]
    return max(years) if years else None


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("assessment")


def _period(year: int) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period(PeriodKind.YEAR, dt.date(year, 1, 1))


def can_view(user: Viewer) -> bool:
    return Assessment.permits(user, Action.VIEW)


def in_menu(user: Viewer) -> bool:
    return Assessment.permits(user, Action.VIEW)


def narrowed(result: Any, user: Viewer) -> Any:
    """The whole city's result narrowed to the rows ``user`` may see: an enterprise only its own and only once the
    year is published (a draft is the office's); a county its enterprises'; the counts and parks stay."""
    if user is None:
        return result
    from dualtrack.core import policy

    if policy.scope(user, AssessmentRow, Action.VIEW) is policy.ALL:
        return result
    from dualtrack.registry import services as registry

    from .policy import is_enterprise

    if is_enterprise(user) and result.status == AssessmentStatus.DRAFT:
        return dataclasses.replace(result, enterprises=[], bases=[])
    seen = set(registry.enterprises_for(user).values_list("pk", flat=True))
    return dataclasses.replace(result, enterprises=[r for r in result.enterprises if r.enterprise_id in seen])


def evaluate(year: int, user: Viewer = None) -> Any:
    from dualtrack.core import judgements

    return narrowed(judgements.ensure(_measure(), _period(year)).result, user)


def read(year: int, user: Viewer) -> tuple[Any, Any]:
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(year))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def latest(year: int) -> Assessment | None:
    return Assessment.objects.filter(year=year).order_by("-version").first()


def classes_of(enterprise_id: int) -> list[tuple[int, str, str]]:
    """An enterprise's classes over the years, from the final (else published) assessments: (year, class, status)."""
    rows = AssessmentRow.objects.filter(enterprise_id=enterprise_id).exclude(
        assessment__status=AssessmentStatus.DRAFT).order_by("assessment__year", "assessment__version").values_list(
        "assessment__year", "grade", "assessment__status")
    found: dict[int, tuple[str, str]] = {}
    for year, grade, status in rows:
        found[year] = (grade, status)  # the latest version of the year wins
    return [(year, grade, status) for year, (grade, status) in sorted(found.items())]


def final_class(enterprise_id: int, year: int) -> str | None:
    """The class an enterprise was given in the final assessment of ``year`` (a policy's eligibility field)."""
    return AssessmentRow.objects.filter(enterprise_id=enterprise_id, assessment__year=year,
                                        assessment__status=AssessmentStatus.FINAL).order_by(
        "-assessment__version").values_list("grade", flat=True).first()


def enterprises_of_classes(classes: list[str]) -> Any:
    """The ids of the enterprises whose class in the latest final assessment is one of ``classes`` (a policy's
    eligibility, §8): the latest year with a final version, its latest final version; a subquery (one SQL query with
    the caller's)."""
    final = Assessment.objects.filter(status=AssessmentStatus.FINAL).order_by("-year", "-version").first()
    if final is None:
        return AssessmentRow.objects.none().values("enterprise_id")
    return AssessmentRow.objects.filter(assessment=final, grade__in=classes).values("enterprise_id")


# --- read helpers of the pages (views.py) -----------------------------------------------------------------------
# What HQ's, the office's, leaders' and counties' pages read besides the stored result: the years offered, a year's
# versions with their objections counted, the objections a user sees, whether a firm is in a user's view, and the
# parks' 亩产 figures. Nothing here judges.


def years_offered(on: dt.date | None = None) -> list[int]:
    """The years a page offers, latest first: those with land, annual figures or an assessment, not after the
    clock's year (one query)."""
    from dualtrack.core import dates

    from .models import LandUse

    limit = (on or dates.today()).year
    found = EnterpriseAnnual.objects.filter(year__lte=limit).order_by().values_list("year").union(
        LandUse.objects.filter(year__lte=limit).order_by().values_list("year"),
        Assessment.objects.filter(year__lte=limit).order_by().values_list("year"))
    return sorted({y for (y,) in found}, reverse=True)


def versions(year: int) -> list[Assessment]:
    """The year's versions, latest first, each with ``open_objections`` and ``answered_objections`` counted."""
    from django.db.models import Count, Q

    from .choices import ObjectionState

    return list(Assessment.objects.filter(year=year).select_related("created_by").annotate(
        open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN)),
        answered_objections=Count("objections", filter=Q(objections__state=ObjectionState.ANSWERED))).order_by(
        "-version"))


def objections_of(user: Viewer, year: int | None = None, enterprise_id: int | None = None) -> list[Any]:
    """The objections ``user`` sees (of ``year``, or of one enterprise), open first then latest first, each with
    ``row`` (its frozen row: class and score as published; None when it has none) (two queries)."""
    from .choices import ObjectionState
    from .models import Objection

    found = Objection.objects.restrict(user, Action.VIEW).select_related("assessment", "enterprise")
    if year is not None:
        found = found.filter(assessment__year=year)
    if enterprise_id is not None:
        found = found.filter(enterprise_id=enterprise_id)
    objections = sorted(found, key=lambda o: (o.state != ObjectionState.OPEN, -o.filed_on.toordinal(), -o.pk))
    rows = {(r.assessment_id, r.enterprise_id): r for r in AssessmentRow.objects.filter(
        assessment__in={o.assessment_id for o in objections},
        enterprise_id__in={o.enterprise_id for o in objections})} if objections else {}
    for objection in objections:
        objection.row = rows.get((objection.assessment_id, objection.enterprise_id))  # type: ignore[attr-defined]
    return objections


def firm_in_view(user: Viewer, uscc: str) -> Any:
    """The registry's enterprise ``uscc`` when ``user`` sees its assessment (the rows' policy, as :func:`narrowed`
    reads it), else None."""
    from dualtrack.core import policy
    from dualtrack.registry import services as registry

    reach = policy.scope(user, AssessmentRow, Action.VIEW)
    if reach is policy.NOTHING:
        return None
    found = registry.enterprise_by_uscc(uscc)
    if found is None or reach is policy.ALL:
        return found
    return found if registry.enterprises_for(user).filter(pk=found.pk).exists() else None


def open_objections(year: int) -> int:
    """The open objections to the year's latest version."""
    from .choices import ObjectionState
    from .models import Objection

    latest_version = latest(year)
    if latest_version is None:
        return 0
    return Objection.objects.filter(assessment=latest_version, state=ObjectionState.OPEN).count()


@dataclasses.dataclass
class ParkFigures:
    """A park's 亩产 figures of a year: its land (亩), the enterprises counted, sales and tax (万元) from their annual
    figures, the investment its key projects completed in the year (万元); None where nothing was reported."""

    land_mu: float | None = None
    firms: int = 0
    sales: float | None = None
    tax: float | None = None
    investment: float | None = None

    def per_mu(self, figure: float | None) -> float | None:
        return None if figure is None or not self.land_mu else round(figure / self.land_mu, 2)

    @property
    def sales_per_mu(self) -> float | None:
        return self.per_mu(self.sales)

    @property
    def tax_per_mu(self) -> float | None:
        return self.per_mu(self.tax)

    @property
    def investment_per_mu(self) -> float | None:
        return self.per_mu(self.investment)


def park_figures(year: int) -> dict[str, ParkFigures]:
    """Park code → its 亩产 figures of ``year``: the land = Σ land_use of its enterprises (the registry's park of
    each), sales and tax = Σ their enterprise_annual, investment = Σ what its key projects completed in the year (the
    latest cumulative reported by 31 December less the latest before 1 January; None when none of them reported in
    the year). The economy (§11) offers no park's annual figures through its services, so these are the parks' sums
    of the assessment's own data and of the key projects' progress (three queries)."""
    from django.db.models import Count, Max, Q, Sum

    from dualtrack.projects import services as projects

    from .models import LandUse

    found: dict[str, ParkFigures] = {}

    def of(code: str) -> ParkFigures:
        return found.setdefault(code, ParkFigures())

    for code, land in LandUse.objects.filter(year=year, enterprise__park__isnull=False).values(
            "enterprise__park__code").annotate(land=Sum("land_mu")).values_list("enterprise__park__code", "land"):
        of(code).land_mu = float(land)
    for code, firms, sales, tax in EnterpriseAnnual.objects.filter(year=year, enterprise__park__isnull=False).values(
            "enterprise__park__code").annotate(firms=Count("pk"), sales=Sum("sales"), tax=Sum("tax")).values_list(
            "enterprise__park__code", "firms", "sales", "tax"):
        figures = of(code)
        figures.firms, figures.sales, figures.tax = firms, float(sales), float(tax)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for code, end, before, reports in projects.projects_for(None).filter(park__isnull=False).values(
            "pk", "park__code").annotate(
            end=Max("progress__completed_cumulative", filter=Q(progress__date__lte=last)),
            before=Max("progress__completed_cumulative", filter=Q(progress__date__lt=first)),
            reports=Count("progress", filter=Q(progress__date__gte=first, progress__date__lte=last))).values_list(
            "park__code", "end", "before", "reports"):
        if not reports:
            continue
        figures = of(code)
        figures.investment = (figures.investment or 0.0) + float(end or 0) - float(before or 0)
    return found


# --- read helpers of the enterprise's page, the card, 一企一档 and the yearly report (appended) ------------------

#: the unit of each figure an indicator divides (a ratio of two 万元 figures is a share)
FIGURE_UNITS = {"tax": "万元", "sales": "万元", "added_value": "万元", "rd": "万元", "land_mu": "亩", "power": "万千瓦时",
                "employees": "人", "energy": "吨标准煤", "emissions": "吨"}


def has_data() -> bool:
    """Whether the city keeps the assessment here at all (an assessment or any annual figures), in one query: a
    city that does not shows no card."""
    return Assessment.objects.order_by().values_list("pk").union(
        EnterpriseAnnual.objects.order_by().values_list("pk"), all=True).exists()


def shown_years() -> list[int]:
    """The years whose assessment has been published (公示) or finalised in some version, earliest first: what an
    enterprise may open."""
    return sorted(set(Assessment.objects.exclude(status=AssessmentStatus.DRAFT).values_list("year", flat=True)))


def rules_of(label: str) -> dict[str, Any]:
    """The definition of the rule-set version a result was judged under (``mu-efficiency:v1``); {} when it is not
    one of ``mu-efficiency``'s versions."""
    from dualtrack.core import rules as rule_sets

    from .choices import RULES_KEY

    key, _sep, number = (label or "").partition(":v")
    if key != RULES_KEY or not number.isdigit():
        return {}
    try:
        found = rule_sets.version(RULES_KEY, int(number))
    except rule_sets.RuleError:  # a version that is not kept: the presets' names and the defaults stand
        return {}
    return dict(found.definition) if isinstance(found.definition, dict) else {}


def indicators(rules_version: str = "") -> dict[str, dict[str, Any]]:
    """Every indicator any preset, the current rule set or ``rules_version`` names, by code: its name, unit and
    weight (the named version's wins, then the current one's)."""
    from .choices import PRESETS

    found: dict[str, dict[str, Any]] = {}
    current: list[Any] = []
    try:
        _label, rules = _measure().current_rules()
        current = list(getattr(rules, "indicators", []) or [])
    except Exception:  # noqa: BLE001 - a rule set that cannot be read leaves the presets' names
        current = []
    named = list(rules_of(rules_version).get("indicators") or []) if rules_version else []
    for item in [i for preset in PRESETS.values() for i in preset] + current + named:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            continue
        numerator, denominator = item.get("numerator"), item.get("denominator")
        top, bottom = FIGURE_UNITS.get(str(numerator), ""), FIGURE_UNITS.get(str(denominator), "")
        share = bool(top) and top == bottom
        found[item["code"]] = {"name": str(item.get("name") or item["code"]), "weight": item.get("weight"),
                               "unit": "%" if share else f"{top}/{bottom}" if top and bottom else "",
                               "share": share}
    return found


def indicator_text(code: str, value: float | None, known: dict[str, dict[str, Any]] | None = None) -> str:
    """An indicator's value as people read it: 2 decimals with its unit (a share in per cent), — when none."""
    if value is None:
        return "—"
    info = (known if known is not None else indicators()).get(code, {})
    if info.get("share"):
        return f"{value * 100:.2f}%"
    return f"{value:,.2f}"


def rows_of(user: Viewer, enterprise_id: int) -> list[AssessmentRow]:
    """The enterprise's published or final rows ``user`` may see, one per year (the latest version of the year),
    earliest year first, each with its assessment."""
    rows = AssessmentRow.objects.restrict(user, Action.VIEW).filter(enterprise_id=enterprise_id).exclude(
        assessment__status=AssessmentStatus.DRAFT).select_related("assessment").order_by(
        "assessment__year", "assessment__version")
    found: dict[int, AssessmentRow] = {}
    for row in rows:
        found[row.assessment.year] = row  # the latest version of the year wins
    return [found[year] for year in sorted(found)]


def enterprise_objections(user: Viewer, enterprise_id: int) -> list[Any]:
    """The enterprise's objections ``user`` may see with their answers, latest first."""
    from .models import Objection

    return list(Objection.objects.restrict(user, Action.VIEW).filter(enterprise_id=enterprise_id).select_related(
        "assessment").order_by("-filed_on", "-pk"))


def open_objection(assessment: Assessment, enterprise_id: int) -> bool:
    from .choices import ObjectionState

    return assessment.objections.filter(enterprise_id=enterprise_id, state=ObjectionState.OPEN).exists()


def open_objections_for(user: Viewer, year: int | None = None) -> int:
    """The objections waiting for an answer that ``user`` may see (of ``year``'s assessments when given)."""
    from .choices import ObjectionState
    from .models import Objection

    found = Objection.objects.restrict(user, Action.VIEW).filter(state=ObjectionState.OPEN)
    return (found.filter(assessment__year=year) if year is not None else found).count()


def not_rated_words(reason: str | None, year: int) -> str:
    """Why an enterprise is T (不参评) in plain words."""
    from django.utils.translation import gettext as _

    from .choices import NotRatedReason

    words = {
        NotRatedReason.UTILITY: _("属于电力、热力、燃气及水的生产和供应业（公用事业），按规定不参加亩均效益评价。"),
        NotRatedReason.NEW: _("%(year)s年1月1日以后投产，投产不满两年，本年度不参加评价。") % {"year": year - 1},
        NotRatedReason.NO_LAND: _("没有%(year)s年度的用地面积数据，无法计算亩均指标，本年度不参加评价。如有用地，请向所在区县（市）经信部门报送。")
        % {"year": year},
        NotRatedReason.NO_DATA: _("没有%(year)s年度的税收、销售收入等年度数据，本年度不参加评价。") % {"year": year},
    }
    return words.get(reason or "", _("本年度不参加评价。"))  # type: ignore[call-overload]


def objection_counts(assessment: Assessment) -> tuple[int, int]:
    """An assessment's objections: how many were made and how many are answered."""
    from .choices import ObjectionState

    states = list(assessment.objections.values_list("state", flat=True))
    return len(states), sum(s == ObjectionState.ANSWERED for s in states)


def assessed_year(on: dt.date | None = None) -> int | None:
    """The latest year with an assessment (any version, any status), not after the clock's year."""
    from dualtrack.core import dates

    limit = (on or dates.today()).year
    return Assessment.objects.filter(year__lte=limit).order_by("-year").values_list("year", flat=True).first()
