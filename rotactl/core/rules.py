"""The rule registry: every rule id of SPEC §5, its section and one line of meaning.

Decisions name their rule through the constants below (`rules.ROT_NEXT`), never
a bare string, so a misspelt id fails at import time and `RULES` is the one list
that docs and tests check against the SPEC. A rule whose code does not exist yet
is listed with `built=False`; a test fails if a SPEC id is neither tested nor
marked so.
"""
from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    id: str
    section: str
    meaning: str
    built: bool = True


RULES: dict[str, Rule] = {}


def _rule(rule_id: str, section: str, meaning: str, built: bool = True) -> str:
    RULES[rule_id] = Rule(rule_id, section, meaning, built)
    return rule_id


# 5.1 Order of the day
ORD_CONTINUE = _rule("ORD-CONTINUE", "5.1", "the order starts after yesterday's last counted receiver")
ORD_CHECKIN = _rule("ORD-CHECKIN", "5.1", "the order is the order of check-in")
ORD_FIXED = _rule("ORD-FIXED", "5.1", "the roster order, every day from its first person")
ORD_RANKING = _rule("ORD-RANKING", "5.1", "ordered by last month's deals, most first")
ORD_NEWCOMER = _rule("ORD-NEWCOMER", "5.1", "a late joiner goes to the end of today's order")
ORD_TRAINEE = _rule("ORD-TRAINEE", "5.1", "trainees, the suspended and those not checked in are not in the order")
# 5.2 Skips, forfeits and make-ups
ROT_NEXT = _rule("ROT-NEXT", "5.2", "a new lead goes to the next-up; the order moves past them")
ROT_BUSY = _rule("ROT-BUSY", "5.2", "next-up busy with a customer: skipped, make-up owed (or forfeit by policy)")
ROT_OFFICIAL = _rule("ROT-OFFICIAL", "5.2", "next-up away on official business: make-up, at most one a round")
ROT_ABSENT = _rule("ROT-ABSENT", "5.2", "next-up away for personal reasons or not found: forfeit")
ROT_PASS = _rule("ROT-PASS", "5.2", "next-up passes voluntarily: forfeit, counts toward pass limits")
ROT_MAKEUP = _rule("ROT-MAKEUP", "5.2", "an available person owed a make-up takes the next lead, oldest first")
ROT_CONSUMED = _rule("ROT-CONSUMED", "5.2", "a turn used by a counted out-of-turn reception is passed over once")
ROT_LAST = _rule("ROT-LAST", "5.2", "the last in the rotation helps with an absent colleague's lead")
ROT_NOBODY = _rule("ROT-NOBODY", "5.2", "nobody can take the lead: refused, a manager may assign one")
ROT_OVERRIDE = _rule("ROT-OVERRIDE", "5.2", "a manager assigned the lead")
ROT_DUTY = _rule("ROT-DUTY", "5.2", "outside opening hours the staff on duty receive, not counted")
ROT_FREE = _rule("ROT-FREE", "5.2", "on a declared free day leads are not counted")
# 5.3 What counts
CNT_NEW = _rule("CNT-NEW", "5.3", "a new customer received in turn is counted")
CNT_PARTY = _rule("CNT-PARTY", "5.3", "a party arriving together is one customer, one count")
CNT_REPEAT = _rule("CNT-REPEAT", "5.3", "the same customer again the same day is not counted again")
CNT_SIGNED = _rule("CNT-SIGNED", "5.3", "a signed customer's revisit goes to their salesperson, not counted")
CNT_UNSIGNED = _rule("CNT-UNSIGNED", "5.3", "an unsigned old customer's revisit: counted, uncounted or rotation")
CNT_DESIGNATED = _rule("CNT-DESIGNATED", "5.3", "a customer asking for a salesperson goes to them")
CNT_REFERRAL = _rule("CNT-REFERRAL", "5.3", "老带新 counts as the referral knob says")
CNT_NONCUSTOMER = _rule("CNT-NONCUSTOMER", "5.3", "pitches, press, peers, surveyors: not counted")
CNT_HELP = _rule("CNT-HELP", "5.3", "taking an absent colleague's lead is help, not a turn")
# 5.4 Attribution
ATT_FIRST = _rule("ATT-FIRST", "5.4", "the first registration with name and phone claims the customer")
ATT_PROTECT = _rule("ATT-PROTECT", "5.4", "a claim is protected for a period by its source")
ATT_RENEW = _rule("ATT-RENEW", "5.4", "a follow-up or revisit renews protection; no contact lapses it")
ATT_FAMILY = _rule("ATT-FAMILY", "5.4", "family relations make one customer group; its earliest claim owns it")
ATT_DESIGNATED = _rule("ATT-DESIGNATED", "5.4", "a designated customer received by another: same-day deal is theirs")
ATT_REFERRAL = _rule("ATT-REFERRAL", "5.4", "a referred customer goes to the referrer's salesperson")
ATT_RECOGNISED = _rule("ATT-RECOGNISED", "5.4", "recognised during the reception: handed back, receiver owed a make-up")
ATT_COMPLAINT = _rule("ATT-COMPLAINT", "5.4", "a manager moves a complaining customer to another salesperson")
ATT_DEPARTED = _rule("ATT-DEPARTED", "5.4", "a departed salesperson's customers return to the pool or are reassigned")
ATT_REPORT = _rule("ATT-REPORT", "5.4", "an agency's valid report-in claims the customer; earliest wins")
ATT_INHOUSE = _rule("ATT-INHOUSE", "5.4", "a customer who came in first is protected against agencies for a period")
# 5.5 Splits
SPL_OWNER = _rule("SPL-OWNER", "5.5", "no collision: 100% to the owner")
SPL_STAGE = _rule("SPL-STAGE", "5.5", "by the stage when recognised: original 100, 50/50, closer 100")
SPL_UNAWARE = _rule("SPL-UNAWARE", "5.5", "unknowingly served and closed: the policy's shares")
SPL_HELP = _rule("SPL-HELP", "5.5", "owner absent, helper closed the same day: the policy's shares")
SPL_HELPED_OWNER_CLOSED = _rule("SPL-HELPED-OWNER-CLOSED", "5.5", "a helper received, the owner closed: policy shares")
SPL_KNOWING = _rule("SPL-KNOWING", "5.5", "knowingly took another's customer: original 100 and a fine")
SPL_AGENCY = _rule("SPL-AGENCY", "5.5", "two agencies: by evidence 10/90, 40/60, 50/50")
SPL_HOUSE = _rule("SPL-HOUSE", "5.5", "not ruled in time, or ruled so: the house account")
# 5.6 Disputes
DSP_DETECT = _rule("DSP-DETECT", "5.6", "collisions, two agencies and claims are listed with a stable id")
DSP_WINDOW = _rule("DSP-WINDOW", "5.6", "a claim after the policy's window is late: the closer 100")
DSP_FINAL = _rule("DSP-FINAL", "5.6", "a manager's ruling is final and overrides the proposal")
# 5.7 Penalties and day end
PEN_PASSES = _rule("PEN-PASSES", "5.7", "voluntary passes: a fine after N a day, suspension after M")
PEN_HALF = _rule("PEN-HALF", "5.7", "half rotation: every other round only, for a period")
PEN_SUSPEND = _rule("PEN-SUSPEND", "5.7", "suspended staff are out of the order until the date")
DAY_ROLLOVER = _rule("DAY-ROLLOVER", "5.7", "rollover seals a day, carries the order and runs day-end rules")
# 5.10 The seed systems built last (issue 23): named by the SPEC, not built yet
ROT_PERIOD = _rule("ROT-PERIOD", "5.10", "lobby duty by periods: one duty receptionist a period, in roster order",
                   built=False)
ACC_ROTATE = _rule("ACC-ROTATE", "5.10", "periodic account rotation: a plan, then the manager moves its accounts",
                   built=False)
ACC_LOTTERY = _rule("ACC-LOTTERY", "5.10", "accounts drawn by lot, seeded by the last sealed checkpoint's hash",
                    built=False)
ACC_PERFORMANCE = _rule("ACC-PERFORMANCE", "5.10", "the most valuable accounts to the period's best performers",
                        built=False)
ACC_APPLY = _rule("ACC-APPLY", "5.10", "accounts by application: one applicant gets it, several draw lots",
                  built=False)
ACC_HANDOVER = _rule("ACC-HANDOVER", "5.10", "a moved account's hand-over note and the new owner's first contact",
                     built=False)
ROT_POST = _rule("ROT-POST", "5.10", "the standing post: its holder receives the next walk-in; it passes on "
                 "every shift and at once after a reception", built=False)
INV_COLLISION = _rule("INV-COLLISION", "5.10", "two salespeople on one unit: higher amount, longer term, first "
                      "signed", built=False)
INV_HOLD = _rule("INV-HOLD", "5.10", "a manager's hold for the higher side of a unit collision", built=False)
ATT_CONTACT = _rule("ATT-CONTACT", "5.10", "B2B contact kinds: calls protect nothing; a visit, sample or "
                    "partnership protects", built=False)


def describe(rule_id: str) -> Rule:
    """The registry entry of a rule id; KeyError for an id the SPEC does not have."""
    return RULES[rule_id]
