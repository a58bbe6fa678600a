"""Version 1 of the rule set ``projects`` (DOMAIN.md §7), frozen here."""

from django.db import migrations

RULES = {
    "red_below": 0.6,
    "yellow_below": 0.8,
    "resumption_deadline": "2020-03-15",
    "start_grace_days": 30,
    "exit_red_months": 3,
    "exit_no_start_months": 6,
    "ranking_low_rate": 0.6,
}


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="projects", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="projects", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
