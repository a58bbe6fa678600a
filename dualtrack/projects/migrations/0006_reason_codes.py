"""Light reasons and dispatch task texts written before the codes (#28 §3): each month-end light's reasons and each
month-end task's text parsed back into codes with parameters, so they read in the reader's language. A text that
does not parse is left as written (it is shown as it was: ``projects.reasons.decode``). The tasks' stored Chinese
descriptions are not touched."""

import re

from django.db import migrations

REASONS = [
    (re.compile(r"^投资完成率(\d+(?:\.\d+)?)%[,，]低于(\d+)%$"),
     lambda m, year: {"code": "ratio_below", "ratio": round(float(m[1]) / 100, 4), "limit": float(m[2]) / 100}),
    (re.compile(r"^截至当日计划投资为0[,，]不亮灯$"), lambda m, year: {"code": "zero_plan"}),
    (re.compile(r"^缺少月度计划数据$"), lambda m, year: {"code": "missing_plan"}),
    (re.compile(r"^续建项目(\d+)月(\d+)日复工时限后仍未复工$"),
     lambda m, year: {"code": "not_resumed", "deadline": f"{year}-{int(m[1]):02d}-{int(m[2]):02d}"}),
    (re.compile(r"^新开工项目计划开工[(（](\d{4}-\d{2}-\d{2})[)）](\d+)天后仍未开工$"),
     lambda m, year: {"code": "not_started", "planned": m[1], "days": int(m[2])}),
]
TASKS = [
    ("talk", re.compile(r"^项目“(?P<name>.+)”\d{4}年\d{1,2}月亮黄灯[,，]请约谈项目责任人[,，]督促加快进度。原因[:：](?P<reasons>.*)$")),
    ("vice_mayor", re.compile(r"^项目“(?P<name>.+)”连续两个月亮黄灯[,，]报分管副市长督办。原因[:：](?P<reasons>.*)$")),
    ("city_leader", re.compile(
        r"^项目“(?P<name>.+)”\d{4}年\d{1,2}月亮红灯[,，]报联系市领导[(（](?P<leader>.*)[)）]协调推进。原因[:：](?P<reasons>.*)$")),
    ("exit_review", re.compile(r"^项目“(?P<name>.+)”(?:连续(?P<red>\d+)个月亮红灯|计划开工(?P<start>\d+)个月后仍未开工)[,，]"
                               r"启动退出评审。原因[:：](?P<reasons>.*)$")),
]


def parse_reason(text, year):
    if isinstance(text, dict):
        return text
    for pattern, build in REASONS:
        found = pattern.match(str(text))
        if found:
            return build(found, year)
    return None


def parse_reasons(texts, year):
    parsed = [parse_reason(t, year) for t in texts]
    return None if any(p is None for p in parsed) else parsed


def forwards(apps, schema_editor):
    light = apps.get_model("projects", "MonthlyLight")
    for row in light.objects.exclude(reasons=[]).iterator():
        if not row.reasons or all(isinstance(r, dict) for r in row.reasons):
            continue
        parsed = parse_reasons(row.reasons, row.month.year)
        if parsed is not None:
            light.objects.filter(pk=row.pk).update(reasons=parsed)
    problem = apps.get_model("problems", "Problem")
    for task in problem.objects.filter(source_key__startswith="project:", text_code="").iterator():
        parts = task.source_key.split(":")  # project:<code>:<YYYY-MM>:<consequence>
        if len(parts) != 4:
            continue
        _prefix, _code, month, consequence = parts
        pattern = dict(TASKS).get(consequence)
        found = pattern.match(task.description) if pattern else None
        if found is None:
            continue
        reasons = [] if found["reasons"] in ("", "—") else parse_reasons(re.split(r"[;；]", found["reasons"]),
                                                                           int(month[:4]))
        if reasons is None:
            continue
        why = None
        if consequence == "exit_review":
            why = ({"code": "red_months", "months": int(found["red"])} if found["red"]
                   else {"code": "no_start", "months": int(found["start"])})
        leader = found.groupdict().get("leader") or ""
        params = {"consequence": consequence, "name": found["name"], "month": month,
                  "leader": "" if leader == "—" else leader, "why": why, "reasons": reasons}
        problem.objects.filter(pk=task.pk).update(text_code="projects.consequence", text_params=params)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_project_poverty"),
        ("problems", "0009_problem_text_code"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
