"""Version 1 of the rule sets ``mu-efficiency`` (the 淮安 preset, DOMAIN.md §18) and ``park-assessment``, frozen
here."""

from django.db import migrations

MU = {"preset": "淮安", "indicators": [
    {"code": "tax_per_mu", "name": "亩均税收", "numerator": "tax", "denominator": "land_mu", "weight": 45},
    {"code": "sales_per_mu", "name": "亩均销售收入", "numerator": "sales", "denominator": "land_mu", "weight": 35},
    {"code": "tax_per_kwh", "name": "单位电耗税收", "numerator": "tax", "denominator": "power", "weight": 20}],
    "base_multiplier": 2.0, "ratio_cap": 1.5, "min_land_mu": 3.0, "utility_divisions": ["44", "45", "46"],
    "a_share": 0.2, "b_share": 0.6, "d_share": 0.05, "notice_working_days": 3}
PARK = {"tiers": [3, 6, 10], "top": 3, "top_rate": 0.3, "last_rate": -0.3, "climb": 5, "climb_rate": 0.2,
        "tail_share": 0.9, "tail_rate": -0.2}


def seed(apps, schema_editor):
    rule_set = apps.get_model("core", "RuleSet")
    for key, definition in (("mu-efficiency", MU), ("park-assessment", PARK)):
        rule_set.objects.get_or_create(key=key, version=1, defaults={
            "definition": definition, "comment": "DOMAIN.md §18 default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key__in=("mu-efficiency", "park-assessment"), version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
