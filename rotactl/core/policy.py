"""The office's written policy: `rotactl.toml`, validated against one schema.

The schema below is the single source of truth for every knob: its type, its
allowed values, its default (the `default` preset) and the sentence that
documents it. `docs/policy.md` and the preset files are generated from it
(`make presets docs`), and the engine reads knobs only through `Policy` — it
never branches on a preset's name.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from rotactl.core.errors import LedgerError
from rotactl.core.policy_types import SECTIONS, Policy

PRESET_NAMES = ("default", "jiuzhou", "carshowroom", "qingdao", "table3", "developer", "channel", "stage", "b2b",
                "pinke", "waichang")


@dataclass(frozen=True)
class Knob:
    type: type | str          # str, int, bool, "time" (HH:MM), "percent" (0–100), "list", "decimal"
    default: Any
    doc: str
    choices: tuple = ()
    rule: str = ""            # the rules that read this knob, space-separated (`why` shows the knob beside them)

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(self.rule.split())


K = Knob
SCHEMA: dict[str, dict[str, Knob]] = {
    "office": {
        "name": K(str, "示例售楼处", "Office name shown in reports."),
        "timezone": K(str, "Asia/Shanghai", "IANA time zone of the floor; `--at` and 'now' are read in it."),
        "phone_region": K(str, "CN", "Region used to normalise phone numbers written without a country code."),
        "language": K(str, "zh", "Language of table headings.", ("zh", "en")),
        "opening": K("time", "08:00", "Opening time (HH:MM); leads before it go to the duty rule.", rule="ROT-DUTY"),
        "closing": K("time", "17:30", "Closing time (HH:MM); leads after it go to the duty rule.", rule="ROT-DUTY"),
        "desk_accounts": K("list", ["desk"], "Shared front-desk accounts that may record floor events with `--as` "
                           "besides the people on the roster (SPEC §4.1); they may not do manager-only things."),
        "signed_manager_entries": K(bool, False, "Every manager-only entry carries an SSH signature by the "
                                    "manager's key (`staff add ID --ssh-key`); `check` verifies it (SPEC §4.1)."),
    },
    "order": {
        "daily": K(str, "continue", "How each day's order starts: `continue` = after yesterday's last counted "
                   "receiver (ORD-CONTINUE); `checkin` = order of check-in (ORD-CHECKIN); `fixed` = roster "
                   "order from its first person every day (ORD-FIXED); `ranking` = last month's deals, most "
                   "first (ORD-RANKING).", ("continue", "checkin", "fixed", "ranking"),
                   rule="ORD-CONTINUE ORD-CHECKIN ORD-FIXED ORD-RANKING ROT-NEXT"),
        "newcomer_at_end": K(bool, True, "Someone who checks in after the day's first reception joins at the "
                             "end of today's order.", rule="ORD-NEWCOMER"),
        "separate_call_order": K(bool, True, "Phone leads have their own order (电话接待轮次表), separate from "
                                 "walk-ins; false = one order for both.", rule="ROT-NEXT DAY-ROLLOVER"),
        "busy_across_queues": K(bool, False, "A reception makes its receiver busy for the other queue too; "
                                "false = a salesperson with a visitor still takes their turn on the call table "
                                "(they call back).", rule="ROT-BUSY"),
    },
    "skips": {
        "busy": K(str, "make-up", "Next-up still with a customer received in turn: `make-up` (owed, served "
                  "first) or `forfeit` (the turn is gone).", ("make-up", "forfeit"), "ROT-BUSY"),
        "busy_uncounted": K(str, "make-up", "Next-up busy with a reception that was not counted (a signed or "
                            "old customer's revisit, a designated customer…): `make-up` or `forfeit`.",
                            ("make-up", "forfeit"), rule="ROT-BUSY CNT-SIGNED"),
        "official": K(str, "make-up", "Next-up away on approved official business: `make-up` or `forfeit`.",
                      ("make-up", "forfeit"), "ROT-OFFICIAL"),
        "official_makeups_per_round": K(int, 1, "At most this many official-business make-ups per person per "
                                        "round (0 = no limit); beyond it the turn is forfeit.", rule="ROT-OFFICIAL"),
        "makeups_carry_over": K(bool, False, "Make-ups still owed at day end are carried to the next day; "
                                "false = they lapse with the day.", rule="ROT-MAKEUP"),
        "owner_absent": K(str, "last", "Who receives an owned customer when the owner cannot: `last` = the last "
                          "in the rotation (walk backwards from the next-up, ROT-LAST); `next-up` = the next-up, "
                          "uncounted; `team` = the first available colleague of the owner's team, else `last`.",
                          ("last", "next-up", "team"), "ROT-LAST"),
        "after_hours": K(str, "duty", "Leads outside opening hours: `duty` = the next-up on duty receives, not "
                         "counted (ROT-DUTY); `rotation` = as in hours.", ("duty", "rotation"), "ROT-DUTY"),
        "free_pass_idle_minutes": K(int, 0, "A next-up who has waited this many minutes without a customer, "
                                    "counted from the moment they became next-up, may pass without it counting "
                                    "toward the pass limits (0 = never free).", rule="PEN-PASSES"),
    },
    "counting": {
        "signed_revisit": K(str, "uncounted", "A signed customer's revisit goes to their salesperson: "
                            "`uncounted` (their turn is kept) or `counted` (uses their next turn).",
                            ("uncounted", "counted"), "CNT-SIGNED"),
        "unsigned_revisit": K(str, "uncounted", "An unsigned old customer's revisit: `uncounted` or `counted` "
                              "go to their salesperson; `rotation` = received as new by the rotation, who "
                              "becomes the owner (unless the customer names someone).",
                              ("uncounted", "counted", "rotation"), "CNT-UNSIGNED"),
        "designated": K(str, "uncounted", "A customer who asks for a salesperson (指名) or comes by their "
                        "appointment: `uncounted` or `counted`.", ("uncounted", "counted"), "CNT-DESIGNATED"),
        "referral": K(str, "owner", "老带新: `owner` = the new customer goes to the referring customer's "
                      "salesperson, uncounted; `rotation` = received by the rotation.",
                      ("owner", "rotation"), rule="CNT-REFERRAL ATT-REFERRAL"),
        "noncustomer": K(str, "next-up", "Sales pitches, press, peers (and surveyors unless they count): "
                         "`next-up` = the next-up receives, not counted, keeps the turn; `last` = the last in "
                         "the rotation receives, not counted.", ("next-up", "last"), "CNT-NONCUSTOMER"),
        "surveyors_are_customers": K(bool, False, "Market surveyors are received as customers.",
                                     rule="CNT-NONCUSTOMER"),
        "repeat_same_day": K(str, "uncounted", "The same customer again on the same day goes to the same "
                             "receiver: `uncounted` or `counted`.", ("uncounted", "counted"), "CNT-REPEAT"),
        "handover": K(str, "uncounted", "A customer recognised during the reception and handed to the "
                      "colleague who owns them: `counted` (uses the colleague's turn) or `uncounted`; the "
                      "receiver who hands over is owed a make-up either way.",
                      ("counted", "uncounted"), "ATT-RECOGNISED"),
        "handover_minutes": K(int, 0, "A hand-back (`handover`) is accepted only within this many minutes of the "
                              "reception's start (0 = during the whole reception); later, the receiver keeps the "
                              "customer and the dispute rules apply.", rule="ATT-RECOGNISED"),
        "help": K(str, "obligation", "The last in the rotation received a colleague's customer because the "
                  "colleague could not (ROT-LAST) and no deal followed that day: `obligation` = help, no turn "
                  "used, nothing owed; `owner-makeup` = at rollover the reception counts for the owner and the "
                  "helper is owed one make-up, served by the next lead even where make-ups lapse with the day.",
                  ("obligation", "owner-makeup"), "CNT-HELP"),
    },
    "calls": {
        "mode": K(str, "rotation", "Who receives a phone lead: `rotation` = the call order (its own, or the "
                  "walk-in order when `order.separate_call_order` is false); `next-after-receiver` = the person "
                  "after the walk-in next-up, who keeps the walk-in turn; `duty` = the day's duty person (`duty "
                  "ID`, else the first in the day's order), not counted; `day-end` = calls are logged with no "
                  "receiver and rollover distributes them in the call order.",
                  ("rotation", "next-after-receiver", "duty", "day-end"),
                  rule="ROT-NEXT ROT-DUTY CNT-NEW DAY-ROLLOVER"),
    },
    "penalties": {
        "pass_fine_at": K(int, 0, "The Nth voluntary pass of a day (and any after it, below the suspension "
                          "count) is fined (0 = passes are never fined).", rule="ROT-PASS PEN-PASSES"),
        "pass_fine_yuan": K(int, 0, "Fine in yuan for such a pass.", rule="PEN-PASSES"),
        "pass_suspend_at": K(int, 0, "The Nth voluntary pass of a day suspends the person (0 = never).",
                             rule="ROT-PASS PEN-PASSES"),
        "pass_suspend_days": K(int, 0, "Days of that suspension (it starts at once and lasts through the N "
                               "following days).", rule="PEN-PASSES PEN-SUSPEND"),
        "no_deal_week_half": K(bool, False, "At the week's last rollover, salespeople with no deal that week "
                               "are put on half rotation for the next week.", rule="PEN-HALF"),
    },
    "protection": {
        "visit_days": K(int, 7, "Days a walk-in registration protects the customer (0 = permanent).",
                        rule="ATT-PROTECT"),
        "call_days": K(int, 15, "Days a phone registration protects the customer (0 = permanent).",
                       rule="ATT-PROTECT"),
        "deposit_days": K(int, 90, "Days a deposit protects the customer (0 = permanent).", rule="ATT-PROTECT"),
        "contract_days": K(int, 0, "Days a contract protects the customer (0 = permanent).", rule="ATT-PROTECT"),
        "lapse_days": K(int, 0, "An unsigned claim with no visit or follow-up for this many days lapses "
                        "(0 = only the protection period applies).", rule="ATT-RENEW"),
        "referral_days": K(int, 0, "Days the registration of a referred customer (`--referred-by`) protects "
                           "them (0 = the period of its source, visit or call).", rule="ATT-PROTECT"),
        "call_claims": K(bool, True, "A phone lead's registration claims the customer; false = calls claim "
                         "nothing (no protection for callers).", rule="ATT-FIRST DAY-ROLLOVER"),
        "family": K("list", ["spouse", "parent", "child"], "Relations that make two customers one group "
                    "(any of spouse, parent, child, sibling).", ("spouse", "parent", "child", "sibling"),
                    "ATT-FAMILY"),
    },
    "splits": {
        "unaware": K(str, "stage", "Someone unknowingly served and closed another's protected customer: "
                     "`stage` = by the stage at which it was recognised (SPL-STAGE: before the deposit the "
                     "original 100, at or after it 50/50, after the contract the closer 100); `ratio` = the "
                     "fixed share below (SPL-UNAWARE).", ("stage", "ratio"), "SPL-UNAWARE"),
        "unaware_original": K("percent", 50, "With `unaware = \"ratio\"`: the original owner's percent; the closer "
                              "gets the rest.", rule="SPL-UNAWARE"),
        "help_owner": K("percent", 50, "The owner was absent and a helper received and closed the same day: the "
                        "owner's percent, the helper gets the rest. A later deal by the helper stays 100 with "
                        "the owner (the help was an obligation).", rule="SPL-HELP"),
        "designated_absent": K(str, "receiver", "A designated (指名/预约) customer whose salesperson was absent "
                               "closed the same day by the receiver: `receiver` = the receiver's deal "
                               "(ATT-DESIGNATED); `help` = split as help (SPL-HELP).",
                               ("receiver", "help"), "ATT-DESIGNATED"),
        "helped_owner_closed": K("percent", 0, "A helper received the owner's customer and the owner closed later: "
                                 "the helper's percent (0 = none; SPL-HELPED-OWNER-CLOSED).",
                                 rule="SPL-HELPED-OWNER-CLOSED"),
        "knowing_fine_yuan": K(int, 0, "Someone closed a customer already known to be another's (recognised "
                               "before they first served them): the original gets 100 and the closer is fined "
                               "this many yuan (0 = no fine entry).", rule="SPL-KNOWING"),
    },
    "channel": {
        "report_lead_minutes": K(int, 30, "A report-in (报备) claims a customer only if made at least this many "
                                 "minutes before the arrival.", rule="ATT-REPORT"),
        "report_valid_days": K(int, 7, "The customer must arrive within this many days of the report-in.",
                               rule="ATT-REPORT"),
        "confirm_days": K(int, 30, "An arrival confirmation (到访确认单) keeps the agency's claim this many days "
                          "after each visit it brought (0 = permanent).", rule="ATT-REPORT"),
        "inhouse_days": K(int, 7, "A customer who visited the showroom before any valid report is protected "
                          "against agencies for this many days after that visit; after it, an agency's new "
                          "report can claim them (0 = no protection).", rule="ATT-INHOUSE"),
        "called_share": K("percent", 10, "Two agencies reported: one only reported (called), the other toured and "
                          "came to the deal — the first one's percent.", rule="SPL-AGENCY"),
        "toured_share": K("percent", 40, "Two agencies reported and toured, one came to the deal — the other one's "
                          "percent (both came to the deal: 50/50).", rule="SPL-AGENCY"),
        "report_renew_days": K(int, 0, "An agency that reports the same customer again while its report is still "
                               "valid, within this many days of it, keeps its first report's priority (0 = every "
                               "report stands on its own).", rule="ATT-REPORT"),
    },
    "disputes": {
        "window": K(str, "days", "When a claim on a closed customer must be raised: `days` = within "
                    "`window_days` after the deal; `contract` = before the contract; `none` = any time. A "
                    "late claim proposes 100% to the closer.", ("days", "contract", "none"), "DSP-WINDOW"),
        "window_days": K(int, 3, "With `window = \"days\"`: days after the deal.", rule="DSP-WINDOW"),
        "house_after_days": K(int, 0, "A dispute not ruled this many days after it arose goes to the house "
                              "account (公佣) (0 = never).", rule="SPL-HOUSE"),
        "ruling_fine_yuan": K(int, 0, "A final ruling fines each staff claimant it awards nothing this many yuan "
                              "(0 = no fine).", rule="DSP-FINAL"),
    },
    "commission": {
        "rate_permille": K("decimal", 0, "Commission rate in per mille (‰) of the amount it is earned on; a whole "
                           "number or a string such as \"2.5\" (0 = no commission)."),
        "deposit_percent": K("percent", 0, "Percent of a deposit deal's amount on which commission is earned."),
        "contract_percent": K("percent", 100, "Percent of a contract deal's amount on which commission is earned."),
        "handover_percent": K("percent", 0, "Percent of a handover deal's amount on which commission is earned."),
    },
}
RELATIONS = ("spouse", "parent", "child", "sibling")


def _reads() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for section, keys in SCHEMA.items():
        for key, knob in keys.items():
            for rule in knob.rules:
                out.setdefault(rule, []).append(f"{section}.{key}")
    return {rule: tuple(keys) for rule, keys in out.items()}


# rule id -> the knobs (`section.key`) it reads, from each knob's `rule`: `why` shows their values beside a
# decision of that rule. One mapping, kept in one place: the schema.
READS: dict[str, tuple[str, ...]] = _reads()


def policy_keys(rule_ids) -> list[str]:
    """The knobs the given rules read, each once, in the order first named."""
    out: list[str] = []
    for rule_id in rule_ids:
        out += [key for key in READS.get(rule_id, ()) if key not in out]
    return out


def defaults() -> dict[str, dict[str, Any]]:
    return {section: {k: knob.default for k, knob in keys.items()} for section, keys in SCHEMA.items()}


def _line_of(text: str, section: str, key: str | None) -> int:
    lines = text.splitlines()
    current = ""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = re.match(r"\[([^\[\]]+)\]", stripped)
        if match:
            current = match.group(1).strip()
            if key is None and current == section:
                return number
            continue
        if key and current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 1


def _check(value: Any, knob: Knob) -> str | None:
    if knob.type == "time":
        if not (isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value)):
            return "expected a time HH:MM"
    elif knob.type == "list":
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return "expected a list of strings"
        if knob.choices:
            bad = [v for v in value if v not in knob.choices]
            if bad:
                return f"unknown value {bad[0]!r} (expected some of {', '.join(knob.choices)})"
        elif not all(re.fullmatch(r"[^\s:|,;=\\]+", v) for v in value):
            return "expected names without spaces or any of : | , ; = \\"
        return None
    elif knob.type == "decimal":
        if isinstance(value, bool) or not (isinstance(value, int) and value >= 0
                                           or isinstance(value, str) and re.fullmatch(r"\d+(\.\d{1,3})?", value)):
            return "expected a whole number ≥ 0 or a decimal string such as \"2.5\" (at most 3 decimals)"
    elif knob.type == "percent":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            return "expected a percent, a whole number from 0 to 100"
    elif knob.type is bool:
        if not isinstance(value, bool):
            return "expected true or false"
    elif knob.type is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "expected a whole number ≥ 0"
    elif not isinstance(value, str):
        return "expected a string"
    if knob.choices and value not in knob.choices:
        return f"expected one of {', '.join(knob.choices)}"
    return None


def parse(text: str, name: str = "rotactl.toml") -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise LedgerError([f"{name}:{match.group(1) if match else 1}: {exc}"]) from None
    problems = []
    values = defaults()
    for section, body in data.items():
        if section not in SCHEMA:
            problems.append(f"{name}:{_line_of(text, section, None)}: unknown section [{section}]")
            continue
        if not isinstance(body, dict):
            problems.append(f"{name}:{_line_of(text, section, None)}: [{section}] must be a table")
            continue
        for key, value in body.items():
            knob = SCHEMA[section].get(key)
            if knob is None:
                problems.append(f"{name}:{_line_of(text, section, key)}: unknown key {section}.{key}")
                continue
            error = _check(value, knob)
            if error:
                problems.append(f"{name}:{_line_of(text, section, key)}: {section}.{key}: {error}")
                continue
            values[section][key] = value
    if problems:
        raise LedgerError(problems)
    try:
        import zoneinfo
        zoneinfo.ZoneInfo(values["office"]["timezone"])
    except Exception:
        line = _line_of(text, "office", "timezone")
        raise LedgerError([f"{name}:{line}: office.timezone: unknown time zone "
                           f"{values['office']['timezone']!r}"]) from None
    return Policy(**{section: SECTIONS[section](**{key: tuple(value) if isinstance(value, list) else value
                                                     for key, value in body.items()})
                     for section, body in values.items()})


def default_policy() -> Policy:
    return parse("")


# -- `policy set`: one knob changed in the file, every other byte kept -------------------

def version(data: bytes) -> str:
    """The policy version a `policy-set` entry names: the first 12 hex of the file's sha256."""
    import hashlib

    return hashlib.sha256(data).hexdigest()[:12]


def knob_of(key: str) -> tuple[str, str, Knob]:
    """`section.key` → (section, key, its knob); ValueError naming the key when the schema has none."""
    section, _dot, name = key.partition(".")
    knob = SCHEMA.get(section, {}).get(name)
    if knob is None:
        raise ValueError(f"unknown policy key {key!r} (SECTION.KEY, e.g. calls.mode; see `rotactl policy show`)")
    return section, name, knob


def parse_value(knob: Knob, text: str) -> Any:
    """VALUE as typed on the command line: a TOML literal, or a bare word (a string; a list as a,b)."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = [v.strip() for v in text.split(",") if v.strip()] if knob.type == "list" else text
    if knob.type == "decimal" and isinstance(value, float):
        value = text.strip()
    error = _check(value, knob)
    if error:
        raise ValueError(error)
    return value


def toml_value(value: Any) -> str:
    return _toml_value(value)


def set_value(text: str, section: str, key: str, value: Any) -> str:
    """The policy text with `key` of `[section]` set to `value`: its line replaced in place (comments and
    every other line kept byte for byte), else added at the end of the section (or a new section)."""
    lines = text.splitlines(keepends=True)
    current, last_of_section = "", None
    for i, line in enumerate(lines):
        stripped = line.strip()
        header = re.match(r"\[([^\[\]]+)\]", stripped)
        if header:
            current = header.group(1).strip()
            continue
        if current == section:
            last_of_section = i
            match = re.match(rf"(\s*){re.escape(key)}\s*=", line)
            if match:
                ending = line[len(line.rstrip("\r\n")):]
                lines[i] = f"{match.group(1)}{key} = {_toml_value(value)}{ending}"
                return "".join(lines)
    new = f"{key} = {_toml_value(value)}\n"
    if last_of_section is None:
        return text + ("" if text.endswith("\n") or not text else "\n") + f"\n[{section}]\n{new}"
    lines.insert(last_of_section + 1, new if lines[last_of_section].endswith("\n") else "\n" + new)
    return "".join(lines)


# -- presets and docs (generated from the schema) ------------------------------

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'
