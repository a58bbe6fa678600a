"""What other apps, the pages and the API use of problems (问题闭环). The work is done in cohesive modules:

- :mod:`.workflow`: the state machine (report, triage, assign, handle, confirm, merge, recurrence flags), with the
  access policy
  checked on every move, versions, history and audit; masking of personal data in problem texts;
- :mod:`.escalation`: deadlines, due-soon and overdue states, escalation one level per overdue period;
- :mod:`.attachments`: photos and PDFs checked by their content, kept outside the web root;
- :mod:`.statistics`: on-time rates and handling times, the ledger export;
- :mod:`.tasks`: the task API other apps call (督办任务, idempotent by source key).
"""

from __future__ import annotations

from .addressing import escalation_addressees
from .attachments import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_PIXELS,
    attach,
    attachment_path,
    is_image,
    sniff,
    thumbnail_path,
)
from .escalation import (
    SUPERVISION_KINDS,
    by_urgency,
    days_overdue,
    deadline_flags,
    deadline_status,
    escalate_due,
    escalated_for,
    escalation_levels,
    level_names,
    replay_escalation,
    supervision_list,
)
from .statistics import export_rows, statistics
from .suggest import retrain as retrain_triage_model
from .tasks import (
    create_task,
    last_moved,
    open_project_tasks,
    route_tasks_without_department,
    tasks_by_keys,
    tasks_for_project,
)
from .tasktexts import attach as with_texts
from .tasktexts import register as register_task_text
from .workflow import (
    ConcurrentChange,
    flag_recurrence,
    instruct,
    merge,
    move,
    next_ref,
    refresh_recurrence,
    report,
    report_for,
    texts_for,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES", "ATTACHMENT_MAX_PIXELS", "ConcurrentChange", "attach", "attachment_path", "by_urgency",
    "create_task", "is_image", "thumbnail_path", "days_overdue", "register_task_text", "supervision_list", "with_texts", "level_names",
    "SUPERVISION_KINDS",
    "deadline_flags", "deadline_status", "escalate_due", "escalated_for", "escalation_addressees",
    "escalation_levels", "export_rows", "flag_recurrence", "instruct", "last_moved", "merge", "move", "next_ref", "open_project_tasks", "route_tasks_without_department",
    "refresh_recurrence", "replay_escalation", "report", "report_for", "sniff", "statistics", "tasks_by_keys",
    "retrain_triage_model", "tasks_for_project", "texts_for",
]
