"""Notices written before they had a kind (#28 §2): told apart by the titles the problems module wrote, so a leader's
bell counts what needs him. A notice about an automatic task (its problem has a source key) is a task notice."""

import re

from django.db import migrations

REF = re.compile(r"(WT\d{4}-\d+)")


def classify(apps, schema_editor):
    notification = apps.get_model("core", "Notification")
    problem = apps.get_model("problems", "Problem")
    automatic = set(problem.objects.exclude(source_key="").values_list("ref", flat=True))
    prefixes = [("督办任务 ", "task"), ("问题 ", "escalation"), ("新交办问题", "escalation"),
                ("您反映的问题", "reply")]
    by_kind: dict[str, list[int]] = {}
    for pk, title, link in notification.objects.filter(kind="notice", day__isnull=True).values_list(
            "pk", "title", "link").iterator():
        kind = "bulletin" if link.startswith("/bulletins/") else next(
            (k for prefix, k in prefixes if title.startswith(prefix)), None)
        if kind is None and "作出批示" in title:
            kind = "instruction"
        if kind == "escalation":
            found = REF.search(title)
            if found and found.group(1) in automatic:
                kind = "task"
        if kind:
            by_kind.setdefault(kind, []).append(pk)
    for kind, keys in by_kind.items():
        for start in range(0, len(keys), 500):
            notification.objects.filter(pk__in=keys[start:start + 500]).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0009_problem_text_code"),
        ("core", "0012_notification_kind_digest"),
    ]

    operations = [migrations.RunPython(classify, migrations.RunPython.noop)]
