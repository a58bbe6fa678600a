"""The common items (masks used 2 per head and day, DOMAIN.md §17) and version 1 of the rule set ``supplies``, frozen
here."""

from decimal import Decimal

from django.db import migrations

ITEMS = [
    ("KZ", "口罩", "只", Decimal("2")),
    ("XDY", "消毒液", "公斤", None),
    ("JJ", "医用酒精", "瓶", None),
    ("FHF", "防护服", "套", None),
    ("CWQ", "测温枪", "把", None),
]
RULES = {"cap_days": 15, "request_interval_days": 7, "cover_warning_days": 3,
         "order": {"medical": 0, "city": 1, "key_enterprise": 2, "key_project": 2, "grassroots": 3, "resumed": 4,
                   "public": 5}}


def seed(apps, schema_editor):
    item = apps.get_model("supplies", "SupplyItem")
    for code, name, unit, per_head in ITEMS:
        item.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "per_head_day": per_head})
    apps.get_model("core", "RuleSet").objects.get_or_create(key="supplies", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md §17 default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="supplies", version=1).delete()
    apps.get_model("supplies", "SupplyItem").objects.filter(code__in=[c for c, *_rest in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
