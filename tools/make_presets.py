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
    }),
    "channel": ("channel — 分销撞单 + 公司客户界定确认及归属制度, 金桥 报备流程",
                "seeds/001 and seeds/003; the in-house floor is as `default`.", {}),
    "stage": ("stage — 房地产接待客户轮排制度表", "seeds/000: 房地产接待客户轮排制度表.", {}),
}


def main() -> None:
    for name, (title, source, overrides) in PRESETS.items():
        (PRESETS_DIR / f"{name}.toml").write_text(render_preset(title, source, overrides), encoding="utf-8")
    (ROOT / "docs" / "policy.md").write_text(schema_markdown() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
