"""Write the preset policies (rotactl/presets/*.toml), docs/policy.md and rotactl/core/policy_types.py from the schema.

Each preset lists every key with its documentation; the keys a preset changes
say why, citing the seed system it follows. Run `make presets docs` after
changing the schema or a preset.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotactl.core.policy_text import render_preset, schema_markdown, types_source
from rotactl.store.policy_file import PRESETS_DIR

PRESETS = {
    "default": ("default — a sensible blend", "SPEC §7: the rules most seed systems share.", {}),
    "jiuzhou": ("jiuzhou — 九州名座 客户分配接待轮排制度 FS-QG-65279",
                "seeds/000: 客户分配接待轮排制度 (九州名座).", {
        "skips": {
            "busy": ("forfeit", "misses get no make-up (九州名座 5)"),
            "busy_uncounted": ("forfeit", "serving a signed customer when the turn comes misses it (九州名座 5)"),
        },
        "counting": {
            "unsigned_revisit": ("rotation", "未成交的老客户来访,若未能指定或记起原业务员,则执行轮排"
                                 "及来人登记,客户归属为本次接待的业务员所有 (九州名座 8)"),
            "surveyors_are_customers": (True, "surveyors count as customers (九州名座 11)"),
        },
        "penalties": {
            "no_deal_week_half": (True, "no deal in a week → half rotation next week (九州名座 12)"),
        },
        "calls": {
            "mode": ("day-end", "来电登记每天分配一次,原则上按顺序依次分配 (九州名座 2)"),
        },
        "commission": {
            "rate_permille": ("2", "佣金按照2‰据实发放 (九州名座 14; its 1.8‰/2.3‰/2.5‰ tiers by monthly targets are "
                              "not expressible: the office sets the rate of the month)"),
        },
        "splits": {
            "designated_absent": ("help", "电话邀约客户,客户能报上业务员名字,但是未能由该业务员本人接待的,该客户成交后,"
                                  "业绩五五分成 (九州名座 2)"),
            "help_owner": (50, "五五分成"),
        },
    }),
    "carshowroom": ("carshowroom — 客户接待管理制度 (销售顾问售车)", "seeds/000: 客户接待管理制度.", {
        "office": {"name": ("示例汽车展厅", "")},
        "order": {
            "daily": ("fixed", "客户接待顺序以轮值接待表的先后顺序为准…从第一位销售顾问到最后一个销售顾问接待完毕为一个接待轮回 (二1, 二2)"),
            "separate_call_order": (False, "one order for walk-ins and calls: 由下一名次销售顾问负责接听来电 (二10)"),
        },
        "calls": {
            "mode": ("next-after-receiver", "销售顾问当值时,由下一名次销售顾问负责接听来电,以此类推 (10)"),
        },
        "counting": {
            "help": ("owner-makeup", "若老客户当日未成交,则计当事销售顾问的接待名次,帮忙销售顾问可补接一次 (8(2))"),
            "unsigned_revisit": ("counted", "an unsigned customer's revisit is counted, no make-up (4)"),
            "handover": ("counted", "a colleague's customer discovered is handed over and counted for the "
                         "colleague; the discoverer is owed a make-up (8)"),
        },
        "splits": {
            "help_owner": (50, "the owner busy, the last in the rotation helps: a same-day deal is 50/50, "
                           "otherwise the customer stays with the owner (8, 9)"),
        },
    }),
    "qingdao": ("qingdao — 青岛置业 案场客户接待轮排制度 (2017-01-24)", "seeds/000: 案场客户接待轮排制度 (青岛).", {
        "order": {"daily": ("fixed", "日常接待客户必须按照事先安排好的秩序轮流接待 (青岛 一)")},
        "skips": {
            "owner_absent": ("team", "客户来访,而当事置业顾问不在者,其他置业顾问代为接待(原则同组人员负责),"
                             "不按轮排秩序执行 (青岛 七)"),
            "free_pass_idle_minutes": (30, "超过半个小时仍未接到客户者,允许放弃此次轮排…不视为主动放弃轮排 "
                                       "(青岛 二, 三)"),
        },
        "penalties": {
            "pass_fine_at": (2, "the second voluntary pass of a day is fined (青岛 三)"),
            "pass_fine_yuan": (50, "处以50元现金处罚 (青岛 三)"),
            "pass_suspend_at": (3, "the third suspends (青岛 三)"),
            "pass_suspend_days": (3, "处以停牌3日的处罚 (青岛 三)"),
        },
    }),
    "table3": ("table3 — 客户分配与接待轮岗制度3", "seeds/000: 客户分配与接待轮岗制度3.", {
        "counting": {
            "handover_minutes": (10, "recognised within 10 minutes of the reception → handed back; later, the "
                                 "dispute rules (八)"),
        },
        "protection": {
            "visit_days": (0, "the first receiver owns the customer for good (首接负责制, 二)"),
            "call_days": (0, "likewise for calls: 首接负责制 (二)"),
        },
        "splits": {
            "unaware": ("ratio", "missed on a revisit and closed by another: split by fixed shares (八)"),
            "unaware_original": (33, "首次接待者得1/3,促成成交者得2/3 (八)"),
            "help_owner": (33, "a referral whose salesperson was absent, closed by the one on duty: "
                           "促成成交者得2/3,原销售人员得1/3 (五)"),
        },
    }),
    "developer": ("developer — 销售部客户管理制度及佣金制度", "seeds/004: 销售部客户管理制度及佣金制度.", {
        "skips": {
            "busy": ("make-up", "若轮到的销售人员正在接待客户或办理与销售有关的事宜,由下一位销售人员接待客户,原轮到的销售人员视为累计 (004 客户界定制度 7): "
                    "a long reception never forfeits"),
        },
        "counting": {
            "noncustomer": ("last", "non-customers go to the last in the rotation, not counted (3)"),
        },
        "protection": {
            "lapse_days": (7, "7 days without follow-up → a new customer (客户管理制度 四)"),
        },
        "splits": {
            "unaware": ("ratio", "甲在不知情的情况下深度接触乙的客户并成交,佣金甲乙各50% (界定方法 (二)1)"),
            "unaware_original": (50, "佣金甲乙各50% (界定方法 (二)1)"),
            "help_owner": (20, "the last in the rotation helps an absent salesperson's referral, appointment "
                           "or designated customer: a same-day deal is 20 original / 80 helper (客户管理制度 2)"),
            "designated_absent": ("help", "a designated or appointment customer whose salesperson is away: "
                                  "20 original / 80 receiver on a same-day deal (客户管理制度 3b)"),
            "helped_owner_closed": (30, "a helper with a major contribution, the owner closed: 30 helper / 70 "
                                    "owner (界定方法 (二)1)"),
            "knowing_fine_yuan": (1000, "甲在知情的情况下深度接触乙的客户…罚款1000元,成交业绩全部归乙 (界定方法 (二)1)"),
        },
        "disputes": {
            "window_days": (7, "a claim is accepted up to 7 days after signing (客户管理制度 5c)"),
        },
        "commission": {
            "rate_permille": (0, "高层住宅佣金比例:千分之*, 排屋:千分之* — the seed leaves the rate blank: the office "
                              "fills it in (佣金制度 五)"),
            "deposit_percent": (0, "签订定购协议,缴纳定金的,不计销售佣金提成 (佣金制度 五 a)"),
            "contract_percent": (90, "签订《商品房买卖合同》并缴纳首付款后,佣金提成按以缴纳首付款金额的90%提 — record the "
                                 "down payment as the contract's amount (五 b)"),
            "handover_percent": (10, "the remaining 10% when the loan or the last instalment is received — record "
                                 "it as `deal --stage handover` (五 c, d)"),
        },
    }),
    "channel": ("channel — 分销撞单 + 公司客户界定确认及归属制度, 金桥 报备流程",
                "seeds/001 and seeds/003; the in-house floor is as `default`.", {
        "channel": {
            "report_lead_minutes": (30, "客户到访前,提前半个小时以上发短信报备 (003 金桥 一1, 二4)"),
            "report_valid_days": (7, "a report-in is valid 7 days (003 客户归属认定及报备细则)"),
            "confirm_days": (30, "客户到访第一天开始…客户保护期为一个月时间 (003 金桥 二1)"),
            "inhouse_days": (7, "案场置业顾问客户保护期7-10天,保护期过后外围分销团队带客户成交归经纪人所有 (001 秀兰森活里 1)"),
            "called_share": (10, "a公司有通话清单,未带看…10%, b公司 90% (001 分销撞单 第八条 6(1))"),
            "toured_share": (40, "a公司…有带看,但未跟至现场成交 40%, b公司 60% (001 第八条 6(2))"),
            "report_renew_days": (5, "客户一直未进场,但分销单位一直持续跟进的(至少5天有一次与客户的跟进记录),分销单位需"
                                  "再次报备 (003 报备细则 2)"),
        },
        "disputes": {
            "window": ("contract", "另一方分销公司在客户签约前向甲方提出异议,超出这个时间点则无效 (001 第八条 8)"),
        },
    }),
    "stage": ("stage — 房地产接待客户轮排制度表", "seeds/000: 房地产接待客户轮排制度表.", {
        "splits": {
            "help_owner": (100, "an owner on leave: colleagues help, the deal is 100% the owner's (业绩界定 4: 回访的顾客若原接待人不能接待"
                           "(休假、正在接待…),其他同事有义务协作、帮助成交,但不计入业绩)"),
            "unaware": ("stage", "recognised before the deposit: original 100; after it 50/50; at the "
                        "contract: the closer 100 (业绩界定标准 5)"),
        },
        "disputes": {
            "house_after_days": (7, "若对客户归属有争议的…如不服从协调结果,则该业绩作公佣 (总则 2); the seed "
                                 "gives no number of days: 7 chosen"),
        },
    }),
    "b2b": ("b2b — 客户备案 (B2B) + 武汉国电西高 客户分配与接待轮排制度",
            "seeds/003: 客户备案制度 第三章 客户保护规定; seeds/000: 武汉国电西高电气 客户分配与接待轮排制度.", {
        "office": {"name": ("示例销售部", "")},
        "protection": {
            "visit_days": (90, "经拜访过的客户只要市场部备案,三个月内其他销售人员不允许再行前往拜访 (003 第三章 二)"),
            "call_days": (90, "客户来电接待实行轮接制…接待客户一定要做记录登记,是作为你接待的依据凭证 (000 国电西高); "
                          "registered callers are protected like visits (three months, 003 第三章 二)"),
            "deposit_days": (180, "已发生销售的客户,如果六个月内不产生销售,也没有回款,该客户自动转交公司 (003 第三章 三)"),
            "contract_days": (180, "likewise: six months without a sale after the last one (003 第三章 三)"),
        },
        "counting": {
            "referral": ("rotation", "若来电是老客户介绍来的新客户,其不能告知是某业务员的,则执行轮排 (000 国电西高 一5); a "
                         "caller who names the salesperson goes to them (`--for`, 一2)"),
            "surveyors_are_customers": (True, "除了推销的、打错电话的、广告的、公司没有其产品,其他来访人员均视为客户 "
                                        "(000 国电西高 三1)"),
        },
    }),
    "pinke": ("pinke — 客户归属判定制度精品", "seeds/004: 客户归属判定制度精品.", {
        "protection": {
            "visit_days": (2, "来访客户:以来访问卷录入时间为准,保护期48 (成交后冲突 2③); protection is counted in days: "
                           "48 hours = 2 days"),
            "call_claims": (False, "来电客户:无保护期,如客户有指定销售人员,则指定销售人员接待…无指定…由轮排人员正常接待 "
                            "(成交后冲突 2④)"),
        },
        "counting": {
            "referral": ("rotation", "老带新客户:…只要主动要求原销售顾问接待,则业绩归属原销售人员 (`--for`);…未指定销售人员"
                         "的,视同新客户,由当班销售人员接待 (客户接待时冲突 2)"),
        },
        "channel": {
            "report_valid_days": (2, "渠道客户:凤凰通推介以明源系统渠道推介时间为准,保护期48小时 (成交后冲突 2②)"),
            "confirm_days": (2, "the same 48 hours after the agency's visit (成交后冲突 2②)"),
        },
        "disputes": {
            "ruling_fine_yuan": (100, "最后反馈至项目第一负责人处判客,最终判定结果不得有异议且处罚非客户归属方100元 (判客流程 3)"),
        },
    }),
    "waichang": ("waichang — 房地产 案场与外场客户归属细则", "seeds/004: 案场与外场客户归属细则.", {
        "protection": {
            "visit_days": (15, "初次分配后客户有效期为15天 (一2)"),
            "call_days": (15, "案场接电后,有明确备案记录可查询的视为第一接待人 (三4); the same 15 days (一2)"),
            "lapse_days": (10, "若第一接待人10天内无持续性跟踪维护记录,其他销售开发后,则该客户自动转移 (一2); 原销售10天内无"
                           "可查询的跟踪维护记录,再次来访时,客户归新接待人员 (三3)"),
            "referral_days": (40, "经老客户介绍的新客户,40天内成交的归第一接待人;40天内无成交的自动转给新接待人员 (四1, 四2)"),
        },
    }),
}


# Per preset: what its seed asks that no knob expresses, and what the office does instead (docs/presets.md).
NOT_HONOURED = {
    "default": ["A blend of the seeds, not one system: nothing to honour beyond SPEC §7's row."],
    "jiuzhou": [
        "2–3 约客率应在20%以上…约客率为零,则下一周…不再分配来电: the invitation rate is not tracked; a manager "
        "takes the person out of the call order (`staff suspend`).",
        "12 成交率应在10%以上: only the no-deal week's half rotation (PEN-HALF) is built.",
        "13 末位淘汰, 14 岗位浮动制和佣金浮动制 (1.8‰–2.5‰ by monthly red/green-line targets): payroll policy; the "
        "office sets the month's rate with `policy set commission.rate_permille`.",
        "16 未通关者不得见客或接电: record such a person as `--trainee` (ORD-TRAINEE).",
        "18 20-200元不等的经济处罚: `staff fine ID --yuan N --reason T`.",
    ],
    "carshowroom": [
        "8(1) 销售顾问可选择同时接待或指定他人代接老客户: the owner's choice of a named colleague is recorded only as a "
        "manager's `register --to`; without it the last in the rotation helps (ROT-LAST).",
        "9(2) 如该同事休息不在现场,应电话通知,由该同事指定相关人员接待: the absent owner's remote designation is not "
        "modelled (the desk asks a manager to `--to`).",
    ],
    "qingdao": [
        "二 提前至入口左侧站立等待, 控台不允许缺人 and 四 轮休 attendance: conduct, outside the rotation record.",
    ],
    "table3": [
        "七 5 minutes away for private reasons → forfeit: the desk records the absence (`--absent` or `away "
        "--reason personal`); the 5-minute threshold is the desk's judgement, not timed.",
        "十一 挑客 → half rotation: a manager's `staff penalize ID --half-rotation --days N`.",
    ],
    "developer": [
        "佣金制度 五 高层住宅/排屋 different rates (千分之*): one rate per office; the seed leaves the rate blank.",
        "客户管理制度 跟进 within 24 hours and 3 days: not enforced; only the 7-day lapse (ATT-RENEW) is.",
        "团购 (group purchase) attribution and 团购激励方案: not built.",
    ],
    "channel": [
        "001 第八条 3-5 三大运营商通话清单 (call records within three days before the arrival) as evidence: the "
        "manager weighs it in `resolve-dispute`; SPL-AGENCY reads only reported / toured / came to the deal.",
    ],
    "stage": [
        "业绩界定 2 未咨询客户是否第一次来访 → the customer stays with the original receiver: covered by the "
        "dispute rules (SPL-STAGE), not as a separate check of the receiver's question.",
        "业绩界定 6 一月内不得接新客户 for quarrelling before customers: a manager's `staff suspend ID --days 30`.",
        "总则 2 公佣 for unresolved disputes: the seed gives no number of days; 7 is this preset's choice.",
    ],
    "b2b": [
        "003 第四章 重叠客户 界定 by order history (有下单的老客户…报备时间以前的老客户优先): approximated by the "
        "deal protection (180 days) and the manager's ruling.",
        "000 国电西高 一4 转成率…下月将不再分配来电: conversion-based exclusion from the call rotation is not built "
        "(`staff suspend`).",
        "003 第三章 三 新业务员收回的老货款提成减半: payroll outside rotactl.",
    ],
    "pinke": [
        "保护期48小时: protection is counted in calendar days, so 48 hours is 2 days (to the end of the second day).",
        "开盘前保护期7天 vs 开盘期间 48小时: periods by sales phase are not expressible; `policy set "
        "protection.visit_days 7` before the opening, 2 from it.",
        "其他渠道(电商资源、分销商资源等)不进行保护: protection by named channel is not expressible; only 凤凰通's 48 "
        "hours are set (channel.report_valid_days, confirm_days).",
        "严禁在客户面前争吵抢客,一经发现客户充公,第一次…500元扣罚第二次直接辞退: `staff fine ID --yuan 500` and a "
        "ruling `--house`; the dismissal is a manager's `staff leave`.",
        "顾问接待了其他销售人员的客户后…12小时以内反馈: a conduct duty, not recorded.",
    ],
    "waichang": [
        "二 外出拓客 by 业态 (商家主营业态判定业态, 规模大的业态归该业态销售): customers carry no business type, so "
        "ownership by 业态 is not expressible; the first receiver owns (ATT-FIRST).",
        "二3 夫妻或父母…谁掌握经济话语权: not expressible; the family's earliest claim owns the group (ATT-FAMILY).",
        "四3 异议 needs 接待证明及可查询的备案信息: the manager's ruling (`resolve-dispute`).",
    ],
}

# The rows SPEC §7's table gets for the presets added by issue 9 (same columns).
SPEC_ROWS = [
    ("b2b", "003: 客户备案制度 (B2B) + 000: 武汉国电西高 客户分配与接待轮排制度",
     "phone-lead rotation (ORD-CONTINUE); a caller who names a salesperson or was developed by one goes to them; "
     "referred callers who name nobody → rotation; visit/call registration protects 3 months, a sale 6 months; "
     "everyone but sales pitches and wrong numbers is a customer"),
    ("pinke", "004: 客户归属判定制度精品",
     "48-hour (2-day) visit and channel protection; calls claim nothing (designated callers to their "
     "salesperson); 老带新 only when the original is asked for; spouse/parent/child one customer, siblings not; "
     "hand-back with a make-up; the final ruling fines the losing party 100 yuan; 500-yuan fine for quarrels"),
    ("waichang", "004: 房地产 案场与外场客户归属细则",
     "first receiver owns for 15 days, lapsing after 10 days without follow-up; a referred customer is the first "
     "receiver's for 40 days; calls with a record count as first reception; 业态 rules not expressible"),
]


def presets_markdown() -> str:
    """docs/presets.md: per preset, each knob it sets and the seed passage it follows, and what it cannot."""
    from rotactl.core.policy import SCHEMA, _toml_value

    out = ["# Presets and their seeds", "",
           "Generated by `tools/make_presets.py` (`make presets`). `rotactl init DIR --preset NAME` writes the "
           "preset's `rotactl.toml`; every key a preset changes from `default` quotes the seed passage it follows "
           "(the seeds are `../shared/seeds/*.txt`). Keys not listed take the `default` value (docs/policy.md).", ""]
    for name, (title, source, overrides) in PRESETS.items():
        out += [f"## `{name}` — {title.split(' — ', 1)[-1]}", "", f"Seed: {source}", ""]
        rows = [(f"{section}.{key}", _toml_value(value), why or "the office's display name")
                for section, keys in overrides.items() for key, (value, why) in keys.items()]
        if rows:
            out += ["| key | value | seed passage |", "|---|---|---|"]
            out += [f"| `{k}` | `{v}` | {w.replace('|', '/')} |" for k, v, w in rows]
        else:
            out.append("All keys at their defaults.")
        out += ["", "Seed passages not honoured, and what the office does instead:", ""]
        out += [f"- {line}" for line in NOT_HONOURED[name]] + [""]
    out += ["## Rows for SPEC §7", "", "| preset | from | distinctive rules |", "|---|---|---|"]
    out += [f"| `{n}` | {src} | {rules} |" for n, src, rules in SPEC_ROWS]
    assert set(NOT_HONOURED) == set(PRESETS) and all(k in SCHEMA for k in ("calls", "commission"))
    return "\n".join(out) + "\n"


def main() -> None:
    for name, (title, source, overrides) in PRESETS.items():
        (PRESETS_DIR / f"{name}.toml").write_text(render_preset(title, source, overrides), encoding="utf-8")
    (ROOT / "docs" / "policy.md").write_text(schema_markdown() + "\n", encoding="utf-8")
    (ROOT / "rotactl" / "core" / "policy_types.py").write_text(types_source(), encoding="utf-8")
    (ROOT / "docs" / "presets.md").write_text(presets_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
