"""The day's digest of automatic tasks (每日汇总) in the reader's language: "今日有12项重点项目任务待督办，请查看督办清单。"
(written from the digest's items, so an English reader reads English)."""

from __future__ import annotations

from typing import Any

DIGEST_PROJECT = "project"  # a digest item's group: a key project's task (others are "other")


def digest_text(notice: Any) -> str:
    """A digest in the reader's language: "今日有12项重点项目任务待督办，请查看督办清单。"."""
    from django.utils import formats
    from django.utils.translation import gettext, ngettext

    from . import dates

    items = (notice.params or {}).get("items") or {}
    total = len(items)
    projects = sum(1 for group in items.values() if group == DIGEST_PROJECT)
    when = gettext("今日") if notice.day is None or notice.day == dates.today() else formats.date_format(
        notice.day, "MONTH_DAY_FORMAT")
    if projects == total:
        return ngettext("%(when)s有%(n)s项重点项目任务待督办，请查看督办清单。",
                        "%(when)s有%(n)s项重点项目任务待督办，请查看督办清单。", total) % {"when": when, "n": total}
    return ngettext("%(when)s有%(n)s项系统生成的督办任务待督办（其中重点项目任务%(projects)s项），请查看督办清单。",
                    "%(when)s有%(n)s项系统生成的督办任务待督办（其中重点项目任务%(projects)s项），请查看督办清单。",
                    total) % {"when": when, "n": total, "projects": projects}
