"""Who receives a new lead: a pure function of the day's floor state.

`decide` reads the state (floor.Day), the lead, and what attribution knows of
the customer (Context), and returns a Decision naming the receiver, whether it
counted, the rule that decided, and the outcome for everyone passed over. The
shell records the Decision as an entry; replay applies it (floor.apply).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rotactl import clock
from rotactl.errors import DomainError
from rotactl.floor import Day, Queue

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


@dataclass
class Decision:
    receiver: str | None
    counted: bool
    rule: str
    skipped: list[dict] = field(default_factory=list)
    claim: str = ""       # whom this registration credits (ATT-FIRST …); "" = claims nothing
    takeover: bool = False  # the claim replaces a protected owner (CNT-UNSIGNED = rotation)
    turn: str = ""        # "walk" | "makeup" | "" — how the receiver's turn was used


def is_customer(lead: Lead, policy) -> bool:
    return not lead.ckind or (lead.ckind == "survey" and policy.counting.surveyors_are_customers)


def after_hours(at: str, policy) -> bool:
    return not (policy.office.opening <= clock.hhmm(at) < policy.office.closing)


# -- walking the order -----------------------------------------------------------

def _skip(sid: str, outcome: str, rule: str) -> dict:
    return {"staff": sid, "outcome": outcome, "rule": rule}


def _official_outcome(day: Day, q: Queue, sid: str) -> dict:
    """ROT-OFFICIAL: a make-up, at most `official_makeups_per_round` a round."""
    skips = day.policy.skips
    if skips.official != "make-up":
        return _skip(sid, "forfeit", "ROT-OFFICIAL")
    rnd, count = q.official.get(sid, (q.round, 0))
    used = count if rnd == q.round else 0
    if skips.official_makeups_per_round and used >= skips.official_makeups_per_round:
        return _skip(sid, "forfeit", "ROT-OFFICIAL")
    return _skip(sid, "make-up", "ROT-OFFICIAL")


def _busy_outcome(day: Day, sid: str, queue: str) -> dict:
    """ROT-BUSY: busy with a counted reception; CNT-SIGNED & co.: busy with an uncounted one."""
    counted = any(r.counted for r in day.busy(sid, queue))
    outcome = day.policy.skips.busy if counted else day.policy.skips.busy_uncounted
    return _skip(sid, outcome, "ROT-BUSY")


def walk(day: Day, queue: str, absent: tuple[str, ...] = ()) -> tuple[str | None, list[dict], str]:
    """Walk the order from the next-up; returns (receiver, skipped, rule)."""
    q = day.queue(queue)
    skipped: list[dict] = []
    fallback = None
    n = len(q.seq)
    for i in range(n):
        sid = q.seq[(q.pos + i) % n]
        if not day.in_order(sid):          # ORD-TRAINEE: not checked in, suspended, trainee
            continue
        status = day.status(sid, queue)
        if sid in q.consumed:               # ROT-CONSUMED
            skipped.append(_skip(sid, "consumed", "ROT-CONSUMED"))
            if status == "available" and sid not in absent and fallback is None:
                fallback = sid
            continue
        if day.member(sid).half_on(day.date) and q.round % 2 == 0:   # PEN-HALF: every other round
            skipped.append(_skip(sid, "excluded", "PEN-HALF"))
            continue
        if sid in absent:                   # ROT-ABSENT: the desk could not find them
            skipped.append(_skip(sid, "forfeit", "ROT-ABSENT"))
        elif status == "away":
            if day.person(sid).away == "official":
                skipped.append(_official_outcome(day, q, sid))
            else:                           # ROT-ABSENT: away for personal reasons
                skipped.append(_skip(sid, "forfeit", "ROT-ABSENT"))
        elif status == "busy":
            skipped.append(_busy_outcome(day, sid, queue))
        else:
            return sid, skipped, "ROT-NEXT"
    if fallback is not None:  # a consumed turn never leaves a lead with nobody (SPEC §5.8)
        return fallback, [s for s in skipped if s["staff"] != fallback], "ROT-CONSUMED"
    return None, skipped, "ROT-NOBODY"


def makeup_holder(day: Day, queue: str, absent: tuple[str, ...] = ()) -> str | None:
    """ROT-MAKEUP: the oldest make-up owed to someone available."""
    for sid in day.queue(queue).debts:
        if day.in_order(sid) and sid not in absent and day.status(sid, queue) == "available":
            return sid
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
                    return sid, "ROT-LAST"
    if mode == "next-up":
        return first_available(day, queue, exclude), "ROT-LAST"
    return last_in_rotation(day, queue, exclude), "ROT-LAST"


def nobody(day: Day, queue: str) -> DomainError:
    where = [f"{sid} {day.status(sid, queue)}" for sid in day.queue(queue).seq]
    return DomainError("nobody can take the lead (" + (", ".join(where) or "nobody checked in")
                       + "); a manager may assign one with --to")


# -- the decision ------------------------------------------------------------------

def _available(day: Day, sid: str, queue: str, absent: tuple[str, ...]) -> bool:
    return bool(sid) and sid not in absent and day.in_order(sid) and day.status(sid, queue) == "available"


def _to_owner(day: Day, lead: Lead, owner: str, rule: str, counted: bool) -> Decision:
    """The customer belongs to `owner`: they receive, or a helper does (not counted, owner keeps the claim)."""
    if _available(day, owner, lead.queue, lead.absent):
        return Decision(owner, counted, rule, claim=owner)
    helper, help_rule = helper_for(day, lead.queue, owner, lead.absent + (owner,))
    if helper is None:
        raise nobody(day, lead.queue)
    return Decision(helper, False, help_rule, claim=owner)


def rotation(day: Day, lead: Lead) -> Decision:
    """ROT-MAKEUP first, else walk the order (ROT-NEXT and the skip rules)."""
    holder = makeup_holder(day, lead.queue, lead.absent)
    if holder:
        return Decision(holder, True, "ROT-MAKEUP", turn="makeup")
    receiver, skipped, rule = walk(day, lead.queue, lead.absent)
    if receiver is None:
        raise nobody(day, lead.queue)
    return Decision(receiver, True, rule, skipped, turn="walk")


def decide(day: Day, lead: Lead, ctx: Context) -> Decision:
    policy = day.policy
    counting = policy.counting
    customer = is_customer(lead, policy)
    claims = customer and bool(lead.phone) and bool(lead.name)   # ATT-FIRST: name and phone

    def credited(decision: Decision) -> Decision:
        if not claims:
            decision.claim = ""
        elif not decision.claim:
            decision.claim = decision.receiver or ""
        return decision

    if lead.to:                                            # ROT-OVERRIDE
        counted = customer and lead.to != ctx.owner
        return credited(Decision(lead.to, counted, "ROT-OVERRIDE", claim=ctx.owner))

    if not customer:                                       # CNT-NONCUSTOMER
        pick = last_in_rotation if counting.noncustomer == "last" else first_available
        receiver = pick(day, lead.queue, lead.absent)
        if receiver is None:
            raise nobody(day, lead.queue)
        return Decision(receiver, False, "CNT-NONCUSTOMER")

    if ctx.repeat_receiver and _available(day, ctx.repeat_receiver, lead.queue, lead.absent):
        return credited(Decision(ctx.repeat_receiver, counting.repeat_same_day == "counted", "CNT-REPEAT",
                                 claim=ctx.owner))       # CNT-REPEAT

    designated = lead.designated
    owner = ctx.owner
    if owner and designated and designated != owner:
        owner = ""  # the customer names someone else: designation decides the reception
    if owner:
        if ctx.signed:                                     # CNT-SIGNED
            return credited(_to_owner(day, lead, owner, "CNT-SIGNED", counting.signed_revisit == "counted"))
        if counting.unsigned_revisit != "rotation" or designated:   # CNT-UNSIGNED
            return credited(_to_owner(day, lead, owner, "CNT-UNSIGNED",
                                      counting.unsigned_revisit == "counted"))
        decision = credited(rotation(day, lead))           # CNT-UNSIGNED = rotation: a new owner
        decision.takeover = decision.claim != owner
        return decision

    if ctx.referral_owner and counting.referral == "owner" and not designated:   # ATT-REFERRAL
        decision = _to_owner(day, lead, ctx.referral_owner, "ATT-REFERRAL", False)
        return credited(decision)

    if designated:                                         # CNT-DESIGNATED / ATT-DESIGNATED
        if _available(day, designated, lead.queue, lead.absent):
            return credited(Decision(designated, counting.designated == "counted", "CNT-DESIGNATED",
                                     claim=designated))
        decision = rotation(day, lead)                     # absent: the next-up receives …
        decision.claim = designated                        # … and the designated person follows up
        return credited(decision)

    if policy.skips.after_hours == "duty" and after_hours(lead.at, policy):   # ROT-DUTY
        receiver = first_available(day, lead.queue, lead.absent)
        if receiver is None:
            raise nobody(day, lead.queue)
        return credited(Decision(receiver, False, "ROT-DUTY"))

    return credited(rotation(day, lead))


def decide_pass(day: Day, sid: str, queue: str) -> Decision:
    """ROT-PASS: only the next-up may pass; the turn is forfeit."""
    holder = makeup_holder(day, queue)
    if holder:
        decision = Decision(holder, False, "ROT-PASS", turn="makeup")
    else:
        receiver, skipped, _rule = walk(day, queue)
        decision = Decision(receiver, False, "ROT-PASS", skipped, turn="walk")
    if decision.receiver != sid:
        who = decision.receiver or "nobody"
        raise DomainError(f"only the next-up can pass; the next-up is {who}")
    return decision


def pass_penalty(day: Day, sid: str, at: str) -> dict:
    """PEN-PASSES: fines and suspension by the day's count of voluntary passes."""
    pen = day.policy.penalties
    idle = day.policy.skips.free_pass_idle_minutes
    person = day.person(sid)
    if idle and person.since and clock.minutes_between(person.since, at) >= idle:
        return {"free": "1"}
    count = day.passes.get(sid, 0) + 1
    if pen.pass_suspend_at and count >= pen.pass_suspend_at:
        return {"suspend_days": str(pen.pass_suspend_days), "rule": "PEN-PASSES"}
    if pen.pass_fine_at and count >= pen.pass_fine_at:
        return {"fine": str(pen.pass_fine_yuan), "rule": "PEN-PASSES"}
    return {}


def next_view(day: Day, queue: str, at: str) -> dict:
    """`next`: who would receive a new lead now, and the order behind them."""
    q = day.queue(queue)
    try:
        decision = decide(day, Lead(queue, at), Context())
        nxt = decision.receiver
    except DomainError:
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
