"""Who receives a new lead: a pure function of the day's floor state.

`decide` reads the state (`state.Day`), the lead, and what attribution knows of
the customer (Context), and returns a Decision naming the receiver, whether it
counted, the rule that decided, and the outcome for everyone passed over. The
decision is recorded in the entry; replay applies it (`replay.apply`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rotactl.core import dates, rules
from rotactl.core.entries import Skip
from rotactl.core.errors import DomainError
from rotactl.core.state import Day, Queue

NONCUSTOMER_KINDS = ("vendor", "press", "peer", "survey")


@dataclass
class Lead:
    queue: str
    at: str
    phone: str = ""
    name: str = ""
    ckind: str = ""                  # "" = a customer; else vendor | press | peer | survey
    designated: str = ""             # --for
    absent: tuple[str, ...] = ()     # --absent
    to: str = ""                     # --to (manager override)


@dataclass
class Context:
    """What attribution says about the lead's customer group at this moment."""

    owner: str = ""            # protected owner (active staff), or ""
    signed: bool = False
    referral_owner: str = ""   # protected owner of the referring customer
    repeat_receiver: str = ""  # who received this customer earlier today
    with_party: str = ""       # who is receiving another member of this customer's family right now


class Candidate(NamedTuple):
    """Someone the decision looked at (`why`): their status then, what they got, and the rule.
    outcome: receives | passes | make-up | forfeit | consumed | excluded (the skips, as recorded) |
    off (not in the day's order, ORD-TRAINEE) | unavailable (an owner, a designated person or a make-up
    holder who could not take it) | passed (walked past on a free day, nothing owed)."""
    staff: str
    status: str
    outcome: str
    rule: str


SKIP_OUTCOMES = ("make-up", "forfeit", "consumed", "excluded")


@dataclass
class Decision:
    receiver: str | None
    counted: bool
    rule: str
    skipped: tuple[Skip, ...] = ()
    claim: str = ""       # whom this registration credits (ATT-FIRST …); "" = claims nothing
    takeover: bool = False  # the claim replaces a protected owner (CNT-UNSIGNED = rotation)
    turn: str = ""        # "walk" | "makeup" | "" — how the receiver's turn was used
    candidates: tuple[Candidate, ...] = ()   # who was looked at, in order (`skipped` is part of it)


def is_customer(lead: Lead, policy) -> bool:
    return not lead.ckind or (lead.ckind == "survey" and policy.counting.surveyors_are_customers)


def after_hours(at: str, policy) -> bool:
    return not (policy.office.opening <= dates.hhmm(at) < policy.office.closing)


class NobodyAvailable(DomainError):
    """ROT-NOBODY: nobody can take the lead; the message says who is where."""

    def __init__(self, day: Day, queue: str):
        self.where = [f"{sid} {day.status(sid, queue)}" for sid in day.queue(queue).seq]
        super().__init__("nobody can take the lead (" + (", ".join(self.where) or "nobody checked in") + ")")


# -- walking the order -----------------------------------------------------------

_skip = Skip


def _official_outcome(day: Day, q: Queue, sid: str) -> Skip:
    """ROT-OFFICIAL: a make-up, at most `official_makeups_per_round` a round."""
    skips = day.policy.skips
    if skips.official != "make-up":
        return _skip(sid, "forfeit", rules.ROT_OFFICIAL)
    rnd, count = q.official.get(sid, (q.round, 0))
    used = count if rnd == q.round else 0
    if skips.official_makeups_per_round and used >= skips.official_makeups_per_round:
        return _skip(sid, "forfeit", rules.ROT_OFFICIAL)
    return _skip(sid, "make-up", rules.ROT_OFFICIAL)


def _busy_outcome(day: Day, sid: str, queue: str) -> Skip:
    """ROT-BUSY: busy with a counted reception; CNT-SIGNED & co.: busy with an uncounted one."""
    counted = any(r.counted for r in day.busy(sid, queue))
    outcome = day.policy.skips.busy if counted else day.policy.skips.busy_uncounted
    return _skip(sid, outcome, rules.ROT_BUSY)


def walk(day: Day, queue: str, absent: tuple[str, ...] = (),
         trace: list | None = None) -> tuple[str | None, tuple[Skip, ...], str]:
    """Walk the order from the next-up; returns (receiver, skipped, rule). `trace`, when given, gets a
    `Candidate` for everyone looked at, in order (the skipped ones, those not in the order, the receiver)."""
    q = day.queue(queue)
    skipped: list[Skip] = []
    fallback = None
    n = len(q.seq)

    def passed(skip: Skip, status: str) -> None:
        skipped.append(skip)
        if trace is not None:
            trace.append(Candidate(skip.staff, status, skip.outcome, skip.rule))

    for i in range(n):
        sid = q.seq[(q.pos + i) % n]
        if not day.in_order(sid):          # ORD-TRAINEE: not checked in, suspended, trainee
            if trace is not None:
                trace.append(Candidate(sid, day.status(sid, queue), "off", rules.ORD_TRAINEE))
            continue
        status = day.status(sid, queue)
        if sid in q.consumed:               # ROT-CONSUMED
            passed(_skip(sid, "consumed", rules.ROT_CONSUMED), status)
            if status == "available" and sid not in absent and fallback is None:
                fallback = sid
            continue
        if day.member(sid).half_on(day.date) and q.round % 2 == 0:   # PEN-HALF: every other round
            passed(_skip(sid, "excluded", rules.PEN_HALF), status)
            continue
        if sid in absent:                   # ROT-ABSENT: the desk could not find them
            passed(_skip(sid, "forfeit", rules.ROT_ABSENT), status)
        elif status == "away":
            if day.person(sid).away == "official":
                passed(_official_outcome(day, q, sid), status)
            else:                           # ROT-ABSENT: away for personal reasons
                passed(_skip(sid, "forfeit", rules.ROT_ABSENT), status)
        elif status == "busy":
            passed(_busy_outcome(day, sid, queue), status)
        else:
            if trace is not None:
                trace.append(Candidate(sid, status, "receives", rules.ROT_NEXT))
            return sid, tuple(skipped), rules.ROT_NEXT
    if fallback is not None:  # a consumed turn never leaves a lead with nobody (SPEC §5.8)
        if trace is not None:
            trace[:] = [Candidate(c.staff, c.status, "receives", rules.ROT_CONSUMED)
                        if c.staff == fallback and c.outcome == "consumed" else c for c in trace]
        return fallback, tuple(s for s in skipped if s.staff != fallback), rules.ROT_CONSUMED
    return None, tuple(skipped), rules.ROT_NOBODY


def makeup_holder(day: Day, queue: str, absent: tuple[str, ...] = (), trace: list | None = None) -> str | None:
    """ROT-MAKEUP: the oldest make-up owed to someone available (`trace`: as for `walk`)."""
    for sid in day.queue(queue).debts:
        if day.in_order(sid) and sid not in absent and day.status(sid, queue) == "available":
            if trace is not None:
                trace.append(Candidate(sid, "available", "receives", rules.ROT_MAKEUP))
            return sid
        if trace is not None and all(c.staff != sid for c in trace):
            trace.append(Candidate(sid, day.status(sid, queue), "unavailable", rules.ROT_MAKEUP))
    return None


def first_available(day: Day, queue: str, exclude: tuple[str, ...] = ()) -> str | None:
    """The first available person from the next-up on, no turn used (duty, non-customers)."""
    q = day.queue(queue)
    n = len(q.seq)
    for i in range(n):
        sid = q.seq[(q.pos + i) % n]
        if sid not in exclude and day.in_order(sid) and day.status(sid, queue) == "available":
            return sid
    return None


def last_in_rotation(day: Day, queue: str, exclude: tuple[str, ...] = ()) -> str | None:
    """ROT-LAST: walk backwards from the next-up; the first available person helps."""
    q = day.queue(queue)
    n = len(q.seq)
    for i in range(1, n + 1):
        sid = q.seq[(q.pos - i) % n]
        if sid not in exclude and day.in_order(sid) and day.status(sid, queue) == "available":
            return sid
    return None


def helper_for(day: Day, queue: str, owner: str, exclude: tuple[str, ...]) -> tuple[str | None, str]:
    """Who receives an owned customer whose owner cannot (ROT-LAST, knob skips.owner_absent)."""
    mode = day.policy.skips.owner_absent
    if mode == "team":
        team = day.member(owner).team if day.member(owner) else ""
        if team:
            q = day.queue(queue)
            for sid in q.seq:
                if (sid not in exclude and day.member(sid).team == team and day.in_order(sid)
                        and day.status(sid, queue) == "available"):
                    return sid, rules.ROT_LAST
    if mode == "next-up":
        return first_available(day, queue, exclude), rules.ROT_LAST
    return last_in_rotation(day, queue, exclude), rules.ROT_LAST


# -- the decision ------------------------------------------------------------------

def _available(day: Day, sid: str, queue: str, absent: tuple[str, ...]) -> bool:
    return bool(sid) and sid not in absent and day.in_order(sid) and day.status(sid, queue) == "available"


def _to_owner(day: Day, lead: Lead, owner: str, rule: str, counted: bool) -> Decision:
    """The customer belongs to `owner`: they receive, or a helper does (not counted, owner keeps the claim)."""
    if _available(day, owner, lead.queue, lead.absent):
        return Decision(owner, counted, rule, claim=owner)
    helper, help_rule = helper_for(day, lead.queue, owner, lead.absent + (owner,))
    if helper is None:
        raise NobodyAvailable(day, lead.queue)
    looked = (_unavailable(day, owner, lead, rule), Candidate(helper, "available", "receives", help_rule))
    return Decision(helper, False, help_rule, claim=owner, candidates=looked)


def _unavailable(day: Day, sid: str, lead: Lead, rule: str) -> Candidate:
    status = "absent" if sid in lead.absent else day.status(sid, lead.queue)
    return Candidate(sid, status, "unavailable", rule)


def rotation(day: Day, lead: Lead) -> Decision:
    """ROT-MAKEUP first, else walk the order (ROT-NEXT and the skip rules); a phone lead as the
    policy's call handling says (`calls.mode`)."""
    if lead.queue == "call" and day.policy.calls.mode != "rotation":
        return call_lead(day, lead)
    trace: list[Candidate] = []
    holder = makeup_holder(day, lead.queue, lead.absent, trace)
    if holder:
        return Decision(holder, True, rules.ROT_MAKEUP, turn="makeup", candidates=tuple(trace))
    receiver, skipped, rule = walk(day, lead.queue, lead.absent, trace)
    if receiver is None:
        raise NobodyAvailable(day, lead.queue)
    return Decision(receiver, True, rule, skipped, turn="walk", candidates=tuple(trace))


def decide(day: Day, lead: Lead, ctx: Context) -> Decision:
    """The receiver of a lead and the rule; on a free day (ROT-FREE) nothing is counted."""
    decision = _decide(day, lead, ctx)
    if day.free and is_customer(lead, day.policy):
        return free_day(decision)
    return decision


def free_day(decision: Decision) -> Decision:
    """ROT-FREE (004 客户管理制度 12 开盘日/解筹日/看楼团): whoever the desk names with --to, else whoever the
    rules give it to, receives; not counted, nobody passed over, no make-up used: the order is untouched,
    the next day continues as if the free day had no counted reception. The customer is credited as usual."""
    looked = tuple(Candidate(c.staff, c.status, "passed", rules.ROT_FREE) if c.outcome in SKIP_OUTCOMES
                   else c._replace(rule=rules.ROT_FREE) if c.outcome == "receives" else c
                   for c in decision.candidates)
    return Decision(decision.receiver, False, rules.ROT_FREE, (), decision.claim, decision.takeover,
                    candidates=looked)


def _decide(day: Day, lead: Lead, ctx: Context) -> Decision:
    policy = day.policy
    counting = policy.counting
    customer = is_customer(lead, policy)
    claims = (customer and bool(lead.phone) and bool(lead.name)    # ATT-FIRST: name and phone …
              and (lead.queue != "call" or policy.protection.call_claims))   # … and calls if the policy says

    def credited(decision: Decision) -> Decision:
        if not claims:
            decision.claim = ""
        elif not decision.claim:
            decision.claim = decision.receiver or ""
        return decision

    if lead.to:                                            # ROT-OVERRIDE
        counted = customer and lead.to != ctx.owner
        return credited(Decision(lead.to, counted, rules.ROT_OVERRIDE, claim=ctx.owner))

    if not customer:                                       # CNT-NONCUSTOMER
        pick = last_in_rotation if counting.noncustomer == "last" else first_available
        receiver = pick(day, lead.queue, lead.absent)
        if receiver is None:
            raise NobodyAvailable(day, lead.queue)
        return Decision(receiver, False, rules.CNT_NONCUSTOMER)

    if ctx.with_party and ctx.with_party not in lead.absent:     # CNT-PARTY: their family is still there
        return credited(Decision(ctx.with_party, False, rules.CNT_PARTY, claim=ctx.owner))

    if ctx.repeat_receiver and _available(day, ctx.repeat_receiver, lead.queue, lead.absent):
        return credited(Decision(ctx.repeat_receiver, counting.repeat_same_day == "counted", rules.CNT_REPEAT,
                                 claim=ctx.owner))       # CNT-REPEAT

    known = _known_customer(day, lead, ctx, credited)
    if known is not None:
        return known

    if policy.skips.after_hours == "duty" and after_hours(lead.at, policy):   # ROT-DUTY
        receiver = first_available(day, lead.queue, lead.absent)
        if receiver is None:
            raise NobodyAvailable(day, lead.queue)
        return credited(Decision(receiver, False, rules.ROT_DUTY))

    return credited(rotation(day, lead))


def _known_customer(day: Day, lead: Lead, ctx: Context, credited) -> Decision | None:
    """A customer someone already has (CNT-SIGNED, CNT-UNSIGNED), brought by an old customer
    (ATT-REFERRAL) or asking for someone (CNT-DESIGNATED, ATT-DESIGNATED): their decision, credited
    (`credited`: whom the registration claims the customer for), or None: the rotation decides."""
    counting = day.policy.counting
    designated = lead.designated
    owner = ctx.owner
    if owner and designated and designated != owner:
        owner = ""  # the customer names someone else: designation decides the reception
    if owner:
        if ctx.signed:                                     # CNT-SIGNED
            return credited(_to_owner(day, lead, owner, rules.CNT_SIGNED, counting.signed_revisit == "counted"))
        if counting.unsigned_revisit != "rotation" or designated:   # CNT-UNSIGNED
            return credited(_to_owner(day, lead, owner, rules.CNT_UNSIGNED,
                                      counting.unsigned_revisit == "counted"))
        decision = credited(rotation(day, lead))           # CNT-UNSIGNED = rotation: a new owner
        decision.takeover = decision.claim != owner
        return decision

    if ctx.referral_owner and counting.referral == "owner" and not designated:   # ATT-REFERRAL
        return credited(_to_owner(day, lead, ctx.referral_owner, rules.ATT_REFERRAL, False))

    if designated:                                         # CNT-DESIGNATED / ATT-DESIGNATED
        if _available(day, designated, lead.queue, lead.absent):
            return credited(Decision(designated, counting.designated == "counted", rules.CNT_DESIGNATED,
                                     claim=designated))
        decision = rotation(day, lead)                     # absent: the next-up receives …
        decision.claim = designated                        # … and the designated person follows up
        decision.candidates = (_unavailable(day, designated, lead, rules.CNT_DESIGNATED),) + decision.candidates
        return credited(decision)
    return None


def call_lead(day: Day, lead: Lead) -> Decision:
    """Call handling (SPEC §6, §5.9), besides the call order of `rotation`:
    next-after-receiver  客户接待管理制度 二10 销售顾问当值时,由下一名次销售顾问负责接听来电: the first available
                         person after the walk-in next-up, whose walk-in turn is kept; counted, so the call
                         uses the receiver's own turn (ROT-CONSUMED) and the next call goes further on;
    duty                 the day's duty person (`duty ID`, else the first in the day's order), not counted;
    day-end              九州名座: calls are logged with no receiver; rollover gives them out in the call order."""
    mode = day.policy.calls.mode
    if mode == "day-end":
        return Decision(None, False, rules.DAY_ROLLOVER)
    if mode == "duty":
        q = day.queue("visit")
        order = [q.seq[(q.pos + i) % len(q.seq)] for i in range(len(q.seq))]
        duty = day.duty or next((s for s in order if day.in_order(s)), "")
        if duty and day.in_order(duty) and duty not in lead.absent and day.status(duty, "call") != "away":
            return Decision(duty, False, rules.ROT_DUTY)
        receiver = first_available(day, "call", lead.absent)
        if receiver is None:
            raise NobodyAvailable(day, "call")
        return Decision(receiver, False, rules.ROT_DUTY)
    walk_in = makeup_holder(day, "visit", lead.absent) or walk(day, "visit", lead.absent)[0]
    q, calls = day.queue("visit"), day.queue("call")
    if walk_in in q.seq:
        start = q.seq.index(walk_in)
        for i in range(1, len(q.seq)):
            sid = q.seq[(start + i) % len(q.seq)]
            if (_available(day, sid, "call", lead.absent) and sid not in calls.consumed
                    and not (q is calls and sid in q.consumed)):
                return Decision(sid, True, rules.CNT_NEW)
    if walk_in is not None:                 # nobody after them: the walk-in next-up answers
        return Decision(walk_in, True, rules.CNT_NEW)
    raise NobodyAvailable(day, "call")


def decide_pass(day: Day, sid: str, queue: str) -> Decision:
    """ROT-PASS: only the next-up may pass; the turn is forfeit."""
    trace: list[Candidate] = []
    holder = makeup_holder(day, queue, trace=trace)
    if holder:
        decision = Decision(holder, False, rules.ROT_PASS, turn="makeup")
    else:
        receiver, skipped, _rule = walk(day, queue, trace=trace)
        decision = Decision(receiver, False, rules.ROT_PASS, skipped, turn="walk")
    decision.candidates = tuple(c._replace(outcome="passes", rule=rules.ROT_PASS) if c.outcome == "receives" else c
                                for c in trace)
    if decision.receiver != sid:
        who = decision.receiver or "nobody"
        raise DomainError(f"only the next-up can pass; the next-up is {who}")
    return decision


def next_view(day: Day, queue: str, at: str) -> dict:
    """`next`: who would receive a new lead now, and the order behind them."""
    q = day.queue(queue)
    try:
        decision = decide(day, Lead(queue, at), Context())
        nxt = decision.receiver
    except NobodyAvailable:
        nxt = None
    n = len(q.seq)
    ordered = [q.seq[(q.pos + i) % n] for i in range(n)]
    if nxt in ordered:
        ordered.remove(nxt)
        ordered.insert(0, nxt)
    present = [s for s in ordered if day.in_order(s)]
    others = [s for s in ordered if s not in present]
    others += [s for s, m in day.carry.roster.items() if m.in_rotation() and s not in ordered]
    order = [{"staff": s, "status": day.status(s, queue), "owed": q.debts.count(s)} for s in present + others]
    return {"queue": queue, "next": nxt, "order": order, "round": q.round}
