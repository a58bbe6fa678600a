"""The default categories and version 1 of the rule set ``problems`` (DOMAIN.md §6), frozen here."""

from django.db import migrations

CATEGORIES = ["用工", "物流运输", "防疫物资", "资金", "原材料", "用地", "用电", "审批", "政策咨询", "其他"]
RULES = {
    "deadline_days": {"policy": 1, "simple": 1, "general": 3, "complex": 15},
    "levels": ["责任人/驻企服务员", "行业主管部门", "分管副市长", "常务副市长", "市政府常务会", "市委常委会"],
    "due_soon_hours": 24,
    "recurrence": {"count": 3, "days": 30},
}


def seed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    for order, name in enumerate(CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    apps.get_model("core", "RuleSet").objects.get_or_create(key="problems", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="problems", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial"), ("core", "0004_working_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
