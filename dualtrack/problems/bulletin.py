"""The problems section of the daily bulletin (new, resolved, closed, overdue; by category and department)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from dualtrack.core.calendar import SHANGHAI

from .models import Problem

if TYPE_CHECKING:
    from dualtrack.bulletins.services import Section, SectionContext


def section(ctx: SectionContext) -> Section | None:
    from dualtrack.bulletins.services import Section, Table, md

    day: dt.date = ctx.day
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
    end = start + dt.timedelta(days=1)
    problems = Problem.objects.all()
    if not problems.filter(reported_at__lt=end).exists():
        return None
    new = problems.filter(reported_at__gte=start, reported_at__lt=end).count()
    resolved = problems.filter(resolved_at__gte=start, resolved_at__lt=end).count()
    closed = problems.filter(closed_at__gte=start, closed_at__lt=end).count()
    # Overdue as of the end of ``day``: assigned before, due before, not resolved by then.
    overdue_q = Q(assigned_at__lt=end, due_at__lt=end) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)) \
        & ~Q(state__in=["returned", "reported", "triaged"])
    overdue = problems.filter(overdue_q).count()
    total = problems.filter(reported_at__lt=end).count()
    done = problems.filter(closed_at__lt=end).count()
    paragraphs = [f"{md(day)}新收集企业困难和问题{new}个，办结{resolved}个，销号{closed}个；累计收集{total:,}个，"
                  f"累计销号{done:,}个，当前逾期未办结{overdue}个。"]
    by_category = Table("问题分类统计", ["类别", "累计", "当日新增", "逾期"], ["text", "int", "int", "int"])
    rows = (problems.filter(reported_at__lt=end).values("category__name").annotate(
        total=Count("id"), new=Count("id", filter=Q(reported_at__gte=start)), overdue=Count("id", filter=overdue_q))
        .order_by("-total"))
    for row in rows:
        by_category.rows.append([row["category__name"] or "未梳理", row["total"], row["new"], row["overdue"]])
    by_department = Table("责任部门办理情况", ["责任部门", "交办", "已办结", "逾期"], ["text", "int", "int", "int"])
    rows = (problems.filter(assigned_at__lt=end).values("department__name").annotate(
        total=Count("id"), resolved=Count("id", filter=Q(resolved_at__lt=end)), overdue=Count("id", filter=overdue_q))
        .order_by("-overdue", "-total"))
    for row in rows:
        by_department.rows.append([row["department__name"] or "—", row["total"], row["resolved"], row["overdue"]])
    return Section("企业困难和问题办理情况", paragraphs, [by_category, by_department])
