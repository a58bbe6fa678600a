"""Version 1 of the rule set ``worker-return`` (DOMAIN.md §12), frozen here."""

from django.db import migrations

RULES = {"attestation_max_days": 14, "fever_celsius": 37.3, "passenger_share": 0.5, "receipt_working_days": 3,
         "campaign_end": None}


def seed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.get_or_create(key="worker-return", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="worker-return", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("workreturn", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
