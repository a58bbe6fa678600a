"""Version 1 of the rule set ``resumption`` (DOMAIN.md §4.2–§4.4 defaults), frozen here."""

import json

from django.db import migrations

DEFAULT = json.loads(r"""
{
    "baseline_start": "2019-10-01",
    "baseline_end": "2019-12-31",
    "min_coverage": 0.5,
    "resumed_ratio": 0.3,
    "paper_ratio": 0.1,
    "crosscheck_days": 3,
    "count_weight": 0.5,
    "targets": {
        "green": 0.9,
        "blue": 0.8,
        "yellow": 0.7,
        "orange": 0.5,
        "red": null
    },
    "fast_rise_pp": 10,
    "fast_rise_days": 3
}
""")


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="resumption", version=1, defaults={
        "definition": DEFAULT, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="resumption", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("resumption", "0001_initial"), ("core", "0003_rule_sets")]
    operations = [migrations.RunPython(seed, unseed)]
