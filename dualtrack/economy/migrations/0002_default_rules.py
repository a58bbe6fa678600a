"""Version 1 of the rule set ``economy`` (DOMAIN.md §11), frozen here."""

from django.db import migrations

RULES = {"double_half_from_month": 6, "double_half_completion": 0.5}


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="economy", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="economy", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
