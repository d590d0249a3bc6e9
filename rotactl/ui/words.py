"""The floor's words in the office's language (`[office] language`, `--lang`): table headings, the keys
of a one-record view, and the status words and yes/no in cells. JSON keeps the English keys and
values: it is the machine contract. Codes (rule ids, entry and dispute ids, staff ids) are the same
in both languages."""
from __future__ import annotations

HEADINGS = {
    "staff": "人员", "name": "姓名", "status": "状态", "owed": "补接", "turns": "轮次", "receptions": "接待",
    "makeups": "补接", "forfeits": "轮空", "passes": "让号", "calls": "来电", "deals": "成交",
    "conversion": "成交率", "fines": "罚款", "penalties": "处罚", "role": "角色", "team": "组",
    "id": "编号", "kind": "类型", "at": "时间", "actor": "操作人", "detail": "内容",
    "credited": "分成单数", "amount": "分成金额", "open": "争议中", "customer": "客户", "stage": "阶段",
    "unit": "房号", "closer": "成交人", "share": "比例%", "rule": "规则", "dispute": "争议",
    "claimants": "主张方", "proposal": "建议分成", "award": "裁决", "deadline": "期限",
    "commission_base": "提佣基数", "commission": "佣金", "key": "设置项", "value": "值", "default": "默认值",
    "changed": "已改", "by": "操作人", "before": "原值", "version": "版本", "reason": "原因",
    "suspended_until": "停牌至", "half_rotation_until": "两排一轮至", "left": "离职",
    "outcome": "结果", "consumed": "已用轮次", "party": "相关方", "owner": "归属", "protected_until": "保护至",
    "present": "出勤天数", "offered": "轮到次数", "owed_makeups": "应补接", "out_of_turn": "轮外接待",
    "fair_share": "应得轮次", "deviation": "偏差", "field": "项目", "after": "模拟值", "entry": "记录编号",
}

# a one-record view (register, deal, who …): its keys, where they read better than the table headings
PAIR_KEYS = HEADINGS | {
    "entry": "记录编号", "queue": "队列", "receiver": "接待人", "counted": "计轮次", "channel": "渠道",
    "skipped": "跳过", "owner": "归属", "protected_until": "保护至", "amount": "金额", "agency": "分销公司",
    "agent": "经纪人", "expect": "预计到访", "claims_from": "报备生效", "valid_until": "有效至",
    "permanent": "永久", "signed": "已成交", "channel_until": "渠道保护至", "group": "客户组", "claims": "主张",
    "split": "分成", "trainee": "见习", "ssh_key": "签名密钥", "checked_in": "签到", "closed": "关闭",
    "sealed_through": "已封存至", "final": "终裁", "proposal_rule": "建议规则", "free": "免罚", "fine": "罚款",
    "suspended_days": "停牌天数", "penalty_rule": "处罚规则", "done": "完成", "away": "外出", "back": "返回",
    "check-in": "签到", "check-out": "离场", "from": "交出人", "to": "对方", "relation": "关系",
    "free_day": "自由接待日", "day": "日期", "duty": "值班", "calls_mode": "来电方式", "reassign_to": "转给",
    "office": "售楼处", "preset": "预设", "manager": "经理", "ok": "正常", "entries": "记录数",
    "problems": "问题", "resealed": "重新封存", "accepted": "接受", "void": "作废", "evidence": "证据",
    "basis": "依据", "since": "自", "party": "主张方", "note": "备注", "intent": "意向", "raised": "提出",
    "ruling": "裁决", "fines_by_staff": "罚款",
    "days": "天数", "sealed_days": "已封存天数", "reproduced": "重算一致",
    "replayed": "重算结果", "changes": "变化数", "decisions": "重算的决定", "policy": "制度文件", "unreproduced": "本制度重算不一致", "until": "至",
    "customer_groups": "核对客户数", "key_file": "密钥文件",
    "present": "有密钥", "match": "可比对号码", "reveal": "可显示号码",
}

# cell values that are words (a column's status, role, stage …), by column
VALUES = {
    "status": {"available": "空闲", "busy": "接待中", "away": "外出", "off": "未到", "suspended": "停牌",
               "open": "待裁决", "ruled": "已裁决", "late": "逾期", "settled": "已结", "refunded": "已退订",
               "absent": "未找到"},
    "role": {"sales": "销售", "secretary": "秘书", "manager": "经理"},
    "stage": {"deposit": "下定", "contract": "签约", "handover": "交房", "refund": "退订"},
    "queue": {"visit": "来访", "call": "来电"},
    "reason": {"official": "公事", "personal": "私事"},
    "outcome": {"make-up": "补接", "forfeit": "轮空", "consumed": "已用", "excluded": "排除", "receives": "接待",
                "passes": "让号", "off": "不在轮序", "unavailable": "不能接", "passed": "经过(不欠)"},
    "ckind": {"vendor": "推销", "press": "媒体", "peer": "同行", "survey": "市调"},
    "turn": {"walk": "轮序", "makeup": "补接"},
    "relation": {"spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹"},
    "kind": {"visit": "来访", "call": "来电", "check-in": "签到", "check-out": "离场", "away": "外出", "back": "返回",
             "done": "接待完", "pass": "让号", "handover": "交还", "follow-up": "跟进", "link": "亲属", "deal": "成交",
             "claim": "异议", "report-in": "报备", "reassign": "改派", "ruling": "裁决", "fine": "罚款",
             "staff-add": "入职", "staff-leave": "离职", "staff-suspend": "停牌", "staff-penalize": "两排一轮",
             "penalty": "两排一轮", "void": "作废", "accept-late": "接受合并", "free-day": "自由接待日",
             "duty": "值班", "help-credit": "协助计次", "distribute": "来电分配", "policy-set": "设置变更"},
    "basis": {"visit": "来访", "call": "来电", "deposit": "下定", "contract": "签约", "handover": "交房",
              "claim": "异议", "owner": "归属人", "closer": "成交人", "reported": "报备", "toured": "带看",
              "closed": "带至成交"},
}


_PENALTIES = ((r"停牌 (\d+) 天", r"suspended \1 days"), (r"两排一轮 (\S+)", r"half rotation \1"),
              (r"罚款 ([\d.]+) 元", r"fine \1 yuan"))


def penalty_text(text: str, zh: bool) -> str:
    """A penalty as replay words it (Chinese), in the output's language."""
    import re

    if zh:
        return text
    for pattern, english in _PENALTIES:
        text = re.sub(pattern, english, text)
    return text


# the fields of a ledger line, as `log` shows them
LOG_KEYS = PAIR_KEYS | {
    "phone": "电话", "claim": "归属", "designated": "指名", "family_of": "亲属", "ckind": "来客类型", "turn": "方式",
    "referred_by": "介绍人", "absent": "未到", "takeover": "改归属", "mask": "报备号码", "other": "另一方",
    "ref": "引用", "house": "公佣", "penalty": "处罚", "days": "天数", "until": "至", "party": "人数",
    "queue": "队列", "key": "设置项", "sig": "签名", "generation": "代",
}
_FLAGS = ("counted", "free", "trainee", "takeover", "house")


def detail_key(key: str, zh: bool) -> str:
    return LOG_KEYS.get(key, key) if zh else key


def detail_value(key: str, value, zh: bool):
    from decimal import Decimal

    if isinstance(value, Decimal):          # money in a table: with separators, as everywhere
        whole = value == value.to_integral_value()
        return f"{value:,.0f}" if whole else f"{value:,.2f}"
    if not zh or not isinstance(value, str):
        return value
    if key in _FLAGS and value in ("0", "1"):
        return "是" if value == "1" else "否"
    if key == "skipped":
        return "|".join(":".join((s, VALUES["outcome"].get(o, o), r)) for s, o, r in
                        (part.split(":") for part in value.split("|") if part.count(":") == 2))
    return VALUES.get(key, {}).get(value, value)


def heading(column: str, zh: bool) -> str:
    return HEADINGS.get(column, column) if zh else column.replace("_", " ")


def pair_key(key: str, zh: bool) -> str:
    return PAIR_KEYS.get(key, key) if zh else key.replace("_", " ")


def value_word(column: str, value, zh: bool):
    if zh and isinstance(value, str):
        return VALUES.get(column, {}).get(value, value)
    return value


def yes_no(value: bool, zh: bool) -> str:
    return ("是" if value else "否") if zh else ("yes" if value else "no")
