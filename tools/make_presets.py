"""Write the eight preset policies (rotactl/presets/*.toml) and docs/policy.md from the schema.

Each preset lists every key with its documentation; the keys a preset changes
say why, citing the seed system it follows. Run `make presets docs` after
changing the schema or a preset.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotactl.policy import PRESETS_DIR, render_preset, schema_markdown  # noqa: E402

PRESETS = {
    "default": ("default — a sensible blend", "SPEC §7: the rules most seed systems share.", {}),
    "jiuzhou": ("jiuzhou — 九州名座 客户分配接待轮排制度 FS-QG-65279",
                "seeds/000: 客户分配接待轮排制度 (九州名座).", {
        "skips": {
            "busy": ("forfeit", "misses get no make-up (九州名座 5)"),
            "busy_uncounted": ("forfeit", "serving a signed customer when the turn comes misses it (九州名座 5)"),
        },
        "counting": {
            "unsigned_revisit": ("rotation", "an unsigned old customer who names nobody goes to the rotation "
                                 "and gets a new owner"),
            "surveyors_are_customers": (True, "surveyors count as customers (九州名座 11)"),
        },
        "penalties": {
            "no_deal_week_half": (True, "no deal in a week → half rotation next week (九州名座 12)"),
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
            "daily": ("fixed", "every day from the roster's first person; a round is first to last"),
            "separate_call_order": (False, "one order for walk-ins and calls"),
        },
        "counting": {
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
        "order": {"daily": ("fixed", "the fixed roster order every day")},
        "skips": {
            "owner_absent": ("team", "an absent owner's customer goes to a same-team colleague, outside the "
                             "rotation"),
            "free_pass_idle_minutes": (30, "a next-up who has waited 30 minutes may pass without penalty"),
        },
        "penalties": {
            "pass_fine_at": (2, "the second voluntary pass of a day is fined (青岛 三)"),
            "pass_fine_yuan": (50, "50 yuan"),
            "pass_suspend_at": (3, "the third suspends (青岛 三)"),
            "pass_suspend_days": (3, "for 3 days"),
        },
    }),
    "table3": ("table3 — 客户分配与接待轮岗制度3", "seeds/000: 客户分配与接待轮岗制度3.", {
        "protection": {
            "visit_days": (0, "the first receiver owns the customer for good (首接负责制, 二)"),
            "call_days": (0, "likewise for calls"),
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
            "busy": ("make-up", "long receptions never forfeit"),
        },
        "counting": {
            "noncustomer": ("last", "non-customers go to the last in the rotation, not counted (3)"),
        },
        "protection": {
            "lapse_days": (7, "7 days without follow-up → a new customer (客户管理制度 四)"),
        },
        "splits": {
            "unaware": ("ratio", "甲在不知情的情况下深度接触乙的客户并成交,佣金甲乙各50% (界定方法 (二)1)"),
            "unaware_original": (50, "50/50"),
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
}


def main() -> None:
    for name, (title, source, overrides) in PRESETS.items():
        (PRESETS_DIR / f"{name}.toml").write_text(render_preset(title, source, overrides), encoding="utf-8")
    (ROOT / "docs" / "policy.md").write_text(schema_markdown() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
