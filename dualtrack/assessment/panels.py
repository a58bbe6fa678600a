"""一企一档's 亩均论英雄 part (DOMAIN.md §18): an enterprise's classes over the years and the indicators of its
latest published or final row (score, rank in its county), for those who may see its rows (HQ, the assessment
office, leaders, its county or park, the enterprise itself). Read from the frozen rows, never computed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card, Figure, Table
from dualtrack.core.choices import Action

from . import services
from .cards import status_text
from .models import AssessmentRow
from .policy import is_enterprise


def enterprise_panel(user: Viewer, enterprise: Any) -> Card | None:
    """The class of each year (published or final; the latest version of the year), the latest row's score, rank
    and indicators, or its T reason; None when the user sees none of its rows."""
    if not AssessmentRow.permits(user, Action.VIEW):
        return None
    rows = services.rows_of(user, enterprise.pk)
    if not rows:
        return None
    latest = rows[-1]
    year = latest.assessment.year
    link = reverse("assessment:mine") + f"?year={year}" if is_enterprise(user) else \
        reverse("assessment:enterprise", args=[enterprise.uscc]) + f"?year={year}"
    grade = _("%(g)s类") % {"g": latest.grade} if latest.rated else _("T类（不参评）")
    figures = [Figure(_("%(year)s年度类别") % {"year": year}, grade, link=link, key="assessment_class",
                      change=status_text(latest.assessment),
                      tone="bad" if latest.grade == "D" else "good" if latest.grade == "A" else "")]
    known = services.indicators(latest.assessment.rules_version)
    if latest.rated:
        figures.append(Figure(_("综合得分"), "—" if latest.score is None else f"{latest.score:.2f}",
                              key="assessment_score", change=_("区县内第%(r)s名") % {"r": latest.rank_in_county}
                              if latest.rank_in_county else ""))
        for code, value in latest.values.items():
            info = known.get(code, {})
            figures.append(Figure(f"{info.get('name', code)}（{info['unit']}）" if info.get("unit") else
                                  str(info.get("name", code)), services.indicator_text(code, value, known),
                                  key=f"assessment_{code}"))
    history = Table([_("年度"), _("类别"), _("得分"), _("区县内排名"), _("状态")], [
        [str(r.assessment.year), r.grade, "—" if r.score is None else f"{r.score:.2f}",
         str(r.rank_in_county) if r.rank_in_county else "—", status_text(r.assessment)] for r in reversed(rows)])
    note = _("%(year)s年度 · 规则版本 %(version)s") % {"year": year, "version": latest.assessment.rules_version}
    if not latest.rated:
        note = services.not_rated_words(latest.not_rated_reason, year) + " " + note
    return Card(key="assessment", title=_("亩均效益评价"), link=link, figures=figures, table=history, note=note)
