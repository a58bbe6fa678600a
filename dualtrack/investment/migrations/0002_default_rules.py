"""Version 1 of the rule set ``investment`` (DOMAIN.md §14), frozen here."""

from django.db import migrations

RULES = {"yellow_months": 6, "red_months": 9, "stale_days": 30}


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="investment", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="investment", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
