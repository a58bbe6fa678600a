"""About 2,000 demo problems (2020-02-03 … 2020-04-30) as a ledger file for the ``problems`` dataset:
realistic categories, texts, departments and handling, most closed, some open and overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

START, END = dt.date(2020, 2, 3), dt.date(2020, 4, 30)
TEXTS = {
    "用工": ["外地员工返岗困难，需协调包车", "员工隔离期满仍无法返岗", "招工难，急需普工{n}名", "返岗员工健康证明办理慢"],
    "物流运输": ["原材料运输车辆通行受阻", "物流园区未开放，货物积压", "货车司机隔离影响发货", "跨省运输通行证办理"],
    "防疫物资": ["复工所需口罩缺口{n}只", "消毒液、测温枪短缺", "防疫物资采购渠道不畅"],
    "资金": ["流动资金紧张，申请贷款展期", "应收账款回款困难", "申请疫情防控专项贷款贴息", "社保费缓缴办理"],
    "原材料": ["上游供应商未复工，原材料断供", "进口原材料通关延误", "原材料价格上涨，库存仅够{n}天"],
    "用地": ["扩产项目用地指标未落实", "厂房租金减免政策咨询", "临时用地审批"],
    "用电": ["新增用电报装需加快", "电费缓缴申请", "变压器增容"],
    "审批": ["复工备案审批流程繁琐", "环评审批进度慢", "施工许可证办理"],
    "政策咨询": ["咨询稳岗补贴申领条件", "咨询租金减免政策适用范围", "咨询增值税减免政策"],
    "其他": ["员工子女托管问题", "园区食堂复开审批", "外贸订单取消，寻求帮助"],
}
DEPARTMENTS = {"用工": "RSJ", "物流运输": "JTJ", "防疫物资": "JXJ", "资金": "JRB", "原材料": "JXJ", "用地": "ZRZY",
               "用电": "GDGS", "审批": "SCJG", "政策咨询": "FGW", "其他": "ZHB"}
WEIGHTS = [22, 14, 12, 14, 9, 4, 5, 8, 8, 4]
COMPLEXITY = {"政策咨询": "政策咨询"}
STATE_NAMES = {"reported": "发现", "assigned": "转办", "in_progress": "协调", "resolved": "办结", "closed": "销号"}


def ledger_rows(enterprises: list[dict[str, Any]], seed: int, count: int = 2000) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed + 606)
    categories = list(TEXTS)
    weights = np.array(WEIGHTS, dtype=float) / sum(WEIGHTS)
    days = (END - START).days + 1
    # More problems in the first weeks of resumption, fewer later.
    day_weights = np.exp(-np.arange(days) / 30.0)
    day_weights /= day_weights.sum()
    rows = []
    for number in range(count):
        category = categories[rng.choice(len(categories), p=weights)]
        reported = START + dt.timedelta(days=int(rng.choice(days, p=day_weights)))
        enterprise = enterprises[int(rng.integers(len(enterprises)))]
        text = rng.choice(TEXTS[category]).format(n=int(rng.integers(5, 200)))
        complexity = COMPLEXITY.get(category) or rng.choice(["简单", "一般", "复杂"], p=[0.35, 0.5, 0.15])
        age = (END - reported).days
        if age < 1:
            state = "reported"
        elif age < 4:
            state = rng.choice(["assigned", "in_progress", "resolved"])
        else:
            state = rng.choice(["closed", "resolved", "in_progress"], p=[0.9, 0.07, 0.03])
        assigned = dt.datetime.combine(reported + dt.timedelta(days=int(rng.integers(0, 2))),
                                       dt.time(int(rng.integers(9, 17)), int(rng.integers(0, 60))))
        handling = {"政策咨询": 1, "简单": 1, "一般": 3, "复杂": 12}[complexity] + int(rng.integers(0, 3))
        resolved = assigned + dt.timedelta(days=handling, hours=int(rng.integers(1, 6)))
        if state in ("resolved", "closed") and resolved.date() > END:
            state = "in_progress"
        rows.append({
            "ref": f"WT2020-{number + 1:05d}", "reported_at": reported.isoformat(), "uscc": enterprise["uscc"],
            "project_code": "", "category": category if state != "reported" else "",
            "complexity": complexity if state != "reported" else "", "description": f"{enterprise['name']}：{text}",
            "department": DEPARTMENTS[category] if state != "reported" else "",
            "assigned_at": assigned.strftime("%Y-%m-%d %H:%M") if state != "reported" else "",
            "state": STATE_NAMES[state],
            "resolved_at": resolved.strftime("%Y-%m-%d %H:%M") if state in ("resolved", "closed") else "",
        })
    return rows


HEADERS = [("ref", "编号"), ("reported_at", "提出日期"), ("uscc", "统一社会信用代码"), ("project_code", "项目代码"),
           ("category", "类别"), ("complexity", "复杂程度"), ("description", "描述"), ("department", "责任部门"),
           ("assigned_at", "交办时间"), ("state", "状态"), ("resolved_at", "办结时间")]


VISIT_NOTES = ["了解复工复产进度，员工到岗率{n}%", "宣传稳岗返还、社保减免政策", "协助对接口罩供应，已解决",
               "检查防疫措施落实情况，测温、消毒到位", "收集用工需求{n}人，已报人社局", "了解原材料库存，可维持{n}天",
               "走访企业负责人，反映订单恢复情况良好", "协调物流车辆通行证，已办理"]
OFFICERS = 12  # demo liaison officers besides the login ``liaison``


def liaison_rows(key_usccs: list[str], seed: int) -> list[dict[str, str]]:
    """The officers' enterprises as a ``liaisons`` file: nearly all key enterprises, a few left uncovered so
    that the coverage report has something to show."""
    rng = np.random.default_rng(seed + 707)
    rows = []
    for i, uscc in enumerate(sorted(key_usccs)):
        if rng.random() < 0.04:
            continue  # not yet covered
        rows.append({"username": f"liaison{i % OFFICERS + 1:02d}", "uscc": uscc})
    return rows


def visits(enterprise_ids: list[int], seed: int) -> list[tuple[int, dt.date, str]]:
    """Visits by the demo officer ``liaison`` to the enterprises in their care, a few a week."""
    rng = np.random.default_rng(seed + 808)
    out = []
    day = START
    while day <= END and enterprise_ids:
        for _ in range(int(rng.integers(1, 4))):
            note = VISIT_NOTES[int(rng.integers(len(VISIT_NOTES)))].format(n=int(rng.integers(30, 100)))
            out.append((enterprise_ids[int(rng.integers(len(enterprise_ids)))], day, note))
        day += dt.timedelta(days=int(rng.integers(1, 3)))
    return out
