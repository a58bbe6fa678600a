"""Version 1 of the rule set ``poverty-2020`` (DOMAIN.md §13), frozen here."""

from django.db import migrations

RULES = {"standard": 4000, "low_income_multiple": 1.5, "income_drop": 0.3, "warning_share": 0.05,
         "warning_share_deep": 0.10}


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="poverty-2020", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="poverty-2020", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("poverty", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
