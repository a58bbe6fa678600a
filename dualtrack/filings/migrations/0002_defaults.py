"""The default checklist C1–C7 (DOMAIN.md §16, our reading of 国发明电〔2020〕4号's headings as "七个必须") and version 1
of the rule set ``filing``, frozen here."""

from django.db import migrations

CHECKLIST = [
    ("C1", "主体责任：明确防控责任人，主要负责人为第一责任人", "low;medium;high"),
    ("C2", "返岗人员隔离观察：市外返岗人员按规定隔离观察14天", "medium;high"),
    ("C3", "健康监测：每日两次测温，设立症状报告电话，每日报送员工健康情况", "low;medium;high"),
    ("C4", "出入登记：设置单一出入口，登记并在门口测温", "low;medium;high"),
    ("C5", "通风消毒：落实通风、清洁和消毒并留存记录", "low;medium;high"),
    ("C6", "减少聚集：错峰就餐、错时上下班，不召开大型会议", "low;medium;high"),
    ("C7", "应急处置：设立隔离室，制定应急预案，储备口罩和消毒液", "low;medium;high"),
]
RULES = {"decision_working_days": 1, "outbreak_task_working_days": 1, "inspection_outside_workers": 50,
         "inspection_key_enterprises": True, "levels": {"C2": ["medium", "high"]}, "campaign_end": None}


def seed(apps, schema_editor):
    item = apps.get_model("filings", "ChecklistItem")
    for code, text, levels in CHECKLIST:
        item.objects.get_or_create(code=code, defaults={"text": text, "mandatory": True, "levels": levels})
    apps.get_model("core", "RuleSet").objects.get_or_create(key="filing", version=1, defaults={
        "definition": RULES, "comment": "DOMAIN.md §16 default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="filing", version=1).delete()
    apps.get_model("filings", "ChecklistItem").objects.filter(code__in=[c for c, _t, _l in CHECKLIST]).delete()


class Migration(migrations.Migration):
    dependencies = [("filings", "0001_initial"), ("core", "0005_notification")]
    operations = [migrations.RunPython(seed, unseed)]
