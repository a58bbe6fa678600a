"""A leader's unread escalation notices written before they were settled (#28 §2): a notice whose problem is no longer
open, or no longer at the leader's level, needs him no more and is marked read, as the escalation step and the
workflow now do. Department users' notices are left alone."""

import re

from django.db import migrations

REF = re.compile(r"^/problems/(WT\d{4}-\d+)/$")


def settle(apps, schema_editor):
    notification = apps.get_model("core", "Notification")
    problem = apps.get_model("problems", "Problem")
    unread = notification.objects.filter(kind="escalation", read=False, user__role="leader").values_list(
        "pk", "link", "user__leader_level")
    refs = {}
    for pk, link, level in unread.iterator():
        found = REF.match(link or "")
        if found:
            refs.setdefault(found.group(1), []).append((pk, level))
    still = {ref: level for ref, level in problem.objects.filter(
        ref__in=list(refs), state__in=("assigned", "in_progress")).values_list("ref", "escalation_level")}
    done = [pk for ref, rows in refs.items() for pk, level in rows if still.get(ref) != level]
    for start in range(0, len(done), 500):
        notification.objects.filter(pk__in=done[start:start + 500]).update(read=True)


class Migration(migrations.Migration):
    dependencies = [("problems", "0010_notice_kinds")]

    operations = [migrations.RunPython(settle, migrations.RunPython.noop)]
