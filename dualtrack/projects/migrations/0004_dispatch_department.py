"""Version 2 of the rule set ``projects``: the department that follows the dispatch tasks (督办任务) of a project
whose responsible unit is not a city department (a county government, a state enterprise). Without it those
tasks had no handler and could never close. 市发展和改革委员会 (FGW) leads key projects in most cities; a city
whose registry names another department revises the rule set."""

from django.db import migrations

DISPATCH_DEPARTMENT = "FGW"


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    latest = RuleSet.objects.filter(key="projects").order_by("-version").first()
    if latest is None or "dispatch_department" in latest.definition:
        return
    RuleSet.objects.create(key="projects", version=latest.version + 1,
                           definition={**latest.definition, "dispatch_department": DISPATCH_DEPARTMENT},
                           comment="督办任务的兜底责任部门 (#15)", created_by_username="system:migration")


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key="projects", comment="督办任务的兜底责任部门 (#15)").delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_project_park")]
    operations = [migrations.RunPython(seed, unseed)]
