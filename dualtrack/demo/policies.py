"""Thirty demo measures modelled on the source speeches (rent relief, interest discount 贴息, tax deferral,
job-stabilisation refund 稳岗返还, charter buses for returning workers, working-capital loans …) in four
policy documents, with applications, reviews and payments through the demo period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

POLICIES = [
    ("宁政发〔2020〕3号", "关于打赢疫情防控阻击战帮扶中小企业共渡难关的若干意见", "宁江市人民政府", "2020-02-06"),
    ("宁政办发〔2020〕8号", "关于促进企业复工复产的若干意见", "宁江市人民政府办公室", "2020-02-12"),
    ("宁开管〔2020〕2号", "关于加快经开区建设促进实体经济企业发展试行办法", "宁江经济技术开发区管委会", "2020-02-20"),
    ("宁人社发〔2020〕6号", "关于做好疫情防控期间稳就业工作的通知", "宁江市人力资源和社会保障局", "2020-02-18"),
]
SMALL = ["规下", "其他"]
# code, policy, title, support type, department, rule, no_application, eligibility
MEASURES: list[tuple[str, int, str, str, str, dict[str, Any], bool, dict[str, Any]]] = [
    ("ZC01", 0, "承租国有资产类经营用房中小企业免收一个月房租", "rent_relief", "CZJ",
     {"amount_rule": "share", "share_rate": "1", "cap": "50", "base_label": "月租金"}, False, {"size_classes": SMALL}),
    ("ZC02", 0, "受疫情影响较大行业企业稳岗返还", "job_stabilisation", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.05", "cap": "30"}, True, {"hard_hit": True}),
    ("ZC03", 0, "中小微企业社会保险费单位缴费部分减免", "social_insurance", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.1", "cap": "50"}, True, {"size_classes": SMALL, "headcount_min": 5}),
    ("ZC04", 0, "困难企业缓缴税款（最长三个月）", "tax_deferral", "SWU",
     {"amount_rule": "share", "share_rate": "1", "cap": "200", "base_label": "应缴税款"}, False, {}),
    ("ZC05", 0, "防疫重点保障企业新增贷款财政贴息", "interest_discount", "JRB",
     {"amount_rule": "share", "share_rate": "0.5", "cap": "100", "base_label": "贷款利息"}, False,
     {"industries": ["27", "17", "35"]}),
    ("ZC06", 0, "中小企业流动资金贷款续贷支持", "loan", "JRB",
     {"amount_rule": "share", "share_rate": "1", "cap": "500", "base_label": "续贷金额"}, False, {"size_classes": SMALL}),
    ("ZC07", 0, "组织市外员工返岗包车费用补贴", "charter_bus", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.02", "headcount_basis": "declared", "cap": "20"}, False,
     {"size_classes": ["规上工业"]}),
    ("ZC08", 0, "住宿餐饮文旅企业纾困补助", "subsidy", "WGLT",
     {"amount_rule": "fixed", "amount_fixed": "1"}, True, {"hard_hit": True, "headcount_min": 10}),
    ("ZC09", 0, "防疫物资生产企业技术改造补助", "subsidy", "JXJ",
     {"amount_rule": "share", "share_rate": "0.3", "cap": "300", "base_label": "技改投资"}, False,
     {"industries": ["27", "17", "35"], "resumed": True}),
    ("ZC10", 0, "中小企业电费阶段性减免", "subsidy", "GDGS",
     {"amount_rule": "share", "share_rate": "0.05", "cap": "20", "base_label": "二月电费"}, False,
     {"size_classes": SMALL, "resumed": True}),
    ("FG01", 1, "新招用员工一次性招工补贴", "subsidy", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.1", "headcount_basis": "declared", "cap": "30"}, False,
     {"resumed": True}),
    ("FG02", 1, "复工企业防疫物资补助", "subsidy", "JXJ",
     {"amount_rule": "fixed", "amount_fixed": "0.5"}, True, {"resumed": True, "size_classes": ["规上工业", "限上服务业"]}),
    ("FG03", 1, "规上工业企业一季度满负荷生产奖励", "subsidy", "JXJ",
     {"amount_rule": "fixed", "amount_fixed": "10"}, False, {"size_classes": ["规上工业"], "headcount_min": 300,
                                                           "resumed": True}),
    ("FG04", 1, "外贸企业出口信用保险保费补助", "subsidy", "SWJ",
     {"amount_rule": "share", "share_rate": "0.5", "cap": "50", "base_label": "保费"}, False, {"industries": ["C"]}),
    ("FG05", 1, "限上商贸流通企业经营补助", "subsidy", "SWJ",
     {"amount_rule": "fixed", "amount_fixed": "2"}, False, {"size_classes": ["限上服务业"]}),
    ("FG06", 1, "农业龙头企业流动资金贷款贴息", "interest_discount", "NYJ",
     {"amount_rule": "share", "share_rate": "0.5", "cap": "30", "base_label": "贷款利息"}, False,
     {"size_classes": ["农业龙头"]}),
    ("FG07", 1, "道路货运物流企业运输补助", "subsidy", "JTJ",
     {"amount_rule": "per_head", "amount_per_head": "0.03", "cap": "15"}, False, {"industries": ["54", "58", "59"]}),
    ("FG08", 1, "园区标准厂房租金减免", "rent_relief", "JXJ",
     {"amount_rule": "share", "share_rate": "1", "cap": "20", "base_label": "两个月租金"}, False,
     {"parks": ["GXQ", "JKQ", "FHY"]}),
    ("FG09", 1, "中小微企业融资担保费补助", "subsidy", "JRB",
     {"amount_rule": "share", "share_rate": "0.5", "cap": "10", "base_label": "担保费"}, False,
     {"size_classes": SMALL}),
    ("FG10", 1, "重点企业复工用工保障奖励", "subsidy", "RSJ",
     {"amount_rule": "fixed", "amount_fixed": "3"}, True, {"key_only": True, "resumed": True}),
    ("KF01", 2, "经开区企业疫情期间房租补贴", "rent_relief", "JXJ",
     {"amount_rule": "share", "share_rate": "0.5", "cap": "30", "base_label": "一季度租金"}, False, {"parks": ["JKQ"]}),
    ("KF02", 2, "经开区企业委托贷款贴息", "interest_discount", "JRB",
     {"amount_rule": "share", "share_rate": "0.6", "cap": "80", "base_label": "贷款利息"}, False, {"parks": ["JKQ"]}),
    ("KF03", 2, "经开区规上企业提前兑现产业扶持资金", "subsidy", "CZJ",
     {"amount_rule": "fixed", "amount_fixed": "5"}, True, {"parks": ["JKQ"], "size_classes": ["规上工业"]}),
    ("KF04", 2, "经开区企业员工返岗交通补助", "charter_bus", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.01", "headcount_basis": "declared", "cap": "5"}, False,
     {"parks": ["JKQ"]}),
    ("KF05", 2, "经开区新开工项目前期费用补助", "subsidy", "FGW",
     {"amount_rule": "share", "share_rate": "0.2", "cap": "100", "base_label": "前期费用"}, False,
     {"parks": ["JKQ"], "industries": ["C"]}),
    ("RS01", 3, "以工代训职业培训补贴", "subsidy", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.05", "headcount_basis": "declared", "cap": "50"}, False,
     {"resumed": True}),
    ("RS02", 3, "中小微企业稳岗返还（不裁员或少裁员）", "job_stabilisation", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.03", "cap": "20"}, True,
     {"size_classes": SMALL, "headcount_min": 3}),
    ("RS03", 3, "就业见习补贴", "subsidy", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.15", "headcount_basis": "declared", "cap": "15"}, False, {}),
    ("RS04", 3, "线上职业技能培训补贴", "subsidy", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.02", "headcount_basis": "declared", "cap": "10"}, False, {}),
    ("RS05", 3, "规上企业新录用高校毕业生社保补贴", "social_insurance", "RSJ",
     {"amount_rule": "per_head", "amount_per_head": "0.2", "headcount_basis": "declared", "cap": "20"}, False,
     {"size_classes": ["规上工业", "限上服务业"]}),
]
WINDOW_START, WINDOW_END = dt.date(2020, 2, 15), dt.date(2020, 6, 30)


def measure_rows() -> list[dict[str, Any]]:
    """The measures as model field values (the department by code, the policy by index)."""
    rows = []
    for code, policy, title, support, department, rule, no_application, eligibility in MEASURES:
        fields: dict[str, Any] = {k: Decimal(v) if k in ("share_rate", "cap", "amount_fixed", "amount_per_head") else v
                                  for k, v in rule.items()}
        rows.append({"code": code, "policy": policy, "title": title, "support_type": support,
                     "department": department, "no_application": no_application, "eligibility": eligibility,
                     "window_start": WINDOW_START, "window_end": WINDOW_END, **fields})
    return rows
