"""The desk's decisions, one pure call per command: register, handover, pass.

Each takes the replayed day (and, for register, the customer's group), decides
with the rules of `rotation`, `attribution` and `penalties`, and returns the
typed entry to append with what the command reports. The shell appends it.
"""
from __future__ import annotations

from dataclasses import dataclass

from rotactl.core import attribution, dates, rules
from rotactl.core.dates import minute_of
from rotactl.core.entries import Handover, Pass, Reception, Skip
from rotactl.core.errors import DomainError
from rotactl.core.penalties import pass_penalty
from rotactl.core.phones import mask
from rotactl.core.rotation import Context, Decision, Lead, decide, decide_pass, is_customer
from rotactl.core.state import Day


@dataclass
class Registration:
    entry: Reception            # the decided reception, ready to append
    decision: Decision
    owner: str | None           # the group's owner after this entry
    protected_until: str | None
    channel: str | None         # the agency credited after this entry


def _active(day: Day, sid: str | None) -> bool:
    member = day.carry.roster.get(sid or "")
    return member is not None and member.active


def register(day: Day, pending: Reception, group=None, referrer=None) -> Registration:
    """Decide who receives a lead. `group`: the customer's (members, entries) including `pending`;
    `referrer`: the referring customer's (members, entries) (ATT-REFERRAL)."""
    policy, at = day.policy, pending.at
    gone = attribution.departed(day.carry)
    lead = Lead(pending.kind, at, pending.phone, pending.name, pending.ckind, pending.designated,
                pending.absent, pending.to)
    ctx = Context()
    replay = None
    if group is not None:
        members, records = group
        replay = attribution.Replay(policy, gone)       # the group's attribution, replayed once
        for record in records:
            if record is not pending:
                replay.apply(record)
        before = replay.settle(at)
        if is_customer(lead, policy):
            if before.owner and _active(day, before.owner):
                ctx.owner = before.owner
            ctx.signed = before.signed
            ctx.repeat_receiver = next((day.seen[m] for m in members if m in day.seen), "")
            family = set(members) - {pending.phone}          # CNT-PARTY: a relative's receiver still with them
            ctx.with_party = next((sid for sid, person in day.people.items()
                                   if any(r.phone in family for r in person.receiving)), "")
    if referrer is not None:
        ref = attribution.attribute(referrer[1], policy, at, gone)
        if ref.owner and _active(day, ref.owner):
            ctx.referral_owner = ref.owner
    decision = decide(day, lead, ctx)
    entry = pending.replace(receiver=decision.receiver or "", counted=decision.counted, rule=decision.rule,
                            skipped=decision.skipped, claim=decision.claim, takeover=decision.takeover)
    owner = until = agency = None
    if replay is not None:
        replay.apply(entry)                              # … and with the decided entry
        after = replay.settle(at)
        owner, until = after.owner, after.protected_until
        agency = attribution.channel([entry if r is pending else r for r in group[1]], policy, at).agency
    return Registration(entry, decision, owner, until, agency)


def find_reception(day: Day, ref: str = "", phone: str = "") -> Reception:
    """Today's reception by its entry id, else the latest of the phone."""
    if ref in day.receptions:
        return day.receptions[ref]
    found = [r for r in day.receptions.values() if r.phone == phone]
    if not found:
        raise DomainError(f"no reception of {mask(phone)} today")
    return found[-1]


def handover(day: Day, reception: Reception, taker: str, at: str, actor: str) -> Handover:
    """ATT-RECOGNISED: during the reception, the receiver hands a colleague's customer back;
    the receiver is owed a make-up, the colleague's turn is used as the policy says."""
    giver = reception.receiver
    if not giver or reception.id not in [r.entry for r in day.person(giver).receiving]:
        raise DomainError("that reception is over; hand over only during it")
    if giver == taker:
        raise DomainError(f"{taker} is already receiving that customer")
    limit = day.policy.counting.handover_minutes          # ATT-RECOGNISED: 轮岗3 八 10 minutes
    if limit and dates.minutes_between(reception.at, at) > limit:
        began = minute_of(reception.at)[11:]
        raise DomainError(f"the reception began at {began}, more than {limit} minutes ago: too late "
                          f"to hand back (ATT-RECOGNISED); {giver} keeps the customer and the dispute rules apply")
    counted = day.policy.counting.handover == "counted"
    return Handover(at=at, actor=actor, ref=reception.id, phone=reception.phone, staff=giver, receiver=taker,
                    counted=counted, rule=rules.ATT_RECOGNISED,
                    skipped=(Skip(giver, "make-up", rules.ATT_RECOGNISED),))


def pass_turn(day: Day, sid: str, queue: str, at: str, actor: str) -> Pass:
    """ROT-PASS for the next-up only, with the pass limits of PEN-PASSES."""
    decision = decide_pass(day, sid, queue)
    penalty = pass_penalty(day, sid, at, queue)
    return Pass(at=at, actor=actor, staff=sid, queue=queue, turn=decision.turn, skipped=decision.skipped,
                rule=penalty.rule or rules.ROT_PASS, free=penalty.free, fine=penalty.fine,
                suspend_days=penalty.suspend_days)
