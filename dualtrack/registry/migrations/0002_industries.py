"""Ship GB/T 4754-2017: the 20 sections (门类) and 97 divisions (大类)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "gbt4754_2017.json"


def load(apps, schema_editor):
    Industry = apps.get_model("registry", "Industry")
    items = json.loads(DATA.read_text(encoding="utf-8"))["items"]
    by_code = {}
    for item in items:  # sections come before their divisions
        obj, _ = Industry.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "name_en": item["name_en"], "level": item["level"],
                      "section": item["section"], "parent": by_code.get(item["parent"])},
        )
        by_code[obj.code] = obj


def unload(apps, schema_editor):
    apps.get_model("registry", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
