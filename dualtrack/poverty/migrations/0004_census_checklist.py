"""The census readiness checklist (普查准备) every city starts from: eight items due 30 June 2020; a city ticks them
off on 普查倒计时."""

import datetime as dt

from django.db import migrations

ITEMS = [
    ("建档立卡数据清洗比对,与全国扶贫开发信息系统一致", "市扶贫办"),
    ("选聘并培训普查员、普查指导员", "各区县"),
    ("划分普查区、绘制普查区图", "各区县"),
    ("户籍、住房、医保、教育等部门数据比对", "市扶贫办、相关部门"),
    ("督战、巡视回头看、成效考核问题清单整改清零", "各区县"),
    ("普查宣传动员,入户告知", "各区县"),
    ("普查登记设备和经费保障到位", "市财政局"),
    ("开展模拟普查演练", "市扶贫办"),
]


def add(apps, schema_editor):
    item = apps.get_model("poverty", "CensusItem")
    for order, (title, responsible) in enumerate(ITEMS, start=1):
        item.objects.get_or_create(order=order, defaults={"title": title, "responsible": responsible,
                                                          "due_on": dt.date(2020, 6, 30)})


class Migration(migrations.Migration):
    dependencies = [("poverty", "0003_findings_helpers_teams_census_board")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
